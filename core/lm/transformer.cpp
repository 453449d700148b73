// The transformer runtime: assembles embeddings, decoder blocks (transformerlayers), RoPE
// (rope), the weight bindings (weightbinding) and runs them; HF export lives in hfexport.
#include "lm/transformer.h"

#include "compute/linear16.h"
#include "compute/torchcompute.h"
#include "jobs/error.h"
#include "lm/rope.h"
#include "lm/weightbinding.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

namespace nwc {

torch::ScalarType matrixStorageType(const Checkpoint &checkpoint, const ComputeOptions &options) {
    const torch::ScalarType compute = torchComputeType(options);
    if (compute != torch::kFloat || !torchDevice(options).is_cpu())
        return compute;
    std::optional<DType> common;
    for (const TensorInfo &tensor : checkpoint.tensors()) {
        if (tensor.shape.size() != 2 || !dtypeIsFloat(tensor.dtype))
            continue;
        if (common && *common != tensor.dtype)
            return compute;
        common = tensor.dtype;
    }
    if (common == DType::BF16)
        return torch::kBFloat16;
    if (common == DType::F16)
        return torch::kFloat16;
    return compute;
}

/// The registered submodules and the table that maps checkpoint names onto parameters.
struct TransformerImpl::Layers : BoundModules {
    std::shared_ptr<torch::nn::Module> body;
    torch::Tensor invFreq; ///< registered buffer (float32), undefined for GPT-2
    std::vector<WeightBinding> bindings;
    /// The observers by the thread they belong to: copied on write under `observerMutex` and
    /// read with std::atomic_load, so threads may run forward() while another installs or
    /// removes its observer.
    std::shared_ptr<const ThreadObservers> observers;
    std::mutex observerMutex;
};

namespace {

/// The observer of the calling thread in `observers` (null when none); `observers` keeps it
/// alive.
const TransformerImpl::InputObserver *
observerOfThisThread(const std::shared_ptr<const TransformerImpl::ThreadObservers> &observers) {
    if (!observers)
        return nullptr;
    const auto found = observers->find(std::this_thread::get_id());
    return found == observers->end() ? nullptr : &found->second;
}

} // namespace

TransformerImpl::TransformerImpl(const ModelConfig &config, const ComputeOptions &options)
    : m_config(completedConfig(config))
    , m_options(options)
    , m_layers(std::make_shared<Layers>()) {
    requireUsableComputeOptions(options);
    applyComputeThreads(options);
    build(ParameterFactory::random(computeTensorOptions(options)));
}

TransformerImpl::TransformerImpl(const Checkpoint &checkpoint, const ComputeOptions &options,
                                 ProgressSink *progress)
    : m_config(completedConfig(checkpoint.config()))
    , m_options(options)
    , m_layers(std::make_shared<Layers>()) {
    requireUsableComputeOptions(options);
    int64_t largest = 0;
    for (const TensorInfo &tensor : checkpoint.tensors())
        if (tensor.shape.size() == 2)
            largest = std::max<int64_t>(largest, tensor.elementCount());
    applyComputeThreads(options, largest);
    build(ParameterFactory::uninitialized(computeTensorOptions(options),
                                          matrixStorageType(checkpoint, options)));
    loadWeights(checkpoint, progress);
}

void TransformerImpl::build(const ParameterFactory &factory) {
    const ModelConfig &c = m_config;
    const bool gpt2 = isGpt2(c);
    Layers &l = *m_layers;
    l.prefix = gpt2 ? QStringLiteral("transformer.") : QStringLiteral("model.");
    l.body = register_module(gpt2 ? "transformer" : "model",
                             std::make_shared<torch::nn::Module>(gpt2 ? "GPT2Model" : "Model"));
    l.embed = l.body->register_module(gpt2 ? "wte" : "embed_tokens",
                                      Embedding(c.vocabSize, c.hiddenSize, factory));
    if (gpt2)
        l.positions =
            l.body->register_module("wpe", Embedding(c.maxPositions, c.hiddenSize, factory));
    torch::nn::ModuleList list;
    const QString blockPrefix =
        l.prefix + (gpt2 ? QStringLiteral("h.") : QStringLiteral("layers."));
    for (int i = 0; i < c.numLayers; ++i) {
        Block block(c, blockPrefix + QString::number(i) + QLatin1Char('.'), i, factory);
        list->push_back(block);
        l.blocks.push_back(block);
    }
    l.body->register_module(gpt2 ? "h" : "layers", list);
    l.finalNorm = l.body->register_module(gpt2 ? "ln_f" : "norm",
                                          Norm(c.hiddenSize, c.rmsNormEps, gpt2, factory));
    if (!c.tieWordEmbeddings)
        l.lmHead =
            register_module("lm_head", Projection(c.hiddenSize, c.vocabSize, false, factory));
    if (!gpt2)
        l.invFreq = register_buffer("rope_inv_freq",
                                    ropeInverseFrequencies(c).to(torchDevice(m_options)));
    l.bindings = bindWeights(c, l);
}

torch::Device TransformerImpl::device() const {
    return m_layers->embed->weight.device();
}

QStringList TransformerImpl::weightNames() const {
    QStringList names;
    for (const WeightBinding &binding : m_layers->bindings)
        names.append(binding.name);
    return names;
}

void TransformerImpl::loadWeights(const Checkpoint &checkpoint, ProgressSink *progress) {
    loadBindings(m_layers->bindings, checkpoint, m_config, m_layers->prefix, progress);
}

void TransformerImpl::setWeight(const QString &name, const torch::Tensor &value) {
    assignBinding(findBinding(m_layers->bindings, name), value);
}

torch::Tensor TransformerImpl::weight(const QString &name) const {
    return readBinding(findBinding(m_layers->bindings, name));
}

std::vector<std::pair<QString, torch::Tensor>> TransformerImpl::exportWeights() const {
    std::vector<std::pair<QString, torch::Tensor>> out;
    out.reserve(m_layers->bindings.size());
    for (const WeightBinding &binding : m_layers->bindings)
        out.emplace_back(binding.name, weight(binding.name));
    return out;
}

void TransformerImpl::widenWeights() {
    torch::NoGradGuard noGrad;
    const torch::ScalarType compute = torchComputeType(m_options);
    for (torch::Tensor &parameter : parameters(true)) {
        if (parameter.scalar_type() != compute)
            parameter.set_data(parameter.to(compute));
    }
}

void TransformerImpl::setInputObserver(InputObserver observer) {
    Layers &l = *m_layers;
    const std::lock_guard<std::mutex> lock(l.observerMutex);
    const std::shared_ptr<const ThreadObservers> current = std::atomic_load(&l.observers);
    auto next =
        current ? std::make_shared<ThreadObservers>(*current) : std::make_shared<ThreadObservers>();
    if (observer)
        (*next)[std::this_thread::get_id()] = std::move(observer);
    else
        next->erase(std::this_thread::get_id());
    std::atomic_store(&l.observers, std::shared_ptr<const ThreadObservers>(std::move(next)));
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

/// Token embeddings of `input` (+ learned positions from `start` for GPT-2) in the compute type
/// `dtype` (tables may be held narrower).
torch::Tensor embedTokens(const ModelConfig &config, const torch::Tensor &tokenTable,
                          const torch::Tensor &positionTable, const torch::Tensor &input,
                          int64_t start, torch::ScalarType dtype) {
    const int64_t time = input.size(1);
    torch::Tensor x = torch::embedding(tokenTable, input).to(dtype);
    if (isGpt2(config)) {
        if (start + time > config.maxPositions)
            throw Error(QStringLiteral("position %1 is beyond this GPT-2 model's %2 learned "
                                       "positions; use a shorter text or context")
                            .arg(start + time - 1)
                            .arg(config.maxPositions));
        x = x + positionTable.narrow(0, start, time).to(dtype);
    }
    return x;
}

/// RoPE angles (not for GPT-2) and the causal, possibly sliding-window mask for `time` new
/// positions following `start` earlier ones, in the compute type `dtype` on `device`.
StepContext stepContext(const ModelConfig &config, const torch::Tensor &invFreq, int64_t start,
                        int64_t time, const torch::Device &device, torch::ScalarType dtype) {
    StepContext context;
    const int64_t total = start + time;
    if (!isGpt2(config)) {
        const RopeAngles angles = ropeAngles(invFreq, start, time, dtype);
        context.cos = angles.cos;
        context.sin = angles.sin;
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
            torch::zeros({time, total}, torch::TensorOptions().device(device).dtype(dtype))
                .masked_fill(torch::logical_not(allowed), -std::numeric_limits<float>::infinity());
    }
    return context;
}

} // namespace

torch::Tensor TransformerImpl::forward(const torch::Tensor &ids, KvCache *cache,
                                       int64_t lastPositions) {
    torch::Tensor hidden = forwardHidden(ids, cache);
    const int64_t time = hidden.size(1);
    if (lastPositions > 0 && lastPositions < time)
        hidden = hidden.narrow(1, time - lastPositions, lastPositions);
    return head(hidden);
}

torch::Tensor TransformerImpl::forwardHidden(const torch::Tensor &ids, KvCache *cache) {
    Layers &l = *m_layers;
    const torch::Device device = l.embed->weight.device();
    const torch::Tensor input = checkedIds(ids, device, m_config.vocabSize);
    const int64_t time = input.size(1);
    const int64_t start = cache ? cache->length : 0;
    if (cache && !cache->prepare(size_t(m_config.numLayers)))
        throw Error(QStringLiteral("the KV cache belongs to a different model"));
    const torch::ScalarType dtype = torchComputeType(m_options);
    torch::Tensor x =
        embedTokens(m_config, l.embed->weight, l.positions ? l.positions->weight : torch::Tensor(),
                    input, start, dtype);
    StepContext context = stepContext(m_config, l.invFreq, start, time, device, dtype);
    context.cache = cache;
    const std::shared_ptr<const ThreadObservers> observers = std::atomic_load(&l.observers);
    context.observer = observerOfThisThread(observers);
    for (Block &block : l.blocks)
        x = block->forward(x, context);
    if (cache)
        cache->length = start + time;
    return x;
}

torch::Tensor TransformerImpl::embed(const torch::Tensor &ids) {
    Layers &l = *m_layers;
    const torch::Tensor input = checkedIds(ids, l.embed->weight.device(), m_config.vocabSize);
    return embedTokens(m_config, l.embed->weight,
                       l.positions ? l.positions->weight : torch::Tensor(), input, 0,
                       torchComputeType(m_options));
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
    StepContext context =
        stepContext(m_config, l.invFreq, 0, hidden.size(1), device, torchComputeType(m_options));
    const std::shared_ptr<const ThreadObservers> observers = std::atomic_load(&l.observers);
    context.observer = observerOfThisThread(observers);
    return l.blocks[size_t(index)]->forward(hidden.to(device), context);
}

torch::Tensor TransformerImpl::finalNorm(const torch::Tensor &hidden) {
    Layers &l = *m_layers;
    torch::Tensor x = l.finalNorm(hidden);
    const std::shared_ptr<const ThreadObservers> observers = std::atomic_load(&l.observers);
    if (const InputObserver *observer = observerOfThisThread(observers)) {
        (*observer)(QStringList{l.lmHead
                                    ? QStringLiteral("lm_head.weight")
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
    const torch::Tensor x = finalNorm(hidden);
    if (weight.scalar_type() == x.scalar_type())
        return torch::nn::functional::linear(x, weight);
    return mixedLinear(x, weight, torch::Tensor());
}

} // namespace nwc
