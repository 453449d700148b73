// Distributed sweep (docs/distributed.md): two ranks on loopback measure the points of one
// session; the session equals a one-process sweep's (sizes, rates, perplexity and KL exactly;
// the importance-weighted MSE within 1e-6, its weights being H summed in another order), and a
// rerun resumes from it.
#include "analysis/sweepsession.h"
#include "distributedtesting.h"

#include <QFile>
#include <QtTest>

#include <cmath>

using namespace nwc;
using namespace nwc::test;

class TestDistributedSweep : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameSessionAsOneProcess() {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString text = folder.filePath(QStringLiteral("eval.txt"));
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 40; ++i)
            file.write("Tom had three apples. He gave one to Mia, and she said thank you. ");
        file.close();
        const QString single = folder.filePath(QStringLiteral("single.h5"));
        const QString launched = folder.filePath(QStringLiteral("launched.h5"));
        const QStringList common = {
            QStringLiteral("sweep"),           QStringLiteral("demo:student"),
            QStringLiteral("--text"),          text,
            QStringLiteral("--bits"),          QStringLiteral("3,4"),
            QStringLiteral("--methods"),       QStringLiteral("rtn,gptq,nwc"),
            QStringLiteral("--calib-samples"), QStringLiteral("8"),
            QStringLiteral("--calib-length"),  QStringLiteral("128"),
            QStringLiteral("--threads"),       QStringLiteral("1")};
        NWC_REQUIRE_RUN(
            runSingle(folder, common + QStringList{QStringLiteral("--session"), single}));
        const CliRun run =
            runLaunched(folder, 2, common + QStringList{QStringLiteral("--session"), launched});
        NWC_REQUIRE_RUN(run);

        const SweepSession a = loadSweepSession(single);
        const SweepSession b = loadSweepSession(launched);
        QCOMPARE(b.points.size(), a.points.size());
        QCOMPARE(a.points.size(), size_t(6));
        QCOMPARE(b.reference.perplexity, a.reference.perplexity);
        for (const SweepPoint &expected : a.points) {
            const SweepPoint *actual = b.find(expected.method, expected.targetBits);
            QVERIFY2(actual, qPrintable(sweepPointName(expected.method, expected.targetBits)));
            QCOMPARE(actual->countedBytes, expected.countedBytes);
            QCOMPARE(actual->bitsPerWeight, expected.bitsPerWeight);
            QCOMPARE(actual->perplexity, expected.perplexity);
            QCOMPARE(actual->klMean, expected.klMean);
            // Weighted by diag(H), which the ranks sum in another order (docs/distributed.md).
            QVERIFY2(std::abs(actual->weightedMse - expected.weightedMse) <=
                         1e-6 * std::abs(expected.weightedMse),
                     qPrintable(QStringLiteral("%1 vs %2")
                                    .arg(actual->weightedMse, 0, 'g', 17)
                                    .arg(expected.weightedMse, 0, 'g', 17)));
        }

        // A rerun with one more rate measures only the new points and keeps the others.
        const CliRun rerun = runLaunched(
            folder, 2,
            QStringList(common).replaceInStrings(QStringLiteral("3,4"), QStringLiteral("3,4,5")) +
                QStringList{QStringLiteral("--session"), launched});
        NWC_REQUIRE_RUN(rerun);
        const SweepSession c = loadSweepSession(launched);
        QCOMPARE(c.points.size(), size_t(9));
        for (const SweepPoint &old : b.points)
            QCOMPARE(c.find(old.method, old.targetBits)->seconds, old.seconds);
    }
};

QTEST_GUILESS_MAIN(TestDistributedSweep)
#include "tst_distsweep.moc"
