#pragma once
// A loaded model ready to run: checkpoint + tokenizer + runtime weights. Torch-free header
// (the runtime lives behind a pointer) so widgets and the CLI can hold one.

#include "io/checkpoint.h"
#include "jobs/computeoptions.h"
#include "text/tokenizer.h"

#include <QString>
#include <memory>

namespace nwc {

class ProgressSink;
class TransformerHandle;

/// Immutable after load; generation and evaluation keep their mutable state (KV caches) in
/// per-call sessions, so one LanguageModel may serve several threads.
class LanguageModel {
public:
    /// Opens `spec` (anything Checkpoint::open accepts) with the tokenizer found beside it, or
    /// `tokenizerPath` when given. The runtime is built directly with the checkpoint's weights on
    /// the device and in the compute dtype of `options` (which also set the intra-op threads).
    /// Throws nwc::Error when no tokenizer is found, its vocabulary does not fit the model's
    /// embedding, or the options are unusable (e.g. a CUDA device on a CPU build of LibTorch).
    static std::shared_ptr<LanguageModel> load(const QString &spec,
                                               const QString &tokenizerPath = QString(),
                                               ProgressSink *progress = nullptr,
                                               const ComputeOptions &options = {});
    /// Builds from parts already opened, as load() does.
    static std::shared_ptr<LanguageModel> fromParts(CheckpointPtr checkpoint,
                                                    std::shared_ptr<const Tokenizer> tokenizer,
                                                    ProgressSink *progress = nullptr,
                                                    const ComputeOptions &options = {});
    ~LanguageModel();

    CheckpointPtr checkpoint() const { return m_checkpoint; }
    const Tokenizer &tokenizer() const { return *m_tokenizer; }
    std::shared_ptr<const Tokenizer> sharedTokenizer() const { return m_tokenizer; }
    const ModelConfig &config() const { return m_checkpoint->config(); }
    QString displayName() const { return m_checkpoint->displayName(); }
    /// Where and how the runtime computes (what load() was given). Evaluation, generation,
    /// calibration and fine-tuning of this model run there.
    const ComputeOptions &computeOptions() const { return m_options; }
    /// Whether prompts should start with BOS (Llama-family models with a BOS token).
    bool addsBos() const;

    /// Core-internal access to the runtime (defined in lm/transformer.h).
    TransformerHandle &runtime() const { return *m_runtime; }

private:
    LanguageModel() = default;
    CheckpointPtr m_checkpoint;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    std::unique_ptr<TransformerHandle> m_runtime;
    ComputeOptions m_options;
};

using LanguageModelPtr = std::shared_ptr<LanguageModel>;

} // namespace nwc
