#pragma once
// How idle worker threads wait. LibTorch's intra-op pool (libgomp) spins for a while after every
// parallel region before it sleeps; on a machine with as many busy threads as cores, the
// spinning threads hold the cores that OpenBLAS's own threads need for the next product. With
// OMP_WAIT_POLICY=PASSIVE they sleep at once: bench_runtime measured 2.4-3.3x faster prefill
// and about 2x faster evaluation of the 0.5B and 1.1B shapes on a 2-core machine, decode
// unchanged (README, "Real sizes on the CPU"). libgomp reads the variable when it loads, so a
// program sets it by running itself again. Torch-free.

#include <QString>

namespace nwc {

/// Call first in main(), before any thread starts: when the environment has no
/// OMP_WAIT_POLICY (and NWC_THREAD_WAITING is not "default", which keeps libgomp's default), runs
/// this program again (the same executable and arguments, through /proc/self/exe) with
/// OMP_WAIT_POLICY=PASSIVE and NWC_WAIT_POLICY_SET=1 added. Returns when it does not (the variable
/// is set, by the user or by the first run, or exec failed).
void restartWithPassiveThreadWaiting(char *argv[]);

/// How idle threads wait in this process, for the settings printed beside measurements:
/// "passive (set at start)", "passive (OMP_WAIT_POLICY)", "active (OMP_WAIT_POLICY)", or
/// "spin, then sleep (libgomp's default)".
QString threadWaitingDescription();

} // namespace nwc
