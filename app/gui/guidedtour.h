#pragma once
// Help › Guided Tour…: a teaching sequence over the built-in demo models that drives the real
// workbench one step at a time. This is the tour's state machine; TourScript holds its steps
// and TourResults formats what they measured.

#include "tourresults.h"
#include "tourscript.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <functional>
#include <vector>

class QWidget;

namespace nwc {

class TourActions;
struct JobInfo;

/// The steps of the guided tour and where it stands. Every step has a title and a few
/// sentences for the audience; all but the first have an action that the workbench performs
/// through the code paths of its menus and dialogs (TourActions): open demo:teacher, select a
/// tensor (its histogram), compute importance, compress at two bit rates, run a
/// rate–distortion sweep, and generate with demo:student steered by demo:teacher at three
/// values of α.
///
/// run() starts the current step's action. Long actions run as jobs of the actions' JobRunner:
/// the tour follows their progress, cancel() stops them, a failure is kept as the step's error
/// (the workbench shows its own message too), and the step is Done once the workbench shows the
/// result. A step opens the model it needs first when another model is open, so any step can be
/// (re)run after Back. next() moves on once the current step is done; back() revisits an
/// earlier step, whose results stay. Files the tour writes (compressed models, the sweep
/// session) go to a temporary folder that lives as long as the tour.
class GuidedTour : public QObject, public TourSteps {
    Q_OBJECT
public:
    enum class State { Ready, Running, Done, Failed, Cancelled };
    using SteeringRun = TourSteeringRun;

    /// Bits per weight of the compression step, and tokens the teacher steers in the
    /// generation steps (TourScript).
    static constexpr double kLowBits = TourScript::kLowBits;
    static constexpr double kHighBits = TourScript::kHighBits;
    static constexpr int kSteeredTokens = TourScript::kSteeredTokens;

    explicit GuidedTour(TourActions *actions, QObject *parent = nullptr);
    ~GuidedTour() override;

    int stepCount() const { return StepCount; }
    int currentStep() const { return m_current; }
    /// State of the current step, or of `step`.
    State state() const { return stateOf(m_current); }
    State stateOf(int step) const;
    QString title(int step) const { return TourScript::title(step, m_facts); }
    /// Two to four sentences: what the audience sees and why it matters (rich text).
    QString explanation(int step) const { return TourScript::explanation(step, m_facts); }
    /// Whether `step` makes the workbench do something (all but the welcome step).
    bool hasAction(int step) const { return step > Welcome && step < StepCount; }
    /// The label of the button that runs `step`.
    QString actionText(int step) const { return TourScript::actionText(step, m_facts); }
    /// What `step` measured, as rich text; empty before it ran.
    QString resultText(int step) const;
    /// Why `step` failed; empty unless it did.
    QString errorText(int step) const;
    /// Progress of the running step: fraction in [0, 1] (negative when unknown) and the job's
    /// title and message.
    double progress() const { return m_progress; }
    QString progressText() const { return m_progressText; }

    bool isRunning() const { return state() == State::Running; }
    bool canGoBack() const { return !isRunning() && m_current > 0; }
    bool canGoNext() const;

    /// The widget `step` is about (the panel frames it; its dock is raised when the step
    /// starts and when it is done).
    QWidget *focusWidget(int step) const;
    /// The folder the tour writes to.
    QString workFolder() const { return m_folder.path(); }
    /// The question of the generation steps, its prompt and its reference answer.
    QString question() const { return m_question; }
    QString prompt() const;
    QString expectedAnswer() const { return m_expected; }

    /// What the steps measured.
    const std::vector<CompressionJobResult> &compressions() const { return m_compressions; }
    const std::vector<SteeringRun> &steeringRuns() const { return m_runs; }

public Q_SLOTS:
    /// Runs the current step's action (does nothing while it runs or when it has none).
    void run();
    /// Cancels the running step's jobs.
    void cancel();
    /// Moves to the next step; false when the current one is not done or running.
    bool next();
    /// Moves to the previous step; false while a step runs or at the first step.
    bool back();
    /// Moves to `step` (cancelling a running step) and raises what it is about.
    void goTo(int step);

Q_SIGNALS:
    /// The step, a state, the progress or a result changed.
    void changed();
    /// `step` finished its action.
    void stepDone(int step);
    /// `step` failed with `message`.
    void stepFailed(int step, const QString &message);
    /// `widget` is what the audience should look at now.
    void highlightRequested(QWidget *widget);

private:
    using Continuation = std::function<void()>;

    // Tasks: each starts work in the workbench and continues with `then` once the result is
    // shown; a failed or cancelled job ends the step instead.
    void ensureModel(const QString &spec, const Continuation &then);
    void showTensor(const QString &name, const Continuation &then);
    void computeImportance(const Continuation &then);
    void compress(double bits, const Continuation &then);
    void sweep(const Continuation &then);
    void ensureTeacher(const Continuation &then);
    void generate(double alpha, const Continuation &then);

    /// Calls `start` and follows the jobs it adds to the runner (their failure or cancellation
    /// ends the step). Returns how many jobs it added.
    int followJobsOf(const std::function<void()> &start);
    /// Continues with `then` on the next event loop pass, unless the step ended meanwhile.
    void proceed(const Continuation &then);
    /// Connects `signal` of `sender` for the running task; the connection is dropped when the
    /// task continues or the step ends.
    template <typename Sender, typename Signal, typename Slot>
    void await(Sender *sender, Signal signal, Slot slot);
    void clearWaits();

    /// Ends the running step in `state` (Done, Failed or Cancelled); false when none runs.
    bool endStep(State state);
    void finishStep();
    void failStep(const QString &message);
    void cancelStep();
    void jobUpdated(const JobInfo &job);
    void setState(int step, State state);
    void raiseFocus(int step);
    void loadQuestion();

    TourActions *m_actions;
    TourFacts m_facts;
    QTemporaryDir m_folder;
    int m_current = Welcome;
    std::vector<State> m_states;
    std::vector<QString> m_errors;
    /// Increases whenever a step starts or ends: continuations of older runs are dropped.
    quint64 m_token = 0;
    QList<quint64> m_jobs;
    QList<QMetaObject::Connection> m_waits;
    double m_progress = -1;
    QString m_progressText;

    QString m_question;
    QString m_expected;
    std::vector<CompressionJobResult> m_compressions;
    std::vector<SteeringRun> m_runs;
};

} // namespace nwc
