#pragma once
// The pieces of output-guided fine-tuning that are plain tensor math (BlockFineTuner): losses
// against the original model's predictions, products with weights held in 16 bits, and gradient
// bookkeeping. Core-internal (includes torch).

#include <torch/torch.h>

namespace nwc {

/// Adds `gradient` to the gradient of the leaf `tensor` (converted to its type).
void accumulateGradient(torch::Tensor &tensor, const torch::Tensor &gradient);

/// g W for g [rows, out] and W [out, in] held in the compute type or in 16 bits (widened a few
/// rows at a time): the gradient of x Wᵀ with respect to x.
torch::Tensor gradientThroughWeight(const torch::Tensor &g, const torch::Tensor &weight);

/// The original model's next-token distributions at calibration positions, one row per
/// position (window-major): every log-probability, or (top-K) each position's K most likely
/// tokens with the rest of the mass as one bucket.
struct ReferencePredictions {
    torch::Tensor logP;    ///< [positions, vocab], or [positions, K] for top-K
    torch::Tensor indices; ///< [positions, K] token ids (top-K only)
    torch::Tensor logRest; ///< [positions] log of the remaining mass (top-K only)

    bool defined() const { return logP.defined(); }
    /// K, or 0 when the whole vocabulary is kept.
    int64_t topTokens() const { return indices.defined() ? indices.size(-1) : 0; }
    /// Positions [start, start + size).
    ReferencePredictions rows(int64_t start, int64_t size) const;
};

/// Sum over rows of KL(p ‖ q), both from log-probabilities [rows, vocab].
torch::Tensor klSum(const torch::Tensor &logP, const torch::Tensor &logQ);

/// Sum over rows of KL(p ‖ q) with q from log-probabilities [rows, vocab]. For a top-K p it is
/// the KL between the two distributions coarsened to p's K tokens plus one bucket for the rest:
/// exact on those buckets and never above the full KL.
torch::Tensor klSum(const ReferencePredictions &p, const torch::Tensor &logQ);

/// ‖output − target‖² / ‖target‖² in float64 (0 for a zero target).
double relativeError(const torch::Tensor &output, const torch::Tensor &target);

} // namespace nwc
