// TensorInfo helpers and TensorStatistics (moments and histogram).

#include "io/tensorinfo.h"

#include <QTest>
#include <algorithm>
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
    void streamingEqualsWhole_data();
    void streamingEqualsWhole();
    void elementRanges();
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

void TestTensorInfo::streamingEqualsWhole_data() {
    QTest::addColumn<qint64>("chunk");
    QTest::newRow("one value at a time") << qint64(1);
    QTest::newRow("chunks of 7") << qint64(7);
    QTest::newRow("chunks of 1000") << qint64(1000);
    QTest::newRow("one chunk larger than the tensor") << qint64(1 << 20);
}

void TestTensorInfo::streamingEqualsWhole() {
    QFETCH(qint64, chunk);
    std::vector<float> values(12345);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = std::sin(float(i) * 0.37f) * float(1 + i % 13) - 2.0f;
    values[100] = std::numeric_limits<float>::quiet_NaN();
    values[2000] = std::numeric_limits<float>::infinity();
    const TensorStatistics whole =
        TensorStatistics::compute(values.data(), qint64(values.size()), 64);
    qint64 largestRead = 0;
    const TensorStatistics streamed = TensorStatistics::computeStreaming(
        [&](qint64 first, qint64 count) {
            largestRead = std::max(largestRead, count);
            return std::vector<float>(values.begin() + first, values.begin() + first + count);
        },
        qint64(values.size()), 64, chunk);
    QVERIFY(largestRead <= chunk);
    // Same values in the same order: bit-identical results.
    QCOMPARE(streamed.count, whole.count);
    QCOMPARE(streamed.nonFiniteCount, qint64(2));
    QCOMPARE(streamed.min, whole.min);
    QCOMPARE(streamed.max, whole.max);
    QCOMPARE(streamed.mean, whole.mean);
    QCOMPARE(streamed.std, whole.std);
    QCOMPARE(streamed.binEdges, whole.binEdges);
    QCOMPARE(streamed.binCounts, whole.binCounts);
    QCOMPARE(std::accumulate(streamed.binCounts.begin(), streamed.binCounts.end(), 0.0),
             double(values.size() - 2));
}

void TestTensorInfo::elementRanges() {
    TensorInfo info;
    info.name = QStringLiteral("w");
    info.shape = {3, 4};
    requireElementRange(info, 0, 12, QStringLiteral("f"));
    requireElementRange(info, 11, 1, QStringLiteral("f"));
    for (const auto &range : {std::pair<qint64, qint64>{-1, 2}, {0, 13}, {12, 1}, {5, -1}}) {
        try {
            requireElementRange(info, range.first, range.second, QStringLiteral("f.safetensors"));
            QFAIL("a range outside the tensor was accepted");
        } catch (const std::exception &error) {
            const QString message = QString::fromUtf8(error.what());
            QVERIFY2(message.contains(QLatin1String("f.safetensors")) &&
                         message.contains(QLatin1String("tensor w (12 elements)")),
                     qPrintable(message));
        }
    }
}

QTEST_GUILESS_MAIN(TestTensorInfo)
#include "tst_tensorinfo.moc"
