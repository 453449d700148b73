#pragma once
// Stage 2 of compression (docs/architecture.md, "Compression stages"): per tensor, the rate and
// distortion of every (codec, latent step) option NWC can code it with — without and with
// LDLQ feedback — for the allocator to choose from. Works on any subset of the plan's tensors.
// Torch-free header.

#include "analysis/bitallocator.h"

#include <cstdint>
#include <vector>

namespace nwc {

class CalibrationData;
class CodecBank;
class ProgressSink;
struct CompressionPlan;
struct TensorJob;

/// What one tensor offers the allocator.
struct TensorMeasurement {
    TensorRateOptions rate;
    /// Quality level 0..3 per input column (all 0 without importance).
    std::vector<uint8_t> levels;
    /// The factor the options' distortions carry (1, or 1 / tr(W H Wᵀ) with relative
    /// allocation weighting).
    double distortionWeight = 1.0;
};

/// The weight of a tensor's distortion in the allocation (CompressionSettings::allocation).
double distortionWeight(const CompressionPlan &plan, const TensorJob &job,
                        const std::vector<float> &weights, const std::vector<float> &hessian);

/// The latent steps tried per codec: quarter octaves from 2^-3 to 2^1.5.
std::vector<double> latentStepGrid();

/// Measures every codec × step option of the plan's tensors `tensors` (indices into plan.jobs),
/// coding without feedback; the distortion is the layer's expected output error when H is
/// known. Returns one measurement per index, in the order given. Checks cancellation per
/// option.
std::vector<TensorMeasurement> measureTensors(const CompressionPlan &plan, CodecBank &codecs,
                                              const CalibrationData &calibration,
                                              const std::vector<size_t> &tensors,
                                              ProgressSink *progress);

/// Re-measures tensors with LDLQ feedback around the step `plain` (an allocation over all of
/// the plan's tensors without feedback) chose for each: feedback changes what a step costs and
/// gives, but only a little, so a window of steps suffices. `measurements` is indexed like
/// plan.jobs; the entries of `tensors` are replaced.
void remeasureWithLdlq(const CompressionPlan &plan, CodecBank &codecs,
                       const CalibrationData &calibration, const BitAllocation &plain,
                       const std::vector<size_t> &tensors,
                       std::vector<TensorMeasurement> &measurements, ProgressSink *progress);

/// The rate options of every tensor, for allocateBits().
std::vector<TensorRateOptions> rateOptions(const std::vector<TensorMeasurement> &measurements);

} // namespace nwc
