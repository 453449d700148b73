// The transformer runtime: Llama / Mistral / Qwen2 blocks (RMSNorm, SwiGLU, RoPE, GQA) and GPT-2
// blocks (LayerNorm, GELU, learned positions) as LibTorch modules named like Hugging Face's.
#include "lm/transformer.h"

#include "io/safetensorswriter.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>

namespace nwc {

namespace {

constexpr double kInitStd = 0.02;
constexpr double kPi = 3.14159265358979323846;

bool isGpt2(const ModelConfig &config) {
    return config.architecture == Architecture::Gpt2;
}

/// Fills in what a config may leave implicit and refuses shapes the runtime cannot build.
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

enum class Activation { Silu, GeluTanh, GeluExact, Relu };

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

/// What every block needs for one forward call.
struct StepContext {
    torch::Tensor cos; ///< [time, headDim], undefined without RoPE
    torch::Tensor sin;
    torch::Tensor mask; ///< additive [time, total], undefined when nothing is masked
    KvCache *cache = nullptr;
    const TransformerImpl::InputObserver *observer = nullptr;
};

void observe(const StepContext &context, const QStringList &names, const torch::Tensor &input) {
    if (context.observer && *context.observer)
        (*context.observer)(names, input);
}

/// y = x Wᵀ + b with W stored [out, in].
class ProjectionImpl : public torch::nn::Module {
public:
    ProjectionImpl(int64_t in, int64_t out, bool withBias) {
        weight = register_parameter("weight", torch::empty({out, in}));
        torch::nn::init::normal_(weight, 0.0, kInitStd);
        if (withBias)
            bias = register_parameter("bias", torch::zeros({out}));
    }
    torch::Tensor forward(const torch::Tensor &x) {
        return torch::nn::functional::linear(x, weight, bias);
    }
    torch::Tensor weight;
    torch::Tensor bias;
};
TORCH_MODULE(Projection);

/// RMSNorm (Llama family) or LayerNorm with bias (GPT-2).
class NormImpl : public torch::nn::Module {
public:
    NormImpl(int64_t dim, double eps, bool layerNorm)
        : m_eps(eps)
        , m_layerNorm(layerNorm) {
        weight = register_parameter("weight", torch::ones({dim}));
        if (layerNorm)
            bias = register_parameter("bias", torch::zeros({dim}));
    }
    torch::Tensor forward(const torch::Tensor &x) {
        if (m_layerNorm)
            return torch::layer_norm(x, {x.size(-1)}, weight, bias, m_eps);
        return x * torch::rsqrt(x.pow(2).mean(-1, true) + m_eps) * weight;
    }
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
    EmbeddingImpl(int64_t rows, int64_t dim) {
        weight = register_parameter("weight", torch::empty({rows, dim}));
        torch::nn::init::normal_(weight, 0.0, kInitStd);
    }
    torch::Tensor weight;
};
TORCH_MODULE(Embedding);

torch::Tensor rotateHalf(const torch::Tensor &x) {
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

/// Multi-head attention with grouped key/value heads, RoPE (Llama family) and a KV cache.
class AttentionImpl : public torch::nn::Module {
public:
    AttentionImpl(const ModelConfig &config, QString prefix, int layer)
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
        q = register_module("q_proj", Projection(hidden, m_heads * m_headDim, qkvBias));
        k = register_module("k_proj", Projection(hidden, m_kvHeads * m_headDim, qkvBias));
        v = register_module("v_proj", Projection(hidden, m_kvHeads * m_headDim, qkvBias));
        o = register_module(gpt2 ? "c_proj" : "o_proj",
                            Projection(m_heads * m_headDim, hidden, outBias));
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

    torch::Tensor forward(const torch::Tensor &x, const StepContext &context) {
        const int64_t batch = x.size(0);
        const int64_t time = x.size(1);
        observe(context, m_inputNames, x);
        torch::Tensor query = q(x).view({batch, time, m_heads, m_headDim}).transpose(1, 2);
        torch::Tensor key = k(x).view({batch, time, m_kvHeads, m_headDim}).transpose(1, 2);
        torch::Tensor value = v(x).view({batch, time, m_kvHeads, m_headDim}).transpose(1, 2);
        if (m_rope) {
            query = query * context.cos + rotateHalf(query) * context.sin;
            key = key * context.cos + rotateHalf(key) * context.sin;
        }
        if (context.cache) {
            torch::Tensor &cachedKeys = context.cache->keys[size_t(m_layer)];
            torch::Tensor &cachedValues = context.cache->values[size_t(m_layer)];
            if (cachedKeys.defined()) {
                key = torch::cat({cachedKeys, key}, 2);
                value = torch::cat({cachedValues, value}, 2);
            }
            cachedKeys = key;
            cachedValues = value;
        }
        if (m_kvHeads != m_heads) {
            key = key.repeat_interleave(m_heads / m_kvHeads, 1);
            value = value.repeat_interleave(m_heads / m_kvHeads, 1);
        }
        torch::Tensor scores =
            torch::matmul(query, key.transpose(-2, -1)) * (1.0 / std::sqrt(double(m_headDim)));
        if (context.mask.defined())
            scores = scores + context.mask;
        torch::Tensor mixed = torch::matmul(torch::softmax(scores, -1), value);
        mixed = mixed.transpose(1, 2).reshape({batch, time, m_heads * m_headDim});
        observe(context, m_outputNames, mixed);
        return o(mixed);
    }

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
    MlpImpl(const ModelConfig &config, const QString &prefix)
        : m_activation(activationFor(config))
        , m_gated(!isGpt2(config)) {
        const int64_t hidden = config.hiddenSize;
        const int64_t inner = config.intermediateSize;
        if (m_gated) {
            gate = register_module("gate_proj", Projection(hidden, inner, config.mlpBias));
            up = register_module("up_proj", Projection(hidden, inner, config.mlpBias));
            down = register_module("down_proj", Projection(inner, hidden, config.mlpBias));
            m_inputNames = QStringList{prefix + QStringLiteral("gate_proj.weight"),
                                       prefix + QStringLiteral("up_proj.weight")};
            m_innerNames = QStringList{prefix + QStringLiteral("down_proj.weight")};
        } else {
            up = register_module("c_fc", Projection(hidden, inner, true));
            down = register_module("c_proj", Projection(inner, hidden, true));
            m_inputNames = QStringList{prefix + QStringLiteral("c_fc.weight")};
            m_innerNames = QStringList{prefix + QStringLiteral("c_proj.weight")};
        }
    }

    torch::Tensor forward(const torch::Tensor &x, const StepContext &context) {
        observe(context, m_inputNames, x);
        torch::Tensor inner =
            m_gated ? activate(gate(x), m_activation) * up(x) : activate(up(x), m_activation);
        observe(context, m_innerNames, inner);
        return down(inner);
    }

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
    BlockImpl(const ModelConfig &config, const QString &prefix, int layer) {
        const bool gpt2 = isGpt2(config);
        const int64_t hidden = config.hiddenSize;
        norm1 = register_module(gpt2 ? "ln_1" : "input_layernorm",
                                Norm(hidden, config.rmsNormEps, gpt2));
        attention = register_module(
            gpt2 ? "attn" : "self_attn",
            Attention(config,
                      prefix + (gpt2 ? QStringLiteral("attn.") : QStringLiteral("self_attn.")),
                      layer));
        norm2 = register_module(gpt2 ? "ln_2" : "post_attention_layernorm",
                                Norm(hidden, config.rmsNormEps, gpt2));
        mlp = register_module("mlp", Mlp(config, prefix + QStringLiteral("mlp.")));
    }
    torch::Tensor forward(const torch::Tensor &x, const StepContext &context) {
        const torch::Tensor h = x + attention->forward(norm1(x), context);
        return h + mlp->forward(norm2(h), context);
    }
    Norm norm1{nullptr};
    Attention attention{nullptr};
    Norm norm2{nullptr};
    Mlp mlp{nullptr};
};
TORCH_MODULE(Block);

/// One checkpoint tensor and the parameters it fills: HF layout rows are split over `parts`
/// (GPT-2's fused c_attn feeds q, k and v), transposed first for GPT-2's Conv1D [in, out].
struct WeightBinding {
    QString name;
    std::vector<torch::Tensor> parts;
    bool transposed = false;

    std::vector<int64_t> hfShape() const {
        std::vector<int64_t> shape = parts.front().sizes().vec();
        shape[0] = 0;
        for (const torch::Tensor &part : parts)
            shape[0] += part.size(0);
        if (transposed && shape.size() == 2)
            std::swap(shape[0], shape[1]);
        return shape;
    }
};

QString shapeText(const std::vector<int64_t> &shape) {
    QStringList parts;
    for (int64_t d : shape)
        parts.append(QString::number(d));
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

/// Inverse RoPE frequencies exactly as HF computes them (float32), with llama3 scaling.
torch::Tensor ropeInverseFrequencies(const ModelConfig &config) {
    const int64_t dim = config.headDim;
    const torch::Tensor exponents =
        torch::arange(0, dim, 2, torch::kLong).to(torch::kFloat) / double(dim);
    torch::Tensor invFreq = 1.0 / torch::pow(config.ropeTheta, exponents);
    if (config.ropeScalingType != QLatin1String("llama3"))
        return invFreq;
    const double factor = config.ropeFactor;
    const double lowFreqFactor = config.ropeLowFreqFactor;
    const double highFreqFactor = config.ropeHighFreqFactor;
    const double oldContext = config.ropeOriginalMaxPositions;
    const double lowFreqWavelen = oldContext / lowFreqFactor;
    const double highFreqWavelen = oldContext / highFreqFactor;
    const torch::Tensor wavelen = 2 * kPi / invFreq;
    torch::Tensor scaled = torch::where(wavelen > lowFreqWavelen, invFreq / factor, invFreq);
    const torch::Tensor smooth =
        (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    const torch::Tensor smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
    const torch::Tensor medium = torch::logical_not(wavelen < highFreqWavelen) &
                                 torch::logical_not(wavelen > lowFreqWavelen);
    return torch::where(medium, smoothed, scaled);
}

} // namespace

/// The registered submodules and the table that maps checkpoint names onto parameters.
struct TransformerImpl::Layers {
    QString prefix; ///< "model." or "transformer."
    std::shared_ptr<torch::nn::Module> body;
    Embedding embed{nullptr};
    Embedding positions{nullptr}; ///< GPT-2 only
    std::vector<Block> blocks;
    Norm finalNorm{nullptr};
    Projection lmHead{nullptr}; ///< absent when tied
    torch::Tensor invFreq;      ///< registered buffer, undefined for GPT-2
    std::vector<WeightBinding> bindings;
    InputObserver observer;
};

void initializeTorchThreads() {
    static std::once_flag once;
    std::call_once(once, [] { at::set_num_threads(1); });
}

torch::Device runtimeDevice() {
    const QString setting = qEnvironmentVariable("NWC_DEVICE").trimmed().toLower();
    if (setting.isEmpty() || setting == QLatin1String("auto"))
        return torch::cuda::is_available() ? torch::Device(torch::kCUDA)
                                           : torch::Device(torch::kCPU);
    try {
        const torch::Device device(setting.toStdString());
        if (device.is_cuda() && !torch::cuda::is_available())
            throw Error(QStringLiteral("NWC_DEVICE=%1 asks for CUDA, but this LibTorch build has "
                                       "no usable CUDA device; unset it or use 'cpu'")
                            .arg(setting));
        return device;
    } catch (const c10::Error &) {
        throw Error(QStringLiteral("NWC_DEVICE=%1 is not a device LibTorch knows; use 'cpu', "
                                   "'cuda', 'cuda:N' or 'auto'")
                        .arg(setting));
    }
}

TransformerImpl::TransformerImpl(const ModelConfig &config)
    : m_config(completedConfig(config))
    , m_layers(std::make_shared<Layers>()) {
    initializeTorchThreads();
    const ModelConfig &c = m_config;
    const bool gpt2 = isGpt2(c);
    Layers &l = *m_layers;
    l.prefix = gpt2 ? QStringLiteral("transformer.") : QStringLiteral("model.");
    l.body = register_module(gpt2 ? "transformer" : "model",
                             std::make_shared<torch::nn::Module>(gpt2 ? "GPT2Model" : "Model"));
    l.embed = l.body->register_module(gpt2 ? "wte" : "embed_tokens",
                                      Embedding(c.vocabSize, c.hiddenSize));
    if (gpt2)
        l.positions = l.body->register_module("wpe", Embedding(c.maxPositions, c.hiddenSize));
    torch::nn::ModuleList list;
    const QString blockPrefix =
        l.prefix + (gpt2 ? QStringLiteral("h.") : QStringLiteral("layers."));
    for (int i = 0; i < c.numLayers; ++i) {
        Block block(c, blockPrefix + QString::number(i) + QLatin1Char('.'), i);
        list->push_back(block);
        l.blocks.push_back(block);
    }
    l.body->register_module(gpt2 ? "h" : "layers", list);
    l.finalNorm =
        l.body->register_module(gpt2 ? "ln_f" : "norm", Norm(c.hiddenSize, c.rmsNormEps, gpt2));
    if (!c.tieWordEmbeddings)
        l.lmHead = register_module("lm_head", Projection(c.hiddenSize, c.vocabSize, false));
    if (!gpt2)
        l.invFreq = register_buffer("rope_inv_freq", ropeInverseFrequencies(c));

    // Checkpoint name -> parameters.
    auto bind = [&](const QString &name, std::vector<torch::Tensor> parts, bool transposed) {
        l.bindings.push_back({name, std::move(parts), transposed});
    };
    auto bindProjection = [&](const QString &name, const Projection &p, bool conv1d) {
        bind(name + QStringLiteral(".weight"), {p->weight}, conv1d);
        if (p->bias.defined())
            bind(name + QStringLiteral(".bias"), {p->bias}, false);
    };
    auto bindNorm = [&](const QString &name, const Norm &n) {
        bind(name + QStringLiteral(".weight"), {n->weight}, false);
        if (n->bias.defined())
            bind(name + QStringLiteral(".bias"), {n->bias}, false);
    };
    bind(l.prefix + (gpt2 ? QStringLiteral("wte.weight") : QStringLiteral("embed_tokens.weight")),
         {l.embed->weight}, false);
    if (gpt2)
        bind(l.prefix + QStringLiteral("wpe.weight"), {l.positions->weight}, false);
    for (int i = 0; i < c.numLayers; ++i) {
        const QString p = blockPrefix + QString::number(i) + QLatin1Char('.');
        const Block &b = l.blocks[size_t(i)];
        const Attention &a = b->attention;
        if (gpt2) {
            bindNorm(p + QStringLiteral("ln_1"), b->norm1);
            bind(p + QStringLiteral("attn.c_attn.weight"),
                 {a->q->weight, a->k->weight, a->v->weight}, true);
            bind(p + QStringLiteral("attn.c_attn.bias"), {a->q->bias, a->k->bias, a->v->bias},
                 false);
            bindProjection(p + QStringLiteral("attn.c_proj"), a->o, true);
            bindNorm(p + QStringLiteral("ln_2"), b->norm2);
            bindProjection(p + QStringLiteral("mlp.c_fc"), b->mlp->up, true);
            bindProjection(p + QStringLiteral("mlp.c_proj"), b->mlp->down, true);
        } else {
            bindNorm(p + QStringLiteral("input_layernorm"), b->norm1);
            bindProjection(p + QStringLiteral("self_attn.q_proj"), a->q, false);
            bindProjection(p + QStringLiteral("self_attn.k_proj"), a->k, false);
            bindProjection(p + QStringLiteral("self_attn.v_proj"), a->v, false);
            bindProjection(p + QStringLiteral("self_attn.o_proj"), a->o, false);
            bindNorm(p + QStringLiteral("post_attention_layernorm"), b->norm2);
            bindProjection(p + QStringLiteral("mlp.gate_proj"), b->mlp->gate, false);
            bindProjection(p + QStringLiteral("mlp.up_proj"), b->mlp->up, false);
            bindProjection(p + QStringLiteral("mlp.down_proj"), b->mlp->down, false);
        }
    }
    bindNorm(l.prefix + (gpt2 ? QStringLiteral("ln_f") : QStringLiteral("norm")), l.finalNorm);
    if (l.lmHead)
        bind(QStringLiteral("lm_head.weight"), {l.lmHead->weight}, false);
}

QStringList TransformerImpl::weightNames() const {
    QStringList names;
    for (const WeightBinding &binding : m_layers->bindings)
        names.append(binding.name);
    return names;
}

namespace {

const WeightBinding &findBinding(const std::vector<WeightBinding> &bindings, const QString &name) {
    for (const WeightBinding &binding : bindings) {
        if (binding.name == name)
            return binding;
    }
    throw Error(QStringLiteral("the model has no weight named '%1'").arg(name));
}

void assignBinding(const WeightBinding &binding, const torch::Tensor &hfValue) {
    const std::vector<int64_t> expected = binding.hfShape();
    if (hfValue.sizes().vec() != expected)
        throw Error(QStringLiteral("tensor '%1' has shape %2 but the model configuration needs %3; "
                                   "the checkpoint does not match its config.json")
                        .arg(binding.name, shapeText(hfValue.sizes().vec()), shapeText(expected)));
    torch::NoGradGuard noGrad;
    torch::Tensor value = binding.transposed ? hfValue.t() : hfValue;
    int64_t offset = 0;
    for (const torch::Tensor &part : binding.parts) {
        const int64_t rows = part.size(0);
        torch::Tensor target = part; // shares storage with the parameter
        target.copy_(value.narrow(0, offset, rows));
        offset += rows;
    }
}

} // namespace

void TransformerImpl::loadWeights(const Checkpoint &checkpoint, ProgressSink *progress) {
    const std::vector<WeightBinding> &bindings = m_layers->bindings;
    const bool gpt2 = isGpt2(m_config);
    for (size_t i = 0; i < bindings.size(); ++i) {
        const WeightBinding &binding = bindings[i];
        throwIfCancelled(progress);
        reportProgress(progress, double(i) / double(bindings.size()),
                       QStringLiteral("loading %1").arg(binding.name));
        QString stored = binding.name;
        const TensorInfo *info = checkpoint.findTensor(stored);
        if (!info && gpt2) {
            // Original GPT-2 checkpoints name tensors without the "transformer." prefix.
            stored = binding.name.mid(m_layers->prefix.size());
            info = checkpoint.findTensor(stored);
        }
        if (!info)
            throw Error(QStringLiteral("checkpoint %1 has no tensor '%2', which a %3 with this "
                                       "config.json needs; the checkpoint is incomplete or its "
                                       "config.json describes a different model")
                            .arg(checkpoint.source(), binding.name, m_config.architectureName));
        std::vector<int64_t> shape(info->shape.begin(), info->shape.end());
        const std::vector<int64_t> expected = binding.hfShape();
        if (shape != expected)
            throw Error(
                QStringLiteral("tensor '%1' in %2 has shape %3 but the model "
                               "configuration needs %4; the checkpoint does not match "
                               "its config.json")
                    .arg(stored, checkpoint.source(), shapeText(shape), shapeText(expected)));
        std::vector<float> values = checkpoint.readFloat32(stored);
        const torch::Tensor value = torch::from_blob(values.data(), shape, torch::kFloat);
        assignBinding(binding, value);
    }
    reportProgress(progress, 1.0, QStringLiteral("weights loaded"));
}

void TransformerImpl::setWeight(const QString &name, const torch::Tensor &value) {
    assignBinding(findBinding(m_layers->bindings, name), value.to(torch::kFloat));
}

torch::Tensor TransformerImpl::weight(const QString &name) const {
    const WeightBinding &binding = findBinding(m_layers->bindings, name);
    torch::NoGradGuard noGrad;
    torch::Tensor joined =
        binding.parts.size() == 1 ? binding.parts.front() : torch::cat(binding.parts, 0);
    if (binding.transposed)
        joined = joined.t();
    return joined.detach().to(torch::kCPU).contiguous().clone();
}

std::vector<std::pair<QString, torch::Tensor>> TransformerImpl::exportWeights() const {
    std::vector<std::pair<QString, torch::Tensor>> out;
    out.reserve(m_layers->bindings.size());
    for (const WeightBinding &binding : m_layers->bindings)
        out.emplace_back(binding.name, weight(binding.name));
    return out;
}

void TransformerImpl::setInputObserver(InputObserver observer) {
    m_layers->observer = std::move(observer);
}

namespace {

/// ids on `device` as int64, checked for shape and vocabulary range.
torch::Tensor checkedIds(const torch::Tensor &ids, const torch::Device &device, int64_t vocabSize) {
    if (ids.dim() != 2 || ids.size(1) == 0)
        throw Error(QStringLiteral("the transformer expects token ids shaped [batch, time] with "
                                   "at least one token"));
    const torch::Tensor input = ids.to(device, torch::kLong);
    const auto extremes = torch::aminmax(input);
    const int64_t lowest = std::get<0>(extremes).item<int64_t>();
    const int64_t highest = std::get<1>(extremes).item<int64_t>();
    if (lowest < 0 || highest >= vocabSize)
        throw Error(QStringLiteral("token id %1 is outside the model's vocabulary of %2 "
                                   "tokens; the tokenizer does not belong to this model")
                        .arg(lowest < 0 ? lowest : highest)
                        .arg(vocabSize));
    return input;
}

/// Token embeddings of `input` (+ learned positions from `start` for GPT-2).
torch::Tensor embedTokens(const ModelConfig &config, const torch::Tensor &tokenTable,
                          const torch::Tensor &positionTable, const torch::Tensor &input,
                          int64_t start) {
    const int64_t time = input.size(1);
    torch::Tensor x = torch::embedding(tokenTable, input);
    if (isGpt2(config)) {
        if (start + time > config.maxPositions)
            throw Error(QStringLiteral("position %1 is beyond this GPT-2 model's %2 learned "
                                       "positions; use a shorter text or context")
                            .arg(start + time - 1)
                            .arg(config.maxPositions));
        x = x + positionTable.narrow(0, start, time);
    }
    return x;
}

/// RoPE angles (not for GPT-2) and the causal, possibly sliding-window mask for `time` new
/// positions following `start` earlier ones.
StepContext stepContext(const ModelConfig &config, const torch::Tensor &invFreq, int64_t start,
                        int64_t time, const torch::Device &device) {
    StepContext context;
    const int64_t total = start + time;
    if (!isGpt2(config)) {
        const torch::Tensor positions =
            torch::arange(start, total, torch::TensorOptions().dtype(torch::kLong).device(device))
                .to(torch::kFloat);
        const torch::Tensor freqs = positions.unsqueeze(1) * invFreq.unsqueeze(0);
        const torch::Tensor angles = torch::cat({freqs, freqs}, -1);
        context.cos = angles.cos();
        context.sin = angles.sin();
    }
    const int64_t window = config.slidingWindow;
    if (time > 1 || (window > 0 && total > window)) {
        const auto longs = torch::TensorOptions().dtype(torch::kLong).device(device);
        const torch::Tensor queryPos = torch::arange(start, total, longs).unsqueeze(1);
        const torch::Tensor keyPos = torch::arange(0, total, longs).unsqueeze(0);
        torch::Tensor allowed = keyPos <= queryPos;
        if (window > 0)
            allowed = allowed & ((queryPos - keyPos) < window);
        context.mask =
            torch::zeros({time, total}, torch::TensorOptions().device(device))
                .masked_fill(torch::logical_not(allowed), -std::numeric_limits<float>::infinity());
    }
    return context;
}

} // namespace

torch::Tensor TransformerImpl::forward(const torch::Tensor &ids, KvCache *cache) {
    Layers &l = *m_layers;
    const torch::Device device = l.embed->weight.device();
    const torch::Tensor input = checkedIds(ids, device, m_config.vocabSize);
    const int64_t time = input.size(1);
    const int64_t start = cache ? cache->length : 0;
    if (cache) {
        const size_t layers = size_t(m_config.numLayers);
        if (cache->keys.size() != layers || cache->values.size() != layers) {
            if (cache->length != 0)
                throw Error(QStringLiteral("the KV cache belongs to a different model"));
            cache->keys.assign(layers, torch::Tensor());
            cache->values.assign(layers, torch::Tensor());
        }
    }

    torch::Tensor x =
        embedTokens(m_config, l.embed->weight, l.positions ? l.positions->weight : torch::Tensor(),
                    input, start);
    StepContext context = stepContext(m_config, l.invFreq, start, time, device);
    context.cache = cache;
    context.observer = &l.observer;
    for (Block &block : l.blocks)
        x = block->forward(x, context);
    torch::Tensor logits = head(x);
    if (cache)
        cache->length = start + time;
    return logits;
}

torch::Tensor TransformerImpl::embed(const torch::Tensor &ids) {
    Layers &l = *m_layers;
    const torch::Tensor input = checkedIds(ids, l.embed->weight.device(), m_config.vocabSize);
    return embedTokens(m_config, l.embed->weight,
                       l.positions ? l.positions->weight : torch::Tensor(), input, 0);
}

int TransformerImpl::blockCount() const {
    return int(m_layers->blocks.size());
}

torch::Tensor TransformerImpl::forwardBlock(int index, const torch::Tensor &hidden) {
    Layers &l = *m_layers;
    if (index < 0 || index >= blockCount())
        throw Error(QStringLiteral("block %1 does not exist: the model has %2 blocks")
                        .arg(index)
                        .arg(blockCount()));
    if (hidden.dim() != 3 || hidden.size(1) == 0 || hidden.size(2) != m_config.hiddenSize)
        throw Error(QStringLiteral("a decoder block expects hidden states shaped [batch, time, "
                                   "%1] with at least one position")
                        .arg(m_config.hiddenSize));
    const torch::Device device = l.embed->weight.device();
    StepContext context = stepContext(m_config, l.invFreq, 0, hidden.size(1), device);
    context.observer = &l.observer;
    return l.blocks[size_t(index)]->forward(hidden.to(device), context);
}

torch::Tensor TransformerImpl::finalNorm(const torch::Tensor &hidden) {
    Layers &l = *m_layers;
    torch::Tensor x = l.finalNorm(hidden);
    if (l.observer) {
        l.observer(QStringList{l.lmHead ? QStringLiteral("lm_head.weight")
                                        : l.prefix + (isGpt2(m_config)
                                                          ? QStringLiteral("wte.weight")
                                                          : QStringLiteral("embed_tokens.weight"))},
                   x);
    }
    return x;
}

torch::Tensor TransformerImpl::head(const torch::Tensor &hidden) {
    Layers &l = *m_layers;
    const torch::Tensor weight = l.lmHead ? l.lmHead->weight : l.embed->weight;
    return torch::nn::functional::linear(finalNorm(hidden), weight);
}

namespace {

void writeFileAtomically(const QString &path, const QByteArray &bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

QByteArray readWholeFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read tokenizer file %1: %2; pass an existing "
                                   "tokenizer file")
                        .arg(path, file.errorString()));
    return file.readAll();
}

} // namespace

void saveHuggingFaceDirectory(const TransformerImpl &model, const QString &directory,
                              const QString &tokenizerPath) {
    if (!QDir().mkpath(directory))
        throw Error(QStringLiteral("cannot create directory %1; check the path and permissions")
                        .arg(directory));
    const QDir dir(directory);
    // Read the tokenizer first so a bad path fails before anything is written.
    QVector<std::pair<QString, QByteArray>> tokenizerFiles;
    if (!tokenizerPath.isEmpty()) {
        const QFileInfo info(tokenizerPath);
        const QString fileName = info.fileName();
        if (fileName == QLatin1String("vocab.json")) {
            tokenizerFiles.append({fileName, readWholeFile(tokenizerPath)});
            const QString merges = info.dir().filePath(QStringLiteral("merges.txt"));
            tokenizerFiles.append({QStringLiteral("merges.txt"), readWholeFile(merges)});
        } else if (fileName.endsWith(QLatin1String(".json"))) {
            tokenizerFiles.append({QStringLiteral("tokenizer.json"), readWholeFile(tokenizerPath)});
        } else {
            tokenizerFiles.append({fileName, readWholeFile(tokenizerPath)});
        }
    }

    SafetensorsWriter writer;
    writer.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
    for (const auto &entry : model.exportWeights()) {
        const torch::Tensor &tensor = entry.second;
        QVector<qint64> shape;
        for (int64_t d : tensor.sizes())
            shape.append(d);
        const QByteArray bytes(static_cast<const char *>(tensor.data_ptr()),
                               qsizetype(tensor.numel() * qint64(sizeof(float))));
        writer.addTensor(entry.first, DType::F32, shape, bytes);
    }
    writer.write(dir.filePath(QStringLiteral("model.safetensors")));
    writeFileAtomically(dir.filePath(QStringLiteral("config.json")),
                        QJsonDocument(model.config().toJson()).toJson(QJsonDocument::Indented));
    for (const auto &file : tokenizerFiles)
        writeFileAtomically(dir.filePath(file.first), file.second);
}

} // namespace nwc
