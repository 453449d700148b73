// TensorInfo helpers and TensorStatistics (moments and histogram).

#include "io/tensorinfo.h"

#include <QTest>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

using namespace nwc;

class TestTensorInfo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shape_data();
    void shape();
    void statistics();
    void histogramEdges();
    void nonFiniteValuesAreCounted();
    void constantAndEmpty();
};

void TestTensorInfo::shape_data() {
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("elements");
    QTest::newRow("matrix") << QVector<qint64>{512, 64} << QStringLiteral("[512, 64]")
                            << qint64(32768);
    QTest::newRow("vector") << QVector<qint64>{3} << QStringLiteral("[3]") << qint64(3);
    QTest::newRow("scalar") << QVector<qint64>{} << QStringLiteral("[]") << qint64(1);
    QTest::newRow("empty") << QVector<qint64>{4, 0} << QStringLiteral("[4, 0]") << qint64(0);
}

void TestTensorInfo::shape() {
    QFETCH(QVector<qint64>, shape);
    QFETCH(QString, text);
    QFETCH(qint64, elements);
    TensorInfo info;
    info.shape = shape;
    QCOMPARE(info.shapeString(), text);
    QCOMPARE(info.elementCount(), elements);
}

void TestTensorInfo::statistics() {
    const std::vector<float> values = {1, 2, 3, 4};
    const TensorStatistics stats = TensorStatistics::compute(values.data(), 4, 4);
    QCOMPARE(stats.count, qint64(4));
    QCOMPARE(stats.min, 1.0);
    QCOMPARE(stats.max, 4.0);
    QCOMPARE(stats.mean, 2.5);
    QCOMPARE(stats.std, std::sqrt(1.25));
    QCOMPARE(stats.binEdges, (QVector<double>{1.0, 1.75, 2.5, 3.25, 4.0}));
    QCOMPARE(stats.binCounts, (QVector<double>{1, 1, 1, 1}));
}

void TestTensorInfo::histogramEdges() {
    std::vector<float> values(1000);
    for (int i = 0; i < 1000; ++i)
        values[std::size_t(i)] = float(i % 10); // 0..9, 100 each
    const TensorStatistics stats = TensorStatistics::compute(values.data(), 1000, 3);
    QCOMPARE(stats.binEdges.size(), 4);
    QCOMPARE(stats.binCounts.size(), 3);
    // [0,3) -> 0,1,2; [3,6) -> 3,4,5; [6,9] -> 6,7,8,9 (max lands in the last bin)
    QCOMPARE(stats.binCounts, (QVector<double>{300, 300, 400}));
    QCOMPARE(std::accumulate(stats.binCounts.begin(), stats.binCounts.end(), 0.0), 1000.0);
}

void TestTensorInfo::nonFiniteValuesAreCounted() {
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> values = {2, std::numeric_limits<float>::quiet_NaN(), -inf, 4, inf};
    const TensorStatistics stats = TensorStatistics::compute(values.data(), 5, 2);
    QCOMPARE(stats.count, qint64(2));
    QCOMPARE(stats.nonFiniteCount, qint64(3));
    QCOMPARE(stats.mean, 3.0);
    QCOMPARE(stats.min, 2.0);
    QCOMPARE(stats.max, 4.0);
    QCOMPARE(stats.binCounts, (QVector<double>{1, 1}));
}

void TestTensorInfo::constantAndEmpty() {
    const std::vector<float> values(5, 0.25f);
    const TensorStatistics stats = TensorStatistics::compute(values.data(), 5, 4);
    QCOMPARE(stats.std, 0.0);
    QCOMPARE(stats.min, 0.25);
    QCOMPARE(stats.binEdges.first(), -0.25);
    QCOMPARE(stats.binEdges.last(), 0.75);
    QCOMPARE(std::accumulate(stats.binCounts.begin(), stats.binCounts.end(), 0.0), 5.0);

    const TensorStatistics empty = TensorStatistics::compute(nullptr, 0);
    QCOMPARE(empty.count, qint64(0));
    QVERIFY(empty.binCounts.isEmpty());
}

QTEST_GUILESS_MAIN(TestTensorInfo)
#include "tst_tensorinfo.moc"
