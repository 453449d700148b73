#pragma once
// Where this process sits in a multi-process job (docs/distributed.md): the launch variables
// torchrun sets (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT) or
// Slurm's srun sets (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, SLURM_NTASKS_PER_NODE, with
// MASTER_ADDR / MASTER_PORT from the batch script). Torch-free.

#include <QProcessEnvironment>
#include <QString>

namespace nwc::dist {

/// Default rendezvous port (torchrun's).
inline constexpr int kDefaultMasterPort = 29500;
/// Default seconds a collective or the rendezvous waits for the other ranks (NWC_DIST_TIMEOUT).
inline constexpr int kDefaultTimeoutSeconds = 1800;

/// The launch variables of one process.
struct LaunchEnvironment {
    /// False when no launch variables are set: the job runs in one process as always.
    bool present = false;
    /// "torchrun" or "Slurm": which set of variables was read.
    QString source;
    int rank = 0;
    int worldSize = 1;
    /// Rank and rank count on this machine (threads are shared among the local ranks).
    int localRank = 0;
    int localWorldSize = 1;
    /// Address and port of rank 0's TCPStore.
    QString masterAddress;
    int masterPort = kDefaultMasterPort;
    /// Seconds the rendezvous and each collective wait (NWC_DIST_TIMEOUT).
    int timeoutSeconds = kDefaultTimeoutSeconds;
    /// Network interface Gloo binds to (GLOO_SOCKET_IFNAME), "" to pick one from the address.
    QString interfaceName;

    /// True when MASTER_ADDR names this machine's loopback (127.x.x.x, ::1, localhost).
    bool isLoopback() const;
    /// "rank 1 of 2 (torchrun variables, rendezvous at 127.0.0.1:29500)".
    QString describe() const;
};

/// Reads the launch variables from `environment`: RANK and WORLD_SIZE (torchrun) take
/// precedence over SLURM_PROCID and SLURM_NTASKS; MASTER_ADDR is required with either, and
/// MASTER_PORT defaults to 29500. Throws nwc::Error naming the variable when one is malformed
/// or inconsistent (a rank outside the world, a missing MASTER_ADDR).
LaunchEnvironment readLaunchEnvironment(
    const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

} // namespace nwc::dist
