#pragma once
// Prompt, sampling controls and streamed output of the open model.

#include "lm/generator.h"
#include "lm/languagemodel.h"

#include <QWidget>
#include <optional>

class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTextEdit;

namespace nwc {

class JobRunner;

/// Generates text with the open model as a cancellable job: a prompt box, max tokens /
/// temperature / top-k / top-p / seed controls and Generate / Stop. The continuation streams
/// into a read-only view piece by piece; when done, the pane shows tokens per second.
/// Without a usable model every control is disabled and the reason is shown.
class GenerationPane : public QWidget {
    Q_OBJECT
public:
    explicit GenerationPane(JobRunner *runner, QWidget *parent = nullptr);

    /// Uses `model` for generation (null disables the pane, showing `unavailableReason`).
    /// A running generation is cancelled.
    void setModel(LanguageModelPtr model, const QString &unavailableReason = QString());
    LanguageModelPtr model() const { return m_model; }

    void setPrompt(const QString &prompt);
    QString prompt() const;
    /// The sampling settings the controls describe.
    SamplingSettings settings() const;
    void setSettings(const SamplingSettings &settings);

    /// The continuation generated so far (without the prompt).
    QString completion() const { return m_completion; }
    /// True while a generation job runs.
    bool isGenerating() const { return m_job != 0; }
    /// The last finished generation.
    std::optional<GenerationResult> lastResult() const { return m_lastResult; }

public Q_SLOTS:
    /// Starts generating from the prompt (does nothing without a model or while generating).
    void generate();
    /// Cancels the running generation.
    void stop();

Q_SIGNALS:
    /// A generation finished; lastResult() holds it.
    void generationFinished();
    /// A generation failed with `message`.
    void generationFailed(const QString &message);
    /// A generation was stopped before it finished.
    void generationStopped();

private:
    void appendPiece(const QString &piece);
    void finishGeneration(const GenerationResult &result);
    void endJob();
    void updateEnabled();

    JobRunner *m_runner;
    LanguageModelPtr m_model;
    QString m_unavailableReason;
    QLabel *m_modelLabel;
    QPlainTextEdit *m_prompt;
    QSpinBox *m_maxTokens;
    QDoubleSpinBox *m_temperature;
    QSpinBox *m_topK;
    QDoubleSpinBox *m_topP;
    QSpinBox *m_seed;
    QPushButton *m_generate;
    QPushButton *m_stop;
    QTextEdit *m_output;
    QLabel *m_status;
    quint64 m_job = 0;
    QString m_completion;
    std::optional<GenerationResult> m_lastResult;
};

} // namespace nwc
