#pragma once
// Stage 2 of compression (docs/architecture.md, "Compression stages"): per tensor, the rate and
// distortion of every (codec, latent step) option NWC can code it with — without and with
// LDLQ feedback — for the allocator to choose from. Works on any subset of the plan's tensors.
// Torch-free header.

#include "analysis/bitallocator.h"
#include "codec/nwctensorcoder.h"

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

/// Bits per weight below and above the target within which measurement probes steps: across
/// 20 compressions (four models, 2.5–6 bits per weight) the allocator's choices lay within 1.6
/// bits below and 2.0 above the target (README, "Probes in the rate band").
constexpr double kRateBandBelow = 2.5;
constexpr double kRateBandAbove = 3.0;

/// Codes the coder's tensor at those of `steps` (ascending; rates fall as steps grow) whose rate
/// can matter for a target of `target` bits per weight (`weights` weights): the coarsest step,
/// a jump to the finest step predicted to code below the band (rates grow by at most one bit
/// per octave toward finer steps at high rates), back toward coarser steps while a probe lands
/// in the band, then finer steps until one codes above it. When rates fall monotonically with
/// the step, every step coding within the band is probed. Returns the probes in ascending step
/// order. Checks cancellation per probe.
std::vector<NwcTensorCoder::Trial> probeRateBand(NwcTensorCoder &coder,
                                                 const std::vector<double> &steps, double weights,
                                                 double target, ProgressSink *progress);

/// Measures the codec × step options of the plan's tensors `tensors` (indices into plan.jobs)
/// within the rate band around the plan's target (probeRateBand), coding without feedback; the
/// distortion is the layer's expected output error when H is known. Returns one measurement per
/// index, in the order given. Checks cancellation per option.
std::vector<TensorMeasurement> measureTensors(const CompressionPlan &plan, CodecBank &codecs,
                                              const CalibrationData &calibration,
                                              const std::vector<size_t> &tensors,
                                              ProgressSink *progress);

/// Re-measures tensors with LDLQ feedback around the step `plain` (an allocation over all of
/// the plan's tensors without feedback) chose for each: feedback changes what a step costs and
/// gives, but only a little, so a window of steps suffices, and only steps whose rate without
/// feedback lies in the rate band (or the plain choice itself). `measurements` is indexed like
/// plan.jobs; the entries of `tensors` are replaced.
void remeasureWithLdlq(const CompressionPlan &plan, CodecBank &codecs,
                       const CalibrationData &calibration, const BitAllocation &plain,
                       const std::vector<size_t> &tensors,
                       std::vector<TensorMeasurement> &measurements, ProgressSink *progress);

/// The rate options of every tensor, for allocateBits().
std::vector<TensorRateOptions> rateOptions(const std::vector<TensorMeasurement> &measurements);

} // namespace nwc
