#pragma once
// The NWC codec network (docs/architecture.md, Codec network) as a LibTorch module. Core-internal
// header: includes torch.
//
// Encoder: y = (x + Linear(h→d)(blocks(Linear(d→h)(x)))) · exp(γ_q), each of the K residual
// blocks z ← (z + ReLU(LayerNorm(Linear(z)))) ⊙ e_q with a learned quality embedding e_q.
// The decoder mirrors it on ŷ · exp(−γ_q). The outer skip connection and zero-initialised
// output layers make a fresh codec exactly the identity transform, so training starts from
// plain scalar quantization; the `identity` preset has no network at all (only γ_q and the
// entropy model). Latent channel of position i at level q is q·d + i.

#include "codec/codecparameters.h"
#include "jobs/computeoptions.h"

#include <torch/torch.h>

#include <QString>

namespace nwc {

/// Architecture of a preset: "identity" (h = K = 0), "fast" (h = 64, K = 2), "paper" (h = 512,
/// K = 4). Throws nwc::Error for an unknown name.
CodecParameters codecPreset(const QString &preset);

class NeuralCodecImpl : public torch::nn::Module {
public:
    /// A fresh codec with the architecture of `architecture` (its arrays are ignored): drawn
    /// after torch::manual_seed(seed) in host memory (so a seed gives the same codec on every
    /// device), then moved to the options' device. Codec parameters are float32 whatever the
    /// compute dtype (they are stored so, and the entropy model's tables depend on them).
    explicit NeuralCodecImpl(const CodecParameters &architecture, uint64_t seed = 1,
                             const ComputeOptions &options = {});
    using torch::nn::Module::load; // torch's archive overload stays visible (-Woverloaded-virtual)
    /// Loads every array from `parameters` onto the parameters' device; throws nwc::Error naming
    /// a missing/mis-sized one.
    void load(const CodecParameters &parameters);
    /// The architecture fields of the construction argument plus all current weights.
    CodecParameters parameters() const;

    /// x: [N, d] normalized chunks, levels: [N] int64 → latents [N, d].
    torch::Tensor encode(const torch::Tensor &x, const torch::Tensor &levels);
    /// latents [N, d] → reconstructed chunks [N, d].
    torch::Tensor decode(const torch::Tensor &latents, const torch::Tensor &levels);
    /// Likelihood of noisy latents under the factorized density: [N, d] in (0, 1].
    torch::Tensor likelihood(const torch::Tensor &latents, const torch::Tensor &levels);

    const CodecParameters &architecture() const { return m_architecture; }
    bool hasNetwork() const { return m_architecture.hidden > 0; }

private:
    torch::Tensor transform(const QString &side, const torch::Tensor &input,
                            const torch::Tensor &levels);
    torch::Tensor logitsCumulative(const torch::Tensor &values, const torch::Tensor &channels);
    torch::Tensor param(const QString &name) const;

    CodecParameters m_architecture;
};
TORCH_MODULE(NeuralCodec);

} // namespace nwc
