#pragma once
// Matrix products with weights kept in 16 bits (bfloat16 or float16) while activations stay in
// float32: the runtime's path for 16-bit checkpoints, so a token reads 2 bytes per weight
// instead of 4. Core-internal (includes torch). See docs/architecture.md, 16-bit weights.

#include <torch/types.h>

#include <cstdint>

namespace nwc {

/// Rows of activations up to which mixedLinear() runs the fused kernel (convert and multiply in
/// registers, memory-bound: decode). Above it (prefill, evaluation) bfloat16 weights go through
/// LibTorch's bfloat16 GEMM (activations and outputs rounded to bfloat16, float32
/// accumulation) where nativeBfloat16Gemm() says so; otherwise, and for float16 weights, they
/// are widened block by block into a float32 scratch buffer for LibTorch's float32 GEMM. Chosen
/// with bench_linear16 (docs/architecture.md, 16-bit weights).
constexpr int64_t kFusedLinearMaxRows = 8;

/// Whether this CPU multiplies bfloat16 matrices natively (AVX512-BF16), so that mixedLinear()
/// uses LibTorch's bfloat16 GEMM above kFusedLinearMaxRows rows. Measured with bench_linear16:
/// with it (an AVX-512 Zen 4) 2 × faster than the float32 GEMM; without it (an AVX2 Zen 3)
/// LibTorch 1.13's bfloat16 GEMM took 0.9 s for 128 rows of a 896 × 4864 layer, 45 × the
/// widening path. The environment variable NWC_BF16_GEMM=off turns it off (float32 activations
/// everywhere, at the widening path's speed), for measurements that must not depend on the CPU.
bool nativeBfloat16Gemm();

/// Output rows widened at once on the scratch path (bounds the scratch buffer).
constexpr int64_t kWidenScratchFloats = int64_t(4) << 20;

/// y = x Wᵀ + b. `x` [..., in] float32, `weight` [out, in] bfloat16, float16 or float32 on the
/// CPU, contiguous; `bias` [out] (any floating type) or undefined. Accumulates in float32 and
/// returns float32 [..., out]; see kFusedLinearMaxRows for the paths. Uses the intra-op threads
/// (OpenMP, over output rows).
/// Other devices or dtypes fall back to torch::nn::functional::linear after converting the
/// weight.
torch::Tensor mixedLinear(const torch::Tensor &x, const torch::Tensor &weight,
                          const torch::Tensor &bias);

/// The fused kernel alone (exposed for tests and benchmarks): y[r, o] = Σ_i x[r, i] · W[o, i]
/// for `rows` rows, W in bfloat16 (`float16` false) or float16, all contiguous host memory.
void fusedLinear16(const float *x, const uint16_t *weight, float *y, int64_t rows, int64_t in,
                   int64_t out, bool float16);

/// Which instruction set fusedLinear16 uses on this CPU: "avx512", "avx2" or "scalar".
const char *fusedLinear16Isa();

} // namespace nwc
