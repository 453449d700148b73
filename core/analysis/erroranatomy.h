#pragma once
// The anatomy of a compressed model's weight error (docs/architecture.md, "Error anatomy"): for
// every compressed linear weight, how large its error is where it matters (the layer's output
// on the calibration inputs), how much of that is a systematic shift of the output (the mean
// input's part), whether the error follows the weights (shrinkage), how it scales with column
// and row magnitude, and what the side information costs. Torch-free header.

#include "analysis/calibrationdata.h"
#include "io/checkpoint.h"

#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace nwc {

class CompressedCheckpoint;
class ProgressSink;

/// The error E = W − Ŵ of one weight in coding orientation [rows = out, columns = in], with H
/// and the mean input μ per calibration token.
struct TensorErrorAnatomy {
    QString name;
    int64_t rows = 0;
    int64_t columns = 0;
    /// "nwc", "rtn" or "gptq".
    QString method;
    /// Counted bits per weight and the side information's part of them (column or group
    /// scales, zero points, levels, stream offsets, header allowance).
    double bitsPerWeight = 0.0;
    double sideBitsPerWeight = 0.0;
    /// tr(E H Eᵀ): expected squared error of the layer's output per token.
    double outputError = 0.0;
    /// tr(W H Wᵀ): the output's own energy per token.
    double outputEnergy = 0.0;
    /// Σ_j H_jj ‖E_:j‖²: what tr(E H Eᵀ) would be if the errors of different columns were
    /// uncorrelated (the diagonal approximation importance-weighted MSE uses).
    double diagonalError = 0.0;
    /// ‖E μ‖²: the part of outputError that is the same shift of the output on every token;
    /// negative when the calibration file holds no input means.
    double meanPartError = -1.0;
    /// ‖E‖² and ‖W‖².
    double weightError = 0.0;
    double weightEnergy = 0.0;
    /// ⟨E, W⟩ / ⟨W, W⟩: > 0 when the decoded weights are shrunk toward zero, < 0 when inflated.
    double projection = 0.0;
    /// Least-squares slope of log(mean E²) against log(mean W²) over the columns (and over the
    /// rows): 0 when the error does not depend on a column's (row's) magnitude, 1 when it is
    /// proportional to it (a step scaled with the column's spread).
    double columnExponent = 0.0;
    double rowExponent = 0.0;

    double relativeOutputError() const {
        return outputEnergy > 0.0 ? outputError / outputEnergy : 0.0;
    }
};

/// The anatomy of one compressed container against its original.
struct ErrorAnatomy {
    QString container;
    /// The container's methods (e.g. "nwc" or "gptq"), bits per weight from bytes.
    QString method;
    double bitsPerWeight = 0.0;
    std::vector<TensorErrorAnatomy> tensors;
    /// The calibration file had input means (meanPartError is valid).
    bool hasMeans = false;

    /// Mean over tensors of tr(E H Eᵀ) / tr(W H Wᵀ).
    double meanRelativeOutputError() const;
    /// Σ ‖E μ‖² / Σ tr(E H Eᵀ) (negative without means).
    double meanPartShare() const;
    /// Σ tr(E H Eᵀ) / Σ_j H_jj ‖E_:j‖².
    double correlationFactor() const;
    /// Σ ⟨E, W⟩ / Σ ⟨W, W⟩.
    double projection() const;
    /// Counted side bits over all compressed weights.
    double sideBitsPerWeight() const;
    /// Medians over tensors of the column and row exponents.
    double medianColumnExponent() const;
    double medianRowExponent() const;
};

/// Measures every compressed tensor of `compressed` against `original` with the H and mean
/// inputs of `calibration` (made on the original model). Throws nwc::Error naming the tensor
/// when shapes disagree or the calibration file lacks a tensor's statistics.
ErrorAnatomy analyseErrors(const Checkpoint &original, const CompressedCheckpoint &compressed,
                           const CalibrationData &calibration, ProgressSink *progress = nullptr);

/// tr(W H Wᵀ) for weights [rows, columns] row-major and H [columns, columns] (per token).
double outputEnergy(const std::vector<float> &weights, int64_t rows, int64_t columns,
                    const std::vector<float> &hessian);

/// The statistics of one tensor from its weights, decoded weights (both [rows, columns]
/// row-major), H and Σ x over `tokens` positions (inputSum may be empty). Exposed for tests.
TensorErrorAnatomy measureTensorError(const std::vector<float> &weights,
                                      const std::vector<float> &decoded, int64_t rows,
                                      int64_t columns, const std::vector<float> &hessian,
                                      const std::vector<double> &inputSum, int64_t tokens);

} // namespace nwc
