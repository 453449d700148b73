#pragma once
// The process group of this process (docs/distributed.md), like PyTorch's default group: the
// CLI joins it from the launch variables; core jobs (calibration, compression, sweeps, codec
// training) ask for it and share their work when it is there. Without it — the GUI, tests, a
// plain `nwc` run — everything runs in one process as before. Torch-free header.

#include "dist/processgroup.h"

#include <QString>
#include <memory>

namespace nwc::dist {

/// The group core jobs share work in, or nullptr (one process, or inside a LocalOnly scope).
ProcessGroup *world();
/// Makes `group` the world (nullptr leaves it).
void setWorld(std::unique_ptr<ProcessGroup> group);
/// Hands the world over without destroying it (after a failure, when peers may be gone and
/// the backend's teardown could wait on them).
ProcessGroup *releaseWorld();
/// True in one process, and on rank 0 of a group: the rank that writes files and prints.
bool isRoot();

/// Hides the world for its lifetime: jobs started inside run in this process alone (a sweep
/// point that one rank measures on its own).
class LocalOnly {
public:
    LocalOnly();
    ~LocalOnly();
    LocalOnly(const LocalOnly &) = delete;
    LocalOnly &operator=(const LocalOnly &) = delete;

private:
    int m_previousDepth;
};

/// Set by `nwc launch` for its ranks: a folder the launcher removes when the launch ends, under
/// which the ranks make their private folders, so that a killed rank's files do not stay behind.
inline constexpr char kLaunchScratchVariable[] = "NWC_LAUNCH_SCRATCH";

/// A folder private to this process for files a non-root rank needs while it runs (its copy of
/// the calibration statistics); removed when the process ends (below the launch's scratch
/// folder when kLaunchScratchVariable is set).
QString privateFolder();

} // namespace nwc::dist
