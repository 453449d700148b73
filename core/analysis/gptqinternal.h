#pragma once
// Torch side of gptqquantizer.h for core code that works on tensors (LDLQ compensation).
// Includes LibTorch: never include it from a header that widgets or app code see.

#include <QString>
#include <torch/types.h>

namespace nwc {

/// inverseHessianFactor on tensors: `hessian` is [n, n] of any floating dtype (not modified); the
/// factor lives on the Hessian's device.
struct TorchInverseHessianFactor {
    /// Upper triangular U (float64) with (H' + damping * I)^-1 = Uᵀ U.
    torch::Tensor upper;
    /// Bool [n]: true where H_jj == 0.
    torch::Tensor dead;
    double damping = 0.0;
};

/// See inverseHessianFactor in gptqquantizer.h; throws nwc::Error naming tensor `name`.
TorchInverseHessianFactor
inverseHessianFactorTensor(const QString &name, const torch::Tensor &hessian, double dampening);

} // namespace nwc
