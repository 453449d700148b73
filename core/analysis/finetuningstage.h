#pragma once
// Stage 3b of compression (docs/architecture.md, "Compression stages"): output-guided
// fine-tuning across layers. It codes the whole model block by block — each block is tuned
// after the blocks before it were coded, so this stage chains blocks and runs on all of the
// plan's tensors at once (not on a subset). Torch-free header.

#include "analysis/compensation.h"
#include "analysis/tensorcoding.h"

#include <QString>
#include <map>
#include <vector>

namespace nwc {

class CalibrationData;
class CodecBank;
class ProgressSink;
struct BitAllocation;
struct CompressionPlan;
struct TensorMeasurement;

/// What fine-tuning produced: every compressible tensor already coded, the tuned norm weights
/// (float32, by name) and the block-level report.
struct FineTuneOutcome {
    PrecodedTensors precoded;
    std::map<QString, std::vector<float>> tunedNorms;
    /// blocks, windows and end-to-end KL filled in; layers come from the coding stage.
    CompensationReport report;
};

/// Loads a private copy of the model, cuts the calibration windows and codes every tensor of
/// the plan with the allocation's options while tuning each decoder block's free parameters to
/// match the original block outputs. Throws nwc::Error as BlockFineTuner does.
FineTuneOutcome fineTuneBlocks(const CompressionPlan &plan, CodecBank &codecs,
                               const CalibrationData &calibration,
                               const std::vector<TensorMeasurement> &measurements,
                               const BitAllocation &allocation, ProgressSink *progress);

} // namespace nwc
