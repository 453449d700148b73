#pragma once
// Rotary position embeddings (Llama family) as Hugging Face computes them. Core-internal header
// (includes torch).

#include "io/modelconfig.h"

#include <torch/types.h>

#include <cstdint>

namespace nwc {

/// Inverse RoPE frequencies exactly as HF computes them (float32 in host memory, by design: the
/// angles are computed in float32 whatever the compute dtype), with llama3 scaling.
torch::Tensor ropeInverseFrequencies(const ModelConfig &config);

/// cos and sin of the angles of positions [start, start + time): each [time, headDim], on
/// `invFreq`'s device, computed in float32 and converted to `dtype`.
struct RopeAngles {
    torch::Tensor cos;
    torch::Tensor sin;
};
RopeAngles ropeAngles(const torch::Tensor &invFreq, int64_t start, int64_t time,
                      torch::ScalarType dtype);

/// x · cos + rotate_half(x) · sin for x [..., headDim].
torch::Tensor applyRope(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);

} // namespace nwc
