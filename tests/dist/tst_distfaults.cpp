// Faults in distributed jobs (docs/distributed.md): a rank killed with SIGKILL makes the others
// stop with an error naming the failed collective, within NWC_DIST_TIMEOUT; `nwc launch` fails
// as a whole; no container (and no temporary file) is left at the target.
#include "dist/loopbackport.h"
#include "distributedtesting.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QtTest>

#include <csignal>

using namespace nwc;
using namespace nwc::test;

namespace {

/// How long the ranks work before one is killed: into calibration and measuring.
constexpr int kWorkMs = 4000;

/// A compression long enough (calibration, then measuring) to be killed in the middle: 12 s on
/// two Zen 5 cores with nothing else running (2026-12-08; with 16 calibration samples it took 3 s
/// there and ended before the kill).
QStringList compressArguments(const QString &output) {
    return {QStringLiteral("compress"),
            QStringLiteral("demo:teacher"),
            QStringLiteral("--method"),
            QStringLiteral("nwc"),
            QStringLiteral("--bits"),
            QStringLiteral("3"),
            QStringLiteral("--calib-samples"),
            QStringLiteral("256"),
            QStringLiteral("-o"),
            output};
}

/// Reads `process`'s stderr until `text` appears (or `timeoutMs` passes); returns all read.
QString waitForText(QProcess &process, const QString &text, int timeoutMs) {
    QString seen;
    if (!process.waitForStarted(10000))
        return seen;
    QElapsedTimer timer;
    timer.start();
    while (!seen.contains(text) && timer.elapsed() < timeoutMs &&
           process.state() == QProcess::Running) {
        process.waitForReadyRead(200);
        seen += QString::fromUtf8(process.readAllStandardError());
    }
    return seen;
}

/// The files in `folder` (the target and any temporary file beside it).
QStringList filesIn(const QTemporaryDir &folder) {
    return QDir(folder.path()).entryList(QDir::Files | QDir::Hidden);
}

} // namespace

class TestDistributedFaults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    /// Two ranks started by hand (as torchrun or srun would): SIGKILL on rank 1; rank 0 notices
    /// on its own, without a launcher to stop it.
    void survivorStopsWithClearError() {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString output = folder.filePath(QStringLiteral("out.nwc"));
        const int port = dist::freeLoopbackPort();
        QProcess ranks[2];
        for (int rank = 0; rank < 2; ++rank) {
            QProcessEnvironment environment =
                isolatedEnvironment(folder.filePath(QStringLiteral("cache")));
            environment.insert(QStringLiteral("RANK"), QString::number(rank));
            environment.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("2"));
            environment.insert(QStringLiteral("MASTER_ADDR"), QStringLiteral("127.0.0.1"));
            environment.insert(QStringLiteral("MASTER_PORT"), QString::number(port));
            environment.insert(QStringLiteral("NWC_DIST_TIMEOUT"), QStringLiteral("20"));
            ranks[rank].setProcessEnvironment(environment);
            ranks[rank].start(QStringLiteral(NWC_CLI_PATH), compressArguments(output));
        }
        const QString joined = waitForText(ranks[1], QStringLiteral("joined"), 60000);
        QVERIFY2(joined.contains(QLatin1String("rank 1 of 2 joined")), qPrintable(joined));
        QTest::qWait(kWorkMs);
        // processId() is 0 once the process has ended, and kill(0) would signal this test's
        // whole process group.
        const qint64 rank1 = ranks[1].processId();
        QVERIFY2(ranks[1].state() == QProcess::Running && rank1 > 0,
                 qPrintable(QStringLiteral("rank 1 ended before it was killed: ") + joined +
                            QString::fromUtf8(ranks[1].readAllStandardError())));
        ::kill(pid_t(rank1), SIGKILL);
        QVERIFY(ranks[1].waitForFinished(10000));

        QElapsedTimer timer;
        timer.start();
        QVERIFY2(ranks[0].waitForFinished(60000), "rank 0 did not stop");
        qInfo("rank 0 stopped %.1f s after rank 1 was killed", timer.elapsed() / 1000.0);
        QVERIFY(ranks[0].exitCode() != 0);
        const QString error = QString::fromUtf8(ranks[0].readAllStandardError());
        qInfo().noquote() << error.trimmed().section(QLatin1Char('\n'), -1);
        QVERIFY2(error.contains(QLatin1String("rank 0 of 2")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("failed")), qPrintable(error));
        QVERIFY2(filesIn(folder).isEmpty(), qPrintable(filesIn(folder).join(QLatin1Char(' '))));
    }

    /// `nwc launch`: one rank killed, the launch fails naming it and stops the other.
    void launchFailsAsAWhole() {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString output = folder.filePath(QStringLiteral("out.nwc"));
        // The ranks' temporary files go below tmp/, which must be empty once the launch ends,
        // although rank 1 is killed and cannot clean up after itself.
        const QString temporary = folder.filePath(QStringLiteral("tmp"));
        QVERIFY(QDir().mkpath(temporary));
        QProcessEnvironment environment =
            isolatedEnvironment(folder.filePath(QStringLiteral("cache")));
        environment.insert(QStringLiteral("TMPDIR"), temporary);
        QProcess launcher;
        launcher.setProcessEnvironment(environment);
        launcher.start(QStringLiteral(NWC_CLI_PATH),
                       QStringList{QStringLiteral("launch"), QStringLiteral("-n"),
                                   QStringLiteral("2"), QStringLiteral("--")} +
                           compressArguments(output));
        const QString joined = waitForText(launcher, QStringLiteral("rank 1 of 2 joined"), 60000);
        QVERIFY2(joined.contains(QLatin1String("rank 1 of 2 joined")), qPrintable(joined));
        // Rank 1 is the launcher's child that was started second.
        QProcess children;
        children.start(QStringLiteral("pgrep"),
                       {QStringLiteral("-P"), QString::number(launcher.processId())});
        QVERIFY(children.waitForFinished(5000));
        const QStringList pids = QString::fromLatin1(children.readAllStandardOutput())
                                     .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(pids.size(), 2);
        QTest::qWait(kWorkMs);
        // (waitForFinished() below would also return false for a launch that already ended.)
        QVERIFY2(launcher.state() != QProcess::NotRunning,
                 "nwc launch ended before rank 1 was killed (give it more work)");
        const qint64 rank1 = pids.last().toLongLong();
        QVERIFY(rank1 > 0); // kill(0) would signal this test's whole process group
        ::kill(pid_t(rank1), SIGKILL);

        QVERIFY2(launcher.waitForFinished(60000), "nwc launch did not stop");
        QVERIFY(launcher.exitCode() != 0);
        const QString error = joined + QString::fromUtf8(launcher.readAllStandardError());
        QVERIFY2(error.contains(QLatin1String("rank 1 was killed or crashed")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("rank 1 of 2 failed")), qPrintable(error));
        QVERIFY2(filesIn(folder).isEmpty(), qPrintable(filesIn(folder).join(QLatin1Char(' '))));
        const QStringList leftOver =
            QDir(temporary).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
        QVERIFY2(leftOver.isEmpty(), qPrintable(leftOver.join(QLatin1Char(' '))));
    }
};

QTEST_GUILESS_MAIN(TestDistributedFaults)
#include "tst_distfaults.moc"
