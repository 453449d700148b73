#pragma once
// How much memory a job may use, and a check that refuses a load that would not fit.

#include <QString>
#include <cstdint>

namespace nwc {

/// Bytes this process can still allocate without swapping: MemAvailable from /proc/meminfo,
/// lowered to the cgroup (v2) limit minus current use when one is set. The environment variable
/// NWC_MEMORY_LIMIT (bytes, or with a K/M/G suffix) replaces the measurement, e.g. to keep a job
/// within a share of a machine. Negative when nothing could be read.
int64_t availableMemoryBytes();

/// Throws MismatchError(InsufficientMemory) when `neededBytes` exceed availableMemoryBytes().
/// `what` names the thing being loaded ("/models/llama-7b (6.7 B parameters, float32)").
void requireAvailableMemory(int64_t neededBytes, const QString &what);

/// "1.5 GB"-style size with two significant decimals (decimal units, as file managers show).
QString formatBytes(int64_t bytes);

/// Returns freed heap to the system (glibc keeps tensor-sized holes resident otherwise, and
/// peak memory would grow with the number of layers; tests/bench/bench_compress_memory).
void releaseFreedMemory();

/// Peak resident set size of this process (VmHWM), 0 when unknown.
int64_t peakResidentBytes();

} // namespace nwc
