#pragma once
// Stage 4 of compression (docs/architecture.md, "Compression stages"): codes the plan's tensors
// with the options the allocation chose (NWC, with or without LDLQ feedback) or with RTN / GPTQ,
// and measures what compensation changed per layer. Works on any subset of the plan's tensors.
// Torch-free header.

#include "analysis/bitallocator.h"
#include "analysis/compensation.h"
#include "analysis/modelcompressor.h"
#include "codec/compressedtensor.h"

#include <QString>
#include <map>
#include <vector>

namespace nwc {

class CalibrationData;
class CodecBank;
class ProgressSink;
struct CompressionPlan;
struct TensorMeasurement;

/// A coded tensor and its decoded weights (coding orientation; empty unless asked for).
struct CodedTensor {
    CompressedTensor tensor;
    std::vector<float> decoded;
};

/// Tensors already coded by an earlier stage (fine-tuning codes block by block), by name.
using PrecodedTensors = std::map<QString, CodedTensor>;

/// One tensor as it goes into the container, with its summary row.
struct TensorCodingResult {
    CompressedTensor tensor;
    CompressedTensorSummary row;
    /// NWC: the allocator's option (its estimate and distortion go into /analysis).
    RateOption option;
    /// Compensation off against on for this layer (only when compensation ran).
    bool hasLayer = false;
    LayerCompensation layer;
};

/// Codes job `t` of the plan with NWC at `option` from `weights` (coding orientation), with
/// LDLQ feedback when the plan's compensation asks for it. The decoded weights come back when
/// `wantDecoded` or when LDLQ computed them anyway.
CodedTensor codeNwcTensor(const CompressionPlan &plan, CodecBank &codecs,
                          const CalibrationData &calibration, const TensorMeasurement &measurement,
                          size_t t, const RateOption &option, const std::vector<float> &weights,
                          bool wantDecoded);

/// Codes the plan's tensors `tensors` (indices into plan.jobs) and returns one result per index,
/// in the order given. NWC uses `allocation` over all of plan.jobs (with `measurements` indexed
/// like plan.jobs) and takes (moves out) a tensor from `precoded` when it is there; RTN and
/// GPTQ need neither. Honours cancellation per tensor.
std::vector<TensorCodingResult>
codeTensors(const CompressionPlan &plan, CodecBank *codecs, const CalibrationData &calibration,
            const std::vector<TensorMeasurement> &measurements, const BitAllocation *allocation,
            PrecodedTensors &precoded, const std::vector<size_t> &tensors, ProgressSink *progress);

} // namespace nwc
