#include "guidedtour.h"

#include "analysis/calibrationwindows.h"
#include "compressdialog.h"
#include "customplot.h"
#include "decode/collabbenchmark.h"
#include "decode/heldoutarithmetic.h"
#include "generationpane.h"
#include "histogramplot.h"
#include "importanceview.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/jobrunner.h"
#include "lm/qabenchmark.h"
#include "modelbrowser.h"
#include "ratedistortionview.h"
#include "sweepdialog.h"
#include "tokenstreamview.h"
#include "touractions.h"
#include "windowcontroller.h"
#include "workbenchmodel.h"

#include <QDir>
#include <QFileInfo>
#include <QSpinBox>
#include <QTimer>
#include <QTreeView>
#include <algorithm>

namespace nwc {

GuidedTour::GuidedTour(TourActions *actions, QObject *parent)
    : QObject(parent)
    , m_actions(actions)
    , m_facts(TourFacts::read(actions->calibrationSettings()))
    , m_states(StepCount, State::Ready)
    , m_errors(StepCount) {
    m_states[Welcome] = State::Done;
    connect(actions->jobRunner(), &JobRunner::jobUpdated, this, &GuidedTour::jobUpdated);
    loadQuestion();
}

GuidedTour::~GuidedTour() {
    clearWaits();
}

void GuidedTour::loadQuestion() {
    try {
        const QaItem item = builtInQuestion(TourScript::questionSet(), TourScript::kQuestionIndex);
        m_question = item.question;
        m_expected = item.answer;
    } catch (const Error &error) {
        // The generation steps say so when they run.
        m_errors[SteerHalf] = error.message();
    }
}

QString GuidedTour::prompt() const {
    return builtInPrompt(TourScript::questionSet(), m_question);
}

GuidedTour::State GuidedTour::stateOf(int step) const {
    return step >= 0 && step < StepCount ? m_states[size_t(step)] : State::Ready;
}

QString GuidedTour::errorText(int step) const {
    return stateOf(step) == State::Failed ? m_errors[size_t(step)] : QString();
}

bool GuidedTour::canGoNext() const {
    return m_current + 1 < StepCount && state() == State::Done;
}

QWidget *GuidedTour::focusWidget(int step) const {
    switch (step) {
    case OpenTeacher:
        return m_actions->modelBrowser()->view();
    case Histogram:
        return m_actions->modelBrowser()->histogram();
    case Importance:
        return m_actions->importanceView();
    case Compress:
        return m_actions->jobsPanel();
    case RateDistortion:
        return m_actions->rateDistortionView()->plot();
    case SteerHalf:
    case SteerOne:
    case SteerTwo:
        return m_actions->generationPane()->collaborativeView();
    default:
        return nullptr;
    }
}

QString GuidedTour::resultText(int step) const {
    // The steps that show what the workbench shows say nothing until they are done; the
    // compression and generation steps show what they measured so far.
    const bool done = stateOf(step) == State::Done;
    switch (step) {
    case OpenTeacher: {
        const WorkbenchModel &model = m_actions->currentModel();
        return done && model.checkpoint ? TourResults::model(*model.checkpoint) : QString();
    }
    case Histogram: {
        const ModelBrowser *browser = m_actions->modelBrowser();
        const auto statistics = browser->currentStatistics();
        if (!done || !statistics || !(statistics->std > 0))
            return QString();
        return TourResults::histogram(browser->currentTensor(), *statistics);
    }
    case Importance: {
        const ImportanceMap &map = m_actions->importanceView()->importance();
        return done && !map.layers.empty() ? TourResults::importance(map) : QString();
    }
    case Compress:
        return m_compressions.empty()
                   ? QString()
                   : TourResults::compressions(m_compressions, m_facts.teacherWeightBits);
    case RateDistortion: {
        const SweepSession &session = m_actions->rateDistortionView()->session();
        return done && !session.points.empty() ? TourResults::sweep(session) : QString();
    }
    case SteerHalf:
    case SteerOne:
    case SteerTwo:
        if (m_runs.empty() || m_question.isEmpty())
            return QString();
        return TourResults::steering(m_runs, m_question, m_expected, TourScript::alpha(step));
    default:
        return QString();
    }
}

// Navigation ---------------------------------------------------------------------------------

bool GuidedTour::next() {
    if (!canGoNext())
        return false;
    goTo(m_current + 1);
    return true;
}

bool GuidedTour::back() {
    if (!canGoBack())
        return false;
    goTo(m_current - 1);
    return true;
}

void GuidedTour::goTo(int step) {
    if (step < 0 || step >= StepCount)
        return;
    if (isRunning())
        cancel();
    m_current = step;
    m_progress = -1;
    m_progressText.clear();
    raiseFocus(step);
    Q_EMIT changed();
}

void GuidedTour::raiseFocus(int step) {
    QWidget *widget = focusWidget(step);
    if (!widget)
        return;
    raiseDockOf(widget);
    Q_EMIT highlightRequested(widget);
}

void GuidedTour::setState(int step, State state) {
    m_states[size_t(step)] = state;
    Q_EMIT changed();
}

// Running a step -------------------------------------------------------------------------------

void GuidedTour::run() {
    const int step = m_current;
    if (!hasAction(step) || isRunning())
        return;
    ++m_token;
    clearWaits();
    m_jobs.clear();
    m_errors[size_t(step)].clear();
    m_progress = -1;
    m_progressText = tr("Starting…");
    setState(step, State::Running);
    raiseFocus(step);

    const QString teacher = TourScript::teacher();
    const Continuation done = [this] { finishStep(); };
    switch (step) {
    case OpenTeacher:
        ensureModel(teacher, done);
        break;
    case Histogram:
        ensureModel(teacher, [this, done] {
            const int layers = m_actions->currentModel().checkpoint->config().numLayers;
            showTensor(TourScript::histogramTensor(layers), done);
        });
        break;
    case Importance:
        ensureModel(teacher, [this, done] { computeImportance(done); });
        break;
    case Compress:
        ensureModel(teacher, [this, done] {
            compress(TourScript::kLowBits, [this, done] { compress(TourScript::kHighBits, done); });
        });
        break;
    case RateDistortion:
        ensureModel(teacher, [this, done] { sweep(done); });
        break;
    case SteerHalf:
    case SteerOne:
    case SteerTwo: {
        const double alpha = TourScript::alpha(step);
        if (m_question.isEmpty()) {
            failStep(tr("The demo question set could not be read: %1").arg(m_errors[SteerHalf]));
            return;
        }
        ensureModel(TourScript::student(), [this, alpha, done] {
            ensureTeacher([this, alpha, done] { generate(alpha, done); });
        });
        break;
    }
    default:
        break;
    }
}

void GuidedTour::cancel() {
    if (!isRunning())
        return;
    const QList<quint64> jobs = m_jobs;
    for (quint64 id : jobs)
        m_actions->jobRunner()->cancel(id);
    // A step between two jobs (or whose job ended already) stops here.
    cancelStep();
}

bool GuidedTour::endStep(State state) {
    if (!isRunning())
        return false;
    ++m_token;
    clearWaits();
    m_jobs.clear();
    m_progress = -1;
    m_progressText.clear();
    if (state == State::Done && m_current == Importance)
        m_actions->importanceView()->setCurrentTab(ImportanceView::Tab::HeatMap);
    setState(m_current, state);
    return true;
}

void GuidedTour::finishStep() {
    if (!endStep(State::Done))
        return;
    raiseFocus(m_current);
    Q_EMIT stepDone(m_current);
}

void GuidedTour::failStep(const QString &message) {
    if (!isRunning())
        return;
    m_errors[size_t(m_current)] = message;
    endStep(State::Failed);
    Q_EMIT stepFailed(m_current, message);
}

void GuidedTour::cancelStep() {
    endStep(State::Cancelled);
}

void GuidedTour::jobUpdated(const JobInfo &job) {
    if (!m_jobs.contains(job.id))
        return;
    switch (job.state) {
    case JobState::Failed:
        failStep(job.error);
        break;
    case JobState::Cancelled:
        cancelStep();
        break;
    case JobState::Finished:
        break; // the task continues once the workbench shows the result
    default:
        m_progress = job.fraction;
        m_progressText = job.message.isEmpty()
                             ? job.title
                             : QStringLiteral("%1 — %2").arg(job.title, job.message);
        Q_EMIT changed();
        break;
    }
}

int GuidedTour::followJobsOf(const std::function<void()> &start) {
    QList<quint64> added;
    const QMetaObject::Connection connection =
        connect(m_actions->jobRunner(), &JobRunner::jobAdded, this,
                [&added](const JobInfo &job) { added.append(job.id); });
    start();
    disconnect(connection);
    m_jobs = added;
    return int(added.size());
}

void GuidedTour::proceed(const Continuation &then) {
    const Continuation next = then; // `then` may live in a connection dropped here
    clearWaits();
    m_jobs.clear();
    const quint64 token = m_token;
    QTimer::singleShot(0, this, [this, token, next] {
        if (token == m_token && isRunning())
            next();
    });
}

template <typename Sender, typename Signal, typename Slot>
void GuidedTour::await(Sender *sender, Signal signal, Slot slot) {
    m_waits.append(connect(sender, signal, this, slot));
}

void GuidedTour::clearWaits() {
    for (const QMetaObject::Connection &connection : std::as_const(m_waits))
        disconnect(connection);
    m_waits.clear();
}

// Tasks --------------------------------------------------------------------------------------

void GuidedTour::ensureModel(const QString &spec, const Continuation &then) {
    const WorkbenchModel &model = m_actions->currentModel();
    if (model.spec == spec && model.languageModel) {
        proceed(then);
        return;
    }
    await(m_actions, &TourActions::modelOpened, [this, spec, then](const QString &opened) {
        if (opened == spec)
            proceed(then);
    });
    await(m_actions, &TourActions::modelOpenFailed,
          [this, spec](const QString &failed, const QString &message) {
              if (failed == spec)
                  failStep(tr("Could not open %1: %2").arg(spec, message));
          });
    followJobsOf([this, spec] { m_actions->openModel(spec); });
}

void GuidedTour::showTensor(const QString &name, const Continuation &then) {
    ModelBrowser *browser = m_actions->modelBrowser();
    const auto shown = [browser, name] {
        return browser->currentTensor() == name && browser->currentStatistics() &&
               browser->histogram()->hasData();
    };
    // The tails only show on a logarithmic count axis.
    browser->histogram()->setLogarithmic(true);
    if (shown()) {
        proceed(then);
        return;
    }
    await(browser, &ModelBrowser::statisticsShown, [this, name, then](const QString &tensor) {
        if (tensor == name)
            proceed(then);
    });
    bool found = true;
    followJobsOf([browser, name, &found] { found = browser->selectTensor(name); });
    if (!found)
        failStep(tr("The open model has no tensor named %1.").arg(name));
}

void GuidedTour::computeImportance(const Continuation &then) {
    await(m_actions, &TourActions::importanceComputed, [this, then] { proceed(then); });
    quint64 job = 0;
    followJobsOf([this, &job] { job = m_actions->computeImportance(); });
    if (job == 0)
        failStep(tr("The open model cannot be run, so its importance cannot be computed."));
}

void GuidedTour::compress(double bits, const Continuation &then) {
    const WorkbenchModel &model = m_actions->currentModel();
    // The settings the Compress at Bit Rate… dialog gives for these choices.
    CompressDialog dialog(model.spec, model.checkpoint->displayName(),
                          isDemoModel(*model.checkpoint), m_actions->dialogParent());
    dialog.setMethod(CompressionMethod::Nwc);
    dialog.setTargetBitsPerWeight(bits);
    dialog.setEvaluate(true);
    dialog.setOutputPath(
        QDir(workFolder()).filePath(QStringLiteral("tour-%1bpw-nwc.nwc").arg(bits)));
    if (!dialog.problem().isEmpty()) {
        failStep(dialog.problem());
        return;
    }
    const CompressionJobSettings settings = dialog.settings();
    await(m_actions, &TourActions::compressionCompleted,
          [this, settings, then](const CompressionJobResult &result) {
              if (result.settings.outputPath != settings.outputPath)
                  return;
              const auto same = std::find_if(
                  m_compressions.begin(), m_compressions.end(), [&](const CompressionJobResult &r) {
                      return r.summary.targetBitsPerWeight == result.summary.targetBitsPerWeight;
                  });
              if (same != m_compressions.end())
                  *same = result;
              else
                  m_compressions.push_back(result);
              std::sort(m_compressions.begin(), m_compressions.end(),
                        [](const CompressionJobResult &a, const CompressionJobResult &b) {
                            return a.summary.targetBitsPerWeight < b.summary.targetBitsPerWeight;
                        });
              Q_EMIT changed();
              proceed(then);
          });
    followJobsOf([this, &settings] { m_actions->startCompression(settings); });
}

void GuidedTour::sweep(const Continuation &then) {
    const WorkbenchModel &model = m_actions->currentModel();
    // The settings the Rate–Distortion Sweep… dialog gives for these choices.
    SweepDialog dialog(model.spec, model.checkpoint->displayName(), isDemoModel(*model.checkpoint),
                       m_actions->dialogParent());
    dialog.setMaxContext(model.checkpoint->config().maxPositions);
    QStringList bits;
    for (double value : TourScript::sweepBits())
        bits << QString::number(value);
    dialog.setBitsText(bits.join(QLatin1Char(',')));
    dialog.setMethods(TourScript::sweepMethods());
    dialog.maxBytesBox()->setValue(TourScript::kSweepEvaluationBytes);
    dialog.setSessionPath(QDir(workFolder()).filePath(QStringLiteral("tour-sweep.h5")));
    if (!dialog.problem().isEmpty()) {
        failStep(dialog.problem());
        return;
    }
    const QString sessionPath = dialog.sessionPath();
    RateDistortionView *view = m_actions->rateDistortionView();
    view->setXQuantity(RateDistortionView::XQuantity::BitsPerWeight);
    view->setYQuantity(RateDistortionView::YQuantity::KlMean);
    view->setLogX(false);
    view->setLogY(true);
    await(m_actions, &TourActions::sweepFinished, [this, sessionPath, then](const QString &path) {
        if (path == sessionPath)
            proceed(then);
    });
    await(m_actions, &TourActions::sweepFailed,
          [this](const QString &message) { failStep(tr("The sweep failed: %1").arg(message)); });
    await(m_actions, &TourActions::sweepCancelled, [this](const QString &) { cancelStep(); });
    const SweepSettings settings = dialog.settings();
    followJobsOf([this, &settings, &sessionPath] { m_actions->startSweep(settings, sessionPath); });
}

void GuidedTour::ensureTeacher(const Continuation &then) {
    GenerationPane *pane = m_actions->generationPane();
    const QString teacher = TourScript::teacher();
    const auto ready = [this, pane, then] {
        const QString reason = pane->collaborativeUnavailableReason();
        if (reason.isEmpty())
            proceed(then);
        else
            failStep(reason);
    };
    if (pane->teacher() && pane->teacherSpec() == teacher) {
        ready();
        return;
    }
    await(pane, &GenerationPane::teacherLoaded, ready);
    await(pane, &GenerationPane::teacherLoadFailed, [this, teacher](const QString &message) {
        failStep(tr("The teacher %1 could not be loaded: %2").arg(teacher, message));
    });
    // Loads (again) what the pane's teacher box would load, superseding a load in progress.
    followJobsOf([pane, teacher] { pane->setTeacherSpec(teacher); });
}

void GuidedTour::generate(double alpha, const Continuation &then) {
    GenerationPane *pane = m_actions->generationPane();
    if (pane->isGenerating()) {
        failStep(tr("A generation is running: stop it (Esc) and run this step again."));
        return;
    }
    pane->setPrompt(prompt());
    SamplingSettings sampling = pane->settings();
    sampling.maxTokens = TourScript::kMaxTokens;
    sampling.temperature = 0; // greedy: the same run every time
    sampling.topK = 0;
    sampling.topP = 1;
    pane->setSettings(sampling);
    CollaborativeSettings collaborative = pane->collaborativeSettings();
    collaborative.mode = CollaborativeMode::FixedAlpha;
    collaborative.alpha = alpha;
    collaborative.steeredTokens = TourScript::kSteeredTokens;
    pane->setCollaborativeSettings(collaborative);

    await(pane, &GenerationPane::generationFinished, [this, pane, alpha, then] {
        SteeringRun run;
        run.alpha = alpha;
        run.steeredTokens = pane->collaborativeSettings().steeredTokens;
        run.studentCompletion = TourResults::answerText(pane->completion());
        run.completion = TourResults::answerText(pane->collaborativeCompletion());
        const QString pattern = TourScript::questionSet().answerPattern;
        run.studentAnswer = extractAnswer(run.studentCompletion, pattern);
        run.answer = extractAnswer(run.completion, pattern);
        run.studentCorrect = answersMatch(run.studentAnswer, m_expected);
        run.correct = answersMatch(run.answer, m_expected);
        for (const StepTrace &step : pane->collaborativeSteps())
            run.flipped += step.flipped ? 1 : 0;
        run.firstFlip = TourResults::firstFlip(pane->collaborativeSteps());
        const auto same = std::find_if(m_runs.begin(), m_runs.end(),
                                       [alpha](const SteeringRun &r) { return r.alpha == alpha; });
        if (same != m_runs.end())
            *same = run;
        else
            m_runs.push_back(run);
        std::sort(m_runs.begin(), m_runs.end(),
                  [](const SteeringRun &a, const SteeringRun &b) { return a.alpha < b.alpha; });
        Q_EMIT changed();
        proceed(then);
    });
    await(pane, &GenerationPane::generationFailed,
          [this](const QString &message) { failStep(tr("Generation failed: %1").arg(message)); });
    await(pane, &GenerationPane::generationStopped, [this] { cancelStep(); });
    followJobsOf([pane] { pane->generate(); });
    if (!pane->isGenerating())
        failStep(tr("The generation pane could not start: %1")
                     .arg(pane->collaborativeUnavailableReason()));
}

} // namespace nwc
