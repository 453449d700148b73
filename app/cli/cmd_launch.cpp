// nwc launch -n N [--port P] -- COMMAND [ARGS…]: N local ranks of one distributed job
// (docs/distributed.md), with the variables torchrun would set, their output prefixed by rank.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"

#include "dist/loopbackport.h"
#include "dist/world.h"
#include "jobs/error.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <sys/prctl.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <vector>

namespace nwc::cli {
namespace {

/// Seconds the other ranks get to stop after SIGTERM before they are killed.
constexpr int kStopGraceMs = 5000;
/// The launcher's own address: ranks meet on loopback only.
const char *const kLoopback = "127.0.0.1";

/// One rank's process and the unfinished last line of each of its streams.
struct Rank {
    int index = 0;
    std::unique_ptr<QProcess> process;
    QByteArray pendingOut;
    QByteArray pendingErr;
    bool finished = false;
};

/// Writes the complete lines of `pending` + `data` to `stream`, each prefixed; keeps the rest.
void forwardLines(FILE *stream, const QByteArray &prefix, QByteArray &pending,
                  const QByteArray &data, bool flushRest) {
    pending += data;
    qsizetype start = 0;
    for (qsizetype end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
        const QByteArray line = prefix + pending.mid(start, end - start + 1);
        std::fwrite(line.constData(), 1, size_t(line.size()), stream);
        start = end + 1;
    }
    pending.remove(0, start);
    if (flushRest && !pending.isEmpty()) {
        const QByteArray line = prefix + pending + '\n';
        std::fwrite(line.constData(), 1, size_t(line.size()), stream);
        pending.clear();
    }
    std::fflush(stream);
}

} // namespace

int runLaunch(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("launch"));
    options.addPositional(QStringLiteral("COMMAND"),
                          QStringLiteral("After --: the nwc command and its options, e.g. -- "
                                         "compress demo:teacher --bits 4 -o out.nwc"),
                          QStringLiteral("-- COMMAND [ARGS...]"));
    options.add(QCommandLineOption({QStringLiteral("n"), QStringLiteral("nproc")},
                                   QStringLiteral("Number of ranks (default 2)."),
                                   QStringLiteral("N"), QStringLiteral("2")));
    options.addValue(QStringLiteral("port"),
                     QStringLiteral("Rendezvous port on 127.0.0.1 (default: a free one)."),
                     QStringLiteral("P"), QStringLiteral("0"));
    CommonSpec commonSpec;
    commonSpec.compute = false;
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    const OutputOptions output = readCommonOptions(options, commonSpec).output;
    const QStringList command = options.positionalArguments();
    if (command.isEmpty())
        return options.usageError(QStringLiteral("-- COMMAND [ARGS...]"));
    if (command.first() == QLatin1String("launch"))
        throw Error(QStringLiteral("nwc launch cannot launch itself; give the command to run"));
    if (!runsDistributed(command.first()))
        throw Error(QStringLiteral("'%1' does not run as several ranks (each rank would run it "
                                   "whole); run it without nwc launch. The commands that do: %2")
                        .arg(command.first(), distributedCommandList()));
    const int ranks = options.intValue(QStringLiteral("nproc"));
    if (ranks < 1)
        throw Error(QStringLiteral("-n expects at least one rank, got %1").arg(ranks));
    int port = options.intValue(QStringLiteral("port"));
    if (port < 0 || port > 65535)
        throw Error(QStringLiteral("--port expects a TCP port (1-65535), got %1").arg(port));
    if (port == 0)
        port = dist::freeLoopbackPort();

    QTextStream(stderr) << "nwc launch: " << ranks << " ranks, rendezvous at " << kLoopback << ':'
                        << port << '\n'
                        << Qt::flush;
    QElapsedTimer timer;
    timer.start();
    QEventLoop loop;
    // The ranks' private folders go below this one, which outlives them: removed at the end even
    // when a rank was killed.
    const QTemporaryDir scratch(
        QDir(QDir::tempPath()).filePath(QStringLiteral("nwc-launch-XXXXXX")));
    if (!scratch.isValid())
        throw Error(QStringLiteral("cannot create a temporary folder for the ranks: %1; set TMPDIR "
                                   "to a writable folder")
                        .arg(scratch.errorString()));
    std::vector<Rank> processes(static_cast<size_t>(ranks));
    int running = ranks;
    int failedRank = -1;
    int failure = 0;
    QTimer killTimer;
    killTimer.setSingleShot(true);
    QObject::connect(&killTimer, &QTimer::timeout, [&] {
        for (Rank &rank : processes)
            if (!rank.finished)
                rank.process->kill();
    });
    const auto stopOthers = [&](int failed, int code, const QString &why) {
        if (failedRank >= 0)
            return;
        failedRank = failed;
        failure = code;
        QTextStream(stderr) << "nwc launch: rank " << failed << ' ' << why
                            << "; stopping the other ranks\n"
                            << Qt::flush;
        for (Rank &rank : processes)
            if (!rank.finished)
                rank.process->terminate();
        killTimer.start(kStopGraceMs);
    };

    for (int i = 0; i < ranks; ++i) {
        Rank &rank = processes[size_t(i)];
        rank.index = i;
        rank.process = std::make_unique<QProcess>();
        QProcess *process = rank.process.get();
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("RANK"), QString::number(i));
        environment.insert(QStringLiteral("WORLD_SIZE"), QString::number(ranks));
        environment.insert(QStringLiteral("LOCAL_RANK"), QString::number(i));
        environment.insert(QStringLiteral("LOCAL_WORLD_SIZE"), QString::number(ranks));
        environment.insert(QStringLiteral("MASTER_ADDR"), QLatin1String(kLoopback));
        environment.insert(QStringLiteral("MASTER_PORT"), QString::number(port));
        environment.insert(QLatin1String(dist::kLaunchScratchVariable), scratch.path());
        process->setProcessEnvironment(environment);
        // A rank outlives no launcher: it gets SIGTERM when the launcher dies.
        process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
        const QByteArray prefix = QStringLiteral("[rank %1] ").arg(i).toUtf8();
        QObject::connect(process, &QProcess::readyReadStandardOutput, [&rank, process, prefix] {
            forwardLines(stdout, prefix, rank.pendingOut, process->readAllStandardOutput(), false);
        });
        QObject::connect(process, &QProcess::readyReadStandardError, [&rank, process, prefix] {
            forwardLines(stderr, prefix, rank.pendingErr, process->readAllStandardError(), false);
        });
        QObject::connect(process, &QProcess::finished,
                         [&, process, prefix, i](int code, QProcess::ExitStatus status) {
                             Rank &self = processes[size_t(i)];
                             forwardLines(stdout, prefix, self.pendingOut,
                                          process->readAllStandardOutput(), true);
                             forwardLines(stderr, prefix, self.pendingErr,
                                          process->readAllStandardError(), true);
                             self.finished = true;
                             --running;
                             if (status == QProcess::CrashExit)
                                 stopOthers(i, 1, QStringLiteral("was killed or crashed"));
                             else if (code != 0)
                                 stopOthers(i, code,
                                            QStringLiteral("failed with exit code %1").arg(code));
                             if (running == 0)
                                 loop.quit();
                         });
        QObject::connect(process, &QProcess::errorOccurred, [&, i](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart) {
                processes[size_t(i)].finished = true;
                --running;
                stopOthers(i, 1, QStringLiteral("could not be started"));
                if (running == 0)
                    loop.quit();
            }
        });
        process->start(QCoreApplication::applicationFilePath(), command);
    }
    if (running > 0)
        loop.exec();
    // The launch itself as JSON (after the ranks' output): ranks, port, each rank's status.
    QJsonObject json;
    json[QStringLiteral("ranks")] = ranks;
    json[QStringLiteral("port")] = port;
    json[QStringLiteral("command")] = QJsonArray::fromStringList(command);
    json[QStringLiteral("exit_codes")] = jsonArray(processes, [](const Rank &rank) {
        return rank.process->exitStatus() == QProcess::NormalExit ? rank.process->exitCode() : -1;
    });
    json[QStringLiteral("failed_rank")] = failedRank;
    json[QStringLiteral("seconds")] = double(timer.nsecsElapsed()) * 1e-9;
    output.writeJson(QJsonDocument(json));
    if (failedRank >= 0) {
        printError(QStringLiteral("rank %1 of %2 failed (its output above, prefixed [rank %1]); "
                                  "the job was stopped")
                       .arg(failedRank)
                       .arg(ranks));
        return failure != 0 ? failure : 1;
    }
    return 0;
}

} // namespace nwc::cli
