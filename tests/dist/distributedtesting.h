#pragma once
// Running `nwc` once in one process and once as ranks of `nwc launch` (NWC_CLI_PATH), each run
// with its own calibration cache (XDG_CACHE_HOME) so that neither reuses the other's files.
// Ranks meet on 127.0.0.1 only (nwc launch sets MASTER_ADDR to loopback).
#include "clitesting.h"

#include <QDir>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QtTest>

namespace nwc::test {

/// Every distributed test's collectives give up after this many seconds.
inline constexpr int kTestCollectiveTimeout = 60;

/// An environment whose calibration cache is `cacheFolder`, with no launch variables of the
/// caller's own and a short collective timeout.
inline QProcessEnvironment isolatedEnvironment(const QString &cacheFolder) {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_CACHE_HOME"), cacheFolder);
    environment.insert(QStringLiteral("NWC_DIST_TIMEOUT"), QString::number(kTestCollectiveTimeout));
    for (const char *name : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR",
                             "MASTER_PORT", "SLURM_PROCID", "SLURM_NTASKS"})
        environment.remove(QString::fromLatin1(name));
    return environment;
}

/// `nwc arguments…` in one process, with a cache below `folder`.
inline CliRun runSingle(const QTemporaryDir &folder, const QStringList &arguments) {
    return runNwc(arguments, isolatedEnvironment(folder.filePath(QStringLiteral("cache-single"))));
}

/// `nwc launch -n ranks -- arguments…`, with a cache below `folder`.
inline CliRun runLaunched(const QTemporaryDir &folder, int ranks, const QStringList &arguments) {
    return runNwc(QStringList{QStringLiteral("launch"), QStringLiteral("-n"),
                              QString::number(ranks), QStringLiteral("--")} +
                      arguments,
                  isolatedEnvironment(folder.filePath(QStringLiteral("cache-launched"))));
}

/// Fails the test with both streams when a run did not succeed.
#define NWC_REQUIRE_RUN(run)                                                                       \
    do {                                                                                           \
        const nwc::test::CliRun &checked = (run);                                                  \
        if (checked.exitCode != 0)                                                                 \
            qWarning().noquote() << checked.out << checked.err;                                    \
        QCOMPARE(checked.exitCode, 0);                                                             \
    } while (false)

} // namespace nwc::test
