#pragma once
// The generation pane (docs/architecture.md, GUI): one prompt, two columns streamed side by side —
// the open model alone ("student alone") and the same model steered by a teacher for its first N
// tokens (docs/architecture.md, Collaborative decoding) — with the tokens coloured by who decided
// them and an entropy strip per column.

#include "decode/collabbenchmark.h"
#include "decode/collaborativedecoder.h"
#include "jobs/joberror.h"
#include "lm/generator.h"
#include "lm/languagemodel.h"

#include <QPointer>
#include <QWidget>
#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QTextEdit;

namespace nwc {

class CollabBenchDialog;
class CollabBenchView;
class JobRunner;
class TokenStreamView;

/// Generates with the open model (the student) as one cancellable job: a prompt box, sampling
/// controls (max tokens, temperature, top-k, top-p, seed), the collaborative controls (teacher,
/// α, N, fixed / gated rule, τ) and Generate / Stop. Both columns stream token by token: the
/// left one is the student alone (text view named "output"), the right one the student steered
/// by the teacher for its first N tokens ("collaborativeOutput"). The teacher (demo:teacher by
/// default, or any model folder, file or .nwc) is loaded in a job; when it cannot steer the
/// open model (tokenizers differ, load failed, still loading) the right column says why and the
/// left one still works. "Run Benchmark…" opens the collaborative QA benchmark's dialog
/// (CollabBenchDialog). Without a usable model every control is
/// disabled and the reason is shown.
class GenerationPane : public QWidget {
    Q_OBJECT
public:
    explicit GenerationPane(JobRunner *runner, QWidget *parent = nullptr);
    ~GenerationPane() override;

    /// Uses `model` as the student (null disables the pane, showing `unavailableReason`).
    /// A running generation is cancelled. The first model also starts loading the teacher.
    void setModel(LanguageModelPtr model, const QString &unavailableReason = QString());
    LanguageModelPtr model() const { return m_model; }

    /// Loads the teacher `spec` (folder, file, .nwc or demo:NAME) in a job.
    void setTeacherSpec(const QString &spec);
    /// As the user picking `spec` in the teacher combo: like setTeacherSpec(), and if the teacher
    /// cannot be loaded or tokenizes differently, a dialog with the details says so.
    void chooseTeacher(const QString &spec);
    QString teacherSpec() const { return m_teacherSpec; }
    /// Makes `spec` the teacher without loading it yet when no model is open (the choice saved
    /// from the last session): the first setModel() loads it. With a model open, setTeacherSpec().
    void restoreTeacherSpec(const QString &spec);
    /// The loaded teacher (null while loading or after a failure).
    LanguageModelPtr teacher() const { return m_teacher; }
    /// Empty when the teacher can steer the open model, else why not.
    QString collaborativeUnavailableReason() const;

    void setPrompt(const QString &prompt);
    QString prompt() const;
    /// The sampling settings the controls describe (for both columns after N tokens).
    SamplingSettings settings() const;
    void setSettings(const SamplingSettings &settings);
    /// The collaborative settings the controls describe (mode fixed or gated).
    CollaborativeSettings collaborativeSettings() const;
    /// Sets α, N, τ and the rule (fixed or gated; other modes are shown as fixed).
    void setCollaborativeSettings(const CollaborativeSettings &settings);

    /// The student-alone continuation generated so far (without the prompt).
    QString completion() const;
    /// The collaborative continuation generated so far.
    QString collaborativeCompletion() const;
    /// The traced steps of each column so far.
    const std::vector<StepTrace> &studentSteps() const;
    const std::vector<StepTrace> &collaborativeSteps() const;
    TokenStreamView *studentView() const { return m_studentView; }
    TokenStreamView *collaborativeView() const { return m_collaborativeView; }
    /// True while a generation job runs.
    bool isGenerating() const { return m_job != 0; }
    /// The last finished student-alone generation.
    std::optional<GenerationResult> lastResult() const { return m_lastResult; }
    /// The benchmark dialog's view (null until Run Benchmark… was used).
    CollabBenchView *benchmarkView() const;
    /// True while a benchmark job runs.
    bool isBenchmarking() const;

public Q_SLOTS:
    /// Starts generating from the prompt (does nothing without a model or while generating).
    void generate();
    /// Cancels the running generation.
    void stop();
    /// Generates as soon as a model is open and its teacher has loaded (or failed to load): at
    /// once when they are (the workbench's --generate).
    void generateWhenReady();
    /// Asks for a teacher model file (.nwc, .safetensors, .bin, …) and loads it.
    void chooseTeacherFile();
    /// Asks for a teacher model folder and loads it.
    void chooseTeacherFolder();
    /// Opens the benchmark dialog for the open model steered by the teacher: data, grids and a
    /// session file are chosen there, Start runs it and the dialog shows the plots.
    void runBenchmark();

Q_SIGNALS:
    /// A generation finished; lastResult() holds it.
    void generationFinished();
    /// A generation failed with `message`.
    void generationFailed(const QString &message);
    /// A generation was stopped before it finished.
    void generationStopped();
    /// The teacher finished loading (teacher() is set) or failed (`message` says why).
    void teacherLoaded();
    void teacherLoadFailed(const QString &message);
    /// A benchmark finished; benchmarkView() shows it.
    void benchmarkFinished();

private:
    struct Outcome;
    void appendStep(bool collaborative, const StepTrace &step);
    void finishGeneration(const Outcome &outcome);
    void endJob();
    void updateEnabled();
    void updateTitles();
    void checkCompatibility();
    void reportTeacherProblem(const JobError &loadError);
    void setAlphaQuietly(double alpha);
    /// generate() when generateWhenReady() asked for it and the pane is ready.
    void generateIfWaiting();
    /// Adds `spec` to the teacher combo (before "Choose file…") unless it is there.
    void addTeacherChoice(const QString &spec);

    JobRunner *m_runner;
    LanguageModelPtr m_model;
    QString m_unavailableReason;
    QString m_teacherSpec;
    LanguageModelPtr m_teacher;
    QString m_teacherError;
    QString m_incompatibility;        ///< why the teacher cannot steer the open model ("" = it can)
    QString m_incompatibilityDetails; ///< both tokenizers' properties when they differ
    bool m_reportTeacherProblems = false; ///< the user chose the teacher being loaded
    bool m_generateWhenReady = false;     ///< generateWhenReady() waits for model and teacher
    quint64 m_teacherJob = 0;
    QLabel *m_modelLabel;
    QPlainTextEdit *m_prompt;
    QSpinBox *m_maxTokens;
    QDoubleSpinBox *m_temperature;
    QSpinBox *m_topK;
    QDoubleSpinBox *m_topP;
    QSpinBox *m_seed;
    QComboBox *m_teacherCombo;
    QSlider *m_alphaSlider;
    QDoubleSpinBox *m_alpha;
    QSpinBox *m_steered;
    QComboBox *m_rule;
    QDoubleSpinBox *m_tau;
    QPushButton *m_generate;
    QPushButton *m_stop;
    QPushButton *m_benchmark;
    TokenStreamView *m_studentView;
    TokenStreamView *m_collaborativeView;
    QLabel *m_status;
    quint64 m_job = 0;
    std::optional<GenerationResult> m_lastResult;
    CollabBenchDialog *m_benchDialog = nullptr;
};

} // namespace nwc
