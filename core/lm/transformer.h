#pragma once
// The transformer runtime as a LibTorch module (core-internal header: includes torch).
// One module serves inference (with a KV cache) and training (autograd, no cache).

#include "io/checkpoint.h"
#include "io/modelconfig.h"

#include <torch/torch.h>

#include <QString>
#include <QStringList>
#include <functional>
#include <utility>
#include <vector>

namespace nwc {

class ProgressSink;

/// Sets LibTorch's intra-op threads to 1 once per process (OpenBLAS uses the cores; see
/// docs/architecture.md, Threads and BLAS). Called by every Transformer constructor.
void initializeTorchThreads();

/// The device the runtime uses: the NWC_DEVICE environment setting ("cpu", "cuda", "cuda:N";
/// unset or "auto" = CUDA when this LibTorch build has a device, else CPU). Throws nwc::Error
/// for a setting LibTorch does not know or CUDA that is not there.
torch::Device runtimeDevice();

/// Per-layer keys and values of the tokens seen so far: [batch, kvHeads, length, headDim].
struct KvCache {
    std::vector<torch::Tensor> keys;
    std::vector<torch::Tensor> values;
    int64_t length = 0;
    void clear() {
        keys.clear();
        values.clear();
        length = 0;
    }
};

/// Decoder-only transformer for Llama / Mistral / Qwen2 / GPT-2 configurations.
/// Parameter names follow Hugging Face (model.layers.N.self_attn.q_proj.weight, ...; for GPT-2
/// weights are stored transposed to [out, in] internally and transposed back on export).
/// Submodules are registered under HF's names (model.layers.N.self_attn.q_proj, ...;
/// transformer.h.N.attn.{q,k,v}_proj for GPT-2, whose fused c_attn is split), so parameters()
/// and named_parameters() serve an optimizer directly. Weights are float32; move the module with
/// to(runtimeDevice()).
class TransformerImpl : public torch::nn::Module {
public:
    /// Receives the input of linear layers during forward: the HF names of the weights that
    /// consume it (q/k/v share one input, gate/up another) and the activations [batch, time, in].
    using InputObserver =
        std::function<void(const QStringList &weightNames, const torch::Tensor &input)>;

    /// Randomly initialised (std 0.02 for matrices and embeddings, norms 1, biases 0, as HF) for
    /// training. Throws nwc::Error for configurations it cannot build (heads not dividing, odd
    /// RoPE head dimension, unsupported activation or rope scaling).
    explicit TransformerImpl(const ModelConfig &config);
    /// Copies weights from a checkpoint (converted to float32); throws nwc::Error naming a
    /// missing tensor or a shape mismatch. GPT-2 names are accepted with or without the
    /// "transformer." prefix. Reports per tensor and honours cancellation.
    void loadWeights(const Checkpoint &checkpoint, ProgressSink *progress = nullptr);
    /// ids: [batch, time] int64 -> logits [batch, time, vocab]. With a cache, positions start at
    /// cache->length and the cache is extended. Without a cache and in training mode autograd
    /// flows as usual. Throws nwc::Error for ids outside the vocabulary.
    torch::Tensor forward(const torch::Tensor &ids, KvCache *cache = nullptr);

    // Block-wise evaluation of whole sequences (no cache, positions from 0), e.g. to collect
    // calibration statistics one decoder block at a time:
    // head(forwardBlock(n-1, ... forwardBlock(0, embed(ids)))) equals forward(ids).

    /// Token embeddings (+ learned positions for GPT-2) of ids [batch, time] -> hidden states
    /// [batch, time, hidden]. Throws nwc::Error as forward() does.
    torch::Tensor embed(const torch::Tensor &ids);
    /// Number of decoder blocks.
    int blockCount() const;
    /// Runs decoder block `index` (causal mask, sliding window when configured) on hidden states
    /// [batch, time, hidden]; the input observer sees its linear-layer inputs. Throws
    /// nwc::Error for an index or shape that does not fit.
    torch::Tensor forwardBlock(int index, const torch::Tensor &hidden);
    /// The final norm; the observer sees its output as the input of lm_head (or of the tied
    /// embedding).
    torch::Tensor finalNorm(const torch::Tensor &hidden);
    /// finalNorm + lm_head: logits [batch, time, vocab].
    torch::Tensor head(const torch::Tensor &hidden);

    /// Weights under the names a HF checkpoint of this architecture uses, in [out, in] HF
    /// layout for the architecture (Conv1D [in, out] for GPT-2). Tied lm_head omitted.
    /// Detached float32 CPU copies.
    std::vector<std::pair<QString, torch::Tensor>> exportWeights() const;
    /// The names exportWeights() produces, in the same order.
    QStringList weightNames() const;
    /// One weight by its HF name, in HF layout (detached float32 CPU copy). Throws nwc::Error
    /// for an unknown name.
    torch::Tensor weight(const QString &name) const;
    /// Replaces one weight given in HF layout (e.g. a decompressed tensor). Throws nwc::Error for
    /// an unknown name or a wrong shape.
    void setWeight(const QString &name, const torch::Tensor &value);
    /// Installs (or, with an empty function, removes) the observer of linear-layer inputs, e.g.
    /// for calibration statistics. Not thread-safe: use a module of its own for calibration.
    void setInputObserver(InputObserver observer);
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
        : m_module(std::move(module)) {}
    Transformer &module() { return m_module; }

private:
    Transformer m_module;
};

/// Writes a module as a HF directory: config.json, model.safetensors (float32) and, when
/// given, a copy of the tokenizer: a *.json file as tokenizer.json (vocab.json keeps its name and
/// brings merges.txt along), any other tokenizer file under its own name. Atomic per file;
/// throws nwc::Error naming the path that could not be read or written.
void saveHuggingFaceDirectory(const TransformerImpl &model, const QString &directory,
                              const QString &tokenizerJsonPath);

} // namespace nwc
