#include "io/modelconfig.h"

#include "jobs/mismatcherror.h"

#include <QJsonArray>
#include <QStringList>
#include <cmath>
#include <limits>

namespace nwc {

namespace {

/// Typed access to config.json keys with messages that name the file and the key.
class ConfigReader {
public:
    ConfigReader(const QJsonObject &json, const QString &source)
        : m_json(json)
        , m_source(source) {}

    [[noreturn]] void fail(const QString &what) const {
        throw Error(QStringLiteral("%1: %2").arg(m_source, what));
    }

    bool has(const char *key) const {
        const QJsonValue value = m_json.value(QLatin1String(key));
        return !value.isUndefined() && !value.isNull();
    }

    QJsonValue value(const char *key) const { return m_json.value(QLatin1String(key)); }

    /// A reader for a nested object whose messages still name this file.
    ConfigReader nested(const QJsonObject &json) const { return ConfigReader(json, m_source); }

    int integer(const char *key, int fallback, bool required = false) const {
        if (!has(key)) {
            if (required)
                fail(QStringLiteral("the required integer \"%1\" is missing. Check that this is "
                                    "a complete Hugging Face config.json.")
                         .arg(QLatin1String(key)));
            return fallback;
        }
        return toInt(value(key), key);
    }

    int toInt(const QJsonValue &value, const char *key) const {
        const double number = value.toDouble(std::numeric_limits<double>::quiet_NaN());
        if (!value.isDouble() || number != std::floor(number) ||
            std::fabs(number) > std::numeric_limits<int>::max())
            fail(QStringLiteral("\"%1\" must be an integer.").arg(QLatin1String(key)));
        return static_cast<int>(number);
    }

    int positive(const char *key, int fallback, bool required = false) const {
        const int result = integer(key, fallback, required);
        if (result <= 0)
            fail(QStringLiteral("\"%1\" must be positive, not %2.")
                     .arg(QLatin1String(key))
                     .arg(result));
        return result;
    }

    double number(const char *key, double fallback) const {
        if (!has(key))
            return fallback;
        if (!value(key).isDouble())
            fail(QStringLiteral("\"%1\" must be a number.").arg(QLatin1String(key)));
        return value(key).toDouble();
    }

    bool boolean(const char *key, bool fallback) const {
        if (!has(key))
            return fallback;
        if (!value(key).isBool())
            fail(QStringLiteral("\"%1\" must be true or false.").arg(QLatin1String(key)));
        return value(key).toBool();
    }

    QString string(const char *key, const QString &fallback) const {
        if (!has(key))
            return fallback;
        if (!value(key).isString())
            fail(QStringLiteral("\"%1\" must be a string.").arg(QLatin1String(key)));
        return value(key).toString();
    }

    /// A token id that may be given as a number or a list (the first entry is taken).
    int tokenId(const char *key, int fallback) const {
        if (!has(key))
            return fallback;
        QJsonValue id = value(key);
        if (id.isArray()) {
            const QJsonArray array = id.toArray();
            if (array.isEmpty())
                return fallback;
            id = array.first();
        }
        const int result = toInt(id, key);
        // -1 stands for "none" inside and is written back as null, which reads as the default.
        if (result < 0)
            fail(QStringLiteral("\"%1\" must be a token id (0 or more), not %2.")
                     .arg(QLatin1String(key))
                     .arg(result));
        return result;
    }

private:
    QJsonObject m_json;
    QString m_source;
};

struct ArchitectureName {
    Architecture architecture;
    const char *name;
    const char *modelType;
};

const ArchitectureName Architectures[] = {
    {Architecture::Llama, "LlamaForCausalLM", "llama"},
    {Architecture::Mistral, "MistralForCausalLM", "mistral"},
    {Architecture::Qwen2, "Qwen2ForCausalLM", "qwen2"},
    {Architecture::Gpt2, "GPT2LMHeadModel", "gpt2"},
};

const char *modelType(Architecture architecture) {
    for (const ArchitectureName &entry : Architectures) {
        if (entry.architecture == architecture)
            return entry.modelType;
    }
    return "llama";
}

void readRopeScaling(const ConfigReader &reader, ModelConfig *config) {
    if (!reader.has("rope_scaling"))
        return;
    const QJsonValue value = reader.value("rope_scaling");
    if (!value.isObject())
        reader.fail(QStringLiteral("\"rope_scaling\" must be an object or null."));
    const ConfigReader scaling = reader.nested(value.toObject());
    QString type = scaling.string("rope_type", QString());
    if (type.isEmpty())
        type = scaling.string("type", QString());
    if (type.isEmpty() || type == QLatin1String("default"))
        return;
    if (type != QLatin1String("llama3"))
        reader.fail(QStringLiteral("rope_scaling type \"%1\" is not supported; supported are no "
                                   "scaling and \"llama3\". Use a model without this RoPE "
                                   "scaling.")
                        .arg(type));
    if (!scaling.has("factor") || !scaling.has("original_max_position_embeddings"))
        reader.fail(QStringLiteral("rope_scaling of type llama3 needs \"factor\" and "
                                   "\"original_max_position_embeddings\"."));
    config->ropeScalingType = type;
    config->ropeFactor = scaling.number("factor", 1.0);
    config->ropeLowFreqFactor = scaling.number("low_freq_factor", 1.0);
    config->ropeHighFreqFactor = scaling.number("high_freq_factor", 4.0);
    config->ropeOriginalMaxPositions = scaling.integer("original_max_position_embeddings", 8192);
    if (config->ropeFactor <= 0 || config->ropeHighFreqFactor <= config->ropeLowFreqFactor ||
        config->ropeOriginalMaxPositions <= 0)
        reader.fail(QStringLiteral("rope_scaling (llama3) needs factor > 0, high_freq_factor > "
                                   "low_freq_factor and original_max_position_embeddings > 0."));
}

void readLlamaFamily(const ConfigReader &reader, ModelConfig *config) {
    const bool qwen2 = config->architecture == Architecture::Qwen2;
    config->hiddenSize = reader.positive("hidden_size", 0, true);
    config->intermediateSize = reader.positive("intermediate_size", 0, true);
    config->numLayers = reader.positive("num_hidden_layers", 0, true);
    config->numHeads = reader.positive("num_attention_heads", 0, true);
    config->numKvHeads = reader.positive("num_key_value_heads", config->numHeads);
    config->vocabSize = reader.positive("vocab_size", 0, true);
    if (reader.has("head_dim")) {
        config->headDim = reader.positive("head_dim", 0);
    } else {
        if (config->hiddenSize % config->numHeads != 0)
            reader.fail(QStringLiteral("hidden_size %1 is not divisible by num_attention_heads "
                                       "%2 and no head_dim is given.")
                            .arg(config->hiddenSize)
                            .arg(config->numHeads));
        config->headDim = config->hiddenSize / config->numHeads;
    }
    if (config->numHeads % config->numKvHeads != 0)
        reader.fail(QStringLiteral("num_attention_heads %1 is not a multiple of "
                                   "num_key_value_heads %2.")
                        .arg(config->numHeads)
                        .arg(config->numKvHeads));
    if (config->headDim % 2 != 0)
        reader.fail(
            QStringLiteral("the head dimension %1 must be even for RoPE.").arg(config->headDim));
    config->maxPositions = reader.positive("max_position_embeddings", qwen2 ? 32768 : 2048);
    config->rmsNormEps = reader.number("rms_norm_eps", 1e-6);
    config->ropeTheta = reader.number("rope_theta", 10000.0);
    config->tieWordEmbeddings = reader.boolean("tie_word_embeddings", false);
    config->attentionBias = reader.boolean("attention_bias", qwen2);
    config->mlpBias = reader.boolean("mlp_bias", false);
    config->hiddenAct = reader.string("hidden_act", QStringLiteral("silu"));
    config->bosTokenId = reader.tokenId("bos_token_id", -1);
    config->eosTokenId = reader.tokenId("eos_token_id", -1);
    if (config->architecture == Architecture::Mistral) {
        config->slidingWindow =
            reader.has("sliding_window") ? reader.positive("sliding_window", 0) : 0;
    } else if (qwen2 && reader.boolean("use_sliding_window", false)) {
        config->slidingWindow = reader.positive("sliding_window", 0, true);
    }
    readRopeScaling(reader, config);
}

void readGpt2(const ConfigReader &reader, ModelConfig *config) {
    config->hiddenSize = reader.positive("n_embd", 768);
    config->numLayers = reader.positive("n_layer", 12);
    config->numHeads = reader.positive("n_head", 12);
    config->numKvHeads = config->numHeads;
    if (reader.has("n_inner")) {
        config->intermediateSize = reader.positive("n_inner", 0);
    } else if (config->hiddenSize > std::numeric_limits<int>::max() / 4) {
        reader.fail(QStringLiteral("n_embd %1 is too large for the default n_inner (4 x n_embd).")
                        .arg(config->hiddenSize));
    } else {
        config->intermediateSize = 4 * config->hiddenSize;
    }
    config->vocabSize = reader.positive("vocab_size", 50257);
    config->maxPositions = reader.positive("n_positions", 1024);
    if (config->hiddenSize % config->numHeads != 0)
        reader.fail(QStringLiteral("n_embd %1 is not divisible by n_head %2.")
                        .arg(config->hiddenSize)
                        .arg(config->numHeads));
    config->headDim = config->hiddenSize / config->numHeads;
    config->rmsNormEps = reader.number("layer_norm_epsilon", 1e-5);
    config->hiddenAct = reader.string("activation_function", QStringLiteral("gelu_new"));
    config->tieWordEmbeddings = true;
    config->attentionBias = true;
    config->mlpBias = true;
    config->bosTokenId = reader.tokenId("bos_token_id", 50256);
    config->eosTokenId = reader.tokenId("eos_token_id", 50256);
}

/// More parameters than any model has (about 10^15); larger sizes come from damaged files.
constexpr double kMaxParameters = double(qint64(1) << 50);

/// The parameters a configuration implies, computed in `Number` (qint64 for the count; double
/// to check, without overflow, that a configuration read from a file stays below
/// kMaxParameters, which also keeps every qint64 product here in range).
template <typename Number> Number countParameters(const ModelConfig &config) {
    const Number hidden = config.hiddenSize;
    const Number inner = config.intermediateSize;
    const Number embeddings = Number(config.vocabSize) * hidden;
    if (config.architecture == Architecture::Gpt2) {
        const Number perLayer = 2 * hidden                         // ln_1
                                + hidden * 3 * hidden + 3 * hidden // c_attn
                                + hidden * hidden + hidden         // attn.c_proj
                                + 2 * hidden                       // ln_2
                                + hidden * inner + inner           // mlp.c_fc
                                + inner * hidden + hidden;         // mlp.c_proj
        return embeddings + Number(config.maxPositions) * hidden +
               Number(config.numLayers) * perLayer + 2 * hidden;
    }
    const Number qDim = Number(config.numHeads) * config.headDim;
    const Number kvDim = Number(config.numKvHeads) * config.headDim;
    Number attention = hidden * qDim + 2 * hidden * kvDim + qDim * hidden;
    if (config.attentionBias) {
        attention += qDim + 2 * kvDim;
        if (config.architecture != Architecture::Qwen2) // Qwen2's o_proj never has a bias
            attention += hidden;
    }
    Number mlp = 3 * hidden * inner;
    if (config.mlpBias)
        mlp += 2 * inner + hidden;
    const Number perLayer = attention + mlp + 2 * hidden;
    return embeddings + Number(config.numLayers) * perLayer + hidden +
           (config.tieWordEmbeddings ? 0 : embeddings);
}

QJsonValue tokenIdValue(int id) {
    return id < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(id);
}

} // namespace

QString architectureName(Architecture architecture) {
    for (const ArchitectureName &entry : Architectures) {
        if (entry.architecture == architecture)
            return QLatin1String(entry.name);
    }
    return QString();
}

QString supportedArchitectures() {
    QStringList names;
    for (const ArchitectureName &entry : Architectures)
        names.append(QLatin1String(entry.name));
    return names.join(QStringLiteral(", "));
}

ModelConfig ModelConfig::fromJson(const QJsonObject &json, const QString &source) {
    const ConfigReader reader(json, source);
    QString name;
    const QJsonValue architectures = json.value(QLatin1String("architectures"));
    if (architectures.isArray() && !architectures.toArray().isEmpty())
        name = architectures.toArray().first().toString();
    const QString type = reader.string("model_type", QString());

    ModelConfig config;
    bool found = false;
    for (const ArchitectureName &entry : Architectures) {
        if ((!name.isEmpty() && name == QLatin1String(entry.name)) ||
            (name.isEmpty() && type == QLatin1String(entry.modelType))) {
            config.architecture = entry.architecture;
            config.architectureName = QLatin1String(entry.name);
            found = true;
            break;
        }
    }
    if (!found) {
        const QString what = !name.isEmpty()   ? name
                             : !type.isEmpty() ? QStringLiteral("model_type ") + type
                                               : QStringLiteral("(no \"architectures\")");
        throw MismatchError(
            MismatchKind::UnsupportedArchitecture,
            QStringLiteral("%1: architecture %2 is not supported. Supported architectures: %3.")
                .arg(source, what, supportedArchitectures()),
            QStringLiteral("config: %1\n\"architectures\": %2\n\"model_type\": %3\n"
                           "supported: %4")
                .arg(source, name.isEmpty() ? QStringLiteral("(absent)") : name,
                     type.isEmpty() ? QStringLiteral("(absent)") : type,
                     supportedArchitectures()));
    }
    if (config.architecture == Architecture::Gpt2)
        readGpt2(reader, &config);
    else
        readLlamaFamily(reader, &config);
    const double parameters = countParameters<double>(config);
    if (parameters > kMaxParameters)
        reader.fail(QStringLiteral("the sizes describe a model of %1 parameters, more than any "
                                   "real model; the file is damaged.")
                        .arg(parameters, 0, 'g', 3));
    return config;
}

QJsonObject ModelConfig::toJson() const {
    QJsonObject json;
    json[QLatin1String("architectures")] = QJsonArray{nwc::architectureName(architecture)};
    json[QLatin1String("model_type")] = QLatin1String(modelType(architecture));
    json[QLatin1String("vocab_size")] = vocabSize;
    json[QLatin1String("bos_token_id")] = tokenIdValue(bosTokenId);
    json[QLatin1String("eos_token_id")] = tokenIdValue(eosTokenId);
    json[QLatin1String("tie_word_embeddings")] = tieWordEmbeddings;
    if (architecture == Architecture::Gpt2) {
        json[QLatin1String("n_embd")] = hiddenSize;
        json[QLatin1String("n_layer")] = numLayers;
        json[QLatin1String("n_head")] = numHeads;
        json[QLatin1String("n_inner")] = intermediateSize;
        json[QLatin1String("n_positions")] = maxPositions;
        json[QLatin1String("layer_norm_epsilon")] = rmsNormEps;
        json[QLatin1String("activation_function")] = hiddenAct;
        return json;
    }
    json[QLatin1String("hidden_size")] = hiddenSize;
    json[QLatin1String("intermediate_size")] = intermediateSize;
    json[QLatin1String("num_hidden_layers")] = numLayers;
    json[QLatin1String("num_attention_heads")] = numHeads;
    json[QLatin1String("num_key_value_heads")] = numKvHeads;
    json[QLatin1String("head_dim")] = headDim;
    json[QLatin1String("max_position_embeddings")] = maxPositions;
    json[QLatin1String("rms_norm_eps")] = rmsNormEps;
    json[QLatin1String("rope_theta")] = ropeTheta;
    json[QLatin1String("attention_bias")] = attentionBias;
    json[QLatin1String("mlp_bias")] = mlpBias;
    json[QLatin1String("hidden_act")] = hiddenAct;
    if (ropeScalingType.isEmpty()) {
        json[QLatin1String("rope_scaling")] = QJsonValue(QJsonValue::Null);
    } else {
        QJsonObject scaling;
        scaling[QLatin1String("rope_type")] = ropeScalingType;
        scaling[QLatin1String("factor")] = ropeFactor;
        scaling[QLatin1String("low_freq_factor")] = ropeLowFreqFactor;
        scaling[QLatin1String("high_freq_factor")] = ropeHighFreqFactor;
        scaling[QLatin1String("original_max_position_embeddings")] = ropeOriginalMaxPositions;
        json[QLatin1String("rope_scaling")] = scaling;
    }
    if (architecture == Architecture::Mistral) {
        json[QLatin1String("sliding_window")] =
            slidingWindow > 0 ? QJsonValue(slidingWindow) : QJsonValue(QJsonValue::Null);
    } else if (architecture == Architecture::Qwen2) {
        json[QLatin1String("use_sliding_window")] = slidingWindow > 0;
        json[QLatin1String("sliding_window")] =
            slidingWindow > 0 ? QJsonValue(slidingWindow) : QJsonValue(QJsonValue::Null);
    }
    return json;
}

ModelConfig ModelConfig::withShape(const ModelShape &shape, Architecture architecture) {
    ModelConfig config;
    config.architecture = architecture;
    config.architectureName = nwc::architectureName(architecture);
    config.hiddenSize = shape.hiddenSize;
    config.intermediateSize = shape.intermediateSize;
    config.numLayers = shape.numLayers;
    config.numHeads = shape.numHeads;
    config.numKvHeads = shape.numKvHeads;
    config.headDim = shape.numHeads > 0 ? shape.hiddenSize / shape.numHeads : 0;
    config.vocabSize = shape.vocabSize;
    config.maxPositions = shape.maxPositions;
    return config;
}

qint64 ModelConfig::parameterCount() const {
    return countParameters<qint64>(*this);
}

bool ModelConfig::operator==(const ModelConfig &o) const {
    return architecture == o.architecture && architectureName == o.architectureName &&
           hiddenSize == o.hiddenSize && intermediateSize == o.intermediateSize &&
           numLayers == o.numLayers && numHeads == o.numHeads && numKvHeads == o.numKvHeads &&
           headDim == o.headDim && vocabSize == o.vocabSize && maxPositions == o.maxPositions &&
           rmsNormEps == o.rmsNormEps && ropeTheta == o.ropeTheta &&
           ropeScalingType == o.ropeScalingType && ropeFactor == o.ropeFactor &&
           ropeLowFreqFactor == o.ropeLowFreqFactor && ropeHighFreqFactor == o.ropeHighFreqFactor &&
           ropeOriginalMaxPositions == o.ropeOriginalMaxPositions &&
           tieWordEmbeddings == o.tieWordEmbeddings && attentionBias == o.attentionBias &&
           mlpBias == o.mlpBias && hiddenAct == o.hiddenAct && bosTokenId == o.bosTokenId &&
           eosTokenId == o.eosTokenId && slidingWindow == o.slidingWindow;
}

} // namespace nwc
