#include "generationpane.h"

#include "jobs/jobrunner.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSpinBox>
#include <QTextCursor>
#include <QTextEdit>
#include <QVBoxLayout>
#include <limits>

namespace nwc {
namespace {

QWidget *labelled(const QString &label, QWidget *field, QWidget *parent) {
    auto *box = new QWidget(parent);
    auto *layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto *text = new QLabel(label, box);
    text->setBuddy(field);
    layout->addWidget(text);
    layout->addWidget(field);
    return box;
}

} // namespace

GenerationPane::GenerationPane(JobRunner *runner, QWidget *parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_modelLabel(new QLabel(this))
    , m_prompt(new QPlainTextEdit(this))
    , m_maxTokens(new QSpinBox(this))
    , m_temperature(new QDoubleSpinBox(this))
    , m_topK(new QSpinBox(this))
    , m_topP(new QDoubleSpinBox(this))
    , m_seed(new QSpinBox(this))
    , m_generate(new QPushButton(tr("&Generate"), this))
    , m_stop(new QPushButton(tr("&Stop"), this))
    , m_output(new QTextEdit(this))
    , m_status(new QLabel(this)) {
    QFont headerFont = m_modelLabel->font();
    headerFont.setBold(true);
    m_modelLabel->setFont(headerFont);

    m_prompt->setObjectName(QStringLiteral("prompt"));
    m_prompt->setPlaceholderText(tr("Prompt (Ctrl+Return generates)"));
    m_prompt->setTabChangesFocus(true);
    m_prompt->setPlainText(tr("Once upon a time"));
    m_prompt->setFixedHeight(m_prompt->fontMetrics().lineSpacing() * 4 + 12);

    m_maxTokens->setRange(1, 8192);
    m_maxTokens->setValue(128);
    m_maxTokens->setToolTip(tr("Stop after this many new tokens"));
    m_temperature->setRange(0.0, 5.0);
    m_temperature->setSingleStep(0.05);
    m_temperature->setDecimals(2);
    m_temperature->setValue(0.8);
    m_temperature->setSpecialValueText(tr("greedy"));
    m_temperature->setToolTip(tr("Sampling temperature; 0 always picks the most likely token"));
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
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(42);
    m_seed->setToolTip(tr("Random seed; the same seed and settings give the same text"));

    m_generate->setDefault(true);
    m_generate->setToolTip(tr("Generate a continuation of the prompt (Ctrl+Return)"));
    m_stop->setToolTip(tr("Stop the running generation (Esc)"));

    auto *controls = new QHBoxLayout;
    controls->setSpacing(12);
    controls->addWidget(labelled(tr("Max tokens"), m_maxTokens, this));
    controls->addWidget(labelled(tr("Temperature"), m_temperature, this));
    controls->addWidget(labelled(tr("Top-k"), m_topK, this));
    controls->addWidget(labelled(tr("Top-p"), m_topP, this));
    controls->addWidget(labelled(tr("Seed"), m_seed, this));
    controls->addStretch(1);
    controls->addWidget(m_generate);
    controls->addWidget(m_stop);

    m_output->setObjectName(QStringLiteral("output"));
    m_output->setReadOnly(true);
    m_output->setAcceptRichText(false);
    m_output->setPlaceholderText(tr("The generated text appears here as it is produced."));
    QFont outputFont = m_output->font();
    outputFont.setPointSizeF(outputFont.pointSizeF() * 1.1);
    m_output->setFont(outputFont);

    m_status->setObjectName(QStringLiteral("generationStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_modelLabel);
    layout->addWidget(m_prompt);
    layout->addLayout(controls);
    layout->addWidget(m_output, 1);
    layout->addWidget(m_status);

    connect(m_generate, &QPushButton::clicked, this, &GenerationPane::generate);
    connect(m_stop, &QPushButton::clicked, this, &GenerationPane::stop);
    auto *generateShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    generateShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(generateShortcut, &QShortcut::activated, this, &GenerationPane::generate);
    auto *stopShortcut = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    stopShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(stopShortcut, &QShortcut::activated, this, &GenerationPane::stop);

    setModel(nullptr, tr("No model is open."));
}

void GenerationPane::setModel(LanguageModelPtr model, const QString &unavailableReason) {
    stop();
    m_model = std::move(model);
    m_unavailableReason = unavailableReason;
    if (m_model) {
        m_modelLabel->setText(tr("Generate with %1").arg(m_model->displayName()));
        m_status->setText(tr("Ready."));
    } else {
        m_modelLabel->setText(tr("Generation unavailable"));
        m_status->clear();
    }
    updateEnabled();
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

void GenerationPane::generate() {
    if (!m_model || m_job != 0)
        return;
    const LanguageModelPtr model = m_model;
    const QString prompt = m_prompt->toPlainText();
    const SamplingSettings settings = this->settings();

    m_completion.clear();
    m_output->clear();
    QTextCharFormat promptFormat;
    promptFormat.setForeground(palette().color(QPalette::PlaceholderText));
    QTextCursor cursor(m_output->document());
    cursor.insertText(prompt, promptFormat);
    m_status->setText(tr("Generating…"));

    m_job = m_runner->start(
        tr("Generate up to %1 tokens with %2").arg(settings.maxTokens).arg(model->displayName()),
        QStringLiteral("generation:%1").arg(quintptr(this), 0, 16), this,
        [this, model, prompt, settings](JobContext &context) {
            return nwc::generate(
                *model, prompt, settings,
                [this, &context](const QString &piece) {
                    context.post([this, piece] { appendPiece(piece); });
                },
                &context);
        },
        JobHandlers<GenerationResult>{
            [this](const GenerationResult &result) { finishGeneration(result); },
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

void GenerationPane::appendPiece(const QString &piece) {
    m_completion += piece;
    QTextCharFormat format;
    format.setForeground(palette().color(QPalette::Text));
    QTextCursor cursor(m_output->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(piece, format);
    QScrollBar *bar = m_output->verticalScrollBar();
    bar->setValue(bar->maximum());
}

void GenerationPane::finishGeneration(const GenerationResult &result) {
    endJob();
    m_lastResult = result;
    // The streamed pieces and the final text agree; the final text wins if they do not.
    if (result.completion != m_completion) {
        m_completion.clear();
        QTextCursor cursor(m_output->document());
        cursor.select(QTextCursor::Document);
        cursor.removeSelectedText();
        QTextCharFormat promptFormat;
        promptFormat.setForeground(palette().color(QPalette::PlaceholderText));
        cursor.insertText(result.prompt, promptFormat);
        appendPiece(result.completion);
    }
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
    m_status->setText(status);
    Q_EMIT generationFinished();
}

void GenerationPane::endJob() {
    m_job = 0;
    updateEnabled();
}

void GenerationPane::updateEnabled() {
    const bool usable = bool(m_model);
    const bool running = m_job != 0;
    for (QWidget *widget : std::initializer_list<QWidget *>{m_prompt, m_maxTokens, m_temperature,
                                                            m_topK, m_topP, m_seed}) {
        widget->setEnabled(usable && !running);
    }
    m_generate->setEnabled(usable && !running);
    m_stop->setEnabled(running);
    m_generate->setToolTip(usable ? tr("Generate a continuation of the prompt (Ctrl+Return)")
                                  : m_unavailableReason);
    m_output->setPlaceholderText(usable ? tr("The generated text appears here as it is "
                                             "produced.")
                                        : m_unavailableReason);
}

} // namespace nwc
