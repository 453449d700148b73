// Help › Guided Tour… on the built-in demo models with the real jobs: open demo:teacher, a
// tensor's histogram, importance, NWC at 3 and 5 bits per weight (cancelled first, then failing
// on an unwritable folder, then for real), a rate–distortion sweep, and demo:student steered by
// demo:teacher at α = 0.5, 1 and 2. Asserts on what the workbench shows after each step.
// 70 s to 3.5 minutes on two shared cores, depending on their load (labelled slow).
#include "compressionsummarydialog.h"
#include "customplot.h"
#include "generationpane.h"
#include "guidedtour.h"
#include "guitesting.h"
#include "histogramplot.h"
#include "importanceview.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/jobrunner.h"
#include "mainwindow.h"
#include "modelbrowser.h"
#include "ratedistortionview.h"
#include "tokenstreamview.h"
#include "tourpanel.h"

#include <QDialog>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTreeView>
#include <cmath>

using namespace nwc;

namespace {

bool demoModelsInstalled() {
    return test::demoModelInstalled(QStringLiteral("demo:teacher"));
}

/// Closes the visible dialogs of `window` (error boxes the main window opened).
void closeDialogs(QWidget &window) {
    const QList<QDialog *> dialogs = window.findChildren<QDialog *>();
    for (QDialog *dialog : dialogs) {
        if (dialog->isVisible())
            dialog->close();
    }
}

} // namespace

class TestGuidedTourDemo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void tourRunsTheDemo();
};

void TestGuidedTourDemo::initTestCase() {
    test::useTestSettings("tst_guidedtour_demo");
    QSettings().clear();
    if (!demoModelsInstalled())
        QSKIP("the demo models are not built (run 'nwc train-demo')");
}

void TestGuidedTourDemo::tourRunsTheDemo() {
    MainWindow window;
    window.resize(1500, 950);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    GuidedTour *tour = window.showGuidedTour();
    auto *panel = window.guidedTourDock()->findChild<TourPanel *>();
    QVERIFY(panel);
    QElapsedTimer total;
    total.start();

    // Runs the current step from the panel and waits until it ends.
    const auto runStep = [&](int step, int timeoutMs) {
        QCOMPARE(tour->currentStep(), step);
        QElapsedTimer timer;
        timer.start();
        panel->runButton()->click();
        QCOMPARE(tour->state(), GuidedTour::State::Running);
        QVERIFY(!panel->runButton()->isEnabled());
        QVERIFY(!panel->nextButton()->isEnabled());
        QVERIFY(panel->cancelButton()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(tour->state() != GuidedTour::State::Running, timeoutMs);
        QVERIFY2(tour->state() == GuidedTour::State::Done, qPrintable(tour->errorText(step)));
        QVERIFY(panel->nextButton()->isEnabled() || step + 1 == tour->stepCount());
        QVERIFY(!panel->cancelButton()->isVisible());
        QVERIFY2(!tour->resultText(step).isEmpty(), qPrintable(tour->title(step)));
        QCOMPARE(panel->resultLabel()->text(), tour->resultText(step));
        qInfo("step %d (%s): %.1f s\n  %s", step, qPrintable(tour->title(step)),
              timer.elapsed() / 1000.0, qPrintable(tour->resultText(step)));
    };

    QVERIFY(tour->next());
    runStep(GuidedTour::OpenTeacher, 60000);
    QCOMPARE(window.currentModel().spec, QStringLiteral("demo:teacher"));
    QVERIFY(window.currentModel().languageModel);
    QVERIFY(window.modelBrowser()->view()->model()->rowCount() > 0);

    QVERIFY(tour->next());
    runStep(GuidedTour::Histogram, 60000);
    ModelBrowser *browser = window.modelBrowser();
    QCOMPARE(browser->currentTensor(), QStringLiteral("model.layers.3.mlp.down_proj.weight"));
    QVERIFY(browser->histogram()->isLogarithmic());
    QVERIFY(browser->histogram()->hasData());
    QVERIFY(browser->histogram()->binCount() > 0);
    QVERIFY(browser->currentStatistics()->count > 0);

    QVERIFY(tour->next());
    runStep(GuidedTour::Importance, 300000);
    ImportanceView *importance = window.importanceView();
    QVERIFY(importance->importance().layers.size() >= 28); // 4 blocks × 7 matrices (+ head)
    QVERIFY(!importance->importance().layers.front().importance.empty());
    QCOMPARE(importance->currentTab(), ImportanceView::Tab::HeatMap);
    QVERIFY(window.importanceDock()->isVisible());

    // Compression: cancelled first, then failing (its folder is not writable), then for real.
    QVERIFY(tour->next());
    QCOMPARE(tour->currentStep(), int(GuidedTour::Compress));
    panel->runButton()->click();
    QTRY_VERIFY(window.jobRunner()->activeCount() > 0);
    QVERIFY(panel->cancelButton()->isVisible());
    panel->cancelButton()->click();
    QTRY_COMPARE(tour->state(), GuidedTour::State::Cancelled);
    QTRY_COMPARE(window.jobRunner()->activeCount(), 0);
    QVERIFY(tour->compressions().empty());
    QVERIFY(panel->runButton()->isEnabled());
    QVERIFY(!panel->nextButton()->isEnabled());

    const QString folder = tour->workFolder();
    QVERIFY(QDir(folder).removeRecursively());
    QFile blocker(folder);
    QVERIFY(blocker.open(QIODevice::WriteOnly)); // a file where the folder was
    blocker.close();
    panel->runButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(tour->state() != GuidedTour::State::Running, 120000);
    QCOMPARE(tour->state(), GuidedTour::State::Failed);
    QVERIFY(!tour->errorText(GuidedTour::Compress).isEmpty());
    QVERIFY(panel->statusLabel()->text().contains(
        tour->errorText(GuidedTour::Compress).toHtmlEscaped()));
    QVERIFY(!panel->nextButton()->isEnabled());
    closeDialogs(window);
    QVERIFY(QFile::remove(folder));
    QVERIFY(QDir().mkpath(folder));

    runStep(GuidedTour::Compress, 600000);
    const std::vector<CompressionJobResult> &compressions = tour->compressions();
    QCOMPARE(compressions.size(), size_t(2));
    const CompressionJobResult &low = compressions[0];
    const CompressionJobResult &high = compressions[1];
    QCOMPARE(low.summary.targetBitsPerWeight, 3.0);
    QCOMPARE(high.summary.targetBitsPerWeight, 5.0);
    QVERIFY(std::abs(low.summary.achievedBitsPerWeight - 3.0) <= 0.05);
    QVERIFY(std::abs(high.summary.achievedBitsPerWeight - 5.0) <= 0.05);
    QVERIFY(low.summary.countedBytes > 0);
    QVERIFY(high.summary.countedBytes > low.summary.countedBytes);
    QVERIFY(QFileInfo(low.summary.outputPath).size() == low.summary.fileBytes);
    QVERIFY(QFileInfo(high.summary.outputPath).size() == high.summary.fileBytes);
    QVERIFY(low.evaluated && high.evaluated);
    QVERIFY(std::isfinite(low.evaluation.comparison.meanKl));
    QVERIFY(high.evaluation.comparison.meanKl < low.evaluation.comparison.meanKl);
    // The tour shows the numbers in its panel instead of opening summary dialogs.
    for (CompressionSummaryDialog *dialog : window.findChildren<CompressionSummaryDialog *>())
        QVERIFY(!dialog->isVisible());
    QVERIFY(panel->resultLabel()->text().contains(QStringLiteral("summary:1")));
    Q_EMIT panel->resultLabel()->linkActivated(QStringLiteral("summary:1"));
    CompressionSummaryDialog *details = nullptr;
    for (CompressionSummaryDialog *dialog : window.findChildren<CompressionSummaryDialog *>()) {
        if (dialog->isVisible())
            details = dialog;
    }
    QVERIFY(details);
    QCOMPARE(details->result().summary.outputPath, high.summary.outputPath);
    details->close();

    QVERIFY(tour->next());
    runStep(GuidedTour::RateDistortion, 600000);
    RateDistortionView *rd = window.rateDistortionView();
    QCOMPARE(rd->session().points.size(), size_t(6)); // nwc and rtn at 3, 4, 5
    QVERIFY(rd->session().hasReference);
    QCOMPARE(rd->yQuantity(), RateDistortionView::YQuantity::KlMean);
    QVERIFY(rd->isLogY());
    QVERIFY(rd->graph(QStringLiteral("nwc")));
    QCOMPARE(rd->graph(QStringLiteral("nwc"))->dataCount(), 3);
    QCOMPARE(rd->graph(QStringLiteral("rtn"))->dataCount(), 3);
    QVERIFY(window.rateDistortionDock()->isVisible());

    GenerationPane *pane = window.generationPane();
    const double alphas[] = {0.5, 1.0, 2.0};
    for (int i = 0; i < 3; ++i) {
        QVERIFY(tour->next());
        runStep(GuidedTour::SteerHalf + i, 120000);
        QCOMPARE(window.currentModel().spec, QStringLiteral("demo:student"));
        QCOMPARE(pane->teacherSpec(), QStringLiteral("demo:teacher"));
        QCOMPARE(pane->collaborativeSettings().alpha, alphas[i]);
        QCOMPARE(pane->collaborativeSettings().steeredTokens, GuidedTour::kSteeredTokens);
        QCOMPARE(pane->prompt(), tour->prompt());
        QVERIFY(pane->prompt().contains(tour->question()));
        QVERIFY(!pane->collaborativeCompletion().isEmpty());
        QCOMPARE(tour->steeringRuns().size(), size_t(i + 1));
        QCOMPARE(tour->steeringRuns().back().alpha, alphas[i]);
        QVERIFY(pane->collaborativeView()->title().contains(QLocale().toString(alphas[i], 'f', 2)));
    }
    // Three runs, one per α, each with its steered continuation.
    const std::vector<GuidedTour::SteeringRun> &runs = tour->steeringRuns();
    QCOMPARE(runs.size(), size_t(3));
    for (size_t i = 0; i < runs.size(); ++i) {
        QCOMPARE(runs[i].alpha, alphas[i]);
        QVERIFY(!runs[i].completion.isEmpty());
    }
    // The question was chosen so that steering the first 5 tokens with α = 1 fixes the
    // student's answer and over-trust (α = 2) breaks it again.
    QVERIFY2(!runs[1].studentCorrect, qPrintable(runs[1].studentCompletion));
    QVERIFY2(runs[1].correct, qPrintable(runs[1].completion));
    QVERIFY2(!runs[2].correct, qPrintable(runs[2].completion));
    for (const GuidedTour::SteeringRun &run : runs) {
        QVERIFY(run.flipped > 0);
        QVERIFY(!run.firstFlip.isEmpty());
    }
    QVERIFY(panel->resultLabel()->text().contains(runs[2].firstFlip));

    // Back keeps what the steps measured; Finish on the last step closes the panel.
    QVERIFY(tour->back());
    QCOMPARE(tour->state(), GuidedTour::State::Done);
    QVERIFY(tour->next());
    QVERIFY(panel->nextButton()->text().contains(QStringLiteral("Finish")));
    panel->nextButton()->click();
    QVERIFY(!window.guidedTourDock()->isVisible());
    qInfo("whole tour: %.1f s", total.elapsed() / 1000.0);
}

QTEST_MAIN(TestGuidedTourDemo)
#include "tst_guidedtour_demo.moc"
