// The work split among ranks and the launch variables (docs/distributed.md).
#include "dist/launchenvironment.h"
#include "dist/workshare.h"
#include "jobs/error.h"

#include <QtTest>

#include <numeric>

using namespace nwc;
using namespace nwc::dist;

namespace {

/// A process environment holding `variables`, each written "NAME=value".
QProcessEnvironment environmentOf(const QStringList &variables) {
    QProcessEnvironment environment;
    for (const QString &variable : variables)
        environment.insert(variable.section(QLatin1Char('='), 0, 0),
                           variable.section(QLatin1Char('='), 1));
    return environment;
}

} // namespace

class TestDistributedUnits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sharesCoverEveryItemOnce_data() {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("ranks");
        QTest::newRow("even") << 32 << 2;
        QTest::newRow("uneven") << 33 << 4;
        QTest::newRow("fewer items") << 2 << 3;
        QTest::newRow("one rank") << 7 << 1;
    }
    void sharesCoverEveryItemOnce() {
        QFETCH(int, count);
        QFETCH(int, ranks);
        int64_t next = 0;
        for (int rank = 0; rank < ranks; ++rank) {
            const Share share = shareOf(count, rank, ranks);
            QCOMPARE(share.begin, next);
            QVERIFY(share.size() >= count / ranks && share.size() <= count / ranks + 1);
            next = share.end;
        }
        QCOMPARE(next, int64_t(count));
    }

    void costsAreBalanced() {
        const std::vector<double> costs = {10, 1, 1, 7, 3, 3, 2, 9};
        const std::vector<int> owner = assignByCost(costs, 3);
        std::vector<double> load(3, 0.0);
        for (size_t i = 0; i < costs.size(); ++i) {
            QVERIFY(owner[i] >= 0 && owner[i] < 3);
            load[size_t(owner[i])] += costs[i];
        }
        const auto [low, high] = std::minmax_element(load.begin(), load.end());
        QVERIFY(*high - *low <= 10.0);
        QCOMPARE(std::accumulate(load.begin(), load.end(), 0.0), 36.0);
        // Every rank computes the same split.
        QCOMPARE(assignByCost(costs, 3), owner);
        size_t listed = 0;
        for (int rank = 0; rank < 3; ++rank)
            listed += itemsOf(owner, rank).size();
        QCOMPARE(listed, costs.size());
    }

    void noVariablesMeansOneProcess() {
        QVERIFY(!readLaunchEnvironment(QProcessEnvironment()).present);
    }

    void readsTorchrunVariables() {
        const LaunchEnvironment launch = readLaunchEnvironment(environmentOf(
            {QStringLiteral("RANK=1"), QStringLiteral("WORLD_SIZE=4"),
             QStringLiteral("LOCAL_RANK=1"), QStringLiteral("LOCAL_WORLD_SIZE=2"),
             QStringLiteral("MASTER_ADDR=127.0.0.1"), QStringLiteral("MASTER_PORT=29600"),
             QStringLiteral("NWC_DIST_TIMEOUT=30")}));
        QVERIFY(launch.present);
        QCOMPARE(launch.source, QStringLiteral("torchrun"));
        QCOMPARE(launch.rank, 1);
        QCOMPARE(launch.worldSize, 4);
        QCOMPARE(launch.localWorldSize, 2);
        QCOMPARE(launch.masterPort, 29600);
        QCOMPARE(launch.timeoutSeconds, 30);
        QVERIFY(launch.isLoopback());
    }

    void readsSlurmVariables() {
        const LaunchEnvironment launch = readLaunchEnvironment(environmentOf(
            {QStringLiteral("SLURM_PROCID=3"), QStringLiteral("SLURM_NTASKS=8"),
             QStringLiteral("SLURM_LOCALID=1"), QStringLiteral("SLURM_NTASKS_PER_NODE=2(x4)"),
             QStringLiteral("MASTER_ADDR=node01")}));
        QCOMPARE(launch.source, QStringLiteral("Slurm"));
        QCOMPARE(launch.rank, 3);
        QCOMPARE(launch.worldSize, 8);
        QCOMPARE(launch.localRank, 1);
        QCOMPARE(launch.localWorldSize, 2);
        QCOMPARE(launch.masterPort, kDefaultMasterPort);
        QVERIFY(!launch.isLoopback());
    }

    void refusesInconsistentVariables_data() {
        QTest::addColumn<QStringList>("variables");
        QTest::newRow("rank outside the world")
            << QStringList{QStringLiteral("RANK=2"), QStringLiteral("WORLD_SIZE=2"),
                           QStringLiteral("MASTER_ADDR=127.0.0.1")};
        QTest::newRow("no master address")
            << QStringList{QStringLiteral("RANK=0"), QStringLiteral("WORLD_SIZE=2")};
        QTest::newRow("rank without world size")
            << QStringList{QStringLiteral("RANK=0"), QStringLiteral("MASTER_ADDR=127.0.0.1")};
        QTest::newRow("malformed port") << QStringList{
            QStringLiteral("RANK=0"), QStringLiteral("WORLD_SIZE=2"),
            QStringLiteral("MASTER_ADDR=127.0.0.1"), QStringLiteral("MASTER_PORT=x")};
    }
    void refusesInconsistentVariables() {
        QFETCH(QStringList, variables);
        QVERIFY_THROWS_EXCEPTION(Error, readLaunchEnvironment(environmentOf(variables)));
    }
};

QTEST_GUILESS_MAIN(TestDistributedUnits)
#include "tst_distunits.moc"
