#pragma once
// Compresses a whole model into a .nwc container (docs/architecture.md, Compression;
// docs/formats.md, The .nwc container): the job behind `nwc compress` and Compress › Compress at
// bit rate…. Torch-free header.

#include "analysis/compensation.h"
#include "codec/compressedtensor.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace nwc {

class ProgressSink;

/// What to do.
struct CompressionSettings {
    CompressionMethod method = CompressionMethod::Nwc;
    /// Target bits per weight over the compressed tensors (side information included).
    double targetBitsPerWeight = 4.0;
    /// Codec files to choose from (empty: the codecs of the default ladder shipped in
    /// resources/codecs whose preset is in `ladderPresets`).
    QStringList codecPaths;
    /// Presets taken from the default ladder. The default is `identity`: on the models measured
    /// so far the learned `fast` codecs, although as good per layer, give several times the KL
    /// divergence end to end (README, "Compression").
    QStringList ladderPresets = {QStringLiteral("identity")};
    /// Calibration: text file (empty: the demo corpus for demo models, else required for
    /// methods that need it), sequences and their length, or a calibration file from
    /// `nwc calibrate` (takes precedence).
    QString calibrationText;
    QString calibrationFile;
    int calibrationSamples = 32;
    int calibrationLength = 256;
    /// RTN / GPTQ group size.
    int groupSize = 128;
    /// Error compensation (NWC only; docs/architecture.md, Error compensation).
    CompensationSettings compensation;
};

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

/// Compresses `modelSpec` (anything Checkpoint::open accepts) into `outputPath`, atomically.
/// A target the codecs cannot reach is refused before any work with the reachable range in the
/// message. Reports per tensor; cancellation leaves no file behind. Throws nwc::Error.
CompressionSummary compressModel(const QString &modelSpec, const CompressionSettings &settings,
                                 const QString &outputPath, ProgressSink *progress = nullptr);

} // namespace nwc
