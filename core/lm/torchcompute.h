#pragma once
// ComputeOptions in LibTorch terms: the one place that turns the torch-free value type into a
// torch::Device, a scalar type and tensor options, and that sets LibTorch's thread count.
// Core-internal (includes torch).

#include "jobs/computeoptions.h"

#include <torch/types.h>

namespace nwc {

/// The device `options` names. Throws nwc::Error when LibTorch does not know the name, or when
/// it names CUDA and this LibTorch build has no usable CUDA device (the message names the build).
torch::Device torchDevice(const ComputeOptions &options);

/// The scalar type matrix products run in.
torch::ScalarType torchComputeType(const ComputeOptions &options);

/// Tensor options for new compute tensors: the device and the compute dtype.
torch::TensorOptions computeTensorOptions(const ComputeOptions &options);

/// Tensor options for float32 work tensors on the options' device (statistics, factors).
torch::TensorOptions floatTensorOptions(const ComputeOptions &options);

/// Checks `options` before any work (device usable, threads ≥ 0); throws nwc::Error otherwise.
void requireUsableComputeOptions(const ComputeOptions &options);

/// Sets LibTorch's intra-op threads when `options.threads` > 0; otherwise leaves the default.
void applyComputeThreads(const ComputeOptions &options);

/// "LibTorch 1.13.0 (CPU build)" or "LibTorch 2.4.0 (CUDA 12.1 build)".
QString libTorchBuildDescription();

} // namespace nwc
