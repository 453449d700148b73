// bench_gui_open: File › Open of a real-size checkpoint in the workbench window. For each shape
// (random bf16 weights at the real configuration, written once to $TMPDIR/nwc-bench-models as
// bench_runtime does), opens the folder in a MainWindow and measures, on the GUI thread:
//   - tree: time until the tensor tree is shown (checkpointOpened),
//   - runnable: time until the runtime has loaded behind it (modelOpened),
//   - the longest gap between ticks of a 5 ms timer while both happen (a UI stall), and how many
//     gaps exceeded 100 ms,
//   - the histogram of the largest tensor: time until its statistics are shown and the longest
//     gap meanwhile.
// Prints a Markdown table. --screenshot FILE saves the window as it looks when the tree has
// appeared and the weights are still loading (docs/).
//
// usage: bench_gui_open [--folder DIR] [--shapes NAME,...] [--screenshot FILE]
// Not a CTest test: `cmake --build --preset dev --target bench-gui-open`.
#include "compute/threadwaiting.h"
#include "randomcheckpoint.h"

#include "mainwindow.h"
#include "modelbrowser.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTimer>
#include <QTreeView>

#include <algorithm>
#include <cstdio>

using namespace nwc;

namespace {

struct Options {
    QString folder = QDir::temp().filePath(QStringLiteral("nwc-bench-models"));
    QStringList shapes = {QStringLiteral("Qwen2.5-0.5B"), QStringLiteral("TinyLlama-1.1B")};
    QString screenshot;
};

Options parse(const QStringList &arguments) {
    Options options;
    for (int i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        const QString next = arguments.value(i + 1);
        if (argument == QLatin1String("--folder"))
            options.folder = next, ++i;
        else if (argument == QLatin1String("--shapes"))
            options.shapes = next.split(QLatin1Char(','), Qt::SkipEmptyParts), ++i;
        else if (argument == QLatin1String("--screenshot"))
            options.screenshot = next, ++i;
    }
    return options;
}

/// The longest gap between ticks of a 5 ms timer on the GUI thread, and the gaps over 100 ms.
class StallMeter : public QObject {
public:
    StallMeter() {
        m_clock.start();
        m_last = m_clock.nsecsElapsed();
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const double gap = double(now - m_last) / 1e6;
            m_longest = std::max(m_longest, gap);
            m_over100 += gap > 100.0 ? 1 : 0;
            m_last = now;
        });
        m_timer.start(5);
    }
    double longestMs() const { return m_longest; }
    int over100() const { return m_over100; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    double m_longest = 0.0;
    int m_over100 = 0;
};

/// Waits for `spy` to have at least one signal, up to `seconds`.
bool waitFor(QSignalSpy &spy, int seconds) {
    return spy.count() > 0 || spy.wait(seconds * 1000);
}

} // namespace

int main(int argc, char **argv) {
    nwc::restartWithPassiveThreadWaiting(argv); // before any thread starts
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("nwc-workbench-bench"));
    QApplication app(argc, argv);
    const Options options = parse(app.arguments());
    std::printf("| shape | checkpoint GB | tensors | tree shown s | runnable s | longest UI "
                "stall ms | stalls > 100 ms | largest tensor | histogram s | stall ms |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    for (const bench::RealShape &shape : bench::realShapes()) {
        if (!options.shapes.contains(shape.name))
            continue;
        const QString folder = bench::ensureRandomCheckpoint(
            options.folder, shape, QStringLiteral(NWC_BENCH_EXTERNAL_DIR));
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QApplication::processEvents();
        QSignalSpy shown(&window, &MainWindow::checkpointOpened);
        QSignalSpy opened(&window, &MainWindow::modelOpened);
        QString screenshot = options.screenshot;
        if (!screenshot.isEmpty() && shape.name != options.shapes.last())
            screenshot.clear(); // the last shape's opening goes into the picture
        QObject::connect(&window, &MainWindow::checkpointOpened, &window, [&] {
            if (!screenshot.isEmpty())
                QTimer::singleShot(300, &window, [&] { window.grab().save(screenshot); });
        });
        StallMeter meter;
        QElapsedTimer clock;
        clock.start();
        window.openModel(folder);
        if (!waitFor(shown, 120)) {
            std::fprintf(stderr, "%s: the tree did not appear\n", qPrintable(shape.name));
            return 1;
        }
        const double treeSeconds = double(clock.nsecsElapsed()) / 1e9;
        if (!waitFor(opened, 600)) {
            std::fprintf(stderr, "%s: the runtime did not load\n", qPrintable(shape.name));
            return 1;
        }
        const double runnableSeconds = double(clock.nsecsElapsed()) / 1e9;
        const double openStall = meter.longestMs();
        const int openOver100 = meter.over100();

        // The histogram of the largest tensor (the embedding or the head).
        const QVector<TensorInfo> &tensors = window.currentModel().checkpoint->tensors();
        const auto largest =
            std::max_element(tensors.begin(), tensors.end(), [](const auto &a, const auto &b) {
                return a.elementCount() < b.elementCount();
            });
        StallMeter histogramMeter;
        QSignalSpy statistics(window.modelBrowser(), &ModelBrowser::statisticsShown);
        clock.restart();
        window.modelBrowser()->selectTensor(largest->name);
        if (!waitFor(statistics, 120)) {
            std::fprintf(stderr, "%s: no statistics\n", qPrintable(shape.name));
            return 1;
        }
        const double histogramSeconds = double(clock.nsecsElapsed()) / 1e9;
        std::printf("| %s | %.2f | %d | %.2f | %.1f | %.0f | %d | %s (%lld M values) | %.2f | "
                    "%.0f |\n",
                    qPrintable(shape.name),
                    double(QFileInfo(folder + QStringLiteral("/model.safetensors")).size()) / 1e9,
                    int(tensors.size()), treeSeconds, runnableSeconds, openStall, openOver100,
                    qPrintable(largest->name), largest->elementCount() / 1000000, histogramSeconds,
                    histogramMeter.longestMs());
        std::fflush(stdout);
    }
    return 0;
}
