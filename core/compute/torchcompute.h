#pragma once
// ComputeOptions in LibTorch terms: the one place that turns the torch-free value type into a
// torch::Device, a scalar type and tensor options, that sets LibTorch's thread count, and that
// moves tensors between host memory and the compute device. Core-internal (includes torch).

#include "jobs/computeoptions.h"

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace nwc {

/// Intra-op threads when ComputeOptions::threads is 0. Measured (docs/architecture.md, Threads and BLAS): one LibTorch thread
/// beats two on the small products of the demo-size models and of codec training, and OpenBLAS
/// uses the cores for the large ones.
constexpr int kDefaultIntraOpThreads = 1;

/// The device `options` names. Throws nwc::Error when LibTorch does not know the name, or when
/// it names CUDA and this LibTorch build has no usable CUDA device (the message names the build).
torch::Device torchDevice(const ComputeOptions &options);

/// The scalar type matrix products run in.
torch::ScalarType torchComputeType(const ComputeOptions &options);

/// Tensor options for new compute tensors: the device and the compute dtype.
torch::TensorOptions computeTensorOptions(const ComputeOptions &options);

/// Tensor options for float32 work tensors on the options' device: statistics, factors and
/// codec networks that are float32 by design whatever the compute dtype.
torch::TensorOptions floatTensorOptions(const ComputeOptions &options);

/// Checks `options` before any work (device usable, threads ≥ 0); throws nwc::Error otherwise.
void requireUsableComputeOptions(const ComputeOptions &options);

/// Matrices from this many elements up make the default thread count every core: bench_linear16
/// measured 1.7-1.9x faster decode products with two threads from 4 M elements (0.5-7 B
/// models), and no gain or a loss on the demo models' 0.2 M-element matrices.
constexpr int64_t kParallelMatrixElements = int64_t(1) << 20;

/// The one place LibTorch's intra-op thread count is decided: `options.threads` when > 0, else
/// every core when the model's largest matrix has at least kParallelMatrixElements elements,
/// else kDefaultIntraOpThreads. Called by every entry point that builds a model or trains.
void applyComputeThreads(const ComputeOptions &options, int64_t largestMatrixElements = 0);

/// "LibTorch 1.13.0 (CPU build)" or "LibTorch 2.4.0 (CUDA build)".
QString libTorchBuildDescription();

/// `tensor` in host memory, detached and contiguous, for reading through data_ptr(); no copy
/// when it is already such a tensor. The only way results come back from the compute device.
torch::Tensor toHost(const torch::Tensor &tensor);

/// toHost() converted to `dtype` (e.g. float32 logits for sampling, float64 factors).
torch::Tensor toHost(const torch::Tensor &tensor, torch::ScalarType dtype);

/// A tensor viewing host memory without copying (the caller keeps `data` alive and unchanged
/// while the view is used); move it with .to(device) to compute elsewhere.
template <typename T>
torch::Tensor hostView(const T *data, torch::IntArrayRef shape) {
    return torch::from_blob(const_cast<T *>(data), shape, torch::TensorOptions().dtype<T>());
}

/// Token ids as a [1, count] int64 tensor in host memory (models move it to their device).
torch::Tensor hostTokenRow(const std::vector<int32_t> &ids);

} // namespace nwc
