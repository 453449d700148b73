#pragma once
// Option group "compute": where and how core computes (--device, --threads, --compute-dtype),
// read into nwc::ComputeOptions and checked before any work starts.

#include "cli/commandoptions.h"

#include "jobs/computeoptions.h"

namespace nwc::cli {

/// Declares --device NAME, --threads N and --compute-dtype TYPE.
void addComputeOptions(CommandOptions &options);
/// Reads the group and checks it up front: a device this LibTorch build cannot use (the error
/// names the build), a negative thread count, or a compute dtype core does not implement yet
/// (anything but float32) throws nwc::Error.
ComputeOptions readComputeOptions(const CommandOptions &options);
/// readComputeOptions(), then sets LibTorch's thread count from --threads.
ComputeOptions useComputeOptions(const CommandOptions &options);
/// Sets LibTorch's thread count from `compute` (as useComputeOptions() does).
void applyThreads(const ComputeOptions &compute);

} // namespace nwc::cli
