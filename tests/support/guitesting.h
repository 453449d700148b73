#pragma once
// Helpers shared by the GUI tests: finding the visible widget of a type or a menu by its title,
// whether the trained demo models are present (the tests that run real jobs skip without them),
// a quick demo sweep.
#include "analysis/sweepsession.h"
#include "compressionjob.h"
#include "io/checkpoint.h"
#include "jobs/error.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QList>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QStandardPaths>
#include <QStringList>
#include <QWidget>

namespace nwc::test {

/// Settings and standard paths of a test program: QStandardPaths' test mode, under the
/// "nwc-workbench-test" organisation and the test's own application name.
inline void useTestSettings(const char *testName) {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("nwc-workbench-test"));
    QCoreApplication::setApplicationName(QString::fromLatin1(testName));
}

/// The first visible child of type T of `parent` (nullptr when none is visible).
template <typename T> T *visibleChild(QWidget &parent) {
    const QList<T *> children = parent.findChildren<T *>();
    for (T *child : children) {
        if (child->isVisible())
            return child;
    }
    return nullptr;
}

/// The menu of `window`'s menu bar titled `text` (mnemonic '&'s ignored); nullptr when none.
inline QMenu *menuNamed(QMainWindow &window, const QString &text) {
    const QList<QMenu *> menus = window.menuBar()->findChildren<QMenu *>();
    for (QMenu *menu : menus) {
        QString title = menu->title();
        title.remove(QLatin1Char('&'));
        if (title == text)
            return menu;
    }
    return nullptr;
}

/// Whether the demo model `spec` (e.g. "demo:student") resolves to a trained checkpoint.
inline bool demoModelInstalled(const QString &spec) {
    try {
        return QFileInfo::exists(Checkpoint::resolveSpec(spec) +
                                 QStringLiteral("/model.safetensors"));
    } catch (const Error &) {
        return false;
    }
}

/// A quick sweep of demo:student at 4 bits with `methods`: 4000 bytes of the held-out demo text
/// in windows of 64 tokens, calibrated on 4 windows of 64 tokens.
inline SweepSettings quickDemoSweep(const QStringList &methods) {
    SweepSettings settings;
    settings.model = QStringLiteral("demo:student");
    settings.bits = {4};
    settings.methods = methods;
    settings.textPath = demoHeldoutTextPath();
    settings.contextLength = 64;
    settings.stride = 0;
    settings.maxBytes = 4000;
    settings.calibrationSamples = 4;
    settings.calibrationLength = 64;
    return settings;
}

} // namespace nwc::test
