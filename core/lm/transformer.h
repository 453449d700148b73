#pragma once
// The transformer runtime as a LibTorch module (core-internal header: includes torch).
// One module serves inference (with a KV cache) and training (autograd, no cache).

#include "io/checkpoint.h"
#include "io/modelconfig.h"

#include <torch/torch.h>

#include <QString>
#include <utility>
#include <vector>

namespace nwc {

/// Per-layer keys and values of the tokens seen so far: [batch, kvHeads, length, headDim].
struct KvCache {
    std::vector<torch::Tensor> keys;
    std::vector<torch::Tensor> values;
    int64_t length = 0;
    void clear()
    {
        keys.clear();
        values.clear();
        length = 0;
    }
};

/// Decoder-only transformer for Llama / Mistral / Qwen2 / GPT-2 configurations.
/// Parameter names follow Hugging Face (model.layers.N.self_attn.q_proj.weight, ...; for GPT-2
/// weights are stored transposed to [out, in] internally and transposed back on export).
class TransformerImpl : public torch::nn::Module {
public:
    /// Randomly initialised (std 0.02, as HF) for training.
    explicit TransformerImpl(const ModelConfig &config);
    /// Copies weights from a checkpoint (converted to float32); throws nwc::Error naming a
    /// missing tensor or a shape mismatch.
    void loadWeights(const Checkpoint &checkpoint);
    /// ids: [batch, time] int64 -> logits [batch, time, vocab]. With a cache, positions start at
    /// cache->length and the cache is extended.
    torch::Tensor forward(const torch::Tensor &ids, KvCache *cache = nullptr);
    /// Weights under the names a HF checkpoint of this architecture uses, in [out, in] HF
    /// layout for the architecture (Conv1D [in, out] for GPT-2). Tied lm_head omitted.
    std::vector<std::pair<QString, torch::Tensor>> exportWeights() const;
    const ModelConfig &config() const { return m_config; }

private:
    ModelConfig m_config;
    // Layer submodules are declared in transformer.cpp's helper structs.
    struct Layers;
    std::shared_ptr<Layers> m_layers;
};
TORCH_MODULE(Transformer);

/// Owns the runtime of a LanguageModel (what languagemodel.h forward-declares).
class TransformerHandle {
public:
    explicit TransformerHandle(Transformer module)
        : m_module(std::move(module))
    {
    }
    Transformer &module() { return m_module; }

private:
    Transformer m_module;
};

/// Writes a module as a HF directory: config.json, model.safetensors (float32) and, when
/// given, a copy of tokenizerJsonPath as tokenizer.json. Atomic per file.
void saveHuggingFaceDirectory(const TransformerImpl &model, const QString &directory,
                              const QString &tokenizerJsonPath);

} // namespace nwc
