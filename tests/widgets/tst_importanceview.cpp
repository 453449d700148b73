// ImportanceView: per-column plot, thresholds, heat map, read-outs and exports on a hand-made
// ImportanceMap; ImportanceMap helpers and the container loader.
#include "analysis/importancemap.h"
#include "codec/nwccontainer.h"
#include "importanceview.h"
#include "jobs/error.h"
#include "plotexport.h"
#include "plottesting.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>
#include <cmath>
#include <random>

using namespace nwc;
using nwc::test::itemsOf;
using nwc::test::pixelOf;

namespace {

const QString kQ = QStringLiteral("model.layers.0.self_attn.q_proj.weight");
const QString kDown = QStringLiteral("model.layers.0.mlp.down_proj.weight");
const QString kHead = QStringLiteral("lm_head.weight");

LayerImportance layer(const QString &name, std::vector<double> importance) {
    LayerImportance result;
    result.name = name;
    result.block = blockOfWeight(name);
    result.importance = std::move(importance);
    assignQualityLevels(result);
    return result;
}

// Three layers of 8, 12 and 4 columns.
ImportanceMap fixture() {
    ImportanceMap map;
    map.source = QStringLiteral("/data/calibration.h5");
    map.settingsText = QStringLiteral("calibration: corpus.txt, 4 windows × 64 tokens");
    map.layers.push_back(layer(kQ, {0.5, 2, 0.001, 8, 0.25, 1, 4, 0.125}));
    std::vector<double> down;
    for (int j = 0; j < 12; ++j)
        down.push_back(0.01 * (j + 1));
    map.layers.push_back(layer(kDown, down));
    map.layers.push_back(layer(kHead, {0.001, 0.01, 0.1, 1}));
    return map;
}

// Two decoder blocks of seven layers and lm_head, log-normal importance with a few outlier
// columns: what a real calibration looks like (for the grabs).
ImportanceMap realisticFixture() {
    std::mt19937 random(7);
    std::lognormal_distribution<double> lognormal(-2.0, 1.0);
    ImportanceMap map;
    map.source = QStringLiteral("/models/stories260K/calibration.h5");
    map.settingsText = QStringLiteral("calibration: TinyStories valid.txt, 32 windows × 256 tokens "
                                      "(8192 tokens)");
    const char *const names[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                                 "self_attn.o_proj", "mlp.gate_proj",    "mlp.up_proj",
                                 "mlp.down_proj"};
    for (int block = 0; block < 2; ++block) {
        std::vector<double> shared(64);
        for (double &value : shared)
            value = lognormal(random);
        shared[5] *= 40;
        shared[37] *= 25;
        for (const char *name : names) {
            const QString weight = QStringLiteral("model.layers.%1.%2.weight")
                                       .arg(block)
                                       .arg(QString::fromLatin1(name));
            std::vector<double> importance = shared;
            if (weight.contains(QLatin1String("o_proj")) ||
                weight.contains(QLatin1String("down_proj"))) {
                importance.resize(weight.contains(QLatin1String("down")) ? 172 : 64);
                for (double &value : importance)
                    value = lognormal(random) * 0.1;
            }
            map.layers.push_back(layer(weight, importance));
        }
    }
    std::vector<double> head(64);
    for (double &value : head)
        value = lognormal(random) * 3;
    map.layers.push_back(layer(QStringLiteral("lm_head.weight"), head));
    return map;
}

QCPBars *columnBars(ImportanceView &view) {
    return qobject_cast<QCPBars *>(view.columnPlot()->plottable(0));
}

} // namespace

class TestImportanceView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void blockOfWeight_data();
    void blockOfWeight();
    void shortLayerName_data();
    void shortLayerName();
    void mapHelpers();
    void csvField();
    void columnsMatchInput();
    void layerComboSwitchesLayer();
    void sortedOrder();
    void logToggleChangesScale();
    void thresholdLines();
    void heatMapCells();
    void clickColumn();
    void clickSortedColumn();
    void clickHeatMapCell();
    void hoverShowsTooltip();
    void csvOfColumns();
    void csvOfHeatMap();
    void exportsColumns();
    void exportsHeatMap();
    void plotsAreDrawn();
    void emptyMapShowsMessage();
    void importanceFromContainer();
    void containerWithoutImportance();

private:
    std::unique_ptr<ImportanceView> m_view;
};

void TestImportanceView::init() {
    m_view = std::make_unique<ImportanceView>();
    m_view->setImportance(fixture());
    QVERIFY(test::showView(*m_view, QSize(900, 620)));
}

void TestImportanceView::cleanup() {
    m_view.reset();
}

void TestImportanceView::blockOfWeight_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("block");
    QTest::newRow("llama") << QStringLiteral("model.layers.3.mlp.up_proj.weight") << 3;
    QTest::newRow("gpt2") << QStringLiteral("transformer.h.2.attn.c_attn.weight") << 2;
    QTest::newRow("two digits") << QStringLiteral("model.layers.17.self_attn.q_proj.weight") << 17;
    QTest::newRow("lm_head") << QStringLiteral("lm_head.weight") << -1;
    QTest::newRow("embedding") << QStringLiteral("model.embed_tokens.weight") << -1;
    QTest::newRow("no index") << QStringLiteral("model.layers.x.weight") << -1;
}

void TestImportanceView::blockOfWeight() {
    QFETCH(QString, name);
    QFETCH(int, block);
    QCOMPARE(nwc::blockOfWeight(name), block);
}

void TestImportanceView::shortLayerName_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("q") << kQ << QStringLiteral("0.q");
    QTest::newRow("down") << QStringLiteral("model.layers.12.mlp.down_proj.weight")
                          << QStringLiteral("12.down");
    QTest::newRow("gpt2") << QStringLiteral("transformer.h.2.mlp.c_fc.weight")
                          << QStringLiteral("2.c_fc");
    QTest::newRow("lm_head") << kHead << QStringLiteral("lm_head");
}

void TestImportanceView::shortLayerName() {
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QCOMPARE(nwc::shortLayerName(name), expected);
}

void TestImportanceView::mapHelpers() {
    const ImportanceMap map = fixture();
    QCOMPARE(map.indexOf(kDown), 1);
    QCOMPARE(map.indexOf(QStringLiteral("missing")), -1);
    QCOMPARE(map.maxColumns(), int64_t(12));
    const LayerImportance &q = map.layers[0];
    QCOMPARE(q.block, 0);
    QCOMPARE(map.layers[2].block, -1);
    // 8 columns: one column each at levels 3, 2, 1 (counts round up), by rank.
    const std::vector<uint8_t> levels = {0, 1, 0, 3, 0, 0, 2, 0};
    QCOMPARE(q.levels, levels);
    QCOMPARE(q.levelThresholds.size(), size_t(3));
    QCOMPARE(q.levelThresholds[0], 2.0);
    QCOMPARE(q.levelThresholds[1], 4.0);
    QCOMPARE(q.levelThresholds[2], 8.0);
}

void TestImportanceView::csvField() {
    QCOMPARE(nwc::csvField(QStringLiteral("model.layers.0.mlp.up_proj.weight")),
             QStringLiteral("model.layers.0.mlp.up_proj.weight"));
    QCOMPARE(nwc::csvField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
    QCOMPARE(nwc::csvField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
}

void TestImportanceView::columnsMatchInput() {
    const ImportanceMap map = fixture();
    QCOMPARE(m_view->currentTab(), ImportanceView::Tab::Columns);
    QCOMPARE(m_view->plot(), m_view->columnPlot());
    QCOMPARE(m_view->currentLayer(), 0);
    QCOMPARE(m_view->columnPlot()->plottableCount(), 1);
    QCPBars *bars = columnBars(*m_view);
    QCOMPARE(bars->data()->size(), 8);
    for (int i = 0; i < 8; ++i) {
        QCOMPARE(bars->data()->at(i)->key, double(i));
        QCOMPARE(bars->data()->at(i)->value, map.layers[0].importance[size_t(i)]);
    }
    QCOMPARE(m_view->columnPlot()->xAxis->label(), QStringLiteral("input column"));
    QVERIFY(m_view->columnPlot()->yAxis->label().startsWith(QStringLiteral("importance")));
    auto *combo = m_view->findChild<QComboBox *>(QStringLiteral("layerCombo"));
    QVERIFY(combo);
    QCOMPARE(combo->count(), 3);
    QVERIFY(combo->itemText(1).startsWith(kDown));
    const auto *caption = m_view->findChild<QLabel *>(QStringLiteral("caption"));
    QVERIFY(caption->text().contains(QStringLiteral("/data/calibration.h5")));
    QVERIFY(caption->text().contains(QStringLiteral("4 windows × 64 tokens")));
}

void TestImportanceView::layerComboSwitchesLayer() {
    auto *combo = m_view->findChild<QComboBox *>(QStringLiteral("layerCombo"));
    combo->setCurrentIndex(2);
    QCOMPARE(m_view->currentLayer(), 2);
    QCPBars *bars = columnBars(*m_view);
    QCOMPARE(bars->data()->size(), 4);
    QCOMPARE(bars->data()->at(3)->value, 1.0);
    m_view->setCurrentLayer(1);
    QCOMPARE(combo->currentIndex(), 1);
    QCOMPARE(bars->data()->size(), 12);
}

void TestImportanceView::sortedOrder() {
    m_view->setSorted(true);
    QVERIFY(m_view->findChild<QCheckBox *>(QStringLiteral("sortedCheck"))->isChecked());
    QCPBars *bars = columnBars(*m_view);
    const std::vector<double> expected = {8, 4, 2, 1, 0.5, 0.25, 0.125, 0.001};
    QCOMPARE(bars->data()->size(), int(expected.size()));
    for (int i = 0; i < bars->data()->size(); ++i)
        QCOMPARE(bars->data()->at(i)->value, expected[size_t(i)]);
    QVERIFY(m_view->columnPlot()->xAxis->label().startsWith(QStringLiteral("rank")));
    m_view->setSorted(false);
    QCOMPARE(bars->data()->at(0)->value, 0.5);
}

void TestImportanceView::logToggleChangesScale() {
    QCustomPlot *plot = m_view->columnPlot();
    QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLinear);
    QCOMPARE(plot->yAxis->range().lower, 0.0);
    auto *check = m_view->findChild<QCheckBox *>(QStringLiteral("logCheck"));
    check->setChecked(true);
    QVERIFY(m_view->isLogarithmic());
    QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(plot->yAxis->range().lower > 0);
    QVERIFY(plot->yAxis->range().lower <= 0.001);
    QVERIFY(plot->yAxis->range().upper >= 8);
    QCOMPARE(columnBars(*m_view)->data()->size(), 8);
    m_view->setLogarithmic(false);
    QVERIFY(!check->isChecked());
    QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLinear);
}

void TestImportanceView::thresholdLines() {
    QCustomPlot *plot = m_view->columnPlot();
    const double expected[] = {2, 4, 8};
    for (int k = 1; k <= 3; ++k) {
        const auto lines = itemsOf<QCPItemStraightLine>(plot, QStringLiteral("level%1").arg(k));
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines[0]->point1->coords().y(), expected[k - 1]);
        QCOMPARE(lines[0]->point2->coords().y(), expected[k - 1]);
        const auto labels = itemsOf<QCPItemText>(plot, QStringLiteral("level%1Label").arg(k));
        QCOMPARE(labels.size(), 1);
        QCOMPARE(labels[0]->text(), QStringLiteral("level %1").arg(k));
        QCOMPARE(labels[0]->position->coords().y(), expected[k - 1]);
    }
    // Another layer, other thresholds: 12 columns 0.01 … 0.12 → levels 3, 2, 1, 1 on the top 4.
    m_view->setCurrentLayer(1);
    QCOMPARE(itemsOf<QCPItemStraightLine>(plot, QStringLiteral("level1"))[0]->point1->coords().y(),
             0.09);
    QCOMPARE(itemsOf<QCPItemStraightLine>(plot, QStringLiteral("level3"))[0]->point1->coords().y(),
             0.12);
    // Sorting keeps the lines; the log scale too.
    m_view->setSorted(true);
    m_view->setLogarithmic(true);
    QCOMPARE(itemsOf<QCPItemStraightLine>(plot, QStringLiteral("level2")).size(), 1);
}

void TestImportanceView::heatMapCells() {
    m_view->setCurrentTab(ImportanceView::Tab::HeatMap);
    QCOMPARE(m_view->plot(), m_view->heatMapPlot());
    QCustomPlot *plot = m_view->heatMapPlot();
    QCOMPARE(plot->plottableCount(), 1);
    auto *map = qobject_cast<QCPColorMap *>(plot->plottable(0));
    QVERIFY(map);
    QVERIFY(map->colorScale());
    QCOMPARE(map->data()->keySize(), 12);
    QCOMPARE(map->data()->valueSize(), 3);
    QCOMPARE(map->data()->cell(3, 0), std::log10(8.0));
    QCOMPARE(map->data()->cell(0, 0), std::log10(0.5));
    QCOMPARE(map->data()->cell(11, 1), std::log10(0.12));
    QCOMPARE(map->data()->cell(2, 2), -1.0);
    QVERIFY(std::isnan(map->data()->cell(8, 0))); // past q_proj's 8 columns
    QVERIFY(std::isnan(map->data()->cell(4, 2))); // past lm_head's 4 columns
    QCOMPARE(map->dataRange().lower, -3.0);       // log10(0.001)
    QCOMPARE(map->dataRange().upper, std::log10(8.0));
    QCOMPARE(plot->xAxis->label(), QStringLiteral("input column"));
    QVERIFY(plot->yAxis->rangeReversed());
    // Few layers: one tick per layer, by short name.
    auto ticker = plot->yAxis->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(ticker);
    QCOMPARE(ticker->ticks().value(0), QStringLiteral("0.q"));
    QCOMPARE(ticker->ticks().value(1), QStringLiteral("0.down"));
    QCOMPARE(ticker->ticks().value(2), QStringLiteral("lm_head"));
}

void TestImportanceView::clickColumn() {
    QSignalSpy spy(m_view.get(), &ImportanceView::columnActivated);
    QCustomPlot *plot = m_view->columnPlot();
    plot->replot();
    test::clickAt(plot, 3, 4);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 0);
    QCOMPARE(spy.at(0).at(1).toInt(), 3);
    QCOMPARE(m_view->readoutText(), kQ + QStringLiteral(" · column 3 · importance 8 · level 3"));

    // Outside the columns: nothing.
    test::clickAt(plot, 20, 4);
    QCOMPARE(spy.count(), 1);
}

void TestImportanceView::clickSortedColumn() {
    m_view->setSorted(true);
    QSignalSpy spy(m_view.get(), &ImportanceView::columnActivated);
    QCustomPlot *plot = m_view->columnPlot();
    // Rank 1 is column 6 (importance 4, level 2).
    test::clickAt(plot, 1, 1);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(1).toInt(), 6);
    QCOMPARE(m_view->readoutText(), kQ + QStringLiteral(" · column 6 · importance 4 · level 2"));
}

void TestImportanceView::clickHeatMapCell() {
    m_view->setCurrentTab(ImportanceView::Tab::HeatMap);
    QSignalSpy spy(m_view.get(), &ImportanceView::columnActivated);
    QCustomPlot *plot = m_view->heatMapPlot();
    plot->replot();
    test::clickAt(plot, 11, 1);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 1);
    QCOMPARE(spy.at(0).at(1).toInt(), 11);
    QCOMPARE(m_view->readoutText(),
             kDown + QStringLiteral(" · column 11 · importance 0.12 · level 3"));
    QCOMPARE(m_view->currentLayer(), 1); // the Columns tab follows the clicked row
    QCOMPARE(itemsOf<QCPItemRect>(plot, QStringLiteral("marker")).size(), 1);

    test::clickAt(plot, 2, 2);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(m_view->readoutText(),
             kHead + QStringLiteral(" · column 2 · importance 0.1 · level 2"));
    QCOMPARE(itemsOf<QCPItemRect>(plot, QStringLiteral("marker")).size(), 1);

    // An empty cell (lm_head has 4 columns): nothing.
    test::clickAt(plot, 9, 2);
    QCOMPARE(spy.count(), 2);
}

void TestImportanceView::hoverShowsTooltip() {
    QCustomPlot *plot = m_view->columnPlot();
    test::hoverAt(plot, pixelOf(plot, 6, 1));
    QTRY_COMPARE(QToolTip::text(), kQ + QStringLiteral(" · column 6 · importance 4 · level 2"));
}

void TestImportanceView::csvOfColumns() {
    QCOMPARE(m_view->csv(), QStringLiteral("column,importance,level\n"
                                           "0,0.5,0\n1,2,1\n2,0.001,0\n3,8,3\n"
                                           "4,0.25,0\n5,1,0\n6,4,2\n7,0.125,0\n"));
    // Sorting changes the plot, not the CSV (always column order).
    m_view->setSorted(true);
    QVERIFY(m_view->csv().startsWith(QStringLiteral("column,importance,level\n0,0.5,0\n")));
}

void TestImportanceView::csvOfHeatMap() {
    m_view->setCurrentTab(ImportanceView::Tab::HeatMap);
    const QString csv = m_view->csv();
    const QStringList lines = csv.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + 8 + 12 + 4);
    QCOMPARE(lines[0], QStringLiteral("layer,block,column,importance,level"));
    QCOMPARE(lines[1], kQ + QStringLiteral(",0,0,0.5,0"));
    QCOMPARE(lines[9], kDown + QStringLiteral(",0,0,0.01,0"));
    QCOMPARE(lines.last(), QStringLiteral("lm_head.weight,-1,3,1,3"));
}

void TestImportanceView::exportsColumns() {
    test::checkExports(*m_view, m_view->csv());
}

void TestImportanceView::exportsHeatMap() {
    m_view->setCurrentTab(ImportanceView::Tab::HeatMap);
    QCOMPARE(m_view->plot(), m_view->heatMapPlot());
    test::checkExports(*m_view, m_view->csv());
}

void TestImportanceView::plotsAreDrawn() {
    m_view->setImportance(realisticFixture());
    m_view->setCurrentLayer(5); // block 0 up_proj: outlier columns
    QCustomPlot *columns = m_view->columnPlot();
    QVERIFY(test::inkPixels(columns, columns->grab().toImage()) > 2000);
    test::keepGrab(m_view.get(), QStringLiteral("h2-importance-columns"));
    m_view->setSorted(true);
    m_view->setLogarithmic(true);
    test::keepGrab(m_view.get(), QStringLiteral("h2-importance-sorted-log"));

    m_view->setCurrentTab(ImportanceView::Tab::HeatMap);
    QCustomPlot *heat = m_view->heatMapPlot();
    test::clickAt(heat, 37, 2);
    QVERIFY(m_view->readoutText().contains(QStringLiteral("column 37")));
    QVERIFY(test::inkPixels(heat, heat->grab().toImage()) > 10000);
    test::keepGrab(m_view.get(), QStringLiteral("h2-importance-heatmap"));
    test::keepExport(*m_view, QStringLiteral("h2-importance-heatmap"));

    // Many layers: ticks per decoder block.
    ImportanceMap big = realisticFixture();
    const std::vector<LayerImportance> once = big.layers;
    for (int block = 2; block < 6; ++block) {
        for (size_t i = 0; i < 7; ++i) {
            LayerImportance copy = once[i + 7 * size_t(block % 2)];
            copy.name.replace(QStringLiteral("layers.%1.").arg(copy.block),
                              QStringLiteral("layers.%1.").arg(block));
            copy.block = block;
            big.layers.insert(big.layers.end() - 1, copy);
        }
    }
    m_view->setImportance(big);
    auto ticker = heat->yAxis->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(ticker);
    QCOMPARE(ticker->ticks().value(0), QStringLiteral("0"));
    QCOMPARE(ticker->ticks().value(7), QStringLiteral("1"));
    test::keepGrab(m_view.get(), QStringLiteral("h2-importance-heatmap-many"));
}

void TestImportanceView::emptyMapShowsMessage() {
    m_view->setImportance(ImportanceMap());
    QCOMPARE(m_view->currentLayer(), -1);
    QCOMPARE(columnBars(*m_view)->data()->size(), 0);
    QVERIFY(test::itemTexts(m_view->columnPlot()).contains(QStringLiteral("No importance data")));
    QVERIFY(test::itemTexts(m_view->heatMapPlot()).contains(QStringLiteral("No importance data")));
    QCOMPARE(m_view->csv(), QStringLiteral("column,importance,level\n"));
    test::keepGrab(m_view.get(), QStringLiteral("h2-importance-empty"));
}

void TestImportanceView::importanceFromContainer() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("model.nwc"));
    {
        NwcWriter writer(path);
        NwcHeader header;
        header.sourceModel = QStringLiteral("demo");
        header.method = QStringLiteral("nwc");
        header.targetBitsPerWeight = 4;
        header.settingsJson = QStringLiteral(
            R"({"method":"nwc","calibration_source":"corpus.txt","calibration_samples":4,)"
            R"("calibration_length":64})");
        writer.setHeader(header);
        writer.setConfigJson("{}");
        // Written out of model order: the loader follows the tensor order, then names.
        writer.addAnalysisArray(QStringLiteral("importance:") + kQ, {0.5, 2, 0.001, 8});
        writer.addAnalysisArray(QStringLiteral("importance:") + kHead, {1, 2});
        writer.addAnalysisArray(QStringLiteral("rd:other"), {1, 2, 3});
        writer.commit();
    }
    const ImportanceMap map = nwc::importanceFromContainer(path);
    QCOMPARE(int(map.layers.size()), 2);
    QCOMPARE(map.layers[0].name, kHead);
    QCOMPARE(map.layers[1].name, kQ);
    QCOMPARE(map.layers[1].block, 0);
    QCOMPARE(map.layers[1].importance, std::vector<double>({0.5, 2, 0.001, 8}));
    QCOMPARE(map.layers[1].levels, std::vector<uint8_t>({1, 2, 0, 3}));
    QCOMPARE(map.layers[1].levelThresholds[0], 0.5);
    QVERIFY(map.source.endsWith(QStringLiteral("model.nwc")));
    QVERIFY2(map.settingsText.contains(QStringLiteral("corpus.txt")), qPrintable(map.settingsText));
    QVERIFY2(map.settingsText.contains(QStringLiteral("4 windows × 64 tokens")),
             qPrintable(map.settingsText));
}

void TestImportanceView::containerWithoutImportance() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("rtn.nwc"));
    {
        NwcWriter writer(path);
        NwcHeader header;
        header.method = QStringLiteral("rtn");
        writer.setHeader(header);
        writer.setConfigJson("{}");
        writer.commit();
    }
    try {
        nwc::importanceFromContainer(path);
        QFAIL("a container without importance was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(path), qPrintable(error.message()));
    }
    try {
        nwc::importanceFromContainer(dir.filePath(QStringLiteral("missing.nwc")));
        QFAIL("a missing file was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(QStringLiteral("missing.nwc")),
                 qPrintable(error.message()));
    }
}

QTEST_MAIN(TestImportanceView)
#include "tst_importanceview.moc"
