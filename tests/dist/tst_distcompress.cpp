// Distributed compression (docs/distributed.md): two ranks on loopback share measuring and
// coding; the container rank 0 writes decodes to the same tensors as the one-process file's,
// for RTN, GPTQ and NWC (with LDLQ, whose re-measurement is shared too).
#include "distributedtesting.h"
#include "io/checkpoint.h"

#include <QFileInfo>
#include <QtTest>

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

        const CheckpointPtr a = Checkpoint::open(single);
        const CheckpointPtr b = Checkpoint::open(launched);
        QCOMPARE(b->tensors().size(), a->tensors().size());
        for (const TensorInfo &info : a->tensors()) {
            const std::vector<float> expected = a->readFloat32(info.name);
            const std::vector<float> actual = b->readFloat32(info.name);
            QVERIFY2(actual == expected, qPrintable(info.name));
        }
    }
};

QTEST_GUILESS_MAIN(TestDistributedCompression)
#include "tst_distcompress.moc"
