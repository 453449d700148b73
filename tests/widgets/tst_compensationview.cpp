// CompensationView on a hand-made CompensationReport and ablation sweep: paired bars per layer
// and per block, per-column curves, the ablation bars, empty states, read-outs and exports.
#include "compensationview.h"
#include "plotexport.h"
#include "plottesting.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <cmath>
#include <random>

using namespace nwc;
using nwc::test::itemsOf;
using nwc::test::pixelOf;

namespace {

const QString kQ0 = QStringLiteral("model.layers.0.self_attn.q_proj.weight");
const QString kDown0 = QStringLiteral("model.layers.0.mlp.down_proj.weight");
const QString kQ1 = QStringLiteral("model.layers.1.self_attn.q_proj.weight");

LayerCompensation layer(const QString &name, double off, double on, std::vector<double> columnOff,
                        std::vector<double> columnOn) {
    LayerCompensation result;
    result.name = name;
    result.block = name.section(QLatin1Char('.'), 2, 2).toInt();
    result.relativeErrorOff = off;
    result.relativeErrorOn = on;
    result.columnErrorOff = std::move(columnOff);
    result.columnErrorOn = std::move(columnOn);
    return result;
}

CompensationReport fixture() {
    CompensationReport report;
    report.mode = QStringLiteral("all");
    report.layers.push_back(layer(kQ0, 0.02, 0.01, {1, 2, 3, 4}, {0.5, 1, 1.5, 2}));
    report.layers.push_back(
        layer(kDown0, 0.04, 0.03, {6, 5, 4, 3, 2, 1}, {3, 2.5, 2, 1.5, 1, 0.5}));
    report.layers.push_back(layer(kQ1, 0.05, 0.02, {1, 1}, {0.25, 0.5}));
    report.blocks = {{0, 0.1, 0.05}, {1, 0.2, 0.08}};
    report.tuneWindows = 8;
    report.heldOutWindows = 4;
    return report;
}

SweepPoint point(const char *method, double target, double bpw, double ppl, double kl) {
    SweepPoint p;
    p.method = QString::fromLatin1(method);
    p.targetBits = target;
    p.bitsPerWeight = bpw;
    p.perplexity = ppl;
    p.klMean = kl;
    return p;
}

SweepSession ablationFixture() {
    SweepSession session;
    session.settings.model = QStringLiteral("demo:stories260K");
    session.hasReference = true;
    session.reference.perplexity = 10;
    session.points = {
        point("nwc", 4, 4.05, 12, 0.2),         point("nwc+ldlq", 4, 4.05, 11, 0.12),
        point("rtn", 4, 4.25, 14, 0.4),         point("nwc+comp", 4, 4.06, 10.5, 0.06),
        point("nwc", 3, 3.02, 15, 0.5),         point("nwc+finetune", 3, 3.03, 13, 0.3),
        point("nwc+comp", 3, 3.04, 12.5, 0.25),
    };
    return session;
}

// Two dozen layers with a spread of errors, for the grabs.
CompensationReport realisticFixture() {
    std::mt19937 random(3);
    std::lognormal_distribution<double> lognormal(-4.0, 0.6);
    std::uniform_real_distribution<double> reduction(0.3, 0.8);
    const char *const names[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                                 "self_attn.o_proj", "mlp.gate_proj",    "mlp.up_proj",
                                 "mlp.down_proj"};
    CompensationReport report;
    report.mode = QStringLiteral("all");
    for (int block = 0; block < 4; ++block) {
        for (const char *name : names) {
            const QString weight = QStringLiteral("model.layers.%1.%2.weight")
                                       .arg(block)
                                       .arg(QString::fromLatin1(name));
            std::vector<double> off(64);
            std::vector<double> on(64);
            for (size_t j = 0; j < off.size(); ++j) {
                off[j] = lognormal(random);
                on[j] = off[j] * reduction(random) * (0.5 + double(j) / 64);
            }
            const double layerOff = lognormal(random) * 4;
            report.layers.push_back(layer(weight, layerOff, layerOff * reduction(random), off, on));
        }
        report.blocks.push_back({block, 0.02 * (block + 1), 0.02 * (block + 1) * 0.45});
    }
    report.tuneWindows = 24;
    report.heldOutWindows = 8;
    return report;
}

QString tickLabel(QCPAxis *axis, double key) {
    auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
    return ticker ? ticker->ticks().value(key) : QStringLiteral("<no text ticker>");
}

} // namespace

class TestCompensationView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void layerBarsMatchInput();
    void blockBars();
    void blocksNeedBlockData();
    void logToggleChangesScale();
    void columnCurves();
    void ablationBars();
    void ablationTargets();
    void clickLayerBar();
    void clickBlockBar();
    void clickColumn();
    void clickAblationBar();
    void hoverShowsTooltip();
    void csvOfEachPlot();
    void exportsEachPlot();
    void emptyStates();
    void plotsAreDrawn();

private:
    std::unique_ptr<CompensationView> m_view;
};

void TestCompensationView::init() {
    m_view = std::make_unique<CompensationView>();
    m_view->setReport(fixture());
    m_view->setAblation(ablationFixture());
    QVERIFY(test::showView(*m_view, QSize(900, 600)));
}

void TestCompensationView::cleanup() {
    m_view.reset();
}

void TestCompensationView::layerBarsMatchInput() {
    QCOMPARE(m_view->currentTab(), CompensationView::Tab::Layers);
    QCustomPlot *plot = m_view->layersPlot();
    QCOMPARE(m_view->plot(), plot);
    QCOMPARE(plot->plottableCount(), 2);
    auto *off = qobject_cast<QCPBars *>(plot->plottable(0));
    auto *on = qobject_cast<QCPBars *>(plot->plottable(1));
    QVERIFY(off && on);
    QVERIFY(off->barsGroup() && off->barsGroup() == on->barsGroup());
    QCOMPARE(off->name(), QStringLiteral("compensation off"));
    QCOMPARE(on->name(), QStringLiteral("compensation on"));
    QCOMPARE(off->data()->size(), 3);
    QCOMPARE(on->data()->size(), 3);
    const double offValues[] = {0.02, 0.04, 0.05};
    const double onValues[] = {0.01, 0.03, 0.02};
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(off->data()->at(i)->key, double(i));
        QCOMPARE(off->data()->at(i)->value, offValues[i]);
        QCOMPARE(on->data()->at(i)->value, onValues[i]);
    }
    QCOMPARE(tickLabel(plot->xAxis, 0), QStringLiteral("0.q"));
    QCOMPARE(tickLabel(plot->xAxis, 1), QStringLiteral("0.down"));
    QCOMPARE(tickLabel(plot->xAxis, 2), QStringLiteral("1.q"));
    QVERIFY(plot->yAxis->label().startsWith(QStringLiteral("relative output error")));
    QCOMPARE(plot->legend->itemCount(), 2);
    const auto *caption = m_view->findChild<QLabel *>(QStringLiteral("caption"));
    QVERIFY(caption->text().contains(QStringLiteral("all")));
    QVERIFY(caption->text().contains(QStringLiteral("8 windows")));
}

void TestCompensationView::blockBars() {
    auto *combo = m_view->findChild<QComboBox *>(QStringLiteral("granularityCombo"));
    QVERIFY(combo->isEnabled());
    combo->setCurrentIndex(1);
    QVERIFY(m_view->showsBlocks());
    QCustomPlot *plot = m_view->layersPlot();
    auto *off = qobject_cast<QCPBars *>(plot->plottable(0));
    auto *on = qobject_cast<QCPBars *>(plot->plottable(1));
    QCOMPARE(off->data()->size(), 2);
    QCOMPARE(on->data()->size(), 2);
    QCOMPARE(off->data()->at(1)->value, 0.2);
    QCOMPARE(on->data()->at(1)->value, 0.08);
    QCOMPARE(tickLabel(plot->xAxis, 1), QStringLiteral("1"));
    QCOMPARE(plot->xAxis->label(), QStringLiteral("decoder block"));
    m_view->setShowBlocks(false);
    QCOMPARE(off->data()->size(), 3);
    QCOMPARE(combo->currentIndex(), 0);
}

void TestCompensationView::blocksNeedBlockData() {
    CompensationReport report = fixture();
    report.blocks.clear();
    report.mode = QStringLiteral("ldlq");
    m_view->setReport(report);
    QVERIFY(!m_view->findChild<QComboBox *>(QStringLiteral("granularityCombo"))->isEnabled());
    m_view->setShowBlocks(true);
    QVERIFY(!m_view->showsBlocks());
    QCOMPARE(qobject_cast<QCPBars *>(m_view->layersPlot()->plottable(0))->data()->size(), 3);
}

void TestCompensationView::logToggleChangesScale() {
    QCOMPARE(m_view->layersPlot()->yAxis->scaleType(), QCPAxis::stLinear);
    m_view->findChild<QCheckBox *>(QStringLiteral("logCheck"))->setChecked(true);
    QVERIFY(m_view->isLogarithmic());
    QCOMPARE(m_view->layersPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(m_view->columnsPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(m_view->layersPlot()->yAxis->range().lower > 0);
    QVERIFY(m_view->layersPlot()->yAxis->range().contains(0.01));
    QVERIFY(m_view->layersPlot()->yAxis->range().contains(0.05));
    m_view->setLogarithmic(false);
    QCOMPARE(m_view->layersPlot()->yAxis->scaleType(), QCPAxis::stLinear);
}

void TestCompensationView::columnCurves() {
    m_view->setCurrentTab(CompensationView::Tab::Columns);
    QCustomPlot *plot = m_view->columnsPlot();
    QCOMPARE(m_view->plot(), plot);
    QCOMPARE(plot->graphCount(), 2);
    QCOMPARE(plot->graph(0)->name(), QStringLiteral("compensation off"));
    QCOMPARE(plot->graph(0)->data()->size(), 4);
    QCOMPARE(plot->graph(1)->data()->size(), 4);
    QCOMPARE(plot->graph(0)->data()->at(2)->value, 3.0);
    QCOMPARE(plot->graph(1)->data()->at(2)->value, 1.5);
    QCOMPARE(plot->xAxis->label(), QStringLiteral("input column"));
    auto *combo = m_view->findChild<QComboBox *>(QStringLiteral("layerCombo"));
    QCOMPARE(combo->count(), 3);
    combo->setCurrentIndex(1);
    QCOMPARE(m_view->currentLayer(), 1);
    QCOMPARE(plot->graph(0)->data()->size(), 6);
    QCOMPARE(plot->graph(1)->data()->at(5)->value, 0.5);
    QVERIFY(test::itemTexts(plot).isEmpty());
}

void TestCompensationView::ablationBars() {
    m_view->setCurrentTab(CompensationView::Tab::Ablation);
    QCustomPlot *plot = m_view->ablationPlot();
    QCOMPARE(m_view->plot(), plot);
    // Targets 3 and 4; the first is chosen: nwc, nwc+finetune, nwc+comp at 3 bpw.
    QCOMPARE(m_view->ablationTarget(), 3.0);
    QCOMPARE(m_view->ablationPoints(), std::vector<int>({4, 5, 6}));
    m_view->setAblationTarget(4);
    QCOMPARE(m_view->ablationPoints(), std::vector<int>({0, 1, 3}));
    QCOMPARE(plot->plottableCount(), 2);
    auto *perplexity = qobject_cast<QCPBars *>(plot->plottable(0));
    auto *kl = qobject_cast<QCPBars *>(plot->plottable(1));
    QCOMPARE(perplexity->data()->size(), 3);
    QCOMPARE(kl->data()->size(), 3);
    QCOMPARE(perplexity->data()->at(1)->value, 11.0);
    QCOMPARE(kl->data()->at(2)->value, 0.06);
    QCOMPARE(perplexity->valueAxis(), plot->yAxis);
    QCOMPARE(kl->valueAxis(), plot->yAxis2);
    QCOMPARE(tickLabel(plot->xAxis, 0), QStringLiteral("nwc"));
    QCOMPARE(tickLabel(plot->xAxis, 1), QStringLiteral("nwc+ldlq"));
    QCOMPARE(tickLabel(plot->xAxis, 2), QStringLiteral("nwc+comp"));
    QCOMPARE(plot->yAxis->label(), QStringLiteral("perplexity"));
    QCOMPARE(plot->yAxis2->label(), QStringLiteral("KL mean (nats)"));
    const auto lines = itemsOf<QCPItemStraightLine>(plot, QStringLiteral("reference"));
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines[0]->point1->coords().y(), 10.0);
    QCOMPARE(itemsOf<QCPItemText>(plot, QStringLiteral("barLabel")).size(), 6);
}

void TestCompensationView::ablationTargets() {
    QCOMPARE(m_view->ablationTargets(), std::vector<double>({3, 4}));
    auto *combo = m_view->findChild<QComboBox *>(QStringLiteral("targetCombo"));
    QCOMPARE(combo->count(), 2);
    QCOMPARE(combo->itemText(1), QStringLiteral("4 bpw"));
    combo->setCurrentIndex(1);
    QCOMPARE(m_view->ablationTarget(), 4.0);
    // A new sweep keeps the chosen target when it has it.
    m_view->setAblation(ablationFixture());
    QCOMPARE(m_view->ablationTarget(), 4.0);
}

void TestCompensationView::clickLayerBar() {
    QSignalSpy spy(m_view.get(), &CompensationView::layerActivated);
    QCustomPlot *plot = m_view->layersPlot();
    test::clickAt(plot, 1, 0.01);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 1);
    QCOMPARE(m_view->readoutText(),
             kDown0 + QStringLiteral(": relative output error off 0.04, on 0.03 (−25.0 %)"));
    QCOMPARE(m_view->currentLayer(), 1); // the Columns tab follows
    test::clickAt(plot, 4, 0.01);
    QCOMPARE(spy.count(), 1);
}

void TestCompensationView::clickBlockBar() {
    m_view->setShowBlocks(true);
    QSignalSpy spy(m_view.get(), &CompensationView::blockActivated);
    QCustomPlot *plot = m_view->layersPlot();
    test::clickAt(plot, 1.1, 0.05);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 1);
    QCOMPARE(m_view->readoutText(),
             QStringLiteral("block 1: relative output error off 0.2, on 0.08 (−60.0 %)"));
}

void TestCompensationView::clickColumn() {
    m_view->setCurrentTab(CompensationView::Tab::Columns);
    QSignalSpy spy(m_view.get(), &CompensationView::columnActivated);
    QCustomPlot *plot = m_view->columnsPlot();
    plot->replot();
    test::clickAt(plot, 3, 1);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 0);
    QCOMPARE(spy.at(0).at(1).toInt(), 3);
    QCOMPARE(m_view->readoutText(),
             kQ0 + QStringLiteral(" · column 3: error off 4, on 2 (−50.0 %)"));
}

void TestCompensationView::clickAblationBar() {
    m_view->setCurrentTab(CompensationView::Tab::Ablation);
    m_view->setAblationTarget(4);
    QSignalSpy spy(m_view.get(), &CompensationView::ablationPointActivated);
    QCustomPlot *plot = m_view->ablationPlot();
    plot->replot();
    test::clickAt(plot, 1.15, 5);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 1);
    QCOMPARE(m_view->readoutText(),
             QStringLiteral("nwc+ldlq at 4 bpw target: perplexity 11 (1.100× FP16), KL mean "
                            "0.12 nats, 4.050 bpw"));
}

void TestCompensationView::hoverShowsTooltip() {
    QCustomPlot *plot = m_view->layersPlot();
    test::hoverAt(plot, pixelOf(plot, 2, 0.001));
    QTRY_COMPARE(QToolTip::text(),
                 kQ1 + QStringLiteral(": relative output error off 0.05, on 0.02 (−60.0 %)"));
}

void TestCompensationView::csvOfEachPlot() {
    QCOMPARE(m_view->csv(), QStringLiteral("layer,block,relative_error_off,relative_error_on\n") +
                                kQ0 + QStringLiteral(",0,0.02,0.01\n") + kDown0 +
                                QStringLiteral(",0,0.04,0.03\n") + kQ1 +
                                QStringLiteral(",1,0.05,0.02\n"));
    m_view->setShowBlocks(true);
    QCOMPARE(
        m_view->csv(),
        QStringLiteral("block,relative_error_off,relative_error_on\n0,0.1,0.05\n1,0.2,0.08\n"));
    m_view->setCurrentTab(CompensationView::Tab::Columns);
    QCOMPARE(m_view->csv(),
             QStringLiteral("column,error_off,error_on\n0,1,0.5\n1,2,1\n2,3,1.5\n3,4,2\n"));
    m_view->setCurrentTab(CompensationView::Tab::Ablation);
    m_view->setAblationTarget(4);
    QCOMPARE(m_view->csv(),
             QStringLiteral("method,target_bits,bits_per_weight,perplexity,kl_mean_nats\n"
                            "nwc,4,4.05,12,0.2\nnwc+ldlq,4,4.05,11,0.12\n"
                            "nwc+comp,4,4.06,10.5,0.06\n"));
}

void TestCompensationView::exportsEachPlot() {
    test::checkExports(*m_view, m_view->csv());
    m_view->setCurrentTab(CompensationView::Tab::Columns);
    test::checkExports(*m_view, m_view->csv());
    m_view->setCurrentTab(CompensationView::Tab::Ablation);
    test::checkExports(*m_view, m_view->csv());
}

void TestCompensationView::emptyStates() {
    m_view->setReport(CompensationReport());
    m_view->setAblation(SweepSession());
    QVERIFY(test::itemTexts(m_view->layersPlot()).contains(QStringLiteral("--compensate")));
    QVERIFY(test::itemTexts(m_view->layersPlot()).contains(QStringLiteral("No compensation data")));
    QVERIFY(
        test::itemTexts(m_view->columnsPlot()).contains(QStringLiteral("No compensation data")));
    QVERIFY(test::itemTexts(m_view->ablationPlot()).contains(QStringLiteral("No ablation data")));
    QCOMPARE(m_view->currentLayer(), -1);
    QVERIFY(std::isnan(m_view->ablationTarget()));
    QCOMPARE(m_view->csv(), QStringLiteral("layer,block,relative_error_off,relative_error_on\n"));
    QSignalSpy spy(m_view.get(), &CompensationView::layerActivated);
    QTest::mouseClick(m_view->layersPlot(), Qt::LeftButton, {},
                      m_view->layersPlot()->axisRect()->rect().center());
    QCOMPARE(spy.count(), 0);
    test::keepGrab(m_view.get(), QStringLiteral("h2-compensation-empty"));
    // Only other methods in the sweep: still empty.
    SweepSession rtnOnly = ablationFixture();
    rtnOnly.points = {rtnOnly.points[2]};
    m_view->setAblation(rtnOnly);
    QVERIFY(m_view->ablationTargets().empty());
    QVERIFY(test::itemTexts(m_view->ablationPlot()).contains(QStringLiteral("No ablation data")));
}

void TestCompensationView::plotsAreDrawn() {
    m_view->setReport(realisticFixture());
    QCustomPlot *layers = m_view->layersPlot();
    QVERIFY(test::inkPixels(layers, layers->grab().toImage()) > 2000);
    test::keepGrab(m_view.get(), QStringLiteral("h2-compensation-layers"));
    m_view->setShowBlocks(true);
    test::keepGrab(m_view.get(), QStringLiteral("h2-compensation-blocks"));
    m_view->setCurrentTab(CompensationView::Tab::Columns);
    m_view->setCurrentLayer(6);
    QCustomPlot *columns = m_view->columnsPlot();
    QVERIFY(test::inkPixels(columns, columns->grab().toImage()) > 500);
    test::keepGrab(m_view.get(), QStringLiteral("h2-compensation-columns"));
    m_view->setCurrentTab(CompensationView::Tab::Ablation);
    m_view->setAblationTarget(4);
    QCustomPlot *ablation = m_view->ablationPlot();
    QVERIFY(test::inkPixels(ablation, ablation->grab().toImage()) > 2000);
    test::keepGrab(m_view.get(), QStringLiteral("h2-compensation-ablation"));
}

QTEST_MAIN(TestCompensationView)
#include "tst_compensationview.moc"
