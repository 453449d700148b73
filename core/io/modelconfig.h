#pragma once
// Model hyper-parameters, parsed from a Hugging Face config.json or a llama2.c header.

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace nwc {

/// Supported architecture families.
enum class Architecture { Llama, Mistral, Qwen2, Gpt2 };

/// The sizes that fix a decoder's tensors, in the order config.json lists them.
struct ModelShape {
    int hiddenSize = 0;
    int intermediateSize = 0;
    int numLayers = 0;
    int numHeads = 0;
    int numKvHeads = 0;
    int vocabSize = 0;
    int maxPositions = 2048;
};

/// Hyper-parameters of a decoder-only transformer. Llama/Mistral/Qwen2 share one code path
/// (RMSNorm, SwiGLU, RoPE, GQA); GPT-2 uses LayerNorm, GELU, learned positions, Conv1D weights.
struct ModelConfig {
    Architecture architecture = Architecture::Llama;
    QString architectureName = QStringLiteral("LlamaForCausalLM"); ///< as in config.json
    int hiddenSize = 0;
    int intermediateSize = 0;
    int numLayers = 0;
    int numHeads = 0;
    int numKvHeads = 0;
    int headDim = 0; ///< hiddenSize / numHeads unless config.json says otherwise
    int vocabSize = 0;
    int maxPositions = 2048;
    double rmsNormEps = 1e-5; ///< also GPT-2's layer_norm_epsilon
    double ropeTheta = 10000.0;
    // rope_scaling (only "llama3" and none are supported; others are refused with a message)
    QString ropeScalingType; ///< empty = none, "llama3"
    double ropeFactor = 1.0;
    double ropeLowFreqFactor = 1.0;
    double ropeHighFreqFactor = 4.0;
    int ropeOriginalMaxPositions = 8192;
    bool tieWordEmbeddings = false;
    bool attentionBias = false; ///< q/k/v bias (true for Qwen2)
    bool mlpBias = false;
    QString hiddenAct = QStringLiteral("silu"); ///< "silu", "gelu_new", "gelu"
    int bosTokenId = -1;
    int eosTokenId = -1;
    int slidingWindow = 0; ///< Mistral; 0 = none

    /// A config of `architecture` (default settings: Llama 2's) with `shape`'s sizes and
    /// headDim = hiddenSize / numHeads; for writing generated or synthesized checkpoints.
    static ModelConfig withShape(const ModelShape &shape,
                                 Architecture architecture = Architecture::Llama);
    /// Parses a config.json object; throws nwc::Error naming `source` for missing keys or
    /// unsupported architectures (with the supported list).
    static ModelConfig fromJson(const QJsonObject &json, const QString &source);
    /// Serializes back to a HF config.json (used when writing checkpoints).
    QJsonObject toJson() const;
    /// Total parameter count implied by the shapes (embeddings counted once when tied).
    qint64 parameterCount() const;

    /// Field-by-field equality (used to check that toJson/fromJson round-trip).
    bool operator==(const ModelConfig &other) const;
    bool operator!=(const ModelConfig &other) const { return !(*this == other); }
};

/// "LlamaForCausalLM" etc.
QString architectureName(Architecture architecture);
/// The architecture names fromJson accepts, comma-separated (for messages).
QString supportedArchitectures();

} // namespace nwc
