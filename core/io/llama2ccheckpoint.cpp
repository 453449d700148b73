#include "io/llama2ccheckpoint.h"

#include "io/mappedfile.h"
#include "jobs/error.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace nwc {

namespace {

constexpr quint64 LegacyHeaderBytes = 7 * 4;
constexpr quint64 Version1HeaderBytes = 256;

[[noreturn]] void tooLarge(const QString &path) {
    throw Error(QStringLiteral("%1: the llama2.c header describes a model too large to address; "
                               "the file is corrupt or not a llama2.c checkpoint.")
                    .arg(path));
}

/// Checked a * b for sizes derived from header fields.
quint64 multiply(quint64 a, quint64 b, const QString &path) {
    quint64 result = 0;
    if (__builtin_mul_overflow(a, b, &result))
        tooLarge(path);
    return result;
}

/// Hands out consecutive blocks of float32 values with checked arithmetic.
class Cursor {
public:
    Cursor(quint64 start, const QString &path)
        : m_position(start)
        , m_path(path) {}
    /// Returns the offset of a block of `count` floats and moves past it.
    quint64 take(quint64 count) {
        const quint64 offset = m_position;
        const quint64 bytes = multiply(count, 4, m_path);
        if (__builtin_add_overflow(m_position, bytes, &m_position))
            tooLarge(m_path);
        return offset;
    }
    quint64 position() const { return m_position; }

private:
    quint64 m_position;
    QString m_path;
};

} // namespace

Llama2cCheckpoint::Llama2cCheckpoint(const QString &path, const QString &source,
                                     const QString &displayName)
    : StoredCheckpoint(source, displayName)
    , m_path(path) {}

Llama2cCheckpoint::~Llama2cCheckpoint() = default;

std::shared_ptr<const Llama2cCheckpoint>
Llama2cCheckpoint::open(const QString &path, const QString &source, const QString &displayName) {
    std::shared_ptr<Llama2cCheckpoint> checkpoint(new Llama2cCheckpoint(path, source, displayName));
    checkpoint->m_file = std::make_unique<MappedFile>(path);
    checkpoint->readHeader();
    checkpoint->validateHeader();
    checkpoint->addTensors(checkpoint->layoutOffsets());
    checkpoint->synthesizeConfig();
    checkpoint->findTokenizer();
    return checkpoint;
}

void Llama2cCheckpoint::readHeader() {
    const uchar *data = m_file->data();
    const quint64 size = static_cast<quint64>(m_file->size());
    if (size < LegacyHeaderBytes)
        throw Error(QStringLiteral("%1: only %2 bytes, too short for a llama2.c header. The file "
                                   "is truncated or not a llama2.c checkpoint.")
                        .arg(m_path)
                        .arg(size));
    const quint32 magic = qFromLittleEndian<quint32>(data);
    const uchar *fields = data;
    if (magic == Magic) {
        if (size < Version1HeaderBytes)
            throw Error(QStringLiteral("%1: the llama2.c header is cut short (%2 of 256 bytes). "
                                       "The file is truncated.")
                            .arg(m_path)
                            .arg(size));
        m_version = qFromLittleEndian<qint32>(data + 4);
        if (m_version == 2)
            throw Error(QStringLiteral("%1: this is an int8-quantized (Q8_0, version 2) llama2.c "
                                       "checkpoint, which is not supported. Export the model "
                                       "again in float32 with llama2.c's export.py --version 1 "
                                       "(or 0).")
                            .arg(m_path));
        if (m_version != 1)
            throw Error(QStringLiteral("%1: unknown llama2.c checkpoint version %2; only the "
                                       "float32 versions 0 and 1 are supported.")
                            .arg(m_path)
                            .arg(m_version));
        fields = data + 8;
        m_dataStart = Version1HeaderBytes;
    } else {
        m_version = 0;
        m_dataStart = LegacyHeaderBytes;
    }
    m_header.dim = qFromLittleEndian<qint32>(fields);
    m_header.hiddenDim = qFromLittleEndian<qint32>(fields + 4);
    m_header.numLayers = qFromLittleEndian<qint32>(fields + 8);
    m_header.numHeads = qFromLittleEndian<qint32>(fields + 12);
    m_header.numKvHeads = qFromLittleEndian<qint32>(fields + 16);
    const qint32 vocab = qFromLittleEndian<qint32>(fields + 20);
    m_header.seqLen = qFromLittleEndian<qint32>(fields + 24);
    if (m_version == 0) {
        // Legacy files flag an unshared classifier with a negative vocabulary size.
        m_header.sharedClassifier = vocab > 0;
        m_header.vocabSize = vocab == std::numeric_limits<qint32>::min() ? 0 : std::abs(vocab);
    } else {
        m_header.vocabSize = vocab;
        m_header.sharedClassifier = data[36] != 0;
    }
}

void Llama2cCheckpoint::validateHeader() const {
    const Header &h = m_header;
    const auto fields = QStringLiteral("dim=%1, hidden_dim=%2, n_layers=%3, n_heads=%4, "
                                       "n_kv_heads=%5, vocab_size=%6, seq_len=%7")
                            .arg(h.dim)
                            .arg(h.hiddenDim)
                            .arg(h.numLayers)
                            .arg(h.numHeads)
                            .arg(h.numKvHeads)
                            .arg(h.vocabSize)
                            .arg(h.seqLen);
    const bool positive = h.dim > 0 && h.hiddenDim > 0 && h.numLayers > 0 && h.numHeads > 0 &&
                          h.numKvHeads > 0 && h.vocabSize > 0 && h.seqLen > 0;
    if (!positive || h.dim % h.numHeads != 0 || h.numHeads % h.numKvHeads != 0 ||
        (h.dim / h.numHeads) % 2 != 0)
        throw Error(QStringLiteral("%1: invalid llama2.c header (%2): sizes must be positive, dim "
                                   "a multiple of n_heads with an even head size, and n_heads a "
                                   "multiple of n_kv_heads. The file is corrupt or not a llama2.c "
                                   "checkpoint.")
                        .arg(m_path, fields));
}

Llama2cCheckpoint::Offsets Llama2cCheckpoint::layoutOffsets() const {
    const Header &h = m_header;
    const quint64 dim = static_cast<quint64>(h.dim);
    const quint64 hidden = static_cast<quint64>(h.hiddenDim);
    const quint64 layers = static_cast<quint64>(h.numLayers);
    const quint64 vocab = static_cast<quint64>(h.vocabSize);
    const quint64 headSize = dim / static_cast<quint64>(h.numHeads);
    const quint64 kvDim = headSize * static_cast<quint64>(h.numKvHeads);
    const quint64 fileSize = static_cast<quint64>(m_file->size());
    const auto perLayer = [&](quint64 rows, quint64 columns) {
        return multiply(layers, multiply(rows, columns, m_path), m_path);
    };
    const QString classifier =
        h.sharedClassifier ? QStringLiteral("shared") : QStringLiteral("separate");

    Offsets o;
    Cursor cursor(m_dataStart, m_path);
    if (m_version == 0) {
        o.embed = cursor.take(multiply(vocab, dim, m_path));
        o.rmsAtt = cursor.take(perLayer(1, dim));
        o.wq = cursor.take(perLayer(dim, dim));
        o.wk = cursor.take(perLayer(kvDim, dim));
        o.wv = cursor.take(perLayer(kvDim, dim));
        o.wo = cursor.take(perLayer(dim, dim));
        o.rmsFfn = cursor.take(perLayer(1, dim));
        o.w1 = cursor.take(perLayer(hidden, dim));
        o.w2 = cursor.take(perLayer(dim, hidden));
        o.w3 = cursor.take(perLayer(hidden, dim));
        o.rmsFinal = cursor.take(dim);
        const quint64 withoutTables = cursor.position();
        const quint64 table = multiply(static_cast<quint64>(h.seqLen), headSize / 2, m_path);
        cursor.take(table); // freq_cis_real, unused: RoPE is recomputed
        cursor.take(table); // freq_cis_imag
        const quint64 withTables = cursor.position();
        const quint64 classifierBytes =
            h.sharedClassifier ? 0 : multiply(multiply(vocab, dim, m_path), 4, m_path);
        if (fileSize == withTables + classifierBytes)
            o.wcls = withTables;
        else if (fileSize == withoutTables + classifierBytes)
            o.wcls = withoutTables;
        else
            throw Error(QStringLiteral("%1: the file has %2 bytes, but its llama2.c header "
                                       "(version 0, %3 classifier) implies %4 bytes (or %5 "
                                       "without the RoPE tables). The file is truncated or "
                                       "corrupt; download or export it again.")
                            .arg(m_path)
                            .arg(fileSize)
                            .arg(classifier)
                            .arg(withTables + classifierBytes)
                            .arg(withoutTables + classifierBytes));
    } else {
        o.rmsAtt = cursor.take(perLayer(1, dim));
        o.rmsFfn = cursor.take(perLayer(1, dim));
        o.rmsFinal = cursor.take(dim);
        o.embed = cursor.take(multiply(vocab, dim, m_path));
        o.wq = cursor.take(perLayer(dim, dim));
        o.wk = cursor.take(perLayer(kvDim, dim));
        o.wv = cursor.take(perLayer(kvDim, dim));
        o.wo = cursor.take(perLayer(dim, dim));
        o.w1 = cursor.take(perLayer(hidden, dim));
        o.w2 = cursor.take(perLayer(dim, hidden));
        o.w3 = cursor.take(perLayer(hidden, dim));
        o.wcls = cursor.take(h.sharedClassifier ? 0 : multiply(vocab, dim, m_path));
        if (fileSize != cursor.position())
            throw Error(QStringLiteral("%1: the file has %2 bytes, but its llama2.c header "
                                       "(version 1, %3 classifier) implies %4 bytes. The file is "
                                       "truncated or corrupt; download or export it again.")
                            .arg(m_path)
                            .arg(fileSize)
                            .arg(classifier)
                            .arg(cursor.position()));
    }
    return o;
}

void Llama2cCheckpoint::addTensors(const Offsets &o) {
    const Header &h = m_header;
    const qint64 dim = h.dim;
    const qint64 hidden = h.hiddenDim;
    const qint64 kvDim = dim / h.numHeads * h.numKvHeads;
    const auto layerOffset = [](quint64 base, qint64 layer, qint64 count) {
        return base + static_cast<quint64>(layer * count) * 4;
    };
    const QString prefix = QStringLiteral("model.layers.%1.");

    addTensor(QStringLiteral("model.embed_tokens.weight"), {h.vocabSize, dim}, o.embed);
    for (qint64 l = 0; l < h.numLayers; ++l) {
        const QString p = prefix.arg(l);
        addTensor(p + QStringLiteral("input_layernorm.weight"), {dim},
                  layerOffset(o.rmsAtt, l, dim));
        addPermuted(p + QStringLiteral("self_attn.q_proj.weight"), dim, h.numHeads,
                    layerOffset(o.wq, l, dim * dim));
        addPermuted(p + QStringLiteral("self_attn.k_proj.weight"), kvDim, h.numKvHeads,
                    layerOffset(o.wk, l, kvDim * dim));
        addTensor(p + QStringLiteral("self_attn.v_proj.weight"), {kvDim, dim},
                  layerOffset(o.wv, l, kvDim * dim));
        addTensor(p + QStringLiteral("self_attn.o_proj.weight"), {dim, dim},
                  layerOffset(o.wo, l, dim * dim));
        addTensor(p + QStringLiteral("post_attention_layernorm.weight"), {dim},
                  layerOffset(o.rmsFfn, l, dim));
        addTensor(p + QStringLiteral("mlp.gate_proj.weight"), {hidden, dim},
                  layerOffset(o.w1, l, hidden * dim));
        addTensor(p + QStringLiteral("mlp.up_proj.weight"), {hidden, dim},
                  layerOffset(o.w3, l, hidden * dim));
        addTensor(p + QStringLiteral("mlp.down_proj.weight"), {dim, hidden},
                  layerOffset(o.w2, l, dim * hidden));
    }
    addTensor(QStringLiteral("model.norm.weight"), {dim}, o.rmsFinal);
    if (!h.sharedClassifier)
        addTensor(QStringLiteral("lm_head.weight"), {h.vocabSize, dim}, o.wcls);
}

void Llama2cCheckpoint::addTensor(const QString &name, const QVector<qint64> &shape,
                                  quint64 offset) {
    TensorInfo info;
    info.name = name;
    info.dtype = DType::F32;
    info.shape = shape;
    info.byteSize = static_cast<quint64>(info.elementCount()) * 4;
    appendTensor(info);
    Storage storage;
    storage.offset = offset;
    m_storage.append(storage);
}

void Llama2cCheckpoint::addPermuted(const QString &name, qint64 rows, qint64 heads,
                                    quint64 offset) {
    // Hugging Face's convert_llama_weights_to_hf.py permutation:
    // w.view(heads, headDim / 2, 2, columns).transpose(1, 2).reshape(rows, columns), i.e.
    // new row h*headDim + j*headDim/2 + i takes old row h*headDim + 2*i + j.
    const qint64 columns = m_header.dim;
    const qint64 headDim = rows / heads;
    const qint64 rowBytes = columns * 4;
    addTensor(name, {rows, columns}, offset);
    QByteArray &owned = m_storage.last().owned;
    owned.resize(static_cast<qsizetype>(rows * rowBytes));
    const uchar *source = m_file->data() + offset;
    for (qint64 h = 0; h < heads; ++h) {
        for (qint64 j = 0; j < 2; ++j) {
            for (qint64 i = 0; i < headDim / 2; ++i) {
                const qint64 to = h * headDim + j * (headDim / 2) + i;
                const qint64 from = h * headDim + 2 * i + j;
                std::memcpy(owned.data() + to * rowBytes, source + from * rowBytes,
                            static_cast<std::size_t>(rowBytes));
            }
        }
    }
}

void Llama2cCheckpoint::synthesizeConfig() {
    // llama2.c models are Llama 2: RMSNorm eps 1e-5, RoPE theta 10000, SwiGLU, BOS 1, EOS 2.
    const Header &h = m_header;
    ModelConfig config = ModelConfig::withShape(
        {h.dim, h.hiddenDim, h.numLayers, h.numHeads, h.numKvHeads, h.vocabSize, h.seqLen});
    config.rmsNormEps = 1e-5;
    config.ropeTheta = 10000.0;
    config.tieWordEmbeddings = h.sharedClassifier;
    config.bosTokenId = 1;
    config.eosTokenId = 2;
    QJsonObject json = config.toJson();
    json[QLatin1String("torch_dtype")] = QStringLiteral("float32");
    m_configJson = QJsonDocument(json).toJson(QJsonDocument::Indented);
    m_config = ModelConfig::fromJson(json, m_path);
}

void Llama2cCheckpoint::findTokenizer() {
    const QDir dir = QFileInfo(m_path).absoluteDir();
    const QStringList preferred = {QStringLiteral("tok%1.bin").arg(m_header.vocabSize),
                                   QStringLiteral("tokenizer.bin")};
    for (const QString &name : preferred) {
        if (QFileInfo(dir.filePath(name)).isFile()) {
            m_tokenizerPath = dir.filePath(name);
            return;
        }
    }
    const QStringList others = dir.entryList({QStringLiteral("tok*.bin")}, QDir::Files, QDir::Name);
    if (!others.isEmpty())
        m_tokenizerPath = dir.filePath(others.first());
}

const uchar *Llama2cCheckpoint::bytesOf(int index) const {
    const Storage &storage = m_storage.at(index);
    if (!storage.owned.isEmpty())
        return reinterpret_cast<const uchar *>(storage.owned.constData());
    return m_file->data() + storage.offset;
}

std::vector<float> Llama2cCheckpoint::readFloat32(const QString &name) const {
    const int index = requireTensorIndex(name);
    std::vector<float> values(static_cast<std::size_t>(tensors().at(index).elementCount()));
    convertToFloat32(bytesOf(index), DType::F32, values.size(), values.data());
    return values;
}

std::vector<float> Llama2cCheckpoint::readFloat32Range(const QString &name, qint64 first,
                                                       qint64 count) const {
    const int index = requireTensorIndex(name);
    requireElementRange(tensors().at(index), first, count, source());
    std::vector<float> values(static_cast<std::size_t>(count));
    convertToFloat32(bytesOf(index) + first * qint64(sizeof(float)), DType::F32, values.size(),
                     values.data());
    return values;
}

QByteArray Llama2cCheckpoint::readRaw(const QString &name) const {
    const int index = requireTensorIndex(name);
    return QByteArray(reinterpret_cast<const char *>(bytesOf(index)),
                      static_cast<qsizetype>(tensors().at(index).byteSize));
}

} // namespace nwc
