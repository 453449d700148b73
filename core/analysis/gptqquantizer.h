#pragma once
// GPTQ baseline (Frantar et al. 2022, docs/architecture.md, Baselines): group quantization like
// RTN, but each column's rounding error is pushed onto the not-yet-quantized columns through the
// inverse Hessian of the layer's inputs, so the layer's *output* error is minimized. Torch-free
// header.

#include "codec/compressedtensor.h"
#include "jobs/computeoptions.h"

#include <QString>
#include <cstdint>
#include <vector>

namespace nwc {

class ProgressSink;

/// Upper Cholesky factor of the inverse of a damped Hessian, as GPTQ and LDLQ use it.
struct InverseHessianFactor {
    /// U, upper triangular, [columns, columns] row-major, with (H' + damping * I)^-1 = Uᵀ U,
    /// where H' is H with the diagonal of dead columns set to 1.
    std::vector<double> upper;
    /// 1 for dead columns (H_jj == 0: no calibration input ever reached them), else 0.
    std::vector<uint8_t> deadColumns;
    /// What was added to the diagonal: dampening × mean(diag H'), times 10 for each retry.
    double damping = 0.0;
};

/// Factors `hessian` ([columns, columns] row-major, H = Σ x xᵀ over calibration inputs) as
/// above, in float64 (by design, whatever the compute dtype) on the options' device. When the
/// Cholesky factorization fails the damping is raised tenfold, up to four times. Throws
/// nwc::Error naming tensor `name` for a wrong size, non-finite entries, a negative diagonal
/// entry, or a matrix that no tried damping makes positive definite.
InverseHessianFactor inverseHessianFactor(const QString &name, const std::vector<float> &hessian,
                                          int64_t columns, double dampening = 0.01,
                                          const ComputeOptions &options = {});

/// GPTQ as in its reference implementation, without act-order: dead columns are zeroed, the
/// damped Hessian is factored (inverseHessianFactor), columns are quantized in order in blocks
/// of `blockSize` with lazy batch updates, and each column's error (w - q) / U_jj is fed back
/// onto the later columns. A group's scale and zero point are computed from the current
/// (error-updated) weights when its first column is reached. `weights` is [rows, columns]
/// row-major (rows = outputs, columns = inputs), `hessian` [columns, columns]. Returns a
/// CompressionMethod::Gptq tensor with the same layout as rtnCompress, decoded by
/// dequantizeGroups. The factorization and the lazy batch updates run on the options' device;
/// the column loop runs in host memory on one block at a time, in float32 as the reference
/// implementation does. Reports and checks cancellation once per block. Throws nwc::Error naming
/// the tensor for bad arguments or an unusable Hessian or options, nwc::Cancelled when cancelled.
CompressedTensor gptqCompress(const QString &name, const float *weights, int64_t rows,
                              int64_t columns, const std::vector<float> &hessian, int bits,
                              int groupSize = 128, int blockSize = 128, double dampening = 0.01,
                              ProgressSink *progress = nullptr,
                              const ComputeOptions &options = {});

} // namespace nwc
