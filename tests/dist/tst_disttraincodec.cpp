// Data-parallel codec training (docs/distributed.md): one rank reproduces the one-process codec
// exactly; two ranks, each training on half of every batch with the gradients summed, end
// within a small tolerance of it (the sums differ in order only).
#include "codec/codecfile.h"
#include "distributedtesting.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace nwc;
using namespace nwc::test;

namespace {

/// The largest difference between two codecs' parameters (same arrays expected).
double largestDifference(const CodecParameters &a, const CodecParameters &b) {
    double largest = 0.0;
    for (const NamedArray &array : a.arrays) {
        const std::vector<float> &other = b.array(array.name).values;
        if (other.size() != array.values.size())
            return INFINITY;
        for (size_t i = 0; i < other.size(); ++i)
            largest = std::max(largest, std::abs(double(other[i]) - double(array.values[i])));
    }
    return largest;
}

} // namespace

class TestDistributedCodecTraining : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesOneProcess() {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QStringList common = {
            QStringLiteral("train-codec"), QStringLiteral("--models"), QStringLiteral("demo:student"),
            QStringLiteral("--lambda"),    QStringLiteral("400"),      QStringLiteral("--preset"),
            QStringLiteral("fast"),        QStringLiteral("--steps"),  QStringLiteral("30"),
            QStringLiteral("--batch"),     QStringLiteral("512"),      QStringLiteral("--threads"),
            QStringLiteral("1")};
        const QString single = folder.filePath(QStringLiteral("single.h5"));
        const QString one = folder.filePath(QStringLiteral("one-rank.h5"));
        const QString two = folder.filePath(QStringLiteral("two-ranks.h5"));
        NWC_REQUIRE_RUN(runSingle(folder, common + QStringList{QStringLiteral("-o"), single}));
        NWC_REQUIRE_RUN(runLaunched(folder, 1, common + QStringList{QStringLiteral("-o"), one}));
        const CliRun run = runLaunched(folder, 2, common + QStringList{QStringLiteral("-o"), two});
        NWC_REQUIRE_RUN(run);
        QVERIFY2(run.err.contains(QLatin1String("[rank 1] nwc: rank 1 of 2 joined")),
                 qPrintable(run.err));

        const CodecParameters a = loadCodecFile(single);
        const CodecParameters b = loadCodecFile(one);
        const CodecParameters c = loadCodecFile(two);
        QVERIFY(!a.arrays.empty());
        QCOMPARE(largestDifference(a, b), 0.0);
        QCOMPARE(b.nominalBitsPerWeight, a.nominalBitsPerWeight);
        const double difference = largestDifference(a, c);
        qInfo("two ranks: largest parameter difference %.3g, %.4f vs %.4f bits per weight",
              difference, c.nominalBitsPerWeight, a.nominalBitsPerWeight);
        QVERIFY2(difference < 1e-3, qPrintable(QString::number(difference)));
        QVERIFY(std::abs(c.nominalBitsPerWeight - a.nominalBitsPerWeight) < 1e-2);
    }
};

QTEST_GUILESS_MAIN(TestDistributedCodecTraining)
#include "tst_disttraincodec.moc"
