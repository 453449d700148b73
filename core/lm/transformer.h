#pragma once
// The transformer runtime as a LibTorch module (core-internal header: includes torch).
// One module serves inference (with a KV cache) and training (autograd, no cache).

#include "io/checkpoint.h"
#include "io/modelconfig.h"
#include "jobs/computeoptions.h"
#include "lm/hfexport.h"
#include "lm/kvcache.h"
#include "lm/transformerlayers.h"

#include <torch/torch.h>

#include <QString>
#include <QStringList>
#include <functional>
#include <map>
#include <thread>
#include <utility>
#include <vector>

namespace nwc {

class ProgressSink;

/// Decoder-only transformer for Llama / Mistral / Qwen2 / GPT-2 configurations.
/// Parameter names follow Hugging Face (model.layers.N.self_attn.q_proj.weight, ...; for GPT-2
/// weights are stored transposed to [out, in] internally and transposed back on export).
/// Submodules are registered under HF's names (model.layers.N.self_attn.q_proj, ...;
/// transformer.h.N.attn.{q,k,v}_proj for GPT-2, whose fused c_attn is split), so parameters()
/// and named_parameters() serve an optimizer directly. Parameters live on the device and in the
/// compute dtype of the ComputeOptions the module was built with.
class TransformerImpl : public torch::nn::Module {
public:
    /// Receives the input of linear layers during forward: the HF names of the weights that
    /// consume it (q/k/v share one input, gate/up another) and the activations [batch, time, in].
    using InputObserver = LinearInputObserver;
    /// Observers by the thread whose forward calls they see.
    using ThreadObservers = std::map<std::thread::id, InputObserver>;

    /// Randomly initialised (std 0.02 for matrices and embeddings, norms 1, biases 0, as HF) for
    /// training: drawn in float32 in host memory (so a seed gives the same model on every
    /// device), then placed as `options` say. Sets the intra-op threads (applyComputeThreads).
    /// Throws nwc::Error for configurations it cannot build (heads not dividing, odd RoPE head
    /// dimension, unsupported activation or rope scaling) and for unusable options.
    explicit TransformerImpl(const ModelConfig &config, const ComputeOptions &options = {});
    /// Built directly with the weights of `checkpoint` (its config): parameters are allocated
    /// on the options' device in the compute dtype and filled from the checkpoint, with no
    /// random initialisation. Throws as the other constructor and as loadWeights().
    explicit TransformerImpl(const Checkpoint &checkpoint, const ComputeOptions &options = {},
                             ProgressSink *progress = nullptr);
    /// Copies weights from a checkpoint (read as float32, converted to the parameters' device
    /// and dtype); throws nwc::Error naming a missing tensor or a shape mismatch. GPT-2 names
    /// are accepted with or without the "transformer." prefix. Reports per tensor and honours
    /// cancellation.
    void loadWeights(const Checkpoint &checkpoint, ProgressSink *progress = nullptr);
    /// ids: [batch, time] int64 -> logits [batch, time, vocab], or of the last `lastPositions`
    /// positions only when that is > 0 (generation needs one). With a cache, positions start at
    /// cache->length and the cache is extended. Without a cache and in training mode autograd
    /// flows as usual. Throws nwc::Error for ids outside the vocabulary.
    torch::Tensor forward(const torch::Tensor &ids, KvCache *cache = nullptr,
                          int64_t lastPositions = 0);
    /// forward() without the head: the last block's hidden states [batch, time, hidden], before
    /// the final norm; head() turns any slice of them into logits (chunked evaluation).
    torch::Tensor forwardHidden(const torch::Tensor &ids, KvCache *cache = nullptr);

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
    /// finalNorm + lm_head: logits [batch, time, vocab] in the compute type.
    torch::Tensor head(const torch::Tensor &hidden);

    /// Weights under the names a HF checkpoint of this architecture uses, in [out, in] HF
    /// layout for the architecture (Conv1D [in, out] for GPT-2). Tied lm_head omitted.
    /// Detached float32 copies in host memory.
    std::vector<std::pair<QString, torch::Tensor>> exportWeights() const;
    /// The names exportWeights() produces, in the same order.
    QStringList weightNames() const;
    /// One weight by its HF name, in HF layout (detached float32 host copy). Throws nwc::Error
    /// for an unknown name.
    torch::Tensor weight(const QString &name) const;
    /// Replaces one weight given in HF layout (e.g. a decompressed tensor). Throws nwc::Error for
    /// an unknown name or a wrong shape.
    void setWeight(const QString &name, const torch::Tensor &value);
    /// Converts parameters held narrower than the compute type (16-bit matrices of a 16-bit
    /// checkpoint) to the compute type, e.g. before training them through autograd.
    void widenWeights();
    /// Installs (or, with an empty function, removes) the calling thread's observer of
    /// linear-layer inputs, e.g. for calibration statistics: it sees the forward calls of that
    /// thread only, so a calibration can run on a module that another thread generates with
    /// (or calibrates with its own observer) at the same time.
    void setInputObserver(InputObserver observer);
    const ModelConfig &config() const { return m_config; }
    /// The options the module was built with.
    const ComputeOptions &computeOptions() const { return m_options; }
    /// Where the parameters live.
    torch::Device device() const;

private:
    /// Registers the modules (parameters from `factory`) and the weight bindings.
    void build(const ParameterFactory &factory);

    ModelConfig m_config;
    ComputeOptions m_options;
    // The registered layers and the weight bindings (transformer.cpp).
    struct Layers;
    std::shared_ptr<Layers> m_layers;
};
TORCH_MODULE(Transformer);

/// The type a checkpoint's matrices (projections, embeddings, lm_head) are held in: their
/// stored 16-bit type when every 2-D floating tensor has the same one and the options compute
/// in float32 on the CPU, else the compute type (docs/architecture.md,
/// 16-bit weights). Norms and biases are always held in the compute type.
torch::ScalarType matrixStorageType(const Checkpoint &checkpoint, const ComputeOptions &options);

/// Owns the runtime of a LanguageModel (what languagemodel.h forward-declares).
class TransformerHandle {
public:
    explicit TransformerHandle(Transformer module)
        : m_module(std::move(module)) {}
    Transformer &module() { return m_module; }

private:
    Transformer m_module;
};

} // namespace nwc
