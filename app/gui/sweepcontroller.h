#pragma once
// Compress › Rate–Distortion Sweep…: sweeps that fill the Rate–Distortion view as they run.

#include "windowcontroller.h"

class QAction;
class QPushButton;

namespace nwc {

class CompensationView;
class ModelController;
class RateDistortionView;
struct SweepSession;
struct SweepSettings;

/// Runs resumable rate–distortion sweeps in a job; their points appear in the Rate–Distortion
/// view (and the Compensation view's ablation) as they are measured. Clicking a point whose
/// container was kept offers, in the status bar, a button that opens it.
class SweepController : public WindowController {
    Q_OBJECT
public:
    SweepController(QMainWindow *window, JobRunner *runner, const ModelController *models,
                    RateDistortionView *view, CompensationView *compensation);

    /// Runs a rate–distortion sweep of `settings` into `sessionPath` (what the sweep dialog's
    /// OK does; the session's folder is created when missing). Errors appear in a message box.
    /// Returns the job id.
    quint64 startSweep(const SweepSettings &settings, const QString &sessionPath);
    /// Shows `session` in the Rate–Distortion view and the Compensation view's ablation.
    void showSession(const SweepSession &session);

    RateDistortionView *view() const { return m_view; }
    QAction *sweepAction() const { return m_action; }
    /// The status-bar button that opens the container of the last clicked sweep point (hidden
    /// when that point kept none).
    QPushButton *openContainerButton() const { return m_openContainerButton; }
    /// Enables the action and sets its tooltip for the open model and the running sweep.
    void updateActions();

    /// "1 point", "%1 points".
    static QString pointsText(qsizetype count);

Q_SIGNALS:
    /// A sweep job ended: finished (its session is shown), failed or was cancelled.
    void sweepFinished(const QString &sessionPath);
    void sweepFailed(const QString &message);
    void sweepCancelled(const QString &sessionPath);
    /// The views show another session (or more of its points).
    void sessionShown();
    /// The open-container button was clicked: open the container `path`.
    void openRequested(const QString &path);

private:
    void openSweepDialog();
    void showUpdate(quint64 job, const SweepSession &session);
    void pointActivated(int index);

    const ModelController *m_models;
    RateDistortionView *m_view;
    CompensationView *m_compensation;
    QAction *m_action;
    QPushButton *m_openContainerButton;
    QString m_pointContainer;
    quint64 m_job = 0;
};

} // namespace nwc
