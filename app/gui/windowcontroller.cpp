#include "windowcontroller.h"

#include "joberrordialog.h"

#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QMainWindow>
#include <QSettings>
#include <QStatusBar>

namespace nwc {

WindowController::WindowController(QMainWindow *window, JobRunner *runner)
    : QObject(window)
    , m_window(window)
    , m_runner(runner) {}

QStatusBar *WindowController::statusBar() const {
    return m_window->statusBar();
}

void WindowController::showError(const QString &title, const QString &message,
                                 const JobError &error) {
    JobErrorDialog::show(m_window, title, message, error);
}

QString
WindowController::askInRememberedFolder(const QString &key,
                                        const std::function<QString(const QString &)> &ask) {
    QSettings settings;
    const QString path = ask(settings.value(key, QDir::homePath()).toString());
    if (!path.isEmpty())
        settings.setValue(key, QFileInfo(path).absolutePath());
    return path;
}

void raiseDockOf(QWidget *widget) {
    for (QWidget *w = widget; w; w = w->parentWidget()) {
        if (auto *dock = qobject_cast<QDockWidget *>(w)) {
            dock->show();
            dock->raise();
            return;
        }
    }
}

} // namespace nwc
