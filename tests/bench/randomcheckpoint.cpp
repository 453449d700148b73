// Streaming writer of random-weight safetensors checkpoints at real configurations.
#include "randomcheckpoint.h"

#include "jobs/error.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <cstdio>
#include <random>

namespace nwc::bench {

namespace {

ModelConfig shapeConfig(int hidden, int inner, int layers, int heads, int kvHeads, int vocab,
                        int positions) {
    return ModelConfig::withShape({hidden, inner, layers, heads, kvHeads, vocab, positions});
}

/// Values drawn once and reused at random offsets: a tensor's bytes are copied from a pool of
/// 4 Mi values instead of drawn one by one, so gigabytes are written at disk speed.
class ValuePool {
public:
    ValuePool(DType dtype, uint64_t seed, double mean)
        : m_dtype(dtype)
        , m_rng(seed) {
        std::normal_distribution<float> normal(0.0f, 0.02f);
        std::vector<float> values(kPoolValues);
        for (float &v : values)
            v = float(mean) + normal(m_rng);
        m_bytes.resize(qsizetype(kPoolValues) * dtypeSize(dtype));
        convertFromFloat32(values.data(), values.size(), dtype, m_bytes.data());
    }

    /// Writes `count` values to `file`.
    void write(QSaveFile &file, qint64 count) {
        const int size = dtypeSize(m_dtype);
        std::uniform_int_distribution<qint64> offset(0, kPoolValues / 2);
        while (count > 0) {
            const qint64 run = std::min<qint64>(count, kPoolValues / 2);
            const qint64 start = offset(m_rng);
            if (file.write(m_bytes.constData() + start * size, run * size) != run * size)
                throw Error(QStringLiteral("%1: cannot write: %2")
                                .arg(file.fileName(), file.errorString()));
            count -= run;
        }
    }

private:
    static constexpr qint64 kPoolValues = qint64(4) << 20;
    DType m_dtype;
    std::mt19937_64 m_rng;
    QByteArray m_bytes;
};

QJsonArray shapeJson(const QVector<qint64> &shape) {
    QJsonArray array;
    for (qint64 d : shape)
        array.append(d);
    return array;
}

qint64 elements(const QVector<qint64> &shape) {
    qint64 n = 1;
    for (qint64 d : shape)
        n *= d;
    return n;
}

} // namespace

std::vector<RealShape> realShapes() {
    std::vector<RealShape> shapes;
    ModelConfig smol = shapeConfig(576, 1536, 30, 9, 3, 49152, 8192);
    smol.tieWordEmbeddings = true;
    smol.ropeTheta = 100000;
    shapes.push_back({QStringLiteral("SmolLM2-135M"), smol});
    ModelConfig qwen = shapeConfig(896, 4864, 24, 14, 2, 151936, 32768);
    qwen.architecture = Architecture::Qwen2;
    qwen.architectureName = QStringLiteral("Qwen2ForCausalLM");
    qwen.tieWordEmbeddings = true;
    qwen.attentionBias = true;
    qwen.ropeTheta = 1000000;
    qwen.rmsNormEps = 1e-6;
    shapes.push_back({QStringLiteral("Qwen2.5-0.5B"), qwen});
    shapes.push_back(
        {QStringLiteral("TinyLlama-1.1B"), shapeConfig(2048, 5632, 22, 32, 4, 32000, 2048)});
    shapes.push_back(
        {QStringLiteral("Llama-2-7B"), shapeConfig(4096, 11008, 32, 32, 32, 32000, 4096)});
    return shapes;
}

std::vector<std::pair<QString, QVector<qint64>>> llamaTensorLayout(const ModelConfig &c) {
    std::vector<std::pair<QString, QVector<qint64>>> layout;
    const qint64 hidden = c.hiddenSize;
    const qint64 headDim = c.headDim > 0 ? c.headDim : hidden / c.numHeads;
    const qint64 q = c.numHeads * headDim;
    const qint64 kv = c.numKvHeads * headDim;
    layout.push_back({QStringLiteral("model.embed_tokens.weight"), {c.vocabSize, hidden}});
    for (int l = 0; l < c.numLayers; ++l) {
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        layout.push_back({p + QStringLiteral("input_layernorm.weight"), {hidden}});
        layout.push_back({p + QStringLiteral("self_attn.q_proj.weight"), {q, hidden}});
        layout.push_back({p + QStringLiteral("self_attn.k_proj.weight"), {kv, hidden}});
        layout.push_back({p + QStringLiteral("self_attn.v_proj.weight"), {kv, hidden}});
        if (c.attentionBias) {
            layout.push_back({p + QStringLiteral("self_attn.q_proj.bias"), {q}});
            layout.push_back({p + QStringLiteral("self_attn.k_proj.bias"), {kv}});
            layout.push_back({p + QStringLiteral("self_attn.v_proj.bias"), {kv}});
        }
        layout.push_back({p + QStringLiteral("self_attn.o_proj.weight"), {hidden, q}});
        layout.push_back({p + QStringLiteral("post_attention_layernorm.weight"), {hidden}});
        layout.push_back(
            {p + QStringLiteral("mlp.gate_proj.weight"), {c.intermediateSize, hidden}});
        layout.push_back({p + QStringLiteral("mlp.up_proj.weight"), {c.intermediateSize, hidden}});
        layout.push_back(
            {p + QStringLiteral("mlp.down_proj.weight"), {hidden, c.intermediateSize}});
    }
    layout.push_back({QStringLiteral("model.norm.weight"), {hidden}});
    if (!c.tieWordEmbeddings)
        layout.push_back({QStringLiteral("lm_head.weight"), {c.vocabSize, hidden}});
    return layout;
}

void writeRandomCheckpoint(const QString &folder, const ModelConfig &config, DType dtype,
                           uint64_t seed, const QStringList &tokenizerFiles) {
    if (!QDir().mkpath(folder))
        throw Error(QStringLiteral("%1: cannot create the folder").arg(folder));
    QSaveFile json(folder + QStringLiteral("/config.json"));
    if (!json.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("%1: cannot write").arg(json.fileName()));
    QJsonObject configObject = config.toJson();
    configObject[QStringLiteral("torch_dtype")] =
        dtype == DType::BF16
            ? QStringLiteral("bfloat16")
            : (dtype == DType::F16 ? QStringLiteral("float16") : QStringLiteral("float32"));
    json.write(QJsonDocument(configObject).toJson());
    if (!json.commit())
        throw Error(QStringLiteral("%1: cannot write").arg(json.fileName()));

    const auto layout = llamaTensorLayout(config);
    QJsonObject header;
    qint64 offset = 0;
    for (const auto &[name, shape] : layout) {
        const qint64 bytes = elements(shape) * dtypeSize(dtype);
        QJsonObject entry;
        entry[QStringLiteral("dtype")] = dtypeName(dtype);
        entry[QStringLiteral("shape")] = shapeJson(shape);
        entry[QStringLiteral("data_offsets")] = QJsonArray{offset, offset + bytes};
        header[name] = entry;
        offset += bytes;
    }
    header[QStringLiteral("__metadata__")] =
        QJsonObject{{QStringLiteral("format"), QStringLiteral("pt")},
                    {QStringLiteral("generator"), QStringLiteral("nwc bench (random weights)")}};
    QByteArray headerBytes = QJsonDocument(header).toJson(QJsonDocument::Compact);
    while (headerBytes.size() % 8 != 0)
        headerBytes.append(' ');

    QSaveFile file(folder + QStringLiteral("/model.safetensors"));
    if (!file.open(QIODevice::WriteOnly))
        throw Error(
            QStringLiteral("%1: cannot write: %2").arg(file.fileName(), file.errorString()));
    const quint64 length = quint64(headerBytes.size());
    char prefix[8];
    for (int i = 0; i < 8; ++i)
        prefix[i] = char((length >> (8 * i)) & 0xff);
    file.write(prefix, 8);
    file.write(headerBytes);
    ValuePool weights(dtype, seed, 0.0);
    ValuePool norms(dtype, seed + 1, 1.0);
    for (const auto &[name, shape] : layout) {
        const bool norm = name.endsWith(QLatin1String("norm.weight"));
        (norm ? norms : weights).write(file, elements(shape));
    }
    if (!file.commit())
        throw Error(
            QStringLiteral("%1: cannot write: %2").arg(file.fileName(), file.errorString()));

    for (const QString &tokenizer : tokenizerFiles) {
        const QString target = folder + QLatin1Char('/') + QFileInfo(tokenizer).fileName();
        QFile::remove(target);
        if (!QFile::copy(tokenizer, target))
            throw Error(QStringLiteral("cannot copy %1 to %2").arg(tokenizer, target));
    }
}

QStringList tokenizerFilesFor(const ModelConfig &config, const QString &externalDir) {
    if (config.architecture == Architecture::Qwen2)
        return {externalDir + QStringLiteral("/qwen3-tokenizer/tokenizer.json"),
                externalDir + QStringLiteral("/qwen3-tokenizer/tokenizer_config.json")};
    return {externalDir + QStringLiteral("/llama2-tokenizer-karpathy/tokenizer.model")};
}

QString ensureRandomCheckpoint(const QString &root, const RealShape &shape,
                               const QString &externalDir) {
    const QString folder = root + QLatin1Char('/') + shape.name;
    if (!QFileInfo::exists(folder + QStringLiteral("/model.safetensors"))) {
        QElapsedTimer timer;
        timer.start();
        writeRandomCheckpoint(folder, shape.config, DType::BF16, 1234,
                              tokenizerFilesFor(shape.config, externalDir));
        std::fprintf(stderr, "%s: wrote a random bf16 checkpoint in %.1f s\n",
                     qPrintable(shape.name), double(timer.elapsed()) / 1e3);
    }
    return folder;
}

} // namespace nwc::bench
