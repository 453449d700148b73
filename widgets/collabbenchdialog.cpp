#include "collabbenchdialog.h"

#include "collabbenchview.h"
#include "decode/heldoutarithmetic.h"
#include "jobs/error.h"
#include "jobs/jobrunner.h"
#include "lm/qabenchmark.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace nwc {
namespace {

/// A line edit with a Browse… button beside it.
QWidget *withBrowseButton(QLineEdit *edit, QPushButton *button, QWidget *parent) {
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    layout->addWidget(button);
    return row;
}

/// The template as typed: "\n" stands for a line break.
QString templateFromField(const QString &text) {
    QString result = text;
    result.replace(QLatin1String("\\n"), QLatin1String("\n"));
    return result;
}

QString templateToField(const QString &text) {
    QString result = text;
    result.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    return result;
}

} // namespace

CollabBenchDialog::CollabBenchDialog(JobRunner *runner, QWidget *parent)
    : QDialog(parent)
    , m_runner(runner)
    , m_view(new CollabBenchView(this))
    , m_data(new QComboBox(this))
    , m_dataFile(new QLineEdit(this))
    , m_browseData(new QPushButton(tr("Browse…"), this))
    , m_questionField(new QLineEdit(QStringLiteral("question"), this))
    , m_answerField(new QLineEdit(QStringLiteral("answer"), this))
    , m_answerPattern(new QLineEdit(this))
    , m_template(new QLineEdit(this))
    , m_alphas(new QLineEdit(QStringLiteral("-1:3:0.25"), this))
    , m_ns(new QLineEdit(QStringLiteral("1,2,5"), this))
    , m_taus(new QLineEdit(QStringLiteral("0:2:0.25"), this))
    , m_maxTokens(new QSpinBox(this))
    , m_calibrationShare(new QDoubleSpinBox(this))
    , m_session(new QLineEdit(this))
    , m_status(new QLabel(this)) {
    setObjectName(QStringLiteral("benchmarkDialog"));
    setWindowTitle(tr("Collaborative Decoding Benchmark"));
    resize(900, 760);
    m_data->setObjectName(QStringLiteral("benchmarkData"));
    // One entry per built-in set (builtInQaSets(), same order), then a file.
    m_data->addItem(tr("Built-in: short answer first (the first tokens decide)"));
    m_data->addItem(tr("Built-in: worked answer (the result comes 10–16 tokens in)"));
    m_data->addItem(tr("JSONL file (GSM8K-style or other fields)"));
    m_data->setToolTip(tr("The built-in sets are held-out demo arithmetic problems; each brings "
                          "its prompt template and answer pattern"));
    m_dataFile->setObjectName(QStringLiteral("benchmarkDataFile"));
    m_dataFile->setPlaceholderText(tr("questions.jsonl"));
    m_questionField->setObjectName(QStringLiteral("benchmarkQuestionField"));
    m_answerField->setObjectName(QStringLiteral("benchmarkAnswerField"));
    m_answerPattern->setObjectName(QStringLiteral("benchmarkAnswerPattern"));
    m_answerPattern->setPlaceholderText(
        tr("built-in: after \"The answer is\" or \"####\", else the last number"));
    m_template->setObjectName(QStringLiteral("benchmarkTemplate"));
    m_template->setToolTip(tr("{question} is replaced by each question; \\n is a line break."));
    m_alphas->setObjectName(QStringLiteral("benchmarkAlphas"));
    m_alphas->setToolTip(tr("from:to:step or a comma-separated list"));
    m_ns->setObjectName(QStringLiteral("benchmarkNs"));
    m_taus->setObjectName(QStringLiteral("benchmarkTaus"));
    m_taus->setToolTip(
        tr("Gate thresholds on the student's entropy, nats: from:to:step or a list"));
    m_maxTokens->setObjectName(QStringLiteral("benchmarkMaxTokens"));
    m_maxTokens->setRange(1, 4096);
    m_maxTokens->setValue(CollabBenchSettings().maxTokens);
    m_calibrationShare->setObjectName(QStringLiteral("benchmarkCalibrationShare"));
    m_calibrationShare->setRange(0.0, 0.9);
    m_calibrationShare->setSingleStep(0.1);
    m_calibrationShare->setValue(CollabBenchSettings().calibrationFraction);
    m_calibrationShare->setToolTip(
        tr("Share of the questions on which α and τ are chosen; the plots show the others. "
           "0 chooses on the plotted questions (optimistic)."));
    m_session->setObjectName(QStringLiteral("benchmarkSession"));
    m_session->setPlaceholderText(tr("optional: results are saved per question and resumed"));
    m_status->setObjectName(QStringLiteral("benchmarkStatus"));
    m_status->setWordWrap(true);

    auto *setup = new QGroupBox(tr("Setup"), this);
    auto *form = new QFormLayout(setup);
    form->addRow(tr("&Data:"), m_data);
    form->addRow(tr("&File:"), withBrowseButton(m_dataFile, m_browseData, setup));
    auto *fields = new QWidget(setup);
    auto *fieldsLayout = new QHBoxLayout(fields);
    fieldsLayout->setContentsMargins(0, 0, 0, 0);
    fieldsLayout->addWidget(new QLabel(tr("question"), fields));
    fieldsLayout->addWidget(m_questionField);
    fieldsLayout->addWidget(new QLabel(tr("answer"), fields));
    fieldsLayout->addWidget(m_answerField);
    form->addRow(tr("JSON fields:"), fields);
    form->addRow(tr("Answer &pattern:"), m_answerPattern);
    form->addRow(tr("Prompt &template:"), m_template);
    form->addRow(tr("&α grid:"), m_alphas);
    form->addRow(tr("&N (steered tokens):"), m_ns);
    form->addRow(tr("&τ grid (gated rule):"), m_taus);
    form->addRow(tr("&Max tokens per answer:"), m_maxTokens);
    form->addRow(tr("&Calibration share:"), m_calibrationShare);
    auto *browseSession = new QPushButton(tr("Browse…"), setup);
    form->addRow(tr("&Session file:"), withBrowseButton(m_session, browseSession, setup));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_start = buttons->addButton(tr("&Start"), QDialogButtonBox::ActionRole);
    m_start->setObjectName(QStringLiteral("benchmarkStart"));
    m_cancel = buttons->addButton(tr("Cancel Run"), QDialogButtonBox::ActionRole);
    m_cancel->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::hide);
    connect(m_start, &QPushButton::clicked, this, [this] { start(); });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_job != 0)
            m_runner->cancel(m_job);
    });
    connect(m_data, &QComboBox::currentIndexChanged, this, &CollabBenchDialog::applyBuiltInSet);
    connect(m_data, &QComboBox::currentIndexChanged, this, &CollabBenchDialog::updateEnabled);
    connect(m_browseData, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("QA Data"), m_dataFile->text(),
                                         tr("JSON Lines (*.jsonl *.json);;All files (*)"));
        if (!path.isEmpty())
            m_dataFile->setText(path);
    });
    connect(browseSession, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Benchmark Session"), m_session->text(), tr("HDF5 session (*.h5)"), nullptr,
            QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            m_session->setText(path);
    });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(setup);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    connect(m_runner, &JobRunner::jobUpdated, m_status, [this](const JobInfo &job) {
        if (job.id != m_job || m_job == 0 || job.fraction < 0)
            return;
        QString text = tr("Running: %1 % · %2").arg(int(100 * job.fraction)).arg(job.message);
        if (job.etaSeconds >= 0)
            text += tr(" · about %1 left").arg(JobInfo::formatDuration(job.etaSeconds));
        m_status->setText(text);
    });
    applyBuiltInSet();
    updateEnabled();
}

const BuiltInQaSet *CollabBenchDialog::chosenBuiltInSet() const {
    const int index = m_data->currentIndex();
    return index >= 0 && index < builtInQaSets().size() ? &builtInQaSets()[index] : nullptr;
}

void CollabBenchDialog::applyBuiltInSet() {
    const BuiltInQaSet *set = chosenBuiltInSet();
    m_template->setText(
        templateToField(set ? set->promptTemplate : CollabBenchSettings().promptTemplate));
    m_answerPattern->setText(set ? set->answerPattern : QString());
}

void CollabBenchDialog::updateEnabled() {
    const bool idle = m_job == 0;
    const bool file = chosenBuiltInSet() == nullptr;
    for (QWidget *widget : std::initializer_list<QWidget *>{
             m_data, m_questionField, m_answerField, m_answerPattern, m_template, m_alphas, m_ns,
             m_taus, m_maxTokens, m_calibrationShare, m_session})
        widget->setEnabled(idle);
    m_dataFile->setEnabled(idle && file);
    m_browseData->setEnabled(idle && file);
    m_start->setEnabled(idle && m_student && m_teacher);
    m_cancel->setEnabled(!idle);
}

QString CollabBenchDialog::statusText() const {
    return m_status->text();
}

CollabBenchSettings CollabBenchDialog::settingsFromForm(QaFormat *format) const {
    CollabBenchSettings settings;
    settings.studentName = m_student ? m_student->displayName() : QString();
    settings.teacherName = m_teacherName;
    if (const BuiltInQaSet *set = chosenBuiltInSet()) {
        settings.dataName = builtInQaSetPath(*set);
    } else {
        settings.dataName = m_dataFile->text().trimmed();
        if (settings.dataName.isEmpty())
            throw Error(tr("choose a JSONL file with the questions"));
    }
    settings.promptTemplate = templateFromField(m_template->text());
    if (!settings.promptTemplate.contains(QLatin1String("{question}")))
        throw Error(tr("the prompt template has no {question} placeholder"));
    settings.answerPattern = m_answerPattern->text();
    checkAnswerPattern(settings.answerPattern, tr("the answer pattern"));
    settings.alphas = parseGrid(m_alphas->text(), tr("the α grid"));
    settings.ns.clear();
    for (double n : parseGrid(m_ns->text(), tr("N"))) {
        if (n < 0 || n != std::floor(n))
            throw Error(tr("N expects non-negative whole numbers"));
        settings.ns.push_back(int(n));
    }
    settings.taus = parseGrid(m_taus->text(), tr("the τ grid"));
    settings.maxTokens = m_maxTokens->value();
    settings.calibrationFraction = m_calibrationShare->value();
    if (format) {
        format->questionField = m_questionField->text().trimmed();
        format->answerField = m_answerField->text().trimmed();
        format->answerPattern = settings.answerPattern;
        if (format->questionField.isEmpty() || format->answerField.isEmpty())
            throw Error(tr("name the JSON fields of the question and the answer"));
    }
    return settings;
}

void CollabBenchDialog::prepare(const LanguageModelPtr &student, const LanguageModelPtr &teacher,
                                const QString &teacherName) {
    if (m_job != 0)
        return;
    m_student = student;
    m_teacher = teacher;
    m_teacherName = teacherName;
    m_status->setText(tr("%1 steered by %2: choose the data and grids, then Start.")
                          .arg(student ? student->displayName() : QString(), teacherName));
    updateEnabled();
    show();
    raise();
}

bool CollabBenchDialog::start() {
    if (m_job != 0 || !m_student || !m_teacher)
        return false;
    CollabBenchSettings settings;
    QaFormat format;
    try {
        settings = settingsFromForm(&format);
    } catch (const Error &error) {
        m_status->setText(tr("Cannot start: %1.").arg(error.message()));
        return false;
    }
    const QString session = m_session->text().trimmed();
    m_status->setText(QFileInfo::exists(session) ? tr("Resuming %1…").arg(session)
                                                 : tr("Starting…"));
    const LanguageModelPtr student = m_student;
    const LanguageModelPtr teacher = m_teacher;
    m_job = m_runner->start(
        tr("Collaborative benchmark: %1 steered by %2")
            .arg(settings.studentName, settings.teacherName),
        QStringLiteral("collab-bench:%1").arg(quintptr(parent()), 0, 16), this,
        [student, teacher, settings, format, session](JobContext &context) {
            const QVector<QaItem> items = loadQaSet(settings.dataName, format);
            return runCollabBenchmark(*student, *teacher, items, settings, session, &context);
        },
        JobHandlers<CollabBenchResult>{
            [this](const CollabBenchResult &result) {
                m_view->setResult(result);
                end(tr("Done: %1 questions in %2.")
                        .arg(result.items.size())
                        .arg(JobInfo::formatDuration(result.seconds)));
                Q_EMIT finished();
            },
            [this](const QString &message) { end(tr("The benchmark failed: %1").arg(message)); },
            [this] { end(tr("The benchmark was cancelled.")); }});
    updateEnabled();
    Q_EMIT runningChanged(true);
    return true;
}

void CollabBenchDialog::end(const QString &status) {
    m_job = 0;
    m_status->setText(status);
    updateEnabled();
    Q_EMIT runningChanged(false);
}

} // namespace nwc
