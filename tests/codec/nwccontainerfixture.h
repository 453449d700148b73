#pragma once
// Shared by the .nwc container tests: a sample container with every kind of entry, helpers to
// read, damage and compare files.

#include "analysis/rtnquantizer.h"
#include "codec/compressedcheckpoint.h"
#include "codec/groupquantization.h"
#include "codec/laneransstream.h"
#include "codec/nwccontainer.h"
#include "io/checkpoint.h"
#include "io/dtype.h"
#include "io/h5util.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/evaluator.h"
#include "lm/languagemodel.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <thread>

namespace nwc::testing {

inline QByteArray readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    return file.readAll();
}

inline bool writeFile(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

using test::errorOf;

inline QByteArray randomBytes(int count, uint64_t seed) {
    std::mt19937_64 rng(seed);
    QByteArray bytes(count, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = char(rng() & 0xff);
    return bytes;
}

inline std::vector<float> randomFloats(int64_t count, uint64_t seed, float scale = 1.0f) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> values(static_cast<size_t>(count));
    for (float &v : values)
        v = normal(rng);
    return values;
}

/// A consistent NWC tensor: 10 columns in streams of 3 (4 streams), random payload whose
/// bitstream starts with 64 random bytes that can be found in the file.
inline CompressedTensor nwcTensor(const QString &name, uint64_t seed) {
    std::mt19937_64 rng(seed);
    CompressedTensor t;
    t.name = name;
    t.rows = 7;
    t.columns = 10;
    t.transposed = false; // Llama layout (the reader checks the flag against the config)
    t.originalDtype = DType::BF16;
    t.method = CompressionMethod::Nwc;
    t.codecId = QStringLiteral("fast-l300");
    t.step = 0.8125;
    for (int j = 0; j < t.columns; ++j) {
        t.levels.push_back(uint8_t(rng() % 4));
        t.columnScales.push_back(uint16_t(rng() & 0xffff));
    }
    t.columnsPerStream = 3;
    t.streamOffsets = {0, 70, 71, 150, 200};
    t.bitstream = randomBytes(200, seed + 1);
    t.estimatedBits = 1599.25;
    t.tableChecksum = 0xdeadbeef;
    return t;
}

inline CompressedTensor rtnTensor(const QString &name, int64_t rows, int64_t columns, int bits,
                                  int groupSize, uint64_t seed) {
    const std::vector<float> weights = randomFloats(rows * columns, seed, 0.05f);
    return rtnCompress(name, weights.data(), rows, columns, bits, groupSize);
}

inline CodecParameters codecParameters() {
    CodecParameters codec;
    codec.id = QStringLiteral("fast-l300");
    codec.preset = QStringLiteral("fast");
    codec.chunk = 16;
    codec.hidden = 64;
    codec.blocks = 2;
    codec.levels = 4;
    codec.lambda = 300.0;
    codec.rateWeights = {3.4, 1.2, 0.1, 0.05};
    codec.steps = 12345;
    codec.nominalBitsPerWeight = 2.75;
    codec.trainedOn = {QStringLiteral("demo:teacher"), QStringLiteral("stories260K.bin")};
    codec.arrays.push_back({QStringLiteral("encoder.input.weight"), {4, 3}, randomFloats(12, 5)});
    codec.arrays.push_back({QStringLiteral("encoder.blocks.0.norm.bias"), {5}, randomFloats(5, 6)});
    codec.arrays.push_back({QStringLiteral("entropy.scale"), {}, {0.25f}});
    codec.arrays.push_back({QStringLiteral("empty"), {0, 3}, {}});
    return codec;
}

/// A small GPT-2 configuration (Conv1D weights are stored transposed).
QByteArray gpt2ConfigJson() {
    return QByteArrayLiteral(
        R"({"architectures":["GPT2LMHeadModel"],"n_embd":4,"n_layer":1,"n_head":1,)"
        R"("n_positions":16,"vocab_size":32,"layer_norm_epsilon":1e-05,)"
        R"("activation_function":"gelu_new","bos_token_id":0,"eos_token_id":0})");
}

inline QByteArray smallConfigJson() {
    return readFile(QStringLiteral(NWC_SOURCE_RESOURCES "/demo/student/config.json"));
}

inline void compareTensors(const CompressedTensor &a, const CompressedTensor &b) {
    QCOMPARE(a.name, b.name);
    QCOMPARE(a.rows, b.rows);
    QCOMPARE(a.columns, b.columns);
    QCOMPARE(a.transposed, b.transposed);
    QCOMPARE(a.originalDtype, b.originalDtype);
    QCOMPARE(a.method, b.method);
    QCOMPARE(a.codecId, b.codecId);
    QCOMPARE(a.step, b.step);
    QCOMPARE(a.levels, b.levels);
    QCOMPARE(a.columnScales, b.columnScales);
    QCOMPARE(a.bitstream, b.bitstream);
    QCOMPARE(a.streamOffsets, b.streamOffsets);
    QCOMPARE(a.columnsPerStream, b.columnsPerStream);
    QCOMPARE(a.streamFormat, b.streamFormat);
    QCOMPARE(a.estimatedBits, b.estimatedBits);
    QCOMPARE(a.tableChecksum, b.tableChecksum);
    QCOMPARE(a.bits, b.bits);
    QCOMPARE(a.groupSize, b.groupSize);
    QCOMPARE(a.packedCodes, b.packedCodes);
    QCOMPARE(a.groupScales, b.groupScales);
    QCOMPARE(a.groupZeros, b.groupZeros);
}

/// What writeSample() puts into a container.
struct Sample {
    CompressedTensor nwc = nwcTensor(QStringLiteral("model.layers.0.self_attn.q_proj.weight"), 1);
    CompressedTensor rtn =
        rtnTensor(QStringLiteral("model.layers.0.mlp.down_proj.weight"), 6, 20, 4, 8, 2);
    CompressedTensor gptq = [] {
        CompressedTensor t =
            rtnTensor(QStringLiteral("model.layers.1.mlp.up_proj.weight"), 5, 9, 3, 4, 3);
        t.method = CompressionMethod::Gptq;
        return t;
    }();
    CodecParameters codec = codecParameters();
    PassthroughTensor norm{
        QStringLiteral("model.norm.weight"), DType::F32, {5}, randomBytes(20, 7)};
    PassthroughTensor embed{
        QStringLiteral("model.embed_tokens.weight"), DType::F16, {3, 4}, randomBytes(24, 8)};
    PassthroughTensor scalar{QStringLiteral("model.scalar"), DType::I64, {}, randomBytes(8, 9)};
    NwcHeader header;
    QByteArray config = smallConfigJson();
    QByteArray tokenizer = randomBytes(300, 10);
    QByteArray tokenizerConfig = QByteArrayLiteral("{\"bos_token\": \"<s>\"}");
    QByteArray analysisJson = QByteArrayLiteral("{\"importance\": [1, 2, 3]}");
    std::vector<double> importance{0.5, 1.5, 2.5, 3.5, 4.5, 5.5};
    std::vector<QString> order;

    Sample() {
        header.sourceModel = QStringLiteral("demo:student");
        header.method = QStringLiteral("nwc");
        header.targetBitsPerWeight = 3.0;
        header.achievedBitsPerWeight = 3.0123;
        header.settingsJson = QStringLiteral("{\"group_size\": 128}");
        order = {embed.name, nwc.name, norm.name, rtn.name, scalar.name, gptq.name};
    }

    void write(NwcWriter &writer) const {
        writer.setHeader(header);
        writer.setConfigJson(config);
        writer.addTokenizerFile(QStringLiteral("tokenizer_config.json"), tokenizerConfig);
        writer.addTokenizerFile(QStringLiteral("tokenizer.json"), tokenizer);
        writer.addCodec(codec);
        writer.addPassthrough(embed.name, embed.dtype, embed.shape, embed.bytes);
        writer.addTensor(nwc);
        writer.addPassthrough(norm.name, norm.dtype, norm.shape, norm.bytes);
        writer.addTensor(rtn);
        writer.addPassthrough(scalar.name, scalar.dtype, scalar.shape, scalar.bytes);
        writer.addTensor(gptq);
        writer.addAnalysisArray(QStringLiteral("importance.layer0"), importance, {2, 3});
        writer.setAnalysisJson(analysisJson);
    }
    void writeFile(const QString &path) const {
        NwcWriter writer(path);
        write(writer);
        writer.commit();
    }
};

/// Reads every part of a container (so that damage anywhere shows up).
inline void readEverything(const QString &path) {
    const NwcReader reader(path);
    reader.configJson();
    for (const QString &name : reader.tokenizerFileNames())
        reader.tokenizerFile(name);
    for (const QString &id : reader.codecIds())
        reader.codec(id);
    for (const QString &name : reader.tensorNames())
        reader.tensor(name);
    for (const QString &name : reader.passthroughNames())
        reader.passthrough(name);
    for (const QString &name : reader.analysisArrayNames())
        reader.analysisArray(name);
    reader.analysisJson();
    reader.summary();
}

inline QStringList filesIn(const QString &directory) {
    return QDir(directory).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
}

/// Max |a - b|.
inline double maxDifference(const std::vector<float> &a, const std::vector<float> &b) {
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, double(std::abs(a[i] - b[i])));
    return worst;
}

inline bool isBlockWeight(const TensorInfo &info) {
    return info.shape.size() == 2 && info.name.contains(QLatin1String(".layers.")) &&
           info.name.endsWith(QLatin1String(".weight"));
}

} // namespace nwc::testing
