// Transformer layers: projections, norms, embeddings, attention, MLP and the residual block.
#include "lm/transformerlayers.h"

#include "compute/linear16.h"
#include "jobs/error.h"
#include "lm/rope.h"

#include <cmath>
#include <tuple>

namespace nwc {

namespace {

constexpr double kInitStd = 0.02;

Activation activationFor(const ModelConfig &config) {
    const QString &name = config.hiddenAct;
    if (name == QLatin1String("silu") || name == QLatin1String("swish"))
        return Activation::Silu;
    if (name == QLatin1String("gelu_new") || name == QLatin1String("gelu_pytorch_tanh") ||
        name == QLatin1String("gelu_fast"))
        return Activation::GeluTanh;
    if (name == QLatin1String("gelu"))
        return Activation::GeluExact;
    if (name == QLatin1String("relu"))
        return Activation::Relu;
    throw Error(QStringLiteral("activation '%1' in the model configuration is not supported "
                               "(silu, gelu, gelu_new, gelu_pytorch_tanh, relu)")
                    .arg(name));
}

torch::Tensor activate(const torch::Tensor &x, Activation activation) {
    switch (activation) {
    case Activation::Silu:
        return torch::silu(x);
    case Activation::GeluTanh:
        return torch::gelu(x, "tanh");
    case Activation::GeluExact:
        return torch::gelu(x);
    case Activation::Relu:
        return torch::relu(x);
    }
    return x;
}

void observe(const StepContext &context, const QStringList &names, const torch::Tensor &input) {
    if (context.observer && *context.observer)
        (*context.observer)(names, input);
}

/// softmax over the last dimension; narrower compute types are normalised in float32, as HF does.
torch::Tensor attentionSoftmax(const torch::Tensor &scores) {
    if (scores.scalar_type() == torch::kFloat)
        return torch::softmax(scores, -1);
    return torch::softmax(scores, -1, torch::kFloat).to(scores.scalar_type());
}

} // namespace

bool isGpt2(const ModelConfig &config) {
    return config.architecture == Architecture::Gpt2;
}

ModelConfig completedConfig(ModelConfig config) {
    if (config.numKvHeads <= 0)
        config.numKvHeads = config.numHeads;
    if (config.headDim <= 0 && config.numHeads > 0)
        config.headDim = config.hiddenSize / config.numHeads;
    if (config.intermediateSize <= 0 && isGpt2(config))
        config.intermediateSize = 4 * config.hiddenSize;
    const auto fail = [&](const QString &what) {
        return Error(QStringLiteral("model configuration (%1) is not usable: %2")
                         .arg(config.architectureName, what));
    };
    if (config.hiddenSize <= 0 || config.numLayers <= 0 || config.numHeads <= 0 ||
        config.vocabSize <= 0 || config.intermediateSize <= 0 || config.headDim <= 0)
        throw fail(QStringLiteral("hidden size, layers, heads, vocabulary and intermediate size "
                                  "must all be positive"));
    if (config.numHeads % config.numKvHeads != 0)
        throw fail(QStringLiteral("%1 attention heads are not a multiple of %2 key/value heads")
                       .arg(config.numHeads)
                       .arg(config.numKvHeads));
    if (!isGpt2(config) && config.headDim % 2 != 0)
        throw fail(QStringLiteral("RoPE needs an even head dimension, got %1").arg(config.headDim));
    if (isGpt2(config) && config.headDim * config.numHeads != config.hiddenSize)
        throw fail(QStringLiteral("GPT-2 needs hidden size = heads x head dimension"));
    if (config.maxPositions <= 0)
        throw fail(QStringLiteral("max_position_embeddings must be positive"));
    if (!config.ropeScalingType.isEmpty() && config.ropeScalingType != QLatin1String("llama3"))
        throw fail(QStringLiteral("rope scaling '%1' is not supported (only llama3)")
                       .arg(config.ropeScalingType));
    return config;
}

ParameterFactory ParameterFactory::random(const torch::TensorOptions &options) {
    return ParameterFactory(true, options, c10::typeMetaToScalarType(options.dtype()));
}

ParameterFactory ParameterFactory::uninitialized(const torch::TensorOptions &options,
                                                 torch::ScalarType matrixType) {
    return ParameterFactory(false, options, matrixType);
}

torch::Tensor ParameterFactory::matrix(int64_t rows, int64_t columns) const {
    if (!m_random)
        return torch::empty({rows, columns}, m_options.dtype(m_matrixType));
    torch::Tensor values = torch::empty({rows, columns});
    torch::nn::init::normal_(values, 0.0, kInitStd);
    return values.to(m_options);
}

torch::Tensor ParameterFactory::ones(int64_t size) const {
    return m_random ? torch::ones({size}).to(m_options) : torch::empty({size}, m_options);
}

torch::Tensor ParameterFactory::zeros(int64_t size) const {
    return m_random ? torch::zeros({size}).to(m_options) : torch::empty({size}, m_options);
}

ProjectionImpl::ProjectionImpl(int64_t in, int64_t out, bool withBias,
                               const ParameterFactory &factory) {
    weight = register_parameter("weight", factory.matrix(out, in));
    if (withBias)
        bias = register_parameter("bias", factory.zeros(out));
}

torch::Tensor ProjectionImpl::forward(const torch::Tensor &x) {
    // 16-bit weights under float32 activations go through mixedLinear (docs/architecture.md,
    // 16-bit weights); equal types (training, float32 checkpoints) are a plain linear.
    if (weight.scalar_type() == x.scalar_type())
        return torch::nn::functional::linear(x, weight, bias);
    return mixedLinear(x, weight, bias);
}

NormImpl::NormImpl(int64_t dim, double eps, bool layerNorm, const ParameterFactory &factory)
    : m_eps(eps)
    , m_layerNorm(layerNorm) {
    weight = register_parameter("weight", factory.ones(dim));
    if (layerNorm)
        bias = register_parameter("bias", factory.zeros(dim));
}

torch::Tensor NormImpl::forward(const torch::Tensor &x) {
    if (m_layerNorm)
        return torch::layer_norm(x, {x.size(-1)}, weight, bias, m_eps);
    if (x.scalar_type() == torch::kFloat)
        return x * torch::rsqrt(x.pow(2).mean(-1, true) + m_eps) * weight;
    // Narrower compute types are normalised in float32, as HF does.
    const torch::Tensor wide = x.to(torch::kFloat);
    return (wide * torch::rsqrt(wide.pow(2).mean(-1, true) + m_eps)).to(x.scalar_type()) * weight;
}

EmbeddingImpl::EmbeddingImpl(int64_t rows, int64_t dim, const ParameterFactory &factory) {
    weight = register_parameter("weight", factory.matrix(rows, dim));
}

AttentionImpl::AttentionImpl(const ModelConfig &config, const QString &prefix, int layer,
                             const ParameterFactory &factory)
    : m_heads(config.numHeads)
    , m_kvHeads(config.numKvHeads)
    , m_headDim(config.headDim)
    , m_layer(layer)
    , m_rope(!isGpt2(config)) {
    const bool gpt2 = isGpt2(config);
    // HF's Mistral has no attention biases whatever the config says.
    const bool qkvBias =
        gpt2 || (config.attentionBias && config.architecture != Architecture::Mistral);
    // HF Llama puts attention_bias on o_proj too; Qwen2 and GPT-2's c_proj differ.
    const bool outBias =
        gpt2 || (config.architecture == Architecture::Llama && config.attentionBias);
    const int64_t hidden = config.hiddenSize;
    q = register_module("q_proj", Projection(hidden, m_heads * m_headDim, qkvBias, factory));
    k = register_module("k_proj", Projection(hidden, m_kvHeads * m_headDim, qkvBias, factory));
    v = register_module("v_proj", Projection(hidden, m_kvHeads * m_headDim, qkvBias, factory));
    o = register_module(gpt2 ? "c_proj" : "o_proj",
                        Projection(m_heads * m_headDim, hidden, outBias, factory));
    if (gpt2) {
        m_inputNames = QStringList{prefix + QStringLiteral("c_attn.weight")};
        m_outputNames = QStringList{prefix + QStringLiteral("c_proj.weight")};
    } else {
        m_inputNames = QStringList{prefix + QStringLiteral("q_proj.weight"),
                                   prefix + QStringLiteral("k_proj.weight"),
                                   prefix + QStringLiteral("v_proj.weight")};
        m_outputNames = QStringList{prefix + QStringLiteral("o_proj.weight")};
    }
}

torch::Tensor AttentionImpl::forward(const torch::Tensor &x, const StepContext &context) {
    const int64_t batch = x.size(0);
    const int64_t time = x.size(1);
    observe(context, m_inputNames, x);
    torch::Tensor query = q(x).view({batch, time, m_heads, m_headDim}).transpose(1, 2);
    torch::Tensor key = k(x).view({batch, time, m_kvHeads, m_headDim}).transpose(1, 2);
    torch::Tensor value = v(x).view({batch, time, m_kvHeads, m_headDim}).transpose(1, 2);
    if (m_rope) {
        query = applyRope(query, context.cos, context.sin);
        key = applyRope(key, context.cos, context.sin);
    }
    if (context.cache)
        std::tie(key, value) = context.cache->append(size_t(m_layer), key, value);
    // Grouped-query attention without repeating keys and values: the `group` query heads that
    // share key/value head j (heads j*group .. j*group+group-1, as HF's repeat_kv pairs them)
    // become `group` times as many query rows of head j.
    const int64_t group = m_heads / m_kvHeads;
    const int64_t total = key.size(2);
    const torch::Tensor grouped = query.reshape({batch, m_kvHeads, group * time, m_headDim});
    torch::Tensor scores =
        torch::matmul(grouped, key.transpose(-2, -1)) * (1.0 / std::sqrt(double(m_headDim)));
    if (context.mask.defined())
        scores = (scores.view({batch, m_kvHeads, group, time, total}) + context.mask)
                     .view({batch, m_kvHeads, group * time, total});
    torch::Tensor mixed =
        torch::matmul(attentionSoftmax(scores), value).view({batch, m_heads, time, m_headDim});
    mixed = mixed.transpose(1, 2).reshape({batch, time, m_heads * m_headDim});
    observe(context, m_outputNames, mixed);
    return o(mixed);
}

MlpImpl::MlpImpl(const ModelConfig &config, const QString &prefix,
                 const ParameterFactory &factory)
    : m_activation(activationFor(config))
    , m_gated(!isGpt2(config)) {
    const int64_t hidden = config.hiddenSize;
    const int64_t inner = config.intermediateSize;
    if (m_gated) {
        gate = register_module("gate_proj", Projection(hidden, inner, config.mlpBias, factory));
        up = register_module("up_proj", Projection(hidden, inner, config.mlpBias, factory));
        down = register_module("down_proj", Projection(inner, hidden, config.mlpBias, factory));
        m_inputNames = QStringList{prefix + QStringLiteral("gate_proj.weight"),
                                   prefix + QStringLiteral("up_proj.weight")};
        m_innerNames = QStringList{prefix + QStringLiteral("down_proj.weight")};
    } else {
        up = register_module("c_fc", Projection(hidden, inner, true, factory));
        down = register_module("c_proj", Projection(inner, hidden, true, factory));
        m_inputNames = QStringList{prefix + QStringLiteral("c_fc.weight")};
        m_innerNames = QStringList{prefix + QStringLiteral("c_proj.weight")};
    }
}

torch::Tensor MlpImpl::forward(const torch::Tensor &x, const StepContext &context) {
    observe(context, m_inputNames, x);
    torch::Tensor inner =
        m_gated ? activate(gate(x), m_activation) * up(x) : activate(up(x), m_activation);
    observe(context, m_innerNames, inner);
    return down(inner);
}

BlockImpl::BlockImpl(const ModelConfig &config, const QString &prefix, int layer,
                     const ParameterFactory &factory) {
    const bool gpt2 = isGpt2(config);
    const int64_t hidden = config.hiddenSize;
    norm1 = register_module(gpt2 ? "ln_1" : "input_layernorm",
                            Norm(hidden, config.rmsNormEps, gpt2, factory));
    attention = register_module(
        gpt2 ? "attn" : "self_attn",
        Attention(config, prefix + (gpt2 ? QStringLiteral("attn.") : QStringLiteral("self_attn.")),
                  layer, factory));
    norm2 = register_module(gpt2 ? "ln_2" : "post_attention_layernorm",
                            Norm(hidden, config.rmsNormEps, gpt2, factory));
    mlp = register_module("mlp", Mlp(config, prefix + QStringLiteral("mlp."), factory));
}

torch::Tensor BlockImpl::forward(const torch::Tensor &x, const StepContext &context) {
    const torch::Tensor h = x + attention->forward(norm1(x), context);
    return h + mlp->forward(norm2(h), context);
}

} // namespace nwc
