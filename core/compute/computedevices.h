#pragma once
// The compute devices this build can use, for choosers (GUI Settings › Compute device).
// Torch-free header; compute/torchcompute.cpp implements it.

#include "jobs/computeoptions.h"

namespace nwc {

/// "cpu" and, when LibTorch has CUDA and sees devices, "cuda:0" … "cuda:K-1" (each passes
/// requireUsableComputeOptions()); otherwise `cuda` says why CUDA cannot be used.
ComputeDevices availableComputeDevices();

} // namespace nwc
