#pragma once
// The memory guard of compression (docs/architecture.md, Memory guard): what a compression job
// holds, phase by phase, estimated from the checkpoint's metadata before anything is loaded.

#include "jobs/memoryplan.h"

namespace nwc {

struct CompressionPlan;

/// What compressing with `plan` holds in each phase:
/// - calibration (GPTQ, NWC with statistics): the runtime (none when the plan has the open
///   model), the windows' hidden states, one batch's activations and the float64 H sums of the
///   largest block; none when a calibration file is given;
/// - measurement and coding: the coded container so far, one tensor's float32 copies and its H;
/// - fine-tuning (NWC --compensate finetune/all): a float32 copy of the model, the windows'
///   block inputs and outputs, and the coded container;
/// - with `evaluateResult`, evaluation: the compressed model's float32 runtime beside the
///   original's (none for the original when it is the open model).
MemoryPlan compressionMemoryPlan(const CompressionPlan &plan, bool evaluateResult);

/// "compressing NAME with NWC to 4 bits per weight", for memory messages.
QString compressionJobName(const CompressionPlan &plan);

} // namespace nwc
