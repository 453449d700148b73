#pragma once
// Stage 5 of compression (docs/architecture.md, "Compression stages"): totals the coded tensors
// from their bytes and writes the .nwc container — coded and passthrough tensors in checkpoint
// order, the codecs used, tokenizer and config, settings and analysis — atomically.
// Torch-free header.

#include "analysis/compensation.h"
#include "analysis/modelcompressor.h"

#include <QString>
#include <map>
#include <vector>

namespace nwc {

class CalibrationData;
class ProgressSink;
struct CompressionPlan;
struct TensorCodingResult;

/// Fills the totals of `summary` (counted bytes, achieved bpw, bitstream bits, tensor rows) from
/// `coded`, one result per plan job in plan order.
void summarizeCoding(const CompressionPlan &plan, const std::vector<TensorCodingResult> &coded,
                     CompressionSummary &summary);

/// What the container records besides the tensors.
struct ContainerExtras {
    /// Fine-tuned norm weights (float32) replacing the checkpoint's, by name.
    std::map<QString, std::vector<float>> tunedNorms;
    /// The compensation report (layers in plan order); ignored without compensation.
    CompensationReport compensation;
    /// The bit budget the allocation aimed at (NWC; differs from the target after a retry).
    double allocationTargetBits = 0.0;
};

/// Writes the container to `outputPath` atomically from `coded` (one result per plan job, in
/// plan order) and `summary` (from summarizeCoding); adds the passthrough and codec bytes to
/// `summary`. Throws nwc::Error; a failed or cancelled write leaves no file.
void writeContainer(const CompressionPlan &plan, const CalibrationData &calibration,
                    const std::vector<TensorCodingResult> &coded, const ContainerExtras &extras,
                    const QString &outputPath, CompressionSummary &summary,
                    ProgressSink *progress);

} // namespace nwc
