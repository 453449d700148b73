#include "analysis/gptqquantizer.h"

#include "analysis/gptqinternal.h"
#include "codec/groupquantization.h"
#include "compute/torchcompute.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace nwc {

namespace {

/// Tenfold damping increases tried after the first Cholesky failure.
constexpr int kDampingRetries = 4;

Error hessianError(const QString &name, const QString &detail) {
    return Error(
        QStringLiteral("Cannot use the Hessian of tensor '%1' for GPTQ: %2.").arg(name, detail));
}

void checkHessianSize(const QString &name, const std::vector<float> &hessian, int64_t columns) {
    if (columns < 0 || int64_t(hessian.size()) != columns * columns)
        throw hessianError(name, QStringLiteral("it has %1 values, expected %2 x %2 for the "
                                                "tensor's %2 input columns; recompute the "
                                                "calibration statistics for this model")
                                     .arg(hessian.size())
                                     .arg(columns));
}

/// A caller's host buffer on the options' device (no copy on the host; callers only read it).
torch::Tensor onDevice(const float *data, int64_t rows, int64_t columns,
                       const torch::Device &device) {
    return hostView(data, {rows, columns}).to(device);
}

} // namespace

TorchInverseHessianFactor
inverseHessianFactorTensor(const QString &name, const torch::Tensor &hessian, double dampening) {
    torch::NoGradGuard noGrad;
    if (hessian.dim() != 2 || hessian.size(0) != hessian.size(1))
        throw hessianError(name, QStringLiteral("it is not a square matrix"));
    if (!std::isfinite(dampening) || dampening < 0.0)
        throw hessianError(
            name, QStringLiteral("dampening %1 must be a finite number >= 0").arg(dampening));
    const int64_t n = hessian.size(0);
    const auto float64 = hessian.options().dtype(torch::kFloat64);
    TorchInverseHessianFactor factor;
    if (n == 0) {
        factor.upper = torch::zeros({0, 0}, float64);
        factor.dead = torch::zeros({0}, hessian.options().dtype(torch::kBool));
        return factor;
    }
    torch::Tensor h = hessian.to(torch::kFloat64, /*non_blocking=*/false, /*copy=*/true);
    if (!torch::isfinite(h).all().item<bool>())
        throw hessianError(name, QStringLiteral("it has non-finite entries (the calibration "
                                                "activations overflowed or are corrupt); "
                                                "recompute the calibration statistics"));
    torch::Tensor diagonal = h.diagonal();
    const torch::Tensor negative = diagonal < 0;
    if (negative.any().item<bool>()) {
        const int64_t column = negative.nonzero()[0][0].item<int64_t>();
        throw hessianError(name, QStringLiteral("diagonal entry %1 is negative (%2), which a sum "
                                                "of x x^T cannot be; recompute the calibration "
                                                "statistics")
                                     .arg(column)
                                     .arg(diagonal[column].item<double>()));
    }
    factor.dead = diagonal == 0;
    diagonal.masked_fill_(factor.dead, 1.0); // a view: writes into h
    const double mean = diagonal.mean().item<double>();
    double damping = dampening * mean;
    // At n = 11008 (a Llama-7B down_proj) each n x n float64 matrix is about 1 GB: keep at most
    // three alive.
    for (int attempt = 0; attempt <= kDampingRetries; ++attempt) {
        if (attempt > 0)
            damping = std::max(damping, 1e-6 * mean) * 10.0;
        torch::Tensor lower;
        {
            torch::Tensor damped = h.clone();
            damped.diagonal().add_(damping);
            auto [factorLower, info] = torch::linalg_cholesky_ex(damped);
            if (info.item<int64_t>() != 0)
                continue;
            lower = factorLower;
        }
        torch::Tensor inverse = torch::cholesky_inverse(lower);
        lower = torch::Tensor();
        auto [upper, upperInfo] = torch::linalg_cholesky_ex(inverse, /*upper=*/true);
        if (upperInfo.item<int64_t>() != 0 || !torch::isfinite(upper).all().item<bool>())
            continue;
        factor.upper = upper.contiguous();
        factor.damping = damping;
        return factor;
    }
    throw hessianError(name, QStringLiteral("it is not positive definite even with %1 (%2 times "
                                            "its mean diagonal) added to the diagonal; check the "
                                            "calibration data or raise the dampening")
                                 .arg(damping)
                                 .arg(damping / mean));
}

InverseHessianFactor inverseHessianFactor(const QString &name, const std::vector<float> &hessian,
                                          int64_t columns, double dampening,
                                          const ComputeOptions &options) {
    checkHessianSize(name, hessian, columns);
    const torch::Device device = torchDevice(options);
    const TorchInverseHessianFactor factor = inverseHessianFactorTensor(
        name, onDevice(hessian.data(), columns, columns, device), dampening);
    InverseHessianFactor result;
    const torch::Tensor upperOnHost = toHost(factor.upper);
    const double *upper = upperOnHost.data_ptr<double>();
    result.upper.assign(upper, upper + columns * columns);
    const torch::Tensor dead = toHost(factor.dead, torch::kUInt8);
    const uint8_t *deadData = dead.data_ptr<uint8_t>();
    result.deadColumns.assign(deadData, deadData + columns);
    result.damping = factor.damping;
    return result;
}

CompressedTensor gptqCompress(const QString &name, const float *weights, int64_t rows,
                              int64_t columns, const std::vector<float> &hessian, int bits,
                              int groupSize, int blockSize, double dampening,
                              ProgressSink *progress, const ComputeOptions &options) {
    checkGroupQuantizerInput(name, weights, rows, columns, bits, groupSize);
    if (blockSize < 1)
        throw Error(QStringLiteral("Cannot quantize tensor '%1': GPTQ block size %2 (it must be "
                                   "at least 1).")
                        .arg(name)
                        .arg(blockSize));
    checkHessianSize(name, hessian, columns);
    const int64_t groups = groupCount(columns, groupSize);
    std::vector<uint8_t> codes(size_t(rows * columns));
    std::vector<GroupParameters> parameters(size_t(rows * groups));
    if (rows == 0 || columns == 0)
        return makeGroupQuantized(name, CompressionMethod::Gptq, rows, columns, bits, groupSize,
                                  codes, parameters);

    torch::NoGradGuard noGrad;
    const torch::Device device = torchDevice(options);
    torch::Tensor inverse;
    torch::Tensor current = onDevice(weights, rows, columns, device).clone();
    {
        const TorchInverseHessianFactor factor = inverseHessianFactorTensor(
            name, onDevice(hessian.data(), columns, columns, device), dampening);
        // The reference implementation runs the column loop in float32; so do we.
        inverse = factor.upper.to(torch::kFloat32).contiguous();
        current.masked_fill_(factor.dead.unsqueeze(0), 0.0);
    }

    std::vector<GroupParameters> rowParameters(static_cast<size_t>(rows));
    std::vector<float> groupValues;
    for (int64_t first = 0; first < columns; first += blockSize) {
        throwIfCancelled(progress);
        const int64_t end = std::min(first + int64_t(blockSize), columns);
        const int64_t count = end - first;
        // The block transposed, [count, rows], so that a column is contiguous; it receives the
        // updates from its own columns at once, later columns get them in one product below.
        // The column loop reads and writes them through pointers: host copies (no copy when the
        // device is the host).
        torch::Tensor block = toHost(current.slice(1, first, end).t());
        torch::Tensor errors = torch::zeros({count, rows}, block.options());
        const torch::Tensor blockInverse = toHost(inverse.slice(0, first, end).slice(1, first, end));
        float *blockData = block.data_ptr<float>();
        float *errorData = errors.data_ptr<float>();
        const float *u = blockInverse.data_ptr<float>();
        for (int64_t i = 0; i < count; ++i) {
            const int64_t column = first + i;
            float *w = blockData + i * rows;
            if (column % groupSize == 0) {
                // Parameters from the group's current weights: this block's columns as updated
                // so far, plus later blocks' columns with this block's pending updates applied.
                const int64_t groupEnd = std::min(column + int64_t(groupSize), columns);
                const int64_t inBlockEnd = std::min(groupEnd, end);
                torch::Tensor beyond;
                if (groupEnd > end) {
                    beyond = current.slice(1, end, groupEnd) -
                             errors.slice(0, 0, i).to(device).t().matmul(
                                 inverse.slice(0, first, column).slice(1, end, groupEnd));
                    beyond = toHost(beyond);
                }
                const float *beyondData = beyond.defined() ? beyond.data_ptr<float>() : nullptr;
                groupValues.resize(size_t(groupEnd - column));
                for (int64_t r = 0; r < rows; ++r) {
                    for (int64_t j = column; j < inBlockEnd; ++j)
                        groupValues[size_t(j - column)] = blockData[(j - first) * rows + r];
                    for (int64_t j = end; j < groupEnd; ++j)
                        groupValues[size_t(j - column)] =
                            beyondData[r * (groupEnd - end) + (j - end)];
                    rowParameters[size_t(r)] = checkedGroupParameters(
                        name, groupValues.data(), groupEnd - column, bits, r, column);
                    parameters[size_t(r * groups + column / groupSize)] = rowParameters[size_t(r)];
                }
            }
            const float d = u[i * count + i];
            float *error = errorData + i * rows;
            for (int64_t r = 0; r < rows; ++r) {
                const GroupParameters &group = rowParameters[size_t(r)];
                const uint8_t code = quantizeToCode(w[r], group, bits);
                codes[size_t(r * columns + column)] = code;
                error[r] = (w[r] - dequantizeCode(code, group)) / d;
            }
            for (int64_t j = i + 1; j < count; ++j) {
                const float uij = u[i * count + j];
                if (uij == 0.0f)
                    continue;
                float *target = blockData + j * rows;
                for (int64_t r = 0; r < rows; ++r)
                    target[r] -= error[r] * uij;
            }
        }
        if (end < columns)
            current.slice(1, end, columns)
                .sub_(errors.to(device).t().matmul(
                    inverse.slice(0, first, end).slice(1, end, columns)));
        reportProgress(progress, double(end) / double(columns),
                       QStringLiteral("GPTQ %1: %2 of %3 columns").arg(name).arg(end).arg(columns));
    }
    return makeGroupQuantized(name, CompressionMethod::Gptq, rows, columns, bits, groupSize, codes,
                              parameters);
}

} // namespace nwc
