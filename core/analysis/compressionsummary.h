#pragma once
// What a compression run did, from the bytes written: per tensor and in total, and as the JSON
// `nwc compress --json` prints. Torch-free header.

#include "analysis/compensation.h"
#include "codec/compressedtensor.h"

#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <vector>

namespace nwc {

/// One compressed tensor in the summary.
struct CompressedTensorSummary {
    QString name;
    int64_t rows = 0;
    int64_t columns = 0;
    CompressionMethod method = CompressionMethod::Nwc;
    QString codecId;
    double step = 0.0;
    int bits = 0;
    int64_t countedBytes = 0;
    double bitsPerWeight = 0.0;
    double estimatedBits = 0.0;
    /// Importance-weighted squared error of the decoded weights.
    double weightedError = 0.0;
    /// Weights per quality level 0..3 (columns × rows).
    std::vector<int64_t> levelColumns;
};

/// What was done, from the bytes written.
struct CompressionSummary {
    QString outputPath;
    QString sourceModel;
    CompressionMethod method = CompressionMethod::Nwc;
    double targetBitsPerWeight = 0.0;
    /// 8 × counted bytes / compressed weights.
    double achievedBitsPerWeight = 0.0;
    int64_t compressedWeights = 0;
    int64_t countedBytes = 0;
    /// Bits the entropy model predicted for the bitstreams vs. the bits written for them.
    double estimatedBitstreamBits = 0.0;
    double actualBitstreamBits = 0.0;
    int64_t passthroughBytes = 0;
    int64_t codecBytes = 0;
    int64_t fileBytes = 0;
    double seconds = 0.0;
    int64_t peakResidentBytes = 0;
    std::vector<CompressedTensorSummary> tensors;
    /// What compensation measured (empty without compensation).
    CompensationReport compensation;
};

/// The summary as JSON: totals, compensation (when it ran) and one row per tensor.
QJsonObject compressionSummaryJson(const CompressionSummary &summary);

} // namespace nwc
