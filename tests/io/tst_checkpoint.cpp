// Checkpoint::open on Hugging Face directories (single and sharded), llama2.c files (real
// stories260K and synthetic version 0/1 files), pickle refusal and demo: specs.

#include "io/checkpoint.h"
#include "io/safetensorsfile.h"
#include "io/safetensorswriter.h"
#include "jobs/error.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <cstring>
#include <functional>
#include <map>

using namespace nwc;
using nwc::test::errorOf;
using nwc::test::writeFile;

namespace {

// QSKIP must run in the test function itself to end it, hence a macro.
#define REQUIRE_EXTERNAL(path)                                                                    \
    do {                                                                                          \
        if (!QFileInfo::exists(path))                                                             \
            QSKIP(qPrintable(QStringLiteral("external test data missing: %1").arg(path)));        \
    } while (false)

QString externalDir(const QString &name) {
    return QStringLiteral(NWC_EXTERNAL_DIR "/") + name;
}

QString tinyLlamaDir() {
    return externalDir(QStringLiteral("tiny-random-llama-2-hf"));
}

QString storiesPath() {
    return externalDir(QStringLiteral("llama2c-stories260K/stories260K.bin"));
}

/// "hidden H, inner I, layers L, heads Q/KV, head dim D, vocab V": the sizes of a config, to
/// compare in one assertion.
QString sizesOf(const ModelConfig &c) {
    return QStringLiteral("hidden %1, inner %2, layers %3, heads %4/%5, head dim %6, vocab %7")
        .arg(c.hiddenSize)
        .arg(c.intermediateSize)
        .arg(c.numLayers)
        .arg(c.numHeads)
        .arg(c.numKvHeads)
        .arg(c.headDim)
        .arg(c.vocabSize);
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

/// Float at float index `index` of the data after a llama2.c header of `headerBytes`.
float rawFloat(const QByteArray &file, qint64 headerBytes, qint64 index) {
    const quint32 bits = qFromLittleEndian<quint32>(file.constData() + headerBytes + 4 * index);
    float value;
    std::memcpy(&value, &bits, 4);
    return value;
}

/// A small llama2.c model with distinct values in every weight, written as version 0 or 1.
struct SyntheticLlama2c {
    qint32 dim = 8;
    qint32 hidden = 12;
    qint32 layers = 2;
    qint32 heads = 2;
    qint32 kvHeads = 1;
    qint32 vocab = 10;
    qint32 seqLen = 16;
    bool shared = false;
    std::map<QString, std::vector<float>> blocks; ///< llama2.c block name -> values

    qint32 headSize() const { return dim / heads; }
    qint32 kvDim() const { return headSize() * kvHeads; }

    void fill() {
        const std::pair<const char *, qint64> sizes[] = {
            {"embed", qint64(vocab) * dim},
            {"rms_att", qint64(layers) * dim},
            {"wq", qint64(layers) * dim * dim},
            {"wk", qint64(layers) * kvDim() * dim},
            {"wv", qint64(layers) * kvDim() * dim},
            {"wo", qint64(layers) * dim * dim},
            {"rms_ffn", qint64(layers) * dim},
            {"w1", qint64(layers) * hidden * dim},
            {"w2", qint64(layers) * dim * hidden},
            {"w3", qint64(layers) * hidden * dim},
            {"rms_final", dim},
            {"wcls", qint64(vocab) * dim},
        };
        float block = 1;
        for (const auto &[name, size] : sizes) {
            std::vector<float> values(static_cast<std::size_t>(size));
            for (qint64 i = 0; i < size; ++i)
                values[static_cast<std::size_t>(i)] = block * 10000.0f + static_cast<float>(i);
            blocks[QLatin1String(name)] = values;
            block += 1;
        }
    }

    static void append(QByteArray *out, const std::vector<float> &values) {
        for (float v : values) {
            char bytes[4];
            quint32 bits;
            std::memcpy(&bits, &v, 4);
            qToLittleEndian<quint32>(bits, bytes);
            out->append(bytes, 4);
        }
    }

    static void appendInt(QByteArray *out, qint32 value) {
        char bytes[4];
        qToLittleEndian<qint32>(value, bytes);
        out->append(bytes, 4);
    }

    QByteArray version0(bool withTables) const {
        QByteArray out;
        for (qint32 v : {dim, hidden, layers, heads, kvHeads, shared ? vocab : -vocab, seqLen})
            appendInt(&out, v);
        for (const char *name :
             {"embed", "rms_att", "wq", "wk", "wv", "wo", "rms_ffn", "w1", "w2", "w3", "rms_final"})
            append(&out, blocks.at(QLatin1String(name)));
        if (withTables) // freq_cis_real and freq_cis_imag
            append(&out, std::vector<float>(static_cast<std::size_t>(seqLen * headSize()), 0.5f));
        if (!shared)
            append(&out, blocks.at(QStringLiteral("wcls")));
        return out;
    }

    QByteArray version1(qint32 version = 1) const {
        QByteArray out;
        char magic[4];
        qToLittleEndian<quint32>(0x616b3432u, magic);
        out.append(magic, 4);
        appendInt(&out, version);
        for (qint32 v : {dim, hidden, layers, heads, kvHeads, vocab, seqLen})
            appendInt(&out, v);
        out.append(char(shared ? 1 : 0));
        out.append(256 - out.size(), '\0');
        for (const char *name :
             {"rms_att", "rms_ffn", "rms_final", "embed", "wq", "wk", "wv", "wo", "w1", "w2", "w3"})
            append(&out, blocks.at(QLatin1String(name)));
        if (!shared)
            append(&out, blocks.at(QStringLiteral("wcls")));
        return out;
    }

    /// Rows [layer] of a block with `rows` x `columns` per layer.
    std::vector<float> layer(const char *name, int l, qint64 rows, qint64 columns) const {
        const std::vector<float> &all = blocks.at(QLatin1String(name));
        const auto begin = all.begin() + l * rows * columns;
        return std::vector<float>(begin, begin + rows * columns);
    }

    /// HF rotate-half order from llama2.c's interleaved order, written as the view/transpose.
    static std::vector<float> toRotateHalf(const std::vector<float> &w, qint64 heads, qint64 rows,
                                           qint64 columns) {
        const qint64 half = rows / heads / 2;
        std::vector<float> out(w.size());
        for (qint64 r = 0; r < rows; ++r) {
            const qint64 head = r / (2 * half);
            const qint64 j = (r % (2 * half)) / half;
            const qint64 i = r % half;
            const qint64 source = head * 2 * half + 2 * i + j;
            std::copy_n(w.begin() + source * columns, columns, out.begin() + r * columns);
        }
        return out;
    }

    /// The tensors a Checkpoint should expose, under Hugging Face names.
    std::map<QString, std::vector<float>> expected() const {
        std::map<QString, std::vector<float>> out;
        out[QStringLiteral("model.embed_tokens.weight")] = blocks.at(QStringLiteral("embed"));
        for (int l = 0; l < layers; ++l) {
            const QString p = QStringLiteral("model.layers.%1.").arg(l);
            out[p + QStringLiteral("input_layernorm.weight")] = layer("rms_att", l, 1, dim);
            out[p + QStringLiteral("self_attn.q_proj.weight")] =
                toRotateHalf(layer("wq", l, dim, dim), heads, dim, dim);
            out[p + QStringLiteral("self_attn.k_proj.weight")] =
                toRotateHalf(layer("wk", l, kvDim(), dim), kvHeads, kvDim(), dim);
            out[p + QStringLiteral("self_attn.v_proj.weight")] = layer("wv", l, kvDim(), dim);
            out[p + QStringLiteral("self_attn.o_proj.weight")] = layer("wo", l, dim, dim);
            out[p + QStringLiteral("post_attention_layernorm.weight")] =
                layer("rms_ffn", l, 1, dim);
            out[p + QStringLiteral("mlp.gate_proj.weight")] = layer("w1", l, hidden, dim);
            out[p + QStringLiteral("mlp.down_proj.weight")] = layer("w2", l, dim, hidden);
            out[p + QStringLiteral("mlp.up_proj.weight")] = layer("w3", l, hidden, dim);
        }
        out[QStringLiteral("model.norm.weight")] = blocks.at(QStringLiteral("rms_final"));
        if (!shared)
            out[QStringLiteral("lm_head.weight")] = blocks.at(QStringLiteral("wcls"));
        return out;
    }
};

} // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hfDirectory_data();
    void hfDirectory();
    void hfDirectoryValues();
    void hfSingleFile();
    void hfSharded();
    void hfShardedErrors_data();
    void hfShardedErrors();
    void hfDirectoryErrors();
    void hfTokenizerPath();
    void llama2cStories();
    void llama2cStoriesPermutation();
    void llama2cSynthetic_data();
    void llama2cSynthetic();
    void llama2cRefused_data();
    void llama2cRefused();
    void pickleRefused_data();
    void pickleRefused();
    void demoSpecs();

private:
    /// Writes tiny-random-llama-2-hf's tensors into `directory` split over two shards.
    void writeShards(const QString &directory, QJsonObject *weightMap);
};

void TestCheckpoint::hfDirectory_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::newRow("embed") << QStringLiteral("model.embed_tokens.weight")
                           << QVector<qint64>{3000, 16};
    QTest::newRow("lm_head") << QStringLiteral("lm_head.weight") << QVector<qint64>{3000, 16};
    QTest::newRow("norm") << QStringLiteral("model.norm.weight") << QVector<qint64>{16};
    for (int l = 0; l < 2; ++l) {
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        for (const char *proj : {"q_proj", "k_proj", "v_proj", "o_proj"}) {
            const QString name =
                p + QStringLiteral("self_attn.") + QLatin1String(proj) + QStringLiteral(".weight");
            QTest::newRow(qPrintable(name)) << name << QVector<qint64>{16, 16};
        }
        QTest::newRow(qPrintable(p + QStringLiteral("gate")))
            << p + QStringLiteral("mlp.gate_proj.weight") << QVector<qint64>{64, 16};
        QTest::newRow(qPrintable(p + QStringLiteral("up")))
            << p + QStringLiteral("mlp.up_proj.weight") << QVector<qint64>{64, 16};
        QTest::newRow(qPrintable(p + QStringLiteral("down")))
            << p + QStringLiteral("mlp.down_proj.weight") << QVector<qint64>{16, 64};
        QTest::newRow(qPrintable(p + QStringLiteral("ln1")))
            << p + QStringLiteral("input_layernorm.weight") << QVector<qint64>{16};
        QTest::newRow(qPrintable(p + QStringLiteral("ln2")))
            << p + QStringLiteral("post_attention_layernorm.weight") << QVector<qint64>{16};
    }
}

void TestCheckpoint::hfDirectory() {
    QFETCH(QString, name);
    QFETCH(QVector<qint64>, shape);
    REQUIRE_EXTERNAL(tinyLlamaDir());
    const CheckpointPtr checkpoint = Checkpoint::open(tinyLlamaDir());
    QCOMPARE(checkpoint->format(), CheckpointFormat::HuggingFace);
    QCOMPARE(checkpoint->tensors().size(), 21);
    const TensorInfo *info = checkpoint->findTensor(name);
    QVERIFY2(info, qPrintable(name));
    QCOMPARE(info->shape, shape);
    QCOMPARE(info->dtype, DType::BF16);
    QCOMPARE(info->byteSize, quint64(info->elementCount() * 2));
}

void TestCheckpoint::hfDirectoryValues() {
    REQUIRE_EXTERNAL(tinyLlamaDir());
    const CheckpointPtr checkpoint = Checkpoint::open(tinyLlamaDir());
    QCOMPARE(checkpoint->displayName(), QStringLiteral("tiny-random-llama-2-hf"));
    QCOMPARE(checkpoint->source(), tinyLlamaDir());
    const ModelConfig &config = checkpoint->config();
    QCOMPARE(config.architecture, Architecture::Llama);
    QCOMPARE(sizesOf(config),
             QStringLiteral("hidden 16, inner 64, layers 2, heads 4/4, head dim 4, vocab 3000"));
    QCOMPARE(config.tieWordEmbeddings, false);
    QCOMPARE(checkpoint->configJson(), readFile(tinyLlamaDir() + QStringLiteral("/config.json")));
    QVERIFY(checkpoint->tokenizerPath().isEmpty());

    qint64 total = 0;
    for (const TensorInfo &info : checkpoint->tensors())
        total += info.elementCount();
    QCOMPARE(total, config.parameterCount());

    // BF16 -> float32 is exact: float bits are the BF16 bits shifted up.
    const QString name = QStringLiteral("model.layers.1.mlp.down_proj.weight");
    const QByteArray raw = checkpoint->readRaw(name);
    const std::vector<float> values = checkpoint->readFloat32(name);
    QCOMPARE(raw.size(), 16 * 64 * 2);
    QCOMPARE(values.size(), std::size_t(16 * 64));
    for (int i = 0; i < 16 * 64; ++i) {
        const quint32 bits = quint32(qFromLittleEndian<quint16>(raw.constData() + 2 * i)) << 16;
        float expected;
        std::memcpy(&expected, &bits, 4);
        QCOMPARE(values[std::size_t(i)], expected);
    }
    const QString missing = errorOf([&] { checkpoint->readFloat32(QStringLiteral("nope")); });
    QVERIFY2(missing.contains(QLatin1String("nope")), qPrintable(missing));

    // A range is read from the mapped file alone and equals the same slice of the whole.
    QVERIFY(checkpoint->readsRangesDirectly());
    const std::vector<float> range = checkpoint->readFloat32Range(name, 100, 333);
    QVERIFY(range == std::vector<float>(values.begin() + 100, values.begin() + 433));
    const QString outside = errorOf([&] { checkpoint->readFloat32Range(name, 16 * 64 - 2, 3); });
    QVERIFY2(outside.contains(QLatin1String("outside tensor")) &&
                 outside.contains(QLatin1String("model.safetensors")),
             qPrintable(outside));
}

void TestCheckpoint::hfSingleFile() {
    REQUIRE_EXTERNAL(tinyLlamaDir());
    const QString file = tinyLlamaDir() + QStringLiteral("/model.safetensors");
    const CheckpointPtr checkpoint = Checkpoint::open(file);
    QCOMPARE(checkpoint->tensors().size(), 21);
    QCOMPARE(checkpoint->displayName(), QStringLiteral("tiny-random-llama-2-hf"));
    QCOMPARE(checkpoint->config().vocabSize, 3000);

    // Without config.json beside it the file is refused with a message naming config.json.
    QTemporaryDir dir;
    QVERIFY(QFile::copy(file, dir.filePath(QStringLiteral("weights.safetensors"))));
    const QString message =
        errorOf([&] { Checkpoint::open(dir.filePath(QStringLiteral("weights.safetensors"))); });
    QVERIFY2(message.contains(QLatin1String("config.json")), qPrintable(message));
}

void TestCheckpoint::writeShards(const QString &directory, QJsonObject *weightMap) {
    const auto source =
        SafetensorsFile::open(tinyLlamaDir() + QStringLiteral("/model.safetensors"));
    SafetensorsWriter first;
    SafetensorsWriter second;
    for (const TensorInfo &info : source->tensors()) {
        const bool inFirst = info.name.startsWith(QLatin1String("model.layers.0.")) ||
                             info.name.startsWith(QLatin1String("model.embed"));
        (inFirst ? first : second)
            .addTensor(info.name, info.dtype, info.shape, source->raw(info.name));
        (*weightMap)[info.name] = inFirst ? QStringLiteral("model-00001-of-00002.safetensors")
                                          : QStringLiteral("model-00002-of-00002.safetensors");
    }
    first.write(directory + QStringLiteral("/model-00001-of-00002.safetensors"));
    second.write(directory + QStringLiteral("/model-00002-of-00002.safetensors"));
    QVERIFY(QFile::copy(tinyLlamaDir() + QStringLiteral("/config.json"),
                        directory + QStringLiteral("/config.json")));
}

void TestCheckpoint::hfSharded() {
    REQUIRE_EXTERNAL(tinyLlamaDir());
    QTemporaryDir dir;
    QJsonObject weightMap;
    writeShards(dir.path(), &weightMap);
    QJsonObject index;
    index[QStringLiteral("metadata")] = QJsonObject{{QStringLiteral("total_size"), 208544}};
    index[QStringLiteral("weight_map")] = weightMap;
    const QString indexPath = dir.filePath(QStringLiteral("model.safetensors.index.json"));
    writeFile(indexPath, QJsonDocument(index).toJson());

    const CheckpointPtr original = Checkpoint::open(tinyLlamaDir());
    for (const QString &spec : {dir.path(), indexPath}) {
        const CheckpointPtr sharded = Checkpoint::open(spec);
        QCOMPARE(sharded->tensors().size(), 21);
        QCOMPARE(sharded->tensors().first().name, QStringLiteral("model.embed_tokens.weight"));
        for (const TensorInfo &info : original->tensors()) {
            const TensorInfo *found = sharded->findTensor(info.name);
            QVERIFY2(found, qPrintable(info.name));
            QCOMPARE(found->shape, info.shape);
            QCOMPARE(sharded->readRaw(info.name), original->readRaw(info.name));
        }
    }
}

void TestCheckpoint::hfShardedErrors_data() {
    QTest::addColumn<QString>("mutation");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("missing shard")
        << QStringLiteral("missing")
        << QStringList{QStringLiteral("model-00003-of-00003.safetensors"),
                       QStringLiteral("does not exist")};
    QTest::newRow("tensor not in shard")
        << QStringLiteral("wrong")
        << QStringList{QStringLiteral("model.norm.weight"),
                       QStringLiteral("model-00001-of-00002.safetensors"),
                       QStringLiteral("not in this shard")};
    QTest::newRow("escaping shard name")
        << QStringLiteral("escape") << QStringList{QStringLiteral("invalid shard name")};
    QTest::newRow("no weight_map")
        << QStringLiteral("empty") << QStringList{QStringLiteral("weight_map")};
}

void TestCheckpoint::hfShardedErrors() {
    QFETCH(QString, mutation);
    QFETCH(QStringList, expected);
    REQUIRE_EXTERNAL(tinyLlamaDir());
    QTemporaryDir dir;
    QJsonObject weightMap;
    writeShards(dir.path(), &weightMap);
    if (mutation == QLatin1String("missing"))
        weightMap[QStringLiteral("model.norm.weight")] =
            QStringLiteral("model-00003-of-00003.safetensors");
    else if (mutation == QLatin1String("wrong"))
        weightMap[QStringLiteral("model.norm.weight")] =
            QStringLiteral("model-00001-of-00002.safetensors");
    else if (mutation == QLatin1String("escape"))
        weightMap[QStringLiteral("model.norm.weight")] = QStringLiteral("../elsewhere.safetensors");
    else
        weightMap = QJsonObject();
    QJsonObject index;
    index[QStringLiteral("weight_map")] = weightMap;
    writeFile(dir.filePath(QStringLiteral("model.safetensors.index.json")),
              QJsonDocument(index).toJson());
    const QString message = errorOf([&] { Checkpoint::open(dir.path()); });
    for (const QString &part : expected)
        QVERIFY2(message.contains(part), qPrintable(message));
}

void TestCheckpoint::hfDirectoryErrors() {
    QTemporaryDir dir;
    QString message = errorOf([&] { Checkpoint::open(dir.path()); });
    QVERIFY2(message.contains(QLatin1String("no model.safetensors")), qPrintable(message));

    message = errorOf([&] { Checkpoint::open(dir.filePath(QStringLiteral("absent"))); });
    QVERIFY2(message.contains(QLatin1String("no such file")), qPrintable(message));

    // model.safetensors without config.json
    SafetensorsWriter writer;
    writer.addFloat32(QStringLiteral("x"), {2}, {1.0f, 2.0f});
    writer.write(dir.filePath(QStringLiteral("model.safetensors")));
    message = errorOf([&] { Checkpoint::open(dir.path()); });
    QVERIFY2(message.contains(QLatin1String("config.json")), qPrintable(message));

    // invalid config.json
    writeFile(dir.filePath(QStringLiteral("config.json")), "{\"architectures\": [");
    message = errorOf([&] { Checkpoint::open(dir.path()); });
    QVERIFY2(message.contains(QLatin1String("config.json")) &&
                 message.contains(QLatin1String("JSON")),
             qPrintable(message));
}

void TestCheckpoint::hfTokenizerPath() {
    REQUIRE_EXTERNAL(tinyLlamaDir());
    QTemporaryDir dir;
    QVERIFY(QFile::copy(tinyLlamaDir() + QStringLiteral("/config.json"),
                        dir.filePath(QStringLiteral("config.json"))));
    QVERIFY(QFile::copy(tinyLlamaDir() + QStringLiteral("/model.safetensors"),
                        dir.filePath(QStringLiteral("model.safetensors"))));
    writeFile(dir.filePath(QStringLiteral("vocab.json")), "{}");
    QCOMPARE(Checkpoint::open(dir.path())->tokenizerPath(),
             dir.filePath(QStringLiteral("vocab.json")));
    writeFile(dir.filePath(QStringLiteral("tokenizer.model")), "x");
    QCOMPARE(Checkpoint::open(dir.path())->tokenizerPath(),
             dir.filePath(QStringLiteral("tokenizer.model")));
    writeFile(dir.filePath(QStringLiteral("tokenizer.json")), "{}");
    QCOMPARE(Checkpoint::open(dir.path())->tokenizerPath(),
             dir.filePath(QStringLiteral("tokenizer.json")));
}

void TestCheckpoint::llama2cStories() {
    REQUIRE_EXTERNAL(storiesPath());
    const CheckpointPtr checkpoint = Checkpoint::open(storiesPath());
    QCOMPARE(checkpoint->format(), CheckpointFormat::Llama2c);
    QCOMPARE(checkpoint->displayName(), QStringLiteral("stories260K"));
    QVERIFY2(checkpoint->tokenizerPath().endsWith(QLatin1String("/tok512.bin")),
             qPrintable(checkpoint->tokenizerPath()));
    const ModelConfig &config = checkpoint->config();
    QCOMPARE(config.architecture, Architecture::Llama);
    QCOMPARE(sizesOf(config),
             QStringLiteral("hidden 64, inner 172, layers 5, heads 8/4, head dim 8, vocab 512"));
    QCOMPARE(config.maxPositions, 512);
    QCOMPARE(config.tieWordEmbeddings, true);
    QCOMPARE(config.rmsNormEps, 1e-5);
    QCOMPARE(config.ropeTheta, 10000.0);
    QCOMPARE(config.bosTokenId, 1);
    QCOMPARE(config.eosTokenId, 2);
    const QJsonObject json = QJsonDocument::fromJson(checkpoint->configJson()).object();
    QCOMPARE(ModelConfig::fromJson(json, QStringLiteral("synthesized")), config);

    QCOMPARE(checkpoint->tensors().size(), 1 + 5 * 9 + 1);
    QVERIFY(!checkpoint->findTensor(QStringLiteral("lm_head.weight")));
    qint64 total = 0;
    for (const TensorInfo &info : checkpoint->tensors()) {
        QCOMPARE(info.dtype, DType::F32);
        total += info.elementCount();
    }
    QCOMPARE(total, config.parameterCount());
    QCOMPARE(
        checkpoint->findTensor(QStringLiteral("model.layers.4.self_attn.k_proj.weight"))->shape,
        (QVector<qint64>{32, 64}));
    QCOMPARE(checkpoint->findTensor(QStringLiteral("model.layers.0.mlp.down_proj.weight"))->shape,
             (QVector<qint64>{64, 172}));

    // Untouched tensors equal the raw file: embedding row 7, layer 3's v_proj, w2 = down_proj.
    const QByteArray file = readFile(storiesPath());
    const std::vector<float> embed =
        checkpoint->readFloat32(QStringLiteral("model.embed_tokens.weight"));
    QCOMPARE(embed[7 * 64 + 5], rawFloat(file, 28, 7 * 64 + 5));
    const qint64 wvStart = 512 * 64 + 5 * 64 + 5 * 64 * 64 + 5 * 32 * 64;
    const std::vector<float> v =
        checkpoint->readFloat32(QStringLiteral("model.layers.3.self_attn.v_proj.weight"));
    QCOMPARE(v[11 * 64 + 9], rawFloat(file, 28, wvStart + 3 * 32 * 64 + 11 * 64 + 9));
    const qint64 w2Start = wvStart + 5 * 32 * 64 + 5 * 64 * 64 + 5 * 64 + 5 * 172 * 64;
    const std::vector<float> down =
        checkpoint->readFloat32(QStringLiteral("model.layers.2.mlp.down_proj.weight"));
    QCOMPARE(down[63 * 172 + 171], rawFloat(file, 28, w2Start + 2 * 64 * 172 + 63 * 172 + 171));
    const qint64 finalStart = w2Start + 5 * 64 * 172 + 5 * 172 * 64;
    QCOMPARE(checkpoint->readFloat32(QStringLiteral("model.norm.weight"))[10],
             rawFloat(file, 28, finalStart + 10));
}

void TestCheckpoint::llama2cStoriesPermutation() {
    REQUIRE_EXTERNAL(storiesPath());
    const CheckpointPtr checkpoint = Checkpoint::open(storiesPath());
    const QByteArray file = readFile(storiesPath());
    const qint64 dim = 64;
    const qint64 headDim = 8;
    const qint64 wqStart = 512 * dim + 5 * dim;
    const qint64 wkStart = wqStart + 5 * dim * dim;

    // HF row (head 5, second half, i = 2) holds llama2.c row (head 5, pair 2, odd member).
    const int layer = 2;
    const qint64 hfRow = 5 * headDim + headDim / 2 + 2;
    const qint64 rawRow = 5 * headDim + 2 * 2 + 1;
    const qint64 column = 17;
    const std::vector<float> q = checkpoint->readFloat32(
        QStringLiteral("model.layers.%1.self_attn.q_proj.weight").arg(layer));
    QCOMPARE(q[std::size_t(hfRow * dim + column)],
             rawFloat(file, 28, wqStart + layer * dim * dim + rawRow * dim + column));
    QVERIFY(q[std::size_t(hfRow * dim + column)] !=
            rawFloat(file, 28, wqStart + layer * dim * dim + hfRow * dim + column));

    // k_proj: 4 KV heads of 8 rows; HF row (head 3, first half, i = 3) <- raw row 3*8 + 6.
    const qint64 kvDim = 32;
    const std::vector<float> k = checkpoint->readFloat32(
        QStringLiteral("model.layers.%1.self_attn.k_proj.weight").arg(layer));
    QCOMPARE(k[std::size_t((3 * headDim + 3) * dim + 40)],
             rawFloat(file, 28, wkStart + layer * kvDim * dim + (3 * headDim + 6) * dim + 40));
    // Ranges come from the permuted rows too.
    const std::vector<float> rows = checkpoint->readFloat32Range(
        QStringLiteral("model.layers.2.self_attn.q_proj.weight"), hfRow * dim, 2 * dim);
    QVERIFY(rows == std::vector<float>(q.begin() + hfRow * dim, q.begin() + (hfRow + 2) * dim));
    // readRaw returns the permuted bytes too.
    const QByteArray raw =
        checkpoint->readRaw(QStringLiteral("model.layers.2.self_attn.q_proj.weight"));
    float fromRaw;
    std::memcpy(&fromRaw, raw.constData() + 4 * (hfRow * dim + column), 4);
    QCOMPARE(fromRaw, q[std::size_t(hfRow * dim + column)]);
}

void TestCheckpoint::llama2cSynthetic_data() {
    QTest::addColumn<int>("version");
    QTest::addColumn<bool>("shared");
    QTest::addColumn<bool>("tables");
    QTest::newRow("v0 unshared") << 0 << false << true;
    QTest::newRow("v0 shared") << 0 << true << true;
    QTest::newRow("v0 unshared, no RoPE tables") << 0 << false << false;
    QTest::newRow("v0 shared, no RoPE tables") << 0 << true << false;
    QTest::newRow("v1 unshared") << 1 << false << false;
    QTest::newRow("v1 shared") << 1 << true << false;
}

void TestCheckpoint::llama2cSynthetic() {
    QFETCH(int, version);
    QFETCH(bool, shared);
    QFETCH(bool, tables);
    SyntheticLlama2c model;
    model.shared = shared;
    model.fill();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("synthetic.bin"));
    writeFile(path, version == 0 ? model.version0(tables) : model.version1());
    writeFile(dir.filePath(QStringLiteral("tokenizer.bin")), "x");

    const CheckpointPtr checkpoint = Checkpoint::open(path);
    QCOMPARE(checkpoint->displayName(), QStringLiteral("synthetic"));
    QCOMPARE(checkpoint->tokenizerPath(), dir.filePath(QStringLiteral("tokenizer.bin")));
    QCOMPARE(checkpoint->config().tieWordEmbeddings, shared);
    QCOMPARE(checkpoint->config().numKvHeads, 1);
    const auto expected = model.expected();
    QCOMPARE(checkpoint->tensors().size(), int(expected.size()));
    for (const auto &[name, values] : expected) {
        const TensorInfo *info = checkpoint->findTensor(name);
        QVERIFY2(info, qPrintable(name));
        QCOMPARE(info->elementCount(), qint64(values.size()));
        QVERIFY2(checkpoint->readFloat32(name) == values, qPrintable(name));
    }
}

void TestCheckpoint::llama2cRefused_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    SyntheticLlama2c model;
    model.fill();
    const QByteArray v0 = model.version0(true);
    const QByteArray v1 = model.version1();
    QTest::newRow("v0 truncated") << v0.left(v0.size() - 4) << QStringLiteral("truncated");
    QTest::newRow("v0 trailing bytes") << v0 + QByteArray(4, '\0') << QStringLiteral("implies");
    QTest::newRow("v1 truncated") << v1.left(v1.size() - 1) << QStringLiteral("truncated");
    QTest::newRow("v1 header cut") << v1.left(100) << QStringLiteral("truncated");
    QTest::newRow("tiny file") << QByteArray(10, '\1') << QStringLiteral("too short");
    QTest::newRow("version 2") << model.version1(2) << QStringLiteral("version 2");
    QTest::newRow("version 7") << model.version1(7) << QStringLiteral("version 7");
    QByteArray badHeads = v0;
    qToLittleEndian<qint32>(3, badHeads.data() + 12); // n_heads 3 does not divide dim 8
    QTest::newRow("bad header") << badHeads << QStringLiteral("invalid llama2.c header");
}

void TestCheckpoint::llama2cRefused() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("model.bin"));
    writeFile(path, bytes);
    const QString message = errorOf([&] { Checkpoint::open(path); });
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(message.contains(path), qPrintable(message));
}

void TestCheckpoint::pickleRefused_data() {
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("pytorch_model.bin") << QStringLiteral("pytorch_model.bin") << QByteArray("xx");
    QTest::newRow(".pt") << QStringLiteral("model.pt") << QByteArray("PK\3\4");
    QTest::newRow(".pth") << QStringLiteral("consolidated.00.pth") << QByteArray("PK\3\4");
    QTest::newRow("zip .bin") << QStringLiteral("weights.bin") << QByteArray("PK\3\4rest-of-zip");
    QTest::newRow("pickle .bin") << QStringLiteral("weights.bin") << QByteArray("\x80\x02}q\0.");
}

void TestCheckpoint::pickleRefused() {
    QFETCH(QString, fileName);
    QFETCH(QByteArray, bytes);
    QTemporaryDir dir;
    const QString path = dir.filePath(fileName);
    writeFile(path, bytes);
    for (const QString &spec : {path, dir.path()}) {
        if (spec == dir.path() && fileName == QLatin1String("weights.bin"))
            continue; // a directory is only searched for the usual pickle names
        const QString message = errorOf([&] { Checkpoint::open(spec); });
        QVERIFY2(message.contains(QLatin1String("pickle")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("save_file(torch.load(")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("safe_serialization=True")), qPrintable(message));
        QVERIFY2(message.contains(path), qPrintable(message));
    }
}

void TestCheckpoint::demoSpecs() {
    QString message = errorOf([] { Checkpoint::open(QStringLiteral("demo:giant")); });
    QVERIFY2(message.contains(QLatin1String("demo:student")) &&
                 message.contains(QLatin1String("demo:teacher")),
             qPrintable(message));
    QCOMPARE(Checkpoint::resolveSpec(QStringLiteral("/some/path")), QStringLiteral("/some/path"));

    REQUIRE_EXTERNAL(tinyLlamaDir());
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("teacher")));
    for (const char *name : {"config.json", "model.safetensors"})
        QVERIFY(QFile::copy(tinyLlamaDir() + QLatin1Char('/') + QLatin1String(name),
                            dir.filePath(QStringLiteral("teacher/")) + QLatin1String(name)));
    qputenv("NWC_DEMO_DIR", QFile::encodeName(dir.path()));
    QCOMPARE(Checkpoint::resolveSpec(QStringLiteral("demo:teacher")),
             dir.filePath(QStringLiteral("teacher")));
    const CheckpointPtr checkpoint = Checkpoint::open(QStringLiteral("demo:teacher"));
    qunsetenv("NWC_DEMO_DIR");
    QCOMPARE(checkpoint->displayName(), QStringLiteral("teacher"));
    QCOMPARE(checkpoint->source(), QStringLiteral("demo:teacher"));
    QCOMPARE(checkpoint->tensors().size(), 21);
}

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
