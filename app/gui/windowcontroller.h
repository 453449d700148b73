#pragma once
// The common ground of the main window's controllers: the window they act in and its jobs.

#include "jobs/joberror.h"

#include <QObject>
#include <QString>
#include <functional>

class QMainWindow;
class QStatusBar;
class QWidget;

namespace nwc {

class JobRunner;

/// Base of the controllers MainWindow delegates its menus' work to (ModelController,
/// CompressionController, AnalysisFilesController, ImportanceController, SweepController).
/// A controller is a child of the window: its dialogs open on the window, its messages go to
/// the window's status bar, and its long operations run as jobs of the window's JobRunner.
class WindowController : public QObject {
    Q_OBJECT
public:
    WindowController(QMainWindow *window, JobRunner *runner);

protected:
    QMainWindow *window() const { return m_window; }
    JobRunner *runner() const { return m_runner; }
    QStatusBar *statusBar() const;
    /// A warning dialog; a failed job's `error` adds the mismatch title, advice and details.
    void showError(const QString &title, const QString &message, const JobError &error = {});
    /// Asks for a path with `ask(startFolder)`, starting in the folder remembered under the
    /// settings key `key` (else the home folder), and remembers the chosen path's folder there.
    /// Returns the path, empty when the dialog was cancelled.
    static QString askInRememberedFolder(const QString &key,
                                         const std::function<QString(const QString &)> &ask);

private:
    QMainWindow *m_window;
    JobRunner *m_runner;
};

/// Shows and raises the dock widget `widget` lies in (nothing when it lies in none).
void raiseDockOf(QWidget *widget);

} // namespace nwc
