#pragma once
// How much memory a model's runtime takes, before it is built (for the memory guard).
// Torch-free header.

#include "io/checkpoint.h"
#include "jobs/computeoptions.h"

#include <cstdint>

namespace nwc {

/// Bytes the runtime of `checkpoint` holds: every weight in the type it is kept in (2-D
/// matrices as matrixStorageType(), the rest in the compute type), plus the largest tensor twice
/// as float32 while it is read (the decoded values and the tensor made from them).
int64_t runtimeBytes(const Checkpoint &checkpoint, const ComputeOptions &options);

/// Parameters of `checkpoint` (every tensor's elements).
int64_t parameterCount(const Checkpoint &checkpoint);

} // namespace nwc
