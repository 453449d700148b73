#include "dist/launchenvironment.h"

#include "jobs/error.h"

namespace nwc::dist {
namespace {

/// The integer value of `name`, or `fallback` when it is unset; throws when it is malformed or
/// below `minimum`.
int integerVariable(const QProcessEnvironment &environment, const QString &name, int fallback,
                    int minimum) {
    if (!environment.contains(name))
        return fallback;
    bool ok = false;
    const int value = environment.value(name).trimmed().toInt(&ok);
    if (!ok || value < minimum)
        throw Error(QStringLiteral("the launch variable %1='%2' is not a whole number of at least "
                                   "%3; fix the launch script")
                        .arg(name, environment.value(name))
                        .arg(minimum));
    return value;
}

/// Slurm writes tasks per node as "2" or "2(x3)" or "2,1": the first count is this node's
/// when the tasks are spread evenly, which is all the thread split needs.
int slurmTasksPerNode(const QProcessEnvironment &environment) {
    const QString text =
        environment.value(QStringLiteral("SLURM_NTASKS_PER_NODE"),
                          environment.value(QStringLiteral("SLURM_TASKS_PER_NODE")));
    bool ok = false;
    const int value =
        text.section(QLatin1Char('('), 0, 0).section(QLatin1Char(','), 0, 0).toInt(&ok);
    return ok && value > 0 ? value : 1;
}

} // namespace

bool LaunchEnvironment::isLoopback() const {
    return masterAddress.startsWith(QLatin1String("127.")) ||
           masterAddress == QLatin1String("::1") || masterAddress == QLatin1String("localhost");
}

QString LaunchEnvironment::describe() const {
    return QStringLiteral("rank %1 of %2 (%3 variables, rendezvous at %4:%5)")
        .arg(rank)
        .arg(worldSize)
        .arg(source, masterAddress)
        .arg(masterPort);
}

LaunchEnvironment readLaunchEnvironment(const QProcessEnvironment &environment) {
    LaunchEnvironment launch;
    const bool torchrun = environment.contains(QStringLiteral("RANK")) ||
                          environment.contains(QStringLiteral("WORLD_SIZE"));
    const bool slurm = !torchrun && environment.contains(QStringLiteral("SLURM_PROCID")) &&
                       environment.contains(QStringLiteral("MASTER_ADDR"));
    if (!torchrun && !slurm)
        return launch;
    launch.present = true;
    QString rankName;
    QString sizeName;
    if (torchrun) {
        launch.source = QStringLiteral("torchrun");
        rankName = QStringLiteral("RANK");
        sizeName = QStringLiteral("WORLD_SIZE");
        launch.localRank = integerVariable(environment, QStringLiteral("LOCAL_RANK"), 0, 0);
        launch.localWorldSize =
            integerVariable(environment, QStringLiteral("LOCAL_WORLD_SIZE"), 1, 1);
    } else {
        launch.source = QStringLiteral("Slurm");
        rankName = QStringLiteral("SLURM_PROCID");
        sizeName = QStringLiteral("SLURM_NTASKS");
        launch.localRank = integerVariable(environment, QStringLiteral("SLURM_LOCALID"), 0, 0);
        launch.localWorldSize = slurmTasksPerNode(environment);
    }
    if (!environment.contains(rankName) || !environment.contains(sizeName))
        throw Error(QStringLiteral("the launch variables set %1 but not %2: set both (and "
                                   "MASTER_ADDR, MASTER_PORT), or neither to run in one process")
                        .arg(environment.contains(rankName) ? rankName : sizeName,
                             environment.contains(rankName) ? sizeName : rankName));
    launch.rank = integerVariable(environment, rankName, 0, 0);
    launch.worldSize = integerVariable(environment, sizeName, 1, 1);
    if (launch.rank >= launch.worldSize)
        throw Error(QStringLiteral("%1=%2 is outside the world of %3=%4 ranks; fix the launch "
                                   "script")
                        .arg(rankName)
                        .arg(launch.rank)
                        .arg(sizeName)
                        .arg(launch.worldSize));
    launch.masterAddress = environment.value(QStringLiteral("MASTER_ADDR")).trimmed();
    if (launch.masterAddress.isEmpty())
        throw Error(QStringLiteral("%1 and %2 are set but MASTER_ADDR is not: set it to the "
                                   "address of rank 0's machine (and MASTER_PORT, default %3)")
                        .arg(rankName, sizeName)
                        .arg(kDefaultMasterPort));
    launch.masterPort =
        integerVariable(environment, QStringLiteral("MASTER_PORT"), kDefaultMasterPort, 1);
    if (launch.masterPort > 65535)
        throw Error(
            QStringLiteral("MASTER_PORT=%1 is not a TCP port (1-65535)").arg(launch.masterPort));
    launch.timeoutSeconds =
        integerVariable(environment, QStringLiteral("NWC_DIST_TIMEOUT"), kDefaultTimeoutSeconds, 1);
    launch.interfaceName = environment.value(QStringLiteral("GLOO_SOCKET_IFNAME")).trimmed();
    return launch;
}

} // namespace nwc::dist
