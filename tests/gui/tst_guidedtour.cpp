// Help › Guided Tour… and View › Presentation Mode without running jobs: the menu entries, the
// tour's texts and the panel's navigation and highlight, and presentation mode enlarging the
// fonts, lines and markers of every plot (and restoring them). tst_guidedtour_demo runs the
// whole tour on the demo models.
#include "customplot.h"
#include "generationpane.h"
#include "guidedtour.h"
#include "histogramplot.h"
#include "importanceview.h"
#include "mainwindow.h"
#include "modelbrowser.h"
#include "plotexport.h"
#include "presentationscale.h"
#include "ratedistortionview.h"
#include "tokenstreamview.h"
#include "tourpanel.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTextEdit>
#include <cmath>

using namespace nwc;

namespace {

QMenu *menuNamed(QMainWindow &window, const QString &text) {
    const QList<QMenu *> menus = window.menuBar()->findChildren<QMenu *>();
    for (QMenu *menu : menus) {
        QString title = menu->title();
        title.remove(QLatin1Char('&'));
        if (title == text)
            return menu;
    }
    return nullptr;
}

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
};

void TestGuidedTour::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("nwc-workbench-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_guidedtour"));
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

QTEST_MAIN(TestGuidedTour)
#include "tst_guidedtour.moc"
