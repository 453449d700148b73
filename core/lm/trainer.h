#pragma once
// Trains a freshly initialised transformer (LlamaForCausalLM-style config) on a token stream.
// Torch-free header: the module and optimizer live behind a pointer.

#include "io/modelconfig.h"
#include "jobs/computeoptions.h"

#include <QString>
#include <QVector>
#include <cstdint>
#include <memory>
#include <vector>

namespace nwc {

class ProgressSink;
class TransformerImpl;

/// Optimisation recipe: AdamW, linear warmup then cosine decay, gradient clipping, random
/// batch x sequenceLength windows drawn from the token stream.
struct TrainerSettings {
    int steps = 1000;
    int batchSize = 16;
    int sequenceLength = 128;
    double learningRate = 3e-3;        ///< peak, reached after warmupSteps
    double minLearningRateRatio = 0.1; ///< cosine decays to learningRate * this
    int warmupSteps = 50;
    double weightDecay = 0.1; ///< applied to matrices and embeddings, not to norm weights
    double beta1 = 0.9;
    double beta2 = 0.95;
    double epsilon = 1e-8;
    double gradientClip = 1.0; ///< max global L2 norm; 0 = off
    int evalInterval = 100;    ///< steps between held-out evaluations (0 = only at the end)
    int evalWindows = 64;      ///< held-out windows per evaluation (fixed, evenly spaced)
    quint64 seed = 1;          ///< initialisation (torch::manual_seed) and window sampling
};

/// One logged point of a training run.
struct TrainingPoint {
    int step = 0;
    double trainLoss = 0; ///< mean over the steps since the previous point
    double evalLoss = -1; ///< -1 when not evaluated at this step
    double learningRate = 0;
    double seconds = 0; ///< since training started
};

/// What a training run measured.
struct TrainingReport {
    QVector<TrainingPoint> history;
    int steps = 0;
    qint64 tokens = 0; ///< tokens processed (steps x batch x sequence length)
    double seconds = 0;
    double tokensPerSecond = 0;
    double firstTrainLoss = 0;
    double finalTrainLoss = 0; ///< mean over the last evalInterval (or 50) steps
    double finalEvalLoss = -1; ///< -1 without held-out tokens
};

/// Owns a model being trained and its optimizer. Deterministic for a given seed, settings,
/// data, compute options and thread count. Intra-op threads are set by applyComputeThreads (1
/// unless the options say otherwise; OpenBLAS uses the cores).
class Trainer {
public:
    /// Creates the model from `config` with weights drawn after torch::manual_seed(seed), placed
    /// on the device and in the compute dtype of `options`. Throws nwc::Error for invalid
    /// settings or unusable options.
    Trainer(const ModelConfig &config, const TrainerSettings &settings,
            const ComputeOptions &options = {});
    ~Trainer();
    Trainer(const Trainer &) = delete;
    Trainer &operator=(const Trainer &) = delete;

    /// Number of trainable parameters (tied embeddings counted once).
    qint64 parameterCount() const;
    const ModelConfig &config() const;
    const TrainerSettings &settings() const { return m_settings; }

    /// Runs settings().steps optimizer steps on windows of `trainTokens`; evaluates on
    /// `evalTokens` (may be empty) every evalInterval steps and at the end. Progress gets loss,
    /// tokens/s and ETA; throws nwc::Cancelled when the sink asks to stop, nwc::Error when the
    /// stream is shorter than one window or holds ids outside the vocabulary.
    TrainingReport train(const std::vector<int32_t> &trainTokens,
                         const std::vector<int32_t> &evalTokens, ProgressSink *progress = nullptr);
    /// Mean next-token cross-entropy (nats) over evalWindows fixed windows of `tokens`; checks
    /// `progress` for cancellation between forward passes (throws nwc::Cancelled).
    double evaluateLoss(const std::vector<int32_t> &tokens, ProgressSink *progress = nullptr) const;
    /// Writes the model as a Hugging Face directory (config.json, model.safetensors,
    /// tokenizer.json copied from tokenizerJsonPath).
    void save(const QString &directory, const QString &tokenizerJsonPath) const;
    /// The module (core-internal; see lm/transformer.h).
    TransformerImpl &module();

private:
    struct State;
    TrainerSettings m_settings;
    std::unique_ptr<State> m_state;
};

} // namespace nwc
