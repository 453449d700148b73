// RateDistortionView and SweepPointTableModel on a hand-made SweepSession: curves per method,
// axis choices, reference lines, point selection both ways, read-outs and exports.
#include "plotexport.h"
#include "plottesting.h"
#include "ratedistortionview.h"
#include "sweeppointtablemodel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QToolTip>
#include <cmath>

using namespace nwc;
using nwc::test::itemsOf;
using nwc::test::pixelOf;

namespace {

SweepPoint point(const char *method, double target, double bpw, int64_t bytes, double mse,
                 double ppl, double bpb, double kl, double p99, double same, double seconds) {
    SweepPoint p;
    p.method = QString::fromLatin1(method);
    p.targetBits = target;
    p.bitsPerWeight = bpw;
    p.countedBytes = bytes;
    p.fileBytes = bytes + 20000;
    p.weightedMse = mse;
    p.perplexity = ppl;
    p.bitsPerByte = bpb;
    p.klMean = kl;
    p.klP99 = p99;
    p.sameTopRate = same;
    p.seconds = seconds;
    return p;
}

// Three methods; points deliberately not in x order.
SweepSession fixture() {
    SweepSession session;
    session.settings.model = QStringLiteral("demo:stories260K");
    session.settings.textPath = QStringLiteral("/data/valid.txt");
    session.settings.contextLength = 256;
    session.settings.stride = 128;
    session.settings.maxBytes = 100000;
    session.hasReference = true;
    session.reference.perplexity = 10;
    session.reference.bitsPerByte = 1.2;
    session.reference.compressedWeights = 1000000;
    session.reference.fp16Bytes = 2000000;
    session.reference.tokensScored = 25000;
    session.points = {
        point("nwc", 2, 2.1, 300000, 0.05, 14, 1.5, 0.3, 2.0, 0.80, 10),
        point("nwc", 4, 4.05, 550000, 0.01, 11, 1.3, 0.05, 0.5, 0.93, 12),
        point("rtn", 4, 4.25, 600000, 0.02, 12, 1.35, 0.1, 0.9, 0.90, 2),
        point("nwc", 3, 3.02, 420000, 0.02, 12.2, 1.38, 0.12, 1.0, 0.88, 11),
        point("rtn", 3, 3.25, 470000, 0.06, 18, 1.7, 0.4, 3.0, 0.75, 2),
        point("gptq", 4, 4.25, 600000, 0.015, 11.5, 1.32, 0.07, 0.7, 0.91, 30),
    };
    return session;
}

} // namespace

class TestRateDistortionView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void modelRowsAndColumns();
    void modelValues_data();
    void modelValues();
    void modelReset();
    void modelWithoutReference();
    void oneGraphPerMethod();
    void yQuantities_data();
    void yQuantities();
    void megabytesOnX();
    void logToggles();
    void logAxisDropsNonPositive();
    void clickPointSelectsRow();
    void tableRowSelectsPoint();
    void hoverShowsTooltip();
    void csvOfShownSeries();
    void exports();
    void plotIsDrawn();
    void emptySession();

private:
    std::unique_ptr<RateDistortionView> m_view;
};

void TestRateDistortionView::init() {
    m_view = std::make_unique<RateDistortionView>();
    m_view->setSession(fixture());
    QVERIFY(test::showView(*m_view, QSize(900, 720)));
}

void TestRateDistortionView::cleanup() {
    m_view.reset();
}

void TestRateDistortionView::modelRowsAndColumns() {
    SweepPointTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setSession(fixture());
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(model.columnCount(), int(SweepPointTableModel::ColumnCount));
    QCOMPARE(model.columnCount(), 12);
    const QStringList headers = {
        QStringLiteral("method"), QStringLiteral("target"),       QStringLiteral("bpw"),
        QStringLiteral("MB"),     QStringLiteral("weighted MSE"), QStringLiteral("ppl"),
        QStringLiteral("×FP16"),  QStringLiteral("bpb"),          QStringLiteral("KL mean"),
        QStringLiteral("KL p99"), QStringLiteral("same top"),     QStringLiteral("seconds")};
    for (int column = 0; column < model.columnCount(); ++column) {
        QCOMPARE(model.headerData(column, Qt::Horizontal).toString(), headers[column]);
        QVERIFY(!model.headerData(column, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    }
    QCOMPARE(model.index(0, 0).parent(), QModelIndex());
    QCOMPARE(model.rowCount(model.index(0, 0)), 0);
}

void TestRateDistortionView::modelValues_data() {
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("display");
    QTest::addColumn<QVariant>("raw");
    using M = SweepPointTableModel;
    QTest::newRow("method") << 2 << int(M::Method) << QStringLiteral("rtn")
                            << QVariant(QStringLiteral("rtn"));
    QTest::newRow("target") << 1 << int(M::TargetBits) << QStringLiteral("4") << QVariant(4.0);
    QTest::newRow("bpw") << 1 << int(M::BitsPerWeight) << QStringLiteral("4.050") << QVariant(4.05);
    QTest::newRow("MB") << 1 << int(M::Megabytes) << QStringLiteral("0.550") << QVariant(0.55);
    QTest::newRow("mse") << 1 << int(M::WeightedMse) << QStringLiteral("0.01") << QVariant(0.01);
    QTest::newRow("ppl") << 1 << int(M::Perplexity) << QStringLiteral("11.000") << QVariant(11.0);
    QTest::newRow("ratio") << 1 << int(M::PerplexityRatio) << QStringLiteral("1.100×")
                           << QVariant(11.0 / 10.0);
    QTest::newRow("bpb") << 1 << int(M::BitsPerByte) << QStringLiteral("1.300") << QVariant(1.3);
    QTest::newRow("kl") << 1 << int(M::KlMean) << QStringLiteral("0.05") << QVariant(0.05);
    QTest::newRow("p99") << 4 << int(M::KlP99) << QStringLiteral("3") << QVariant(3.0);
    QTest::newRow("same top") << 1 << int(M::SameTop) << QStringLiteral("93.0 %") << QVariant(0.93);
    QTest::newRow("seconds") << 5 << int(M::Seconds) << QStringLiteral("30.0") << QVariant(30.0);
}

void TestRateDistortionView::modelValues() {
    QFETCH(int, row);
    QFETCH(int, column);
    QFETCH(QString, display);
    QFETCH(QVariant, raw);
    SweepPointTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSession(fixture());
    const QModelIndex index = model.index(row, column);
    QCOMPARE(index.data().toString(), display);
    if (raw.typeId() == QMetaType::Double)
        QVERIFY(std::abs(index.data(Qt::UserRole).toDouble() - raw.toDouble()) < 1e-12);
    else
        QCOMPARE(index.data(Qt::UserRole), raw);
}

void TestRateDistortionView::modelReset() {
    SweepPointTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSession(fixture());
    QSignalSpy aboutToReset(&model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    SweepSession smaller = fixture();
    smaller.points.resize(2);
    model.setSession(smaller);
    QCOMPARE(aboutToReset.count(), 1);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.point(1).method, QStringLiteral("nwc"));
    model.setSession(SweepSession());
    QCOMPARE(reset.count(), 2);
    QCOMPARE(model.rowCount(), 0);
}

void TestRateDistortionView::modelWithoutReference() {
    SweepPointTableModel model;
    SweepSession session = fixture();
    session.hasReference = false;
    model.setSession(session);
    const QModelIndex ratio = model.index(0, SweepPointTableModel::PerplexityRatio);
    QCOMPARE(ratio.data().toString(), QStringLiteral("—"));
    QVERIFY(std::isnan(ratio.data(Qt::UserRole).toDouble()));
}

void TestRateDistortionView::oneGraphPerMethod() {
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->graphCount(), 3);
    QCOMPARE(plot->plottableCount(), 3);
    QCOMPARE(plot->legend->itemCount(), 3);
    QCOMPARE(plot->graph(0)->name(), QStringLiteral("nwc"));
    QCOMPARE(plot->graph(1)->name(), QStringLiteral("rtn"));
    QCOMPARE(plot->graph(2)->name(), QStringLiteral("gptq"));
    QCPGraph *nwc = m_view->graph(QStringLiteral("nwc"));
    QVERIFY(nwc);
    QCOMPARE(nwc->data()->size(), 3);
    QCOMPARE(m_view->graph(QStringLiteral("rtn"))->data()->size(), 2);
    QCOMPARE(m_view->graph(QStringLiteral("gptq"))->data()->size(), 1);
    QVERIFY(!m_view->graph(QStringLiteral("missing")));
    // Sorted by x, mapped back to the session.
    const double keys[] = {2.1, 3.02, 4.05};
    const double values[] = {14, 12.2, 11};
    const int indices[] = {0, 3, 1};
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(nwc->data()->at(i)->key, keys[i]);
        QCOMPARE(nwc->data()->at(i)->value, values[i]);
        QCOMPARE(m_view->pointIndex(QStringLiteral("nwc"), i), indices[i]);
    }
    // Distinct looks.
    QVERIFY(plot->graph(0)->pen().color() != plot->graph(1)->pen().color());
    QVERIFY(plot->graph(0)->scatterStyle().shape() != plot->graph(1)->scatterStyle().shape());
    QCOMPARE(plot->xAxis->label(), QStringLiteral("bits per weight"));
    QCOMPARE(plot->yAxis->label(), QStringLiteral("perplexity"));
    // FP16 perplexity as a dashed line, in view.
    const auto lines = itemsOf<QCPItemStraightLine>(plot, QStringLiteral("reference"));
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines[0]->point1->coords().y(), 10.0);
    QCOMPARE(lines[0]->pen().style(), Qt::DashLine);
    QVERIFY(plot->yAxis->range().contains(10));
    QVERIFY(plot->yAxis->range().contains(18));
    const auto *caption = m_view->findChild<QLabel *>(QStringLiteral("caption"));
    QVERIFY(caption->text().contains(QStringLiteral("/data/valid.txt")));
    QVERIFY(caption->text().contains(QStringLiteral("context 256")));
    QVERIFY(caption->text().contains(QStringLiteral("stride 128")));
    QVERIFY(caption->text().contains(QStringLiteral("100")));
}

void TestRateDistortionView::yQuantities_data() {
    QTest::addColumn<int>("quantity");
    QTest::addColumn<QString>("label");
    QTest::addColumn<double>("firstNwcValue");
    QTest::addColumn<double>("reference"); // NaN: none drawn
    using Y = RateDistortionView::YQuantity;
    QTest::newRow("ppl") << int(Y::Perplexity) << QStringLiteral("perplexity") << 14.0 << 10.0;
    QTest::newRow("kl mean") << int(Y::KlMean) << QStringLiteral("KL divergence, mean (nats)")
                             << 0.3 << 0.0;
    QTest::newRow("kl p99") << int(Y::KlP99)
                            << QStringLiteral("KL divergence, 99th percentile (nats)") << 2.0
                            << 0.0;
    QTest::newRow("same top") << int(Y::SameTop) << QStringLiteral("same top-1 token (fraction)")
                              << 0.8 << 1.0;
    QTest::newRow("mse") << int(Y::WeightedMse)
                         << QStringLiteral("importance-weighted MSE (relative)") << 0.05 << 0.0;
    QTest::newRow("bpb") << int(Y::BitsPerByte) << QStringLiteral("bits per byte") << 1.5 << 1.2;
}

void TestRateDistortionView::yQuantities() {
    QFETCH(int, quantity);
    QFETCH(QString, label);
    QFETCH(double, firstNwcValue);
    QFETCH(double, reference);
    auto *combo = m_view->findChild<QComboBox *>(QStringLiteral("yCombo"));
    combo->setCurrentIndex(quantity);
    QCOMPARE(int(m_view->yQuantity()), quantity);
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->yAxis->label(), label);
    QCOMPARE(plot->graphCount(), 3);
    QCOMPARE(m_view->graph(QStringLiteral("nwc"))->data()->at(0)->value, firstNwcValue);
    const auto lines = itemsOf<QCPItemStraightLine>(plot, QStringLiteral("reference"));
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines[0]->point1->coords().y(), reference);
    // On a log axis the zero references cannot be drawn; measured ones stay.
    m_view->setLogY(true);
    const auto logLines = itemsOf<QCPItemStraightLine>(plot, QStringLiteral("reference"));
    QCOMPARE(logLines.size(), reference > 0 ? 1 : 0);
}

void TestRateDistortionView::megabytesOnX() {
    auto *combo = m_view->findChild<QComboBox *>(QStringLiteral("xCombo"));
    combo->setCurrentIndex(1);
    QCOMPARE(m_view->xQuantity(), RateDistortionView::XQuantity::Megabytes);
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->xAxis->label(), QStringLiteral("compressed weights (MB)"));
    QCPGraph *nwc = m_view->graph(QStringLiteral("nwc"));
    QCOMPARE(nwc->data()->at(0)->key, 0.3);
    QCOMPARE(nwc->data()->at(1)->key, 0.42);
    QCOMPARE(nwc->data()->at(2)->key, 0.55);
    // The FP16 size (2 MB) is outside the shown sizes: no marker.
    QVERIFY(itemsOf<QCPItemStraightLine>(plot, QStringLiteral("fp16Size")).isEmpty());
    // Within range it is marked.
    SweepSession session = fixture();
    session.reference.fp16Bytes = 500000;
    m_view->setSession(session);
    const auto marker = itemsOf<QCPItemStraightLine>(plot, QStringLiteral("fp16Size"));
    QCOMPARE(marker.size(), 1);
    QCOMPARE(marker[0]->point1->coords().x(), 0.5);
}

void TestRateDistortionView::logToggles() {
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->xAxis->scaleType(), QCPAxis::stLinear);
    QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLinear);
    m_view->findChild<QCheckBox *>(QStringLiteral("logXCheck"))->setChecked(true);
    QCOMPARE(plot->xAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLinear);
    m_view->findChild<QCheckBox *>(QStringLiteral("logYCheck"))->setChecked(true);
    QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(m_view->isLogX() && m_view->isLogY());
    QCOMPARE(m_view->graph(QStringLiteral("nwc"))->data()->size(), 3);
    m_view->setLogX(false);
    QCOMPARE(plot->xAxis->scaleType(), QCPAxis::stLinear);
    QVERIFY(!m_view->findChild<QCheckBox *>(QStringLiteral("logXCheck"))->isChecked());
}

void TestRateDistortionView::logAxisDropsNonPositive() {
    SweepSession session = fixture();
    session.points[0].klMean = 0; // a lossless point
    m_view->setSession(session);
    m_view->setYQuantity(RateDistortionView::YQuantity::KlMean);
    QCOMPARE(m_view->graph(QStringLiteral("nwc"))->data()->size(), 3);
    m_view->setLogY(true);
    QCPGraph *nwc = m_view->graph(QStringLiteral("nwc"));
    QCOMPARE(nwc->data()->size(), 2);
    QCOMPARE(m_view->pointIndex(QStringLiteral("nwc"), 0), 3);
    QCOMPARE(m_view->model()->rowCount(), 6); // the table keeps it
}

void TestRateDistortionView::clickPointSelectsRow() {
    QSignalSpy spy(m_view.get(), &RateDistortionView::pointActivated);
    QCustomPlot *plot = m_view->plot();
    test::clickAt(plot, 4.05, 11);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 1);
    QCOMPARE(m_view->selectedPoint(), 1);
    const QModelIndex current = m_view->table()->currentIndex();
    QVERIFY(current.isValid());
    QCOMPARE(current.sibling(current.row(), 0).data().toString(), QStringLiteral("nwc"));
    QCOMPARE(current.sibling(current.row(), SweepPointTableModel::TargetBits).data().toString(),
             QStringLiteral("4"));
    const QString details = m_view->detailsText();
    QVERIFY2(
        details.startsWith(QStringLiteral("nwc at 4 bpw target: 4.050 bpw, 550,000 bytes counted")),
        qPrintable(details));
    QVERIFY2(details.contains(QStringLiteral("perplexity 11 (1.100× FP16)")), qPrintable(details));
    QVERIFY(details.contains(QStringLiteral("KL mean 0.05 nats")));
    QVERIFY(details.contains(QStringLiteral("KL p99 0.5 nats")));
    QVERIFY(details.contains(QStringLiteral("same top 93.0 %")));
    QVERIFY(details.contains(QStringLiteral("weighted MSE 0.01")));
    QVERIFY(details.contains(QStringLiteral("1.3 bits/byte")));
    QVERIFY(details.contains(QStringLiteral("12.0 s")));
    const auto markers = itemsOf<QCPItemTracer>(plot, QStringLiteral("selection"));
    QCOMPARE(markers.size(), 1);
    QVERIFY(markers[0]->visible());
    QCOMPARE(markers[0]->position->coords(), QPointF(4.05, 11));

    // Far from every point: nothing.
    test::clickAt(plot, 2.5, 17.5);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(m_view->selectedPoint(), 1);
}

void TestRateDistortionView::tableRowSelectsPoint() {
    QSignalSpy spy(m_view.get(), &RateDistortionView::pointActivated);
    QTableView *table = m_view->table();
    // Sort by perplexity, descending: rtn 3 (18) first.
    table->sortByColumn(SweepPointTableModel::Perplexity, Qt::DescendingOrder);
    const QModelIndex first = table->model()->index(0, SweepPointTableModel::Perplexity);
    QCOMPARE(first.data(Qt::UserRole).toDouble(), 18.0);
    table->selectionModel()->setCurrentIndex(first, QItemSelectionModel::ClearAndSelect |
                                                        QItemSelectionModel::Rows);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 4);
    QCOMPARE(m_view->selectedPoint(), 4);
    QVERIFY(m_view->detailsText().startsWith(QStringLiteral("rtn at 3 bpw target")));
    const auto markers = itemsOf<QCPItemTracer>(m_view->plot(), QStringLiteral("selection"));
    QCOMPARE(markers[0]->position->coords(), QPointF(3.25, 18));

    // Programmatic selection: no signal.
    m_view->selectPoint(5);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(table->currentIndex().sibling(table->currentIndex().row(), 0).data().toString(),
             QStringLiteral("gptq"));
    m_view->selectPoint(-1);
    QVERIFY(!markers[0]->visible());
}

void TestRateDistortionView::hoverShowsTooltip() {
    QCustomPlot *plot = m_view->plot();
    test::hoverAt(plot, pixelOf(plot, 3.25, 18) + QPoint(3, -2));
    QTRY_VERIFY(QToolTip::text().startsWith(QStringLiteral("rtn at 3 bpw target")));
    QVERIFY(QToolTip::text().contains(QStringLiteral("bits per weight: 3.25")));
    QVERIFY(QToolTip::text().contains(QStringLiteral("perplexity: 18")));
}

void TestRateDistortionView::csvOfShownSeries() {
    // csv(): the whole session, as `nwc sweep` writes it.
    QCOMPARE(m_view->csv(), sweepCsv(fixture()));
    QVERIFY(m_view->csv().contains(QStringLiteral("\nrtn,3,3.25,490000,")));
    QCOMPARE(m_view->seriesCsv(), QStringLiteral("method,target_bits,bits_per_weight,perplexity\n"
                                                 "nwc,2,2.1,14\nnwc,3,3.02,12.2\nnwc,4,4.05,11\n"
                                                 "rtn,3,3.25,18\nrtn,4,4.25,12\n"
                                                 "gptq,4,4.25,11.5\n"));
    m_view->setXQuantity(RateDistortionView::XQuantity::Megabytes);
    m_view->setYQuantity(RateDistortionView::YQuantity::KlMean);
    QVERIFY(m_view->seriesCsv().startsWith(
        QStringLiteral("method,target_bits,megabytes,kl_mean_nats\nnwc,2,0.3,0.3\n")));
}

void TestRateDistortionView::exports() {
    test::checkExports(*m_view, m_view->csv());
}

void TestRateDistortionView::plotIsDrawn() {
    QCustomPlot *plot = m_view->plot();
    QVERIFY(test::inkPixels(plot, plot->grab().toImage()) > 500);
    m_view->selectPoint(3);
    test::keepGrab(m_view.get(), QStringLiteral("h2-rd-perplexity"));
    test::keepExport(*m_view, QStringLiteral("h2-rd-perplexity"));
    m_view->setYQuantity(RateDistortionView::YQuantity::KlMean);
    m_view->setLogY(true);
    test::keepGrab(m_view.get(), QStringLiteral("h2-rd-kl-log"));
    m_view->setLogY(false);
    m_view->setXQuantity(RateDistortionView::XQuantity::Megabytes);
    m_view->setYQuantity(RateDistortionView::YQuantity::SameTop);
    test::keepGrab(m_view.get(), QStringLiteral("h2-rd-sametop-mb"));
}

void TestRateDistortionView::emptySession() {
    QSignalSpy spy(m_view.get(), &RateDistortionView::pointActivated);
    m_view->setSession(SweepSession());
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->graphCount(), 0);
    QVERIFY(test::itemTexts(plot).contains(QStringLiteral("No sweep results yet")));
    QCOMPARE(m_view->model()->rowCount(), 0);
    QCOMPARE(m_view->seriesCsv(),
             QStringLiteral("method,target_bits,bits_per_weight,perplexity\n"));
    QTest::mouseClick(plot, Qt::LeftButton, {}, plot->axisRect()->rect().center());
    QCOMPARE(spy.count(), 0);
    test::keepGrab(m_view.get(), QStringLiteral("h2-rd-empty"));
}

QTEST_MAIN(TestRateDistortionView)
#include "tst_ratedistortionview.moc"
