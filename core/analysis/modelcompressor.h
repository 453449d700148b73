#pragma once
// Compresses a whole model into a .nwc container (docs/formats.md, The .nwc container): the job
// behind `nwc compress` and Compress › Compress at bit rate…. compressModel runs the stages of
// docs/architecture.md ("Compression stages") in one process; each stage has its own header.
// Torch-free header.

#include "analysis/compensation.h"
#include "analysis/compressionsummary.h"
#include "codec/compressedtensor.h"
#include "jobs/computeoptions.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <memory>
#include <vector>

namespace nwc {

class LanguageModel;
class ProgressSink;

/// What to do.
/// How the distortions of different tensors are weighed against each other when bits are
/// allocated.
enum class AllocationWeighting { Absolute, Relative };
/// "absolute", "relative".
QString allocationWeightingName(AllocationWeighting weighting);
/// Parses a name; returns false for an unknown one.
bool allocationWeightingFromName(const QString &name, AllocationWeighting *weighting);

/// Default rate weight of NWC's index choice (CompressionSettings::rateWeight): chosen on
/// stories260K, confirmed on BabyLlama and demo:teacher (README, "Error anatomy").
inline constexpr double kDefaultRateWeight = 0.0;

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
    /// What the NWC bit allocation balances across tensors (docs/architecture.md, Rate
    /// control): each layer's output error tr(E H Eᵀ) relative to its output energy
    /// tr(W H Wᵀ) (`Relative`, the default: measured better on BabyLlama, demo:teacher and
    /// stories260K, README "Error anatomy"), or the absolute error (`Absolute`, before 0.3).
    AllocationWeighting allocation = AllocationWeighting::Relative;
    /// Rate weight k of NWC's index choice: each latent index minimises (error / step)² +
    /// k · bits instead of rounding to the nearest (rate–distortion optimised quantization,
    /// docs/architecture.md, Rate control); 0 rounds to the nearest.
    double rateWeight = kDefaultRateWeight;
    /// Device, compute dtype and threads of every stage that computes with LibTorch.
    ComputeOptions compute;
    /// Error compensation (NWC only; docs/architecture.md, Error compensation).
    CompensationSettings compensation;
};

/// Compresses `modelSpec` (anything Checkpoint::open accepts) into `outputPath`, atomically:
/// plan → calibrate → measure → allocate → (fine-tune) → code → write.
/// A target the codecs cannot reach is refused before any work with the reachable range in the
/// message. Reports per tensor; cancellation leaves no file behind. Throws nwc::Error.
/// `open`, when given, is `modelSpec` already loaded (the GUI's open model): calibration runs
/// on it instead of loading a second copy.
CompressionSummary compressModel(const QString &modelSpec, const CompressionSettings &settings,
                                 const QString &outputPath, ProgressSink *progress = nullptr,
                                 const std::shared_ptr<LanguageModel> &open = {});

} // namespace nwc
