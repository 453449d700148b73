#include "cli/distributedgroup.h"

#include "cli/computegroup.h"

#include "dist/world.h"
#include "jobs/error.h"

#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace nwc::cli {

void joinLaunchedGroup(ComputeOptions &compute) {
    const dist::LaunchEnvironment launch = dist::readLaunchEnvironment();
    if (!launch.present || dist::world())
        return;
    if (compute.threads == 0 && launch.localWorldSize > 1) {
        const int cores = std::max(1, int(std::thread::hardware_concurrency()));
        compute.threads = std::max(1, cores / launch.localWorldSize);
        applyThreads(compute);
    }
    QTextStream(stderr) << "nwc: joining as " << launch.describe() << '\n' << Qt::flush;
    std::unique_ptr<dist::ProcessGroup> group = dist::ProcessGroup::join(launch, compute);
    QTextStream(stderr) << "nwc: rank " << group->rank() << " of " << group->size() << " joined ("
                        << group->backendName() << ", " << describeComputeOptions(compute) << ")\n"
                        << Qt::flush;
    dist::setWorld(std::move(group));
}

int leaveLaunchedGroup(int exitCode) {
    if (!dist::world())
        return exitCode;
    if (exitCode != 0) {
        // The group's teardown would wait on peers that may be gone: end here.
        std::fflush(stdout);
        std::fflush(stderr);
        std::_Exit(exitCode);
    }
    try {
        dist::world()->barrier(QStringLiteral("the final barrier"));
    } catch (const Error &error) {
        QTextStream(stderr) << "nwc: error: " << error.message() << '\n' << Qt::flush;
        std::fflush(stdout);
        std::_Exit(1);
    }
    dist::setWorld(nullptr);
    return exitCode;
}

bool printsResults() {
    return dist::isRoot();
}

} // namespace nwc::cli
