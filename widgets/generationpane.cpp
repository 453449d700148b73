#include "generationpane.h"

#include "collabbenchdialog.h"
#include "decode/heldoutarithmetic.h"
#include "decode/tokenizercompatibility.h"
#include "joberrordialog.h"
#include "jobs/error.h"
#include "jobs/jobrunner.h"
#include "jobs/mismatcherror.h"
#include "presentationscale.h"
#include "tokenstreamview.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTextEdit>
#include <QVBoxLayout>
#include <cmath>
#include <limits>
#include <utility>

namespace nwc {
namespace {

/// The default set's showcase question as a prompt, or a story opening when the demo files are
/// missing.
QString firstStartPrompt() {
    try {
        const BuiltInQaSet &set = builtInQaSets().first();
        QString prompt;
        builtInQuestion(set, set.showcaseQuestion, &prompt);
        return prompt;
    } catch (const Error &) {
        return QStringLiteral("Once upon a time");
    }
}

constexpr double kAlphaStep = 0.05;
const QString kChooseFile = QStringLiteral("::file");
const QString kChooseFolder = QStringLiteral("::folder");

// A child of `parent` holding `widgets` side by side, without margins, 4 px apart.
QWidget *compactRow(std::initializer_list<QWidget *> widgets, QWidget *parent) {
    auto *box = new QWidget(parent);
    auto *layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    for (QWidget *widget : widgets)
        layout->addWidget(widget);
    return box;
}

// `field` after its label `label` (the label's buddy).
QWidget *labelled(const QString &label, QWidget *field, QWidget *parent) {
    auto *text = new QLabel(label, parent);
    text->setBuddy(field);
    return compactRow({text, field}, parent);
}

// A row of controls 12 px apart: the labelled `fields`, a stretch, then `buttons`.
QHBoxLayout *controlRow(std::initializer_list<std::pair<QString, QWidget *>> fields,
                        std::initializer_list<QWidget *> buttons, QWidget *parent) {
    auto *row = new QHBoxLayout;
    row->setSpacing(12);
    for (const auto &[label, field] : fields)
        row->addWidget(labelled(label, field, parent));
    row->addStretch(1);
    for (QWidget *button : buttons)
        row->addWidget(button);
    return row;
}

GenerationResult toGenerationResult(const CollaborativeResult &result, double prefillSeconds,
                                    double decodeSeconds) {
    GenerationResult generation;
    generation.prompt = result.prompt;
    generation.completion = result.completion;
    generation.promptIds = result.promptIds;
    generation.generatedIds = result.generatedIds;
    generation.stoppedAtEos = result.stoppedAtEos;
    generation.prefillSeconds = prefillSeconds;
    generation.decodeSeconds = decodeSeconds;
    return generation;
}

} // namespace

/// What one generation job hands back: both columns' results and the student's timing.
struct GenerationPane::Outcome {
    CollaborativeResult alone;
    std::optional<CollaborativeResult> together;
    QString togetherError; ///< why the collaborative column stopped or never ran
    double prefillSeconds = 0;
    double decodeSeconds = 0;
};

GenerationPane::GenerationPane(JobRunner *runner, QWidget *parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_teacherSpec(QStringLiteral("demo:teacher"))
    , m_modelLabel(new QLabel(this))
    , m_prompt(new QPlainTextEdit(this))
    , m_maxTokens(new QSpinBox(this))
    , m_temperature(new QDoubleSpinBox(this))
    , m_topK(new QSpinBox(this))
    , m_topP(new QDoubleSpinBox(this))
    , m_seed(new QSpinBox(this))
    , m_teacherCombo(new QComboBox(this))
    , m_alphaSlider(new QSlider(Qt::Horizontal, this))
    , m_alpha(new QDoubleSpinBox(this))
    , m_steered(new QSpinBox(this))
    , m_rule(new QComboBox(this))
    , m_tau(new QDoubleSpinBox(this))
    , m_generate(new QPushButton(tr("&Generate"), this))
    , m_stop(new QPushButton(tr("&Stop"), this))
    , m_benchmark(new QPushButton(tr("Run &Benchmark…"), this))
    , m_studentView(new TokenStreamView(tr("Student alone"), QStringLiteral("output"), this))
    , m_collaborativeView(
          new TokenStreamView(QString(), QStringLiteral("collaborativeOutput"), this))
    , m_status(new QLabel(this)) {
    QFont headerFont = m_modelLabel->font();
    headerFont.setBold(true);
    m_modelLabel->setFont(headerFont);

    m_prompt->setObjectName(QStringLiteral("prompt"));
    m_prompt->setPlaceholderText(tr("Prompt (Ctrl+Return generates)"));
    m_prompt->setTabChangesFocus(true);
    // Model input, not interface text: at a first start, the built-in question on which the demo
    // teacher's first tokens flip the student's answer (a story opening without the demo files).
    m_prompt->setPlainText(firstStartPrompt());
    const auto fitPrompt = [this] {
        m_prompt->setFixedHeight(m_prompt->fontMetrics().lineSpacing() * 3 + 12);
    };
    fitPrompt();
    // Queued: the widgets get the new application font through posted events.
    connect(PresentationScale::instance(), &PresentationScale::factorChanged, this, fitPrompt,
            Qt::QueuedConnection);

    m_maxTokens->setObjectName(QStringLiteral("maxTokens"));
    m_maxTokens->setRange(1, 8192);
    m_maxTokens->setValue(48);
    m_maxTokens->setToolTip(tr("Stop after this many new tokens"));
    m_temperature->setObjectName(QStringLiteral("temperature"));
    m_temperature->setRange(0.0, 5.0);
    m_temperature->setSingleStep(0.05);
    m_temperature->setDecimals(2);
    m_temperature->setValue(0.0); // greedy: the first-start question shows the same flip every time
    m_temperature->setSpecialValueText(tr("greedy"));
    m_temperature->setToolTip(tr("Sampling temperature of the student (both columns, after the "
                                 "first N tokens on the right); 0 always picks the most likely "
                                 "token"));
    m_topK->setRange(0, 100000);
    m_topK->setValue(0);
    m_topK->setSpecialValueText(tr("off"));
    m_topK->setToolTip(tr("Sample only among the k most likely tokens (0 = off)"));
    m_topP->setRange(0.01, 1.0);
    m_topP->setSingleStep(0.05);
    m_topP->setDecimals(2);
    m_topP->setValue(1.0);
    m_topP->setToolTip(tr("Nucleus sampling: the smallest set of tokens whose probability "
                          "reaches p (1 = off)"));
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(42);
    m_seed->setToolTip(tr("Random seed; the same seed and settings give the same text"));

    m_teacherCombo->setObjectName(QStringLiteral("teacherCombo"));
    m_teacherCombo->setToolTip(tr("The model that steers the student's first N tokens; it must "
                                  "share the student's tokenizer (a .nwc container works too)"));
    m_teacherCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_teacherCombo->addItem(QStringLiteral("demo:teacher"), QStringLiteral("demo:teacher"));
    m_teacherCombo->addItem(QStringLiteral("demo:student"), QStringLiteral("demo:student"));
    m_teacherCombo->insertSeparator(m_teacherCombo->count());
    m_teacherCombo->addItem(tr("Model file or .nwc…"), kChooseFile);
    m_teacherCombo->addItem(tr("Model folder…"), kChooseFolder);

    m_alphaSlider->setObjectName(QStringLiteral("alphaSlider"));
    m_alphaSlider->setRange(int(std::lround(-1 / kAlphaStep)), int(std::lround(3 / kAlphaStep)));
    m_alphaSlider->setPageStep(int(std::lround(0.25 / kAlphaStep)));
    m_alphaSlider->setMinimumWidth(140);
    m_alphaSlider->setToolTip(tr("S = p_s + α (p_t − p_s): 0 = student, 1 = teacher's token, "
                                 "> 1 over-trusts the teacher, < 0 pushes away from it"));
    m_alpha->setObjectName(QStringLiteral("alpha"));
    m_alpha->setRange(-10, 10);
    m_alpha->setSingleStep(kAlphaStep);
    m_alpha->setDecimals(2);
    m_alpha->setToolTip(m_alphaSlider->toolTip());
    m_steered->setObjectName(QStringLiteral("steeredTokens"));
    m_steered->setRange(0, 4096);
    m_steered->setToolTip(tr("N: how many first tokens the teacher steers; the student goes on "
                             "alone afterwards"));
    m_rule->setObjectName(QStringLiteral("ruleCombo"));
    m_rule->addItem(tr("fixed α"), collaborativeModeName(CollaborativeMode::FixedAlpha));
    m_rule->addItem(tr("gated α"), collaborativeModeName(CollaborativeMode::GatedAlpha));
    m_rule->setToolTip(tr("Gated: α_eff = 0 (the student decides) where its entropy H(p_s) is "
                          "below τ"));
    m_tau->setObjectName(QStringLiteral("tau"));
    m_tau->setRange(0, 20);
    m_tau->setSingleStep(0.05);
    m_tau->setDecimals(2);
    m_tau->setSuffix(tr(" nats"));
    m_tau->setToolTip(m_rule->toolTip());

    CollaborativeSettings defaults;
    defaults.steeredTokens = 5;
    setCollaborativeSettings(defaults);

    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_generate->setDefault(true);
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_stop->setToolTip(tr("Stop the running generation (Esc)"));
    m_benchmark->setObjectName(QStringLiteral("benchmarkButton"));

    QHBoxLayout *controls = controlRow({{tr("Max tokens"), m_maxTokens},
                                        {tr("Temperature"), m_temperature},
                                        {tr("Top-k"), m_topK},
                                        {tr("Top-p"), m_topP},
                                        {tr("Seed"), m_seed}},
                                       {m_generate, m_stop}, this);
    QHBoxLayout *collabControls = controlRow({{tr("Teacher"), m_teacherCombo},
                                              {tr("α"), compactRow({m_alphaSlider, m_alpha}, this)},
                                              {tr("N"), m_steered},
                                              {tr("Rule"), m_rule},
                                              {tr("τ"), m_tau}},
                                             {m_benchmark}, this);

    auto *columns = new QSplitter(Qt::Horizontal, this);
    columns->setChildrenCollapsible(false);
    columns->addWidget(m_studentView);
    columns->addWidget(m_collaborativeView);

    m_status->setObjectName(QStringLiteral("generationStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_modelLabel);
    layout->addWidget(m_prompt);
    layout->addLayout(controls);
    layout->addLayout(collabControls);
    layout->addWidget(createTokenLegend(this));
    layout->addWidget(columns, 1);
    layout->addWidget(m_status);

    connect(m_generate, &QPushButton::clicked, this, &GenerationPane::generate);
    connect(m_stop, &QPushButton::clicked, this, &GenerationPane::stop);
    connect(m_benchmark, &QPushButton::clicked, this, &GenerationPane::runBenchmark);
    auto *generateShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    generateShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(generateShortcut, &QShortcut::activated, this, &GenerationPane::generate);
    auto *stopShortcut = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    stopShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(stopShortcut, &QShortcut::activated, this, &GenerationPane::stop);

    connect(m_alphaSlider, &QSlider::valueChanged, this,
            [this](int value) { m_alpha->setValue(value * kAlphaStep); });
    connect(m_alpha, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        setAlphaQuietly(value);
        updateTitles();
    });
    connect(m_steered, &QSpinBox::valueChanged, this, [this] { updateTitles(); });
    connect(m_tau, &QDoubleSpinBox::valueChanged, this, [this] { updateTitles(); });
    connect(m_rule, &QComboBox::currentIndexChanged, this, [this] {
        updateTitles();
        updateEnabled();
    });
    connect(m_teacherCombo, &QComboBox::activated, this, [this](int index) {
        const QString data = m_teacherCombo->itemData(index).toString();
        if (data == kChooseFile)
            chooseTeacherFile();
        else if (data == kChooseFolder)
            chooseTeacherFolder();
        else if (data != m_teacherSpec || (!m_teacher && m_teacherJob == 0))
            chooseTeacher(data);
        // The combo shows the teacher in use, also after a cancelled file dialog.
        const int current = m_teacherCombo->findData(m_teacherSpec);
        if (current >= 0)
            m_teacherCombo->setCurrentIndex(current);
    });

    setModel(nullptr, tr("No model is open."));
}

GenerationPane::~GenerationPane() = default;

void GenerationPane::setModel(LanguageModelPtr model, const QString &unavailableReason) {
    stop();
    m_model = std::move(model);
    m_unavailableReason = unavailableReason;
    if (m_model) {
        m_status->setText(tr("Ready."));
        if (!m_teacher && m_teacherJob == 0 && m_teacherError.isEmpty())
            setTeacherSpec(m_teacherSpec);
    } else {
        m_status->clear();
    }
    checkCompatibility();
    generateIfWaiting();
}

void GenerationPane::restoreTeacherSpec(const QString &spec) {
    if (spec.isEmpty() || spec == m_teacherSpec)
        return;
    if (m_model || m_teacherJob != 0 || m_teacher) {
        setTeacherSpec(spec);
        return;
    }
    m_teacherSpec = spec;
    addTeacherChoice(spec);
    m_teacherCombo->setCurrentIndex(m_teacherCombo->findData(spec));
}

void GenerationPane::addTeacherChoice(const QString &spec) {
    if (m_teacherCombo->findData(spec) >= 0)
        return;
    const QSignalBlocker blocker(m_teacherCombo);
    const QFileInfo file(spec);
    const int separator = m_teacherCombo->findData(kChooseFile) - 1;
    m_teacherCombo->insertItem(separator, file.exists() ? file.fileName() : spec, spec);
    m_teacherCombo->setItemData(separator, QDir::toNativeSeparators(spec), Qt::ToolTipRole);
}

void GenerationPane::setTeacherSpec(const QString &spec) {
    if (spec.isEmpty())
        return;
    m_reportTeacherProblems = false;
    stop();
    m_teacherSpec = spec;
    m_teacher.reset();
    m_teacherError.clear();
    addTeacherChoice(spec);
    m_teacherCombo->setCurrentIndex(m_teacherCombo->findData(spec));
    const QFileInfo file(spec);
    m_teacherJob = m_runner->start(
        tr("Load teacher %1").arg(file.exists() ? file.fileName() : spec),
        QStringLiteral("teacher:%1").arg(quintptr(this), 0, 16), this,
        // On the student's device (the open model's compute options), so both run together.
        [spec,
         compute = m_model ? m_model->computeOptions() : ComputeOptions()](JobContext &context) {
            return LanguageModelPtr(LanguageModel::load(spec, QString(), &context, compute));
        },
        JobHandlers<LanguageModelPtr>{[this](const LanguageModelPtr &teacher) {
                                          m_teacherJob = 0;
                                          m_teacher = teacher;
                                          checkCompatibility();
                                          reportTeacherProblem(JobError());
                                          Q_EMIT teacherLoaded();
                                          generateIfWaiting();
                                      },
                                      [this](const JobError &error) {
                                          m_teacherJob = 0;
                                          m_teacherError = error.message;
                                          checkCompatibility();
                                          reportTeacherProblem(error);
                                          Q_EMIT teacherLoadFailed(error.message);
                                          generateIfWaiting();
                                      },
                                      [this] {
                                          m_teacherJob = 0;
                                          m_teacherError = tr("loading was cancelled");
                                          checkCompatibility();
                                          Q_EMIT teacherLoadFailed(m_teacherError);
                                          generateIfWaiting();
                                      }});
    checkCompatibility();
}

void GenerationPane::generateWhenReady() {
    m_generateWhenReady = true;
    generateIfWaiting();
}

void GenerationPane::generateIfWaiting() {
    // Ready: a model, and its teacher loaded or known not to load (the left column still runs).
    const bool teacherSettled = m_teacher || (m_teacherJob == 0 && !m_teacherError.isEmpty());
    if (!m_generateWhenReady || !m_model || !teacherSettled || isGenerating())
        return;
    m_generateWhenReady = false;
    generate();
}

void GenerationPane::chooseTeacherFile() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Choose Teacher Model"), QString(),
        tr("Models (*.nwc *.safetensors *.bin *.gguf *.pt);;All files (*)"));
    if (!path.isEmpty())
        chooseTeacher(path);
}

void GenerationPane::chooseTeacherFolder() {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Choose Teacher Model Folder"));
    if (!path.isEmpty())
        chooseTeacher(path);
}

void GenerationPane::chooseTeacher(const QString &spec) {
    setTeacherSpec(spec);
    m_reportTeacherProblems = m_teacherJob != 0;
}

void GenerationPane::reportTeacherProblem(const JobError &loadError) {
    if (!m_reportTeacherProblems)
        return;
    m_reportTeacherProblems = false;
    if (!loadError.message.isEmpty()) {
        JobErrorDialog::show(this, tr("Teacher Model"),
                             tr("Could not load the teacher %1: %2").arg(m_teacherSpec, loadError),
                             loadError);
    } else if (!m_incompatibility.isEmpty() && m_model && m_teacher) {
        JobError mismatch;
        mismatch.message = m_incompatibility;
        mismatch.mismatch = MismatchKind::TokenizerMismatch;
        mismatch.details = m_incompatibilityDetails;
        JobErrorDialog::show(
            this, tr("Teacher Model"),
            tr("%1 cannot steer %2: %3")
                .arg(m_teacher->displayName(), m_model->displayName(), m_incompatibility),
            mismatch);
    }
}

void GenerationPane::checkCompatibility() {
    m_incompatibility.clear();
    m_incompatibilityDetails.clear();
    if (m_model && m_teacher) {
        try {
            requireCompatibleTokenizers(m_model->tokenizer(), m_teacher->tokenizer(),
                                        m_model->displayName(), m_teacher->displayName());
        } catch (const MismatchError &error) {
            m_incompatibility = error.message();
            m_incompatibilityDetails = error.details();
        } catch (const Error &error) {
            m_incompatibility = error.message();
        }
    }
    updateTitles();
    updateEnabled();
}

QString GenerationPane::collaborativeUnavailableReason() const {
    if (!m_model)
        return m_unavailableReason;
    if (m_teacherJob != 0)
        return tr("Loading the teacher %1…").arg(m_teacherSpec);
    if (!m_teacher)
        return tr("The teacher %1 could not be loaded: %2. Choose another teacher above.")
            .arg(m_teacherSpec, m_teacherError);
    if (!m_incompatibility.isEmpty())
        return tr("Cannot steer %1 with %2: %3. Choose a teacher with the same tokenizer.")
            .arg(m_model->displayName(), m_teacher->displayName(), m_incompatibility);
    return QString();
}

void GenerationPane::setPrompt(const QString &prompt) {
    m_prompt->setPlainText(prompt);
}

QString GenerationPane::prompt() const {
    return m_prompt->toPlainText();
}

SamplingSettings GenerationPane::settings() const {
    SamplingSettings settings;
    settings.maxTokens = m_maxTokens->value();
    settings.temperature = m_temperature->value();
    settings.topK = m_topK->value();
    settings.topP = m_topP->value();
    settings.seed = quint64(m_seed->value());
    return settings;
}

void GenerationPane::setSettings(const SamplingSettings &settings) {
    m_maxTokens->setValue(settings.maxTokens);
    m_temperature->setValue(settings.temperature);
    m_topK->setValue(settings.topK);
    m_topP->setValue(settings.topP);
    m_seed->setValue(int(std::min<quint64>(settings.seed, quint64(m_seed->maximum()))));
}

CollaborativeSettings GenerationPane::collaborativeSettings() const {
    CollaborativeSettings settings;
    settings.mode = parseCollaborativeMode(m_rule->currentData().toString());
    settings.alpha = m_alpha->value();
    settings.steeredTokens = m_steered->value();
    settings.tau = m_tau->value();
    settings.sampling = this->settings();
    settings.maxTokens = m_maxTokens->value();
    return settings;
}

void GenerationPane::setCollaborativeSettings(const CollaborativeSettings &settings) {
    m_alpha->setValue(settings.alpha);
    setAlphaQuietly(settings.alpha);
    m_steered->setValue(settings.steeredTokens);
    m_tau->setValue(settings.tau);
    m_rule->setCurrentIndex(settings.mode == CollaborativeMode::GatedAlpha ? 1 : 0);
    updateTitles();
}

void GenerationPane::setAlphaQuietly(double alpha) {
    const QSignalBlocker blocker(m_alphaSlider);
    m_alphaSlider->setValue(int(std::lround(alpha / kAlphaStep)));
}

QString GenerationPane::completion() const {
    return m_studentView->completion();
}

QString GenerationPane::collaborativeCompletion() const {
    return m_collaborativeView->completion();
}

const std::vector<StepTrace> &GenerationPane::studentSteps() const {
    return m_studentView->steps();
}

const std::vector<StepTrace> &GenerationPane::collaborativeSteps() const {
    return m_collaborativeView->steps();
}

void GenerationPane::generate() {
    if (!m_model || m_job != 0)
        return;
    const LanguageModelPtr model = m_model;
    const LanguageModelPtr teacher =
        collaborativeUnavailableReason().isEmpty() ? m_teacher : nullptr;
    const QString prompt = m_prompt->toPlainText();
    const CollaborativeSettings collaborative = collaborativeSettings();

    m_studentView->start(prompt);
    m_collaborativeView->start(teacher ? prompt : QString());
    m_status->setText(tr("Generating…"));

    QPointer<GenerationPane> self(this);
    m_job = m_runner->start(
        tr("Generate up to %1 tokens with %2")
            .arg(collaborative.maxTokens)
            .arg(model->displayName()),
        QStringLiteral("generation:%1").arg(quintptr(this), 0, 16), this,
        [self, model, teacher, prompt, collaborative](JobContext &context) {
            Outcome outcome;
            CollaborativeSettings aloneSettings = collaborative;
            aloneSettings.mode = CollaborativeMode::StudentOnly;
            CollaborativeDecoder alone(model, nullptr, aloneSettings);
            std::unique_ptr<CollaborativeDecoder> together;
            QElapsedTimer timer;
            timer.start();
            alone.start(prompt);
            outcome.prefillSeconds = timer.nsecsElapsed() * 1e-9;
            if (teacher) {
                try {
                    together =
                        std::make_unique<CollaborativeDecoder>(model, teacher, collaborative);
                    together->start(prompt);
                } catch (const Cancelled &) {
                    throw;
                } catch (const Error &error) {
                    together.reset();
                    outcome.togetherError = error.message();
                }
            }
            const auto post = [&context, self](bool collaborativeColumn, const StepTrace &step) {
                context.post([self, collaborativeColumn, step] {
                    if (self)
                        self->appendStep(collaborativeColumn, step);
                });
            };
            // One token of each column in turn, so that both stream side by side.
            int generated = 0;
            while (!alone.finished() || (together && !together->finished())) {
                if (context.cancelled())
                    throw Cancelled();
                if (!alone.finished()) {
                    timer.restart();
                    const StepTrace step = alone.step();
                    outcome.decodeSeconds += timer.nsecsElapsed() * 1e-9;
                    post(false, step);
                    ++generated;
                }
                if (together && !together->finished())
                    post(true, together->step());
                context.report(double(generated) / double(std::max(1, collaborative.maxTokens)),
                               QString());
            }
            outcome.alone = alone.result();
            if (together)
                outcome.together = together->result();
            return outcome;
        },
        JobHandlers<Outcome>{[this](const Outcome &outcome) { finishGeneration(outcome); },
                             [this](const QString &message) {
                                 endJob();
                                 m_status->setText(tr("Generation failed: %1").arg(message));
                                 Q_EMIT generationFailed(message);
                             },
                             [this] {
                                 endJob();
                                 m_status->setText(tr("Stopped."));
                                 Q_EMIT generationStopped();
                             }});
    updateEnabled();
}

void GenerationPane::stop() {
    if (m_job != 0)
        m_runner->cancel(m_job);
}

void GenerationPane::appendStep(bool collaborative, const StepTrace &step) {
    (collaborative ? m_collaborativeView : m_studentView)->appendStep(step);
}

void GenerationPane::finishGeneration(const Outcome &outcome) {
    endJob();
    const GenerationResult result =
        toGenerationResult(outcome.alone, outcome.prefillSeconds, outcome.decodeSeconds);
    m_lastResult = result;
    // The streamed pieces and the final text agree; the final text wins if they do not.
    if (result.completion != m_studentView->completion())
        m_studentView->replaceCompletion(result.prompt, result.completion);
    if (outcome.together && outcome.together->completion != m_collaborativeView->completion())
        m_collaborativeView->replaceCompletion(outcome.together->prompt,
                                               outcome.together->completion);

    const QLocale locale;
    const int generated = int(result.generatedIds.size());
    const int promptTokens = int(result.promptIds.size());
    QString status = (generated == 1 ? tr("%1 token in %2 s · %3 tokens/s")
                                     : tr("%1 tokens in %2 s · %3 tokens/s"))
                         .arg(generated)
                         .arg(locale.toString(result.decodeSeconds, 'f', 2),
                              locale.toString(result.decodeTokensPerSecond(), 'f', 1));
    status += (promptTokens == 1 ? tr(" · prompt: %1 token in %2 ms")
                                 : tr(" · prompt: %1 tokens in %2 ms"))
                  .arg(promptTokens)
                  .arg(locale.toString(result.prefillSeconds * 1000, 'f', 1));
    if (result.stoppedAtEos)
        status += tr(" · stopped at end of text");
    if (outcome.together)
        status += tr(" · steered: the teacher ran at %1 step(s), %2 token(s) flipped")
                      .arg(outcome.together->teacherSteps())
                      .arg(outcome.together->flippedCount());
    else if (!outcome.togetherError.isEmpty())
        status += tr(" · collaborative column: %1").arg(outcome.togetherError);
    m_status->setText(status);
    Q_EMIT generationFinished();
}

void GenerationPane::endJob() {
    m_job = 0;
    updateEnabled();
}

void GenerationPane::updateTitles() {
    m_modelLabel->setText(m_model ? tr("Student: %1 · teacher: %2")
                                        .arg(m_model->displayName(),
                                             m_teacher ? m_teacher->displayName() : m_teacherSpec)
                                  : tr("Generation unavailable"));
    m_studentView->setTitle(m_model ? tr("Student alone (%1)").arg(m_model->displayName())
                                    : tr("Student alone"));
    const QLocale locale;
    QString title = tr("Student + teacher (first %1 tokens, α = %2")
                        .arg(m_steered->value())
                        .arg(locale.toString(m_alpha->value(), 'f', 2));
    if (m_rule->currentIndex() == 1)
        title += tr(", gated at τ = %1 nats").arg(locale.toString(m_tau->value(), 'f', 2));
    title += QLatin1Char(')');
    m_collaborativeView->setTitle(title);
}

void GenerationPane::updateEnabled() {
    const bool usable = bool(m_model);
    const bool running = m_job != 0;
    const QString collaborativeReason = collaborativeUnavailableReason();
    for (QWidget *widget : std::initializer_list<QWidget *>{
             m_prompt, m_maxTokens, m_temperature, m_topK, m_topP, m_seed, m_teacherCombo,
             m_alphaSlider, m_alpha, m_steered, m_rule}) {
        widget->setEnabled(usable && !running);
    }
    m_tau->setEnabled(usable && !running && m_rule->currentIndex() == 1);
    m_generate->setEnabled(usable && !running);
    m_stop->setEnabled(running);
    m_benchmark->setEnabled(usable && collaborativeReason.isEmpty() && !isBenchmarking());
    m_benchmark->setToolTip(
        collaborativeReason.isEmpty()
            ? tr("Measure QA accuracy of the student, the teacher and the steered student over α "
                 "and N on the built-in held-out demo arithmetic set (takes minutes)")
            : collaborativeReason);
    m_generate->setToolTip(usable ? tr("Generate a continuation of the prompt (Ctrl+Return)")
                                  : m_unavailableReason);
    m_studentView->setPlaceholderText(usable ? tr("The generated text appears here as it is "
                                                  "produced.")
                                             : m_unavailableReason);
    m_collaborativeView->setPlaceholderText(
        collaborativeReason.isEmpty()
            ? tr("The steered continuation appears here: the teacher decides with the student "
                 "for the first N tokens.")
            : collaborativeReason);
}

CollabBenchView *GenerationPane::benchmarkView() const {
    return m_benchDialog ? m_benchDialog->view() : nullptr;
}

bool GenerationPane::isBenchmarking() const {
    return m_benchDialog && m_benchDialog->isRunning();
}

void GenerationPane::runBenchmark() {
    if (!m_model || !collaborativeUnavailableReason().isEmpty() || isBenchmarking())
        return;
    if (!m_benchDialog) {
        m_benchDialog = new CollabBenchDialog(m_runner, this);
        connect(m_benchDialog, &CollabBenchDialog::runningChanged, this,
                &GenerationPane::updateEnabled);
        connect(m_benchDialog, &CollabBenchDialog::finished, this,
                &GenerationPane::benchmarkFinished);
    }
    m_benchDialog->prepare(m_model, m_teacher, m_teacherSpec);
}

} // namespace nwc
