#pragma once
// Joining the c10d process group from the launch variables (docs/distributed.md): calibrate,
// compress, sweep and train-codec call joinLaunchedGroup() once their compute options are
// known; runCommandLine() leaves the group when the command ends.

#include "jobs/computeoptions.h"

namespace nwc::cli {

/// When torchrun or Slurm launch variables are set, joins the job's process group, makes it
/// core's world (dist/world.h) and prints "nwc: rank R of N …" on stderr. With several ranks
/// on one machine and no --threads, each rank gets cores / local ranks intra-op threads
/// (applied to `compute`). Without launch variables nothing happens. Throws nwc::Error.
void joinLaunchedGroup(ComputeOptions &compute);

/// Ends this process's membership after its command returned `exitCode`: waits for the other
/// ranks when it succeeded; after a failure leaves at once (the others notice the closed
/// connections and stop) by ending the process with `exitCode`. Returns `exitCode`.
int leaveLaunchedGroup(int exitCode);

/// True when this process prints results and writes output files: always in one process, rank
/// 0 in a group.
bool printsResults();

} // namespace nwc::cli
