#include "sweepcontroller.h"

#include "analysis/calibrationwindows.h"
#include "analysis/sweepsession.h"
#include "compensationview.h"
#include "jobs/jobrunner.h"
#include "modelcontroller.h"
#include "ratedistortionview.h"
#include "settingsdialog.h"
#include "sweepdialog.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMainWindow>
#include <QPointer>
#include <QPushButton>
#include <QStatusBar>

namespace nwc {

SweepController::SweepController(QMainWindow *window, JobRunner *runner,
                                 const ModelController *models, RateDistortionView *view,
                                 CompensationView *compensation)
    : WindowController(window, runner)
    , m_models(models)
    , m_view(view)
    , m_compensation(compensation)
    , m_action(new QAction(tr("Rate–Distortion &Sweep…"), this))
    , m_openContainerButton(new QPushButton(window)) {
    connect(m_action, &QAction::triggered, this, &SweepController::openSweepDialog);
    m_openContainerButton->setFlat(true);
    m_openContainerButton->setVisible(false);
    connect(m_openContainerButton, &QPushButton::clicked, this, [this] {
        if (!m_pointContainer.isEmpty())
            Q_EMIT openRequested(m_pointContainer);
    });
    connect(m_view, &RateDistortionView::pointActivated, this, &SweepController::pointActivated);
}

QString SweepController::pointsText(qsizetype count) {
    return count == 1 ? tr("1 point") : tr("%1 points").arg(count);
}

void SweepController::updateActions() {
    const bool runnable = m_models->isRunnable();
    const CheckpointPtr &checkpoint = m_models->currentModel().checkpoint;
    m_action->setEnabled(runnable && m_job == 0);
    m_action->setToolTip(!runnable ? m_models->notRunnableHint()
                         : m_job != 0
                             ? tr("A sweep is running: wait for it, or cancel it in the Jobs panel "
                                  "(its finished points are kept).")
                             : tr("Compress %1 with several methods at several bit rates and plot "
                                  "size against perplexity and KL divergence")
                                   .arg(checkpoint->displayName()));
}

void SweepController::openSweepDialog() {
    if (!m_models->isRunnable())
        return;
    const WorkbenchModel &model = m_models->currentModel();
    const CheckpointPtr &checkpoint = model.checkpoint;
    auto *dialog =
        new SweepDialog(model.spec, checkpoint->displayName(), isDemoModel(*checkpoint), window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setMaxContext(checkpoint->config().maxPositions);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { startSweep(dialog->settings(), dialog->sessionPath()); });
    dialog->open();
}

quint64 SweepController::startSweep(const SweepSettings &settings, const QString &sessionPath) {
    // The default sessions folder may not exist yet; a missing folder elsewhere is reported
    // by the sweep itself.
    QDir().mkpath(QFileInfo(sessionPath).absolutePath());
    const QString fileName = QFileInfo(sessionPath).fileName();
    m_openContainerButton->setVisible(false);

    // Start from an empty plot: the session's points appear as they come.
    SweepSession start;
    start.settings = settings;
    showSession(start);
    raiseDockOf(m_view);

    const int points = int(settings.bits.size()) * int(settings.methods.size());
    const QFileInfo model(settings.model);
    const QString modelName = model.exists() ? model.fileName() : settings.model;
    statusBar()->showMessage(tr("Sweeping %1 into %2…").arg(modelName, fileName), 8000);
    const QPointer<SweepController> guard(this);
    SweepController *controller = this;
    // The open model serves as the original instead of loading it a second time.
    const WorkbenchModel &current = m_models->currentModel();
    const LanguageModelPtr open =
        settings.model == current.spec ? current.languageModel : LanguageModelPtr();
    // The points compute where the open model lives, else on the device chosen in Settings.
    SweepSettings run = settings;
    run.compute = open ? open->computeOptions() : guiComputeOptions();
    m_job = runner()->start(
        tr("Sweep %1 (%2)").arg(modelName, pointsText(points)), QStringLiteral("sweep"), this,
        [run, sessionPath, guard, controller, open](JobContext &context) {
            const quint64 job = context.jobId();
            // The observer runs on this worker thread: it hands a copy of the session to the
            // GUI thread, where the views are updated.
            return runSweep(
                run, sessionPath, &context,
                [guard, controller, job](const SweepSession &session) {
                    QMetaObject::invokeMethod(
                        controller,
                        [guard, job, session] {
                            if (guard)
                                guard->showUpdate(job, session);
                        },
                        Qt::QueuedConnection);
                },
                open);
        },
        JobHandlers<SweepSession>{
            [this, sessionPath, fileName](const SweepSession &session) {
                m_job = 0;
                showSession(session);
                updateActions();
                QString message = tr("Sweep finished: %1 in %2.")
                                      .arg(pointsText(session.points.size()), fileName);
                if (!session.skipped.isEmpty())
                    message +=
                        QLatin1Char(' ') + tr("Skipped %1 the methods cannot reach: %2")
                                               .arg(pointsText(session.skipped.size()),
                                                    session.skipped.join(QStringLiteral("; ")));
                statusBar()->showMessage(message, 15000);
                Q_EMIT sweepFinished(sessionPath);
            },
            [this, sessionPath](const JobError &message) {
                m_job = 0;
                updateActions();
                statusBar()->clearMessage();
                showError(tr("Rate–Distortion Sweep"),
                          tr("The sweep failed: %1\n\nThe points measured before are kept in %2; "
                             "the same sweep started again resumes from there.")
                              .arg(message, QDir::toNativeSeparators(sessionPath)),
                          message);
                Q_EMIT sweepFailed(message);
            },
            [this, sessionPath, fileName] {
                m_job = 0;
                updateActions();
                statusBar()->showMessage(
                    tr("Sweep cancelled: the finished points (%1) are kept in %2; start the same "
                       "sweep again to resume.")
                        .arg(pointsText(m_view->session().points.size()), fileName),
                    15000);
                Q_EMIT sweepCancelled(sessionPath);
            }});
    updateActions();
    return m_job;
}

void SweepController::showUpdate(quint64 job, const SweepSession &session) {
    if (job != m_job)
        return; // a sweep that was cancelled or superseded
    showSession(session);
}

void SweepController::showSession(const SweepSession &session) {
    m_view->setSession(session);
    m_compensation->setAblation(session);
    Q_EMIT sessionShown();
}

void SweepController::pointActivated(int index) {
    const SweepSession &session = m_view->session();
    if (index < 0 || size_t(index) >= session.points.size())
        return;
    const SweepPoint &point = session.points[size_t(index)];
    if (point.containerPath.isEmpty() || !QFileInfo::exists(point.containerPath)) {
        m_pointContainer.clear();
        m_openContainerButton->setVisible(false);
        return;
    }
    m_pointContainer = point.containerPath;
    const QString fileName = QFileInfo(point.containerPath).fileName();
    m_openContainerButton->setText(tr("Open %1").arg(fileName));
    m_openContainerButton->setToolTip(tr("Open the compressed model of %1 (%2)")
                                          .arg(sweepPointName(point.method, point.targetBits),
                                               QDir::toNativeSeparators(point.containerPath)));
    m_openContainerButton->setVisible(true);
    statusBar()->showMessage(tr("%1 kept its container: click “Open %2” to open it.")
                                 .arg(sweepPointName(point.method, point.targetBits), fileName),
                             10000);
}

} // namespace nwc
