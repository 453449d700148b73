// Distributed compression (docs/distributed.md): two ranks on loopback share measuring and
// coding; the container rank 0 writes decodes to the same tensors as the one-process file's,
// for RTN, GPTQ and NWC (with LDLQ, whose re-measurement is shared too).
#include "distributedtesting.h"
#include "io/checkpoint.h"

#include <QFileInfo>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace nwc;
using namespace nwc::test;

class TestDistributedCompression : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void decodesLikeOneProcess_data() {
        QTest::addColumn<QStringList>("options");
        QTest::newRow("rtn") << QStringList{QStringLiteral("--method"), QStringLiteral("rtn"),
                                            QStringLiteral("--bits"), QStringLiteral("4")};
        QTest::newRow("gptq") << QStringList{QStringLiteral("--method"), QStringLiteral("gptq"),
                                             QStringLiteral("--bits"), QStringLiteral("3")};
        QTest::newRow("nwc") << QStringList{QStringLiteral("--method"), QStringLiteral("nwc"),
                                            QStringLiteral("--bits"), QStringLiteral("3")};
        QTest::newRow("nwc+ldlq") << QStringList{
            QStringLiteral("--method"), QStringLiteral("nwc"),          QStringLiteral("--bits"),
            QStringLiteral("3"),        QStringLiteral("--compensate"), QStringLiteral("ldlq")};
    }
    void decodesLikeOneProcess() {
        QFETCH(QStringList, options);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString single = folder.filePath(QStringLiteral("single.nwc"));
        const QString launched = folder.filePath(QStringLiteral("launched.nwc"));
        // Both runs compute with one intra-op thread per process (what nwc launch gives each
        // of two ranks on two cores), so that the arithmetic is the same.
        const QStringList common =
            QStringList{QStringLiteral("compress"),        QStringLiteral("demo:student"),
                        QStringLiteral("--calib-samples"), QStringLiteral("8"),
                        QStringLiteral("--calib-length"),  QStringLiteral("128"),
                        QStringLiteral("--threads"),       QStringLiteral("1")} +
            options;
        NWC_REQUIRE_RUN(runSingle(folder, common + QStringList{QStringLiteral("-o"), single}));
        const CliRun run =
            runLaunched(folder, 2, common + QStringList{QStringLiteral("-o"), launched});
        NWC_REQUIRE_RUN(run);
        QVERIFY2(run.out.contains(QLatin1String("[rank 0] achieved")), qPrintable(run.out));
        QVERIFY2(!run.out.contains(QLatin1String("[rank 1] achieved")), qPrintable(run.out));
        // Only the container is left in the folder (no temporary files of either run).
        const QStringList left =
            QDir(folder.path()).entryList({QStringLiteral("*.nwc*")}, QDir::Files);
        QCOMPARE(left, (QStringList{QStringLiteral("launched.nwc"), QStringLiteral("single.nwc")}));

        // RTN and NWC decode to identical tensors. GPTQ and LDLQ feed each column's rounding
        // error back through H, which the ranks sum in another order (differences of about 1e-7
        // of max |H|, tst_distcalibrate): where that tips a rounding, later columns of that
        // tensor follow another path (docs/distributed.md). At most 1 % of a tensor's and
        // 0.1 % of all weights may differ.
        const bool feedsBackThroughH =
            options.contains(QStringLiteral("gptq")) || options.contains(QStringLiteral("ldlq"));
        const CheckpointPtr a = Checkpoint::open(single);
        const CheckpointPtr b = Checkpoint::open(launched);
        QCOMPARE(b->tensors().size(), a->tensors().size());
        qint64 differing = 0;
        qint64 total = 0;
        for (const TensorInfo &info : a->tensors()) {
            const std::vector<float> expected = a->readFloat32(info.name);
            const std::vector<float> actual = b->readFloat32(info.name);
            QCOMPARE(actual.size(), expected.size());
            qint64 here = 0;
            for (size_t i = 0; i < expected.size(); ++i)
                here += actual[i] != expected[i] ? 1 : 0;
            if (here > 0) {
                float largest = 0;
                for (size_t i = 0; i < expected.size(); ++i)
                    largest = std::max(largest, std::abs(actual[i] - expected[i]));
                qInfo("%s: %lld of %zu weights differ, by at most %g", qPrintable(info.name), here,
                      expected.size(), double(largest));
            }
            if (!feedsBackThroughH)
                QVERIFY2(here == 0, qPrintable(info.name));
            // A tipped rounding propagates through the later columns' error feedback: measured
            // 29 of 9,216 weights of one demo:student tensor (0.3 %), all others identical.
            QVERIFY2(here <= qint64(expected.size()) / 100, qPrintable(info.name));
            differing += here;
            total += qint64(expected.size());
        }
        qInfo("%lld of %lld decoded weights differ from the one-process file", differing, total);
        QVERIFY(differing <= total / 1000);
    }
};

QTEST_GUILESS_MAIN(TestDistributedCompression)
#include "tst_distcompress.moc"
