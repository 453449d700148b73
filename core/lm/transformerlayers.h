#pragma once
// The layers of the transformer runtime: Llama / Mistral / Qwen2 blocks (RMSNorm, SwiGLU, RoPE,
// GQA) and GPT-2 blocks (LayerNorm, GELU, learned positions) as LibTorch modules registered under
// Hugging Face's names. Core-internal header (includes torch).

#include "io/modelconfig.h"
#include "lm/kvcache.h"

#include <torch/torch.h>

#include <QStringList>
#include <functional>

namespace nwc {

/// Receives the input of linear layers during forward: the HF names of the weights that consume
/// it (q/k/v share one input, gate/up another) and the activations [batch, time, in].
using LinearInputObserver =
    std::function<void(const QStringList &weightNames, const torch::Tensor &input)>;

bool isGpt2(const ModelConfig &config);

/// Fills in what a config may leave implicit (kv heads, head dimension, GPT-2's inner size) and
/// refuses shapes the runtime cannot build (nwc::Error naming the problem).
ModelConfig completedConfig(ModelConfig config);

/// How new layer parameters are made. random(): as HF initialises them for training (matrices
/// and embeddings normal(0, 0.02), norms 1, biases 0), drawn in float32 in host memory so a seed
/// gives the same model on every device, then converted to `options`. uninitialized(): empty
/// tensors with `options`, for a checkpoint's weights to be copied in (nothing is drawn);
/// matrices and embedding tables take `matrixType` (e.g. a 16-bit checkpoint's own type, see
/// docs/architecture.md, 16-bit weights), norms and biases the options' dtype.
class ParameterFactory {
public:
    static ParameterFactory random(const torch::TensorOptions &options);
    static ParameterFactory uninitialized(const torch::TensorOptions &options,
                                          torch::ScalarType matrixType);
    torch::Tensor matrix(int64_t rows, int64_t columns) const;
    torch::Tensor ones(int64_t size) const;
    torch::Tensor zeros(int64_t size) const;

private:
    ParameterFactory(bool random, const torch::TensorOptions &options, torch::ScalarType matrixType)
        : m_random(random)
        , m_options(options)
        , m_matrixType(matrixType) {}
    bool m_random;
    torch::TensorOptions m_options;
    torch::ScalarType m_matrixType;
};

/// What every block needs for one forward call.
struct StepContext {
    torch::Tensor cos; ///< [time, headDim], undefined without RoPE
    torch::Tensor sin;
    torch::Tensor mask; ///< additive [time, total], undefined when nothing is masked
    KvCache *cache = nullptr;
    const LinearInputObserver *observer = nullptr;
};

/// y = x Wᵀ + b with W stored [out, in].
class ProjectionImpl : public torch::nn::Module {
public:
    ProjectionImpl(int64_t in, int64_t out, bool withBias, const ParameterFactory &factory);
    torch::Tensor forward(const torch::Tensor &x);
    torch::Tensor weight;
    torch::Tensor bias;
};
TORCH_MODULE(Projection);

/// RMSNorm (Llama family) or LayerNorm with bias (GPT-2).
class NormImpl : public torch::nn::Module {
public:
    NormImpl(int64_t dim, double eps, bool layerNorm, const ParameterFactory &factory);
    torch::Tensor forward(const torch::Tensor &x);
    torch::Tensor weight;
    torch::Tensor bias;

private:
    double m_eps;
    bool m_layerNorm;
};
TORCH_MODULE(Norm);

/// A [rows, dim] lookup table (token or position embeddings).
class EmbeddingImpl : public torch::nn::Module {
public:
    EmbeddingImpl(int64_t rows, int64_t dim, const ParameterFactory &factory);
    torch::Tensor weight;
};
TORCH_MODULE(Embedding);

enum class Activation { Silu, GeluTanh, GeluExact, Relu };

/// Multi-head attention with grouped key/value heads, RoPE (Llama family) and a KV cache.
class AttentionImpl : public torch::nn::Module {
public:
    AttentionImpl(const ModelConfig &config, const QString &prefix, int layer,
                  const ParameterFactory &factory);
    torch::Tensor forward(const torch::Tensor &x, const StepContext &context);
    Projection q{nullptr};
    Projection k{nullptr};
    Projection v{nullptr};
    Projection o{nullptr};

private:
    int64_t m_heads;
    int64_t m_kvHeads;
    int64_t m_headDim;
    int m_layer;
    bool m_rope;
    QStringList m_inputNames;
    QStringList m_outputNames;
};
TORCH_MODULE(Attention);

/// SwiGLU (gate/up/down) for the Llama family, c_fc/c_proj with GELU for GPT-2.
class MlpImpl : public torch::nn::Module {
public:
    MlpImpl(const ModelConfig &config, const QString &prefix, const ParameterFactory &factory);
    torch::Tensor forward(const torch::Tensor &x, const StepContext &context);
    Projection gate{nullptr};
    Projection up{nullptr};
    Projection down{nullptr};

private:
    Activation m_activation;
    bool m_gated;
    QStringList m_inputNames;
    QStringList m_innerNames;
};
TORCH_MODULE(Mlp);

/// Pre-norm residual block: x + attn(norm(x)), then h + mlp(norm(h)).
class BlockImpl : public torch::nn::Module {
public:
    BlockImpl(const ModelConfig &config, const QString &prefix, int layer,
              const ParameterFactory &factory);
    torch::Tensor forward(const torch::Tensor &x, const StepContext &context);
    Norm norm1{nullptr};
    Attention attention{nullptr};
    Norm norm2{nullptr};
    Mlp mlp{nullptr};
};
TORCH_MODULE(Block);

} // namespace nwc
