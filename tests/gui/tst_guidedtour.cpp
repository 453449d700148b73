// Help › Guided Tour… and View › Presentation Mode without running jobs: the menu entries, the
// tour's texts and the panel's navigation and highlight, and presentation mode enlarging the
// fonts, lines and markers of every plot (and restoring them); the tour's script filling every
// number from what runs, its results formatted from the runs, and the tour driving a stand-in
// for the workbench through TourActions. tst_guidedtour_demo runs the whole tour on the demo
// models.
#include "analysis/sweepsession.h"
#include "customplot.h"
#include "generationpane.h"
#include "guidedtour.h"
#include "guitesting.h"
#include "histogramplot.h"
#include "importanceview.h"
#include "jobs/jobrunner.h"
#include "jobspanel.h"
#include "mainwindow.h"
#include "modelbrowser.h"
#include "plotexport.h"
#include "presentationscale.h"
#include "ratedistortionview.h"
#include "tokenstreamview.h"
#include "touractions.h"
#include "tourpanel.h"
#include "workbenchmodel.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTextEdit>
#include <cmath>

using namespace nwc;

namespace {

using test::menuNamed;

bool near(double a, double b) {
    return std::abs(a - b) < 1e-6 * std::max(1.0, std::abs(b));
}

double plotTitleFontPoints(QCustomPlot *plot) {
    QCPTextElement *title = plotTitle(plot);
    return title ? title->font().pointSizeF() : -1;
}

/// Dark pixels of a grab (text, lines and markers on the light plot background).
int darkPixels(const QImage &image) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (qGray(image.pixel(x, y)) < 128)
                ++count;
        }
    }
    return count;
}

/// A stand-in for the workbench: records what the tour asks for; the test answers with the
/// signals.
class RecordingTourActions : public TourActions {
public:
    RecordingTourActions()
        : m_runner(new JobRunner(this))
        , m_browser(new ModelBrowser(m_runner))
        , m_importance(new ImportanceView)
        , m_rateDistortion(new RateDistortionView)
        , m_generation(new GenerationPane(m_runner))
        , m_jobs(new JobsPanel(m_runner)) {}
    ~RecordingTourActions() override {
        delete m_jobs;
        delete m_generation;
        delete m_rateDistortion;
        delete m_importance;
        delete m_browser;
    }

    JobRunner *jobRunner() const override { return m_runner; }
    const WorkbenchModel &currentModel() const override { return m_model; }
    QWidget *dialogParent() const override { return nullptr; }
    void openModel(const QString &spec) override { opened.append(spec); }
    quint64 computeImportance() override { return 0; }
    const CalibrationSettings &calibrationSettings() const override { return m_calibration; }
    quint64 startCompression(const CompressionJobSettings &) override { return 0; }
    quint64 startSweep(const SweepSettings &, const QString &) override { return 0; }
    ModelBrowser *modelBrowser() const override { return m_browser; }
    ImportanceView *importanceView() const override { return m_importance; }
    RateDistortionView *rateDistortionView() const override { return m_rateDistortion; }
    GenerationPane *generationPane() const override { return m_generation; }
    QWidget *jobsPanel() const override { return m_jobs; }

    QStringList opened;

private:
    JobRunner *m_runner;
    ModelBrowser *m_browser;
    ImportanceView *m_importance;
    RateDistortionView *m_rateDistortion;
    GenerationPane *m_generation;
    JobsPanel *m_jobs;
    WorkbenchModel m_model;
    CalibrationSettings m_calibration;
};

} // namespace

class TestGuidedTour : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void menusOfferTourAndPresentationMode();
    void tourTextsAndNavigation();
    void presentationModeScalesPlots();
    void presentationModeIsRestored();
    void scriptFillsNumbersFromWhatRuns();
    void resultsComeFromTheRuns();
    void tourDrivesItsActions();
};

void TestGuidedTour::initTestCase() {
    test::useTestSettings("tst_guidedtour");
}

void TestGuidedTour::init() {
    QSettings().clear();
}

void TestGuidedTour::cleanup() {
    PresentationScale::setFactor(1.0);
}

void TestGuidedTour::menusOfferTourAndPresentationMode() {
    MainWindow window;
    QMenu *help = menuNamed(window, QStringLiteral("Help"));
    QVERIFY(help);
    QVERIFY(help->actions().contains(window.guidedTourAction()));
    QMenu *view = menuNamed(window, QStringLiteral("View"));
    QVERIFY(view);
    QAction *presentation = window.presentationModeAction();
    QVERIFY(view->actions().contains(presentation));
    QVERIFY(presentation->isCheckable());
    QVERIFY(!presentation->isChecked());
    QVERIFY(presentation->shortcuts().contains(QKeySequence(Qt::Key_F5)));
    QVERIFY(presentation->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P)));
    // The tour's dock appears only when asked for.
    QVERIFY(!window.guidedTourDock());
}

void TestGuidedTour::tourTextsAndNavigation() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.guidedTourAction()->trigger();
    GuidedTour *tour = window.guidedTour();
    QDockWidget *dock = window.guidedTourDock();
    QVERIFY(dock);
    QVERIFY(dock->isVisible());
    QCOMPARE(window.dockWidgetArea(dock), Qt::RightDockWidgetArea);
    auto *panel = dock->findChild<TourPanel *>();
    QVERIFY(panel);

    QCOMPARE(tour->stepCount(), int(GuidedTour::StepCount));
    for (int step = 0; step < tour->stepCount(); ++step) {
        QVERIFY2(!tour->title(step).isEmpty(), qPrintable(QString::number(step)));
        // Two to four sentences for the audience.
        const int sentences = int(tour->explanation(step).count(QLatin1String(". "))) + 1;
        QVERIFY2(sentences >= 2 && sentences <= 5, qPrintable(tour->explanation(step)));
        QCOMPARE(tour->hasAction(step), step != GuidedTour::Welcome);
        QCOMPARE(tour->actionText(step).isEmpty(), step == GuidedTour::Welcome);
        QVERIFY(tour->resultText(step).isEmpty()); // nothing measured yet
    }

    // The welcome step has nothing to run: Next is open. The next step must run first.
    QCOMPARE(tour->currentStep(), 0);
    QVERIFY(panel->stepLabel()->text().contains(QString::number(tour->stepCount())));
    QVERIFY(!panel->runButton()->isVisible());
    QVERIFY(!panel->backButton()->isEnabled());
    QVERIFY(panel->nextButton()->isEnabled());
    panel->nextButton()->click();
    QCOMPARE(tour->currentStep(), 1);
    QVERIFY(panel->titleLabel()->text().contains(tour->title(1).toHtmlEscaped()));
    QVERIFY(panel->runButton()->isVisible());
    QVERIFY(panel->runButton()->text().contains(QStringLiteral("demo:teacher")));
    QVERIFY(!panel->nextButton()->isEnabled());
    QVERIFY(!tour->next());
    QVERIFY(panel->backButton()->isEnabled());
    panel->backButton()->click();
    QCOMPARE(tour->currentStep(), 0);
    // What presentation remotes send: Page Down moves on from a step that is done (the welcome
    // step), Page Up goes back.
    QTest::keyClick(&window, Qt::Key_PageDown);
    QCOMPARE(tour->currentStep(), 1);
    QTest::keyClick(&window, Qt::Key_PageUp);
    QCOMPARE(tour->currentStep(), 0);

    // The step's widget is framed, in its raised dock.
    tour->goTo(GuidedTour::Importance);
    QVERIFY(TourHighlight::current());
    QCOMPARE(TourHighlight::current()->target(), tour->focusWidget(GuidedTour::Importance));
    QTRY_VERIFY(window.importanceDock()->isVisible());
    QTRY_VERIFY(TourHighlight::current()->isVisible());

    // Close ends the tour; Help › Guided Tour… starts it again at the beginning.
    panel->closeButton()->click();
    QVERIFY(!dock->isVisible());
    window.guidedTourAction()->trigger();
    QVERIFY(dock->isVisible());
    QCOMPARE(tour->currentStep(), 0);
}

void TestGuidedTour::presentationModeScalesPlots() {
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // Something drawn in one plot: a graph with a marker, and an item line.
    RateDistortionView *rd = window.rateDistortionView();
    QCustomPlot *plot = rd->plot();
    QCPGraph *graph = plot->addGraph();
    graph->setPen(QPen(Qt::red, 2));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
    graph->setData({1, 2, 3}, {3, 1, 2});
    auto *line = new QCPItemStraightLine(plot);
    line->setPen(QPen(Qt::blue, 1.5));
    plot->rescaleAxes();
    plot->replot();

    const QList<QCustomPlot *> plots = window.findChildren<QCustomPlot *>();
    QVERIFY(plots.size() >= 6); // histogram, importance ×2, rate–distortion, compensation ×3
    QHash<QCustomPlot *, double> tickPoints;
    QHash<QCustomPlot *, double> labelPoints;
    for (QCustomPlot *p : plots) {
        p->replot();
        tickPoints[p] = p->xAxis->tickLabelFont().pointSizeF();
        labelPoints[p] = p->xAxis->labelFont().pointSizeF();
        QVERIFY(tickPoints[p] > 0);
    }
    const double titlePoints = plotTitleFontPoints(window.importanceView()->columnPlot());
    const double appPoints = QApplication::font().pointSizeF();
    TokenStreamView *stream = window.generationPane()->studentView();
    const double streamPoints = stream->textView()->font().pointSizeF();
    const int stripHeight = stream->entropyStrip()->sizeHint().height();
    plot->resize(600, 400);
    plot->replot();
    const int inkBefore = darkPixels(plot->grab().toImage());

    window.presentationModeAction()->trigger();
    QVERIFY(window.presentationModeAction()->isChecked());
    QCOMPARE(PresentationScale::factor(), PresentationScale::kPresentationFactor);
    QVERIFY(QSettings().value(QStringLiteral("view/presentationMode")).toBool());
    const double f = PresentationScale::kPresentationFactor;
    QCoreApplication::processEvents(); // the application font reaches widgets through events
    QVERIFY(near(QApplication::font().pointSizeF(), appPoints * f));
    for (QCustomPlot *p : plots) {
        QVERIFY2(near(p->xAxis->tickLabelFont().pointSizeF(), tickPoints[p] * f),
                 qPrintable(QStringLiteral("%1: %2 → %3")
                                .arg(p->objectName())
                                .arg(tickPoints[p])
                                .arg(p->xAxis->tickLabelFont().pointSizeF())));
        QVERIFY2(near(p->xAxis->labelFont().pointSizeF(), labelPoints[p] * f),
                 qPrintable(p->objectName()));
    }
    QVERIFY(near(plotTitleFontPoints(window.importanceView()->columnPlot()), titlePoints * f));
    QVERIFY(near(graph->pen().widthF(), 2 * f));
    QVERIFY(near(graph->scatterStyle().size(), 6 * f));
    QVERIFY(near(line->pen().widthF(), 1.5 * f));
    QVERIFY(near(stream->textView()->font().pointSizeF(), streamPoints * f));
    QVERIFY(stream->entropyStrip()->sizeHint().height() > stripHeight);
    // The grab shows it: larger text, thicker lines, bigger markers.
    plot->replot();
    const int inkAfter = darkPixels(plot->grab().toImage());
    QVERIFY2(inkAfter > inkBefore * 1.3,
             qPrintable(QStringLiteral("%1 → %2").arg(inkBefore).arg(inkAfter)));

    // A view changing a pen while presenting: its new pen is scaled, not compounded.
    graph->setPen(QPen(Qt::darkGreen, 3));
    plot->replot();
    QVERIFY(near(graph->pen().widthF(), 3 * f));
    plot->replot();
    QVERIFY(near(graph->pen().widthF(), 3 * f));

    // A plot made while presenting looks like the others.
    HistogramPlot fresh;
    fresh.setStatistics(TensorStatistics::compute(std::vector<float>{1, 2, 2, 3}.data(), 4, 4),
                        QStringLiteral("x"));
    auto *freshPlot = fresh.findChild<QCustomPlot *>();
    QVERIFY(freshPlot);
    freshPlot->replot();
    QCustomPlot *histogram = window.modelBrowser()->histogram()->findChild<QCustomPlot *>();
    QVERIFY(near(freshPlot->xAxis->tickLabelFont().pointSizeF(),
                 histogram->xAxis->tickLabelFont().pointSizeF()));

    // And back.
    QTest::keyClick(&window, Qt::Key_F5);
    QCoreApplication::processEvents();
    QVERIFY(!window.presentationModeAction()->isChecked());
    QCOMPARE(PresentationScale::factor(), 1.0);
    QVERIFY(!QSettings().value(QStringLiteral("view/presentationMode")).toBool());
    QVERIFY(near(QApplication::font().pointSizeF(), appPoints));
    for (QCustomPlot *p : plots)
        QVERIFY(near(p->xAxis->tickLabelFont().pointSizeF(), tickPoints[p]));
    QVERIFY(near(graph->pen().widthF(), 3));
    QVERIFY(near(graph->scatterStyle().size(), 6));
    QVERIFY(near(stream->textView()->font().pointSizeF(), streamPoints));
    QCOMPARE(stream->entropyStrip()->sizeHint().height(), stripHeight);
    QVERIFY(near(freshPlot->xAxis->tickLabelFont().pointSizeF(), tickPoints[histogram]));
}

void TestGuidedTour::presentationModeIsRestored() {
    QSettings().setValue(QStringLiteral("view/presentationMode"), true);
    {
        MainWindow window;
        QVERIFY(window.presentationModeAction()->isChecked());
        QCOMPARE(PresentationScale::factor(), PresentationScale::kPresentationFactor);
    }
    QSettings().setValue(QStringLiteral("view/presentationMode"), false);
    MainWindow window;
    QVERIFY(!window.presentationModeAction()->isChecked());
    QCOMPARE(PresentationScale::factor(), 1.0);
}

void TestGuidedTour::scriptFillsNumbersFromWhatRuns() {
    // Numbers unlike the demo's, so that none can come from the text itself.
    TourFacts facts;
    facts.teacherParameters = 12345678;
    facts.studentParameters = 2345678;
    facts.teacherLayers = 7;
    facts.teacherWeightBits = 16;
    facts.calibration.samples = 11;
    facts.calibration.sequenceLength = 77;
    const QLocale locale;
    const QRegularExpression placeholder(QStringLiteral("%\\d"));
    for (int step = 0; step < GuidedTour::StepCount; ++step) {
        for (const QString &text :
             {TourScript::title(step, facts), TourScript::explanation(step, facts),
              TourScript::actionText(step, facts)})
            QVERIFY2(!text.contains(placeholder), qPrintable(text));
    }
    const QString welcome = TourScript::explanation(GuidedTour::Welcome, facts);
    QVERIFY(welcome.contains(locale.toString(12.3, 'f', 1)));
    QVERIFY(welcome.contains(locale.toString(2.3, 'f', 1)));
    QVERIFY(TourScript::explanation(GuidedTour::OpenTeacher, facts).contains(QStringLiteral("7")));
    const QString importance = TourScript::explanation(GuidedTour::Importance, facts);
    QVERIFY(importance.contains(QStringLiteral("11")));
    QVERIFY(importance.contains(QStringLiteral("77")));
    QVERIFY(!importance.contains(QStringLiteral("256")));
    const QString compress = TourScript::explanation(GuidedTour::Compress, facts);
    QVERIFY(compress.contains(QStringLiteral("from 16")));
    QVERIFY(TourScript::title(GuidedTour::Compress, facts)
                .contains(locale.toString(TourScript::kLowBits, 'g', 3)));
    QStringList rates;
    for (double bits : TourScript::sweepBits())
        rates << locale.toString(bits, 'g', 3);
    QVERIFY(TourScript::explanation(GuidedTour::RateDistortion, facts)
                .contains(locale.createSeparatedList(rates)));
    QVERIFY(TourScript::explanation(GuidedTour::SteerHalf, facts)
                .contains(QStringLiteral("N = %1").arg(TourScript::kSteeredTokens)));
    for (int step : {GuidedTour::SteerHalf, GuidedTour::SteerOne, GuidedTour::SteerTwo}) {
        const QString alpha =
            QStringLiteral("α = %1").arg(locale.toString(TourScript::alpha(step), 'g', 3));
        QVERIFY2(TourScript::title(step, facts).contains(alpha), qPrintable(alpha));
        QVERIFY(TourScript::actionText(step, facts).contains(alpha));
    }
    // Without the demo models the numbers are unknown, not made up.
    QVERIFY(
        TourScript::explanation(GuidedTour::Welcome, TourFacts()).contains(QStringLiteral("?")));
    QCOMPARE(TourScript::histogramTensor(4), QStringLiteral("model.layers.3.mlp.down_proj.weight"));
}

void TestGuidedTour::resultsComeFromTheRuns() {
    // What RTN's scales cost is measured from the sweep's points.
    SweepSession session;
    for (double bits : {3.0, 4.0}) {
        SweepPoint point;
        point.method = QStringLiteral("rtn");
        point.targetBits = bits;
        point.bitsPerWeight = bits + 0.37;
        session.points.push_back(point);
    }
    QVERIFY(TourResults::sweep(session).contains(QLocale().toString(0.37, 'f', 2)));
    // The steered tokens are the ones the run steered.
    GuidedTour::SteeringRun run;
    run.alpha = 0.5;
    run.steeredTokens = 9;
    const QString steering =
        TourResults::steering({run}, QStringLiteral("2 + 2?"), QStringLiteral("4"), 0.5);
    QVERIFY(steering.contains(QStringLiteral("first 9 tokens")));
    // The original's width is the stored one.
    CompressionJobResult result;
    result.evaluated = true;
    result.summary.targetBitsPerWeight = 3;
    result.summary.compressedWeights = 1000;
    const QString compressions = TourResults::compressions({result}, 16);
    QVERIFY(compressions.contains(QStringLiteral("at 16 bits")));
    QVERIFY(compressions.contains(QLocale().toString(2000)));
}

void TestGuidedTour::tourDrivesItsActions() {
    RecordingTourActions actions;
    GuidedTour tour(&actions);
    QVERIFY(tour.next());
    QCOMPARE(tour.currentStep(), int(GuidedTour::OpenTeacher));
    tour.run();
    QCOMPARE(tour.state(), GuidedTour::State::Running);
    QCOMPARE(actions.opened, QStringList{TourScript::teacher()});
    // Another model opening does not end the step; a failure of the teacher does.
    Q_EMIT actions.modelOpened(TourScript::student());
    QCoreApplication::processEvents();
    QCOMPARE(tour.state(), GuidedTour::State::Running);
    Q_EMIT actions.modelOpenFailed(TourScript::teacher(), QStringLiteral("disk on fire"));
    QCOMPARE(tour.state(), GuidedTour::State::Failed);
    QVERIFY(tour.errorText(GuidedTour::OpenTeacher).contains(QStringLiteral("disk on fire")));
    // Run again: the step is done once the workbench says the teacher is open.
    tour.run();
    QCOMPARE(actions.opened.size(), 2);
    Q_EMIT actions.modelOpened(TourScript::teacher());
    QTRY_COMPARE(tour.state(), GuidedTour::State::Done);
    QVERIFY(tour.canGoNext());
}

QTEST_MAIN(TestGuidedTour)
#include "tst_guidedtour.moc"
