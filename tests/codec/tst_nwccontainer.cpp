// The .nwc container: every field of compressed tensors, codecs, passthrough tensors, header,
// tokenizer files and analysis round-trips bit-exactly and in order; damaged, truncated,
// foreign and newer files are refused with an nwc::Error naming the file (and the tensor); the
// writer is atomic. CompressedCheckpoint opens an RTN-8 container of demo:student as a model
// that evaluates like the original, and `nwc decompress` output loads with identical floats.
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

using namespace nwc;

namespace {

QByteArray readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    return file.readAll();
}

bool writeFile(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

/// The message of the nwc::Error `body` throws; empty when it throws nothing.
QString errorOf(const std::function<void()> &body) {
    try {
        body();
    } catch (const Error &error) {
        return error.message();
    }
    return QString();
}

QByteArray randomBytes(int count, uint64_t seed) {
    std::mt19937_64 rng(seed);
    QByteArray bytes(count, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = char(rng() & 0xff);
    return bytes;
}

std::vector<float> randomFloats(int64_t count, uint64_t seed, float scale = 1.0f) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> values(static_cast<size_t>(count));
    for (float &v : values)
        v = normal(rng);
    return values;
}

/// A consistent NWC tensor: 10 columns in streams of 3 (4 streams), random payload whose
/// bitstream starts with 64 random bytes that can be found in the file.
CompressedTensor nwcTensor(const QString &name, uint64_t seed) {
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

CompressedTensor rtnTensor(const QString &name, int64_t rows, int64_t columns, int bits,
                           int groupSize, uint64_t seed) {
    const std::vector<float> weights = randomFloats(rows * columns, seed, 0.05f);
    return rtnCompress(name, weights.data(), rows, columns, bits, groupSize);
}

CodecParameters codecParameters() {
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

QByteArray smallConfigJson() {
    return readFile(QStringLiteral(NWC_SOURCE_RESOURCES "/demo/student/config.json"));
}

void compareTensors(const CompressedTensor &a, const CompressedTensor &b) {
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
void readEverything(const QString &path) {
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

QStringList filesIn(const QString &directory) {
    return QDir(directory).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
}

/// Max |a - b|.
double maxDifference(const std::vector<float> &a, const std::vector<float> &b) {
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, double(std::abs(a[i] - b[i])));
    return worst;
}

bool isBlockWeight(const TensorInfo &info) {
    return info.shape.size() == 2 && info.name.contains(QLatin1String(".layers.")) &&
           info.name.endsWith(QLatin1String(".weight"));
}

} // namespace

class TestNwcContainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void compressedTensorsRoundTrip();
    void codecRoundTrip();
    void passthroughAndOrder();
    void headerTokenizerAnalysis();
    void summary();
    void checksumMismatch_data();
    void checksumMismatch();
    void truncated_data();
    void truncated();
    void garbage_data();
    void garbage();
    void foreignHdf5();
    void newerVersionRefused();
    void version1FileStillReads();
    void damagedSizesRefused();
    void writerRefusesBadInput();
    void abandonedWriterLeavesNothing();
    void existingFileSurvivesFailedWrite();
    void transposedHalfTensor();
    void compressedCheckpoint();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestNwcContainer::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestNwcContainer::compressedTensorsRoundTrip() {
    const Sample sample;
    sample.writeFile(path(QStringLiteral("a.nwc")));
    const NwcReader reader(path(QStringLiteral("a.nwc")));
    QCOMPARE(reader.tensorNames(),
             (std::vector<QString>{sample.nwc.name, sample.rtn.name, sample.gptq.name}));
    compareTensors(reader.tensor(sample.nwc.name), sample.nwc);
    compareTensors(reader.tensor(sample.rtn.name), sample.rtn);
    compareTensors(reader.tensor(sample.gptq.name), sample.gptq);
    // The RTN tensors still decode to what they encoded.
    QCOMPARE(dequantizeGroups(reader.tensor(sample.rtn.name)), dequantizeGroups(sample.rtn));
    QVERIFY(reader.hasTensor(sample.nwc.name));
    QVERIFY(!reader.hasTensor(sample.norm.name));
    const QString missing = errorOf([&] { reader.tensor(QStringLiteral("nope")); });
    QVERIFY2(missing.contains(QLatin1String("nope")) && missing.contains(QLatin1String("a.nwc")),
             qPrintable(missing));
}

void TestNwcContainer::codecRoundTrip() {
    const Sample sample;
    sample.writeFile(path(QStringLiteral("a.nwc")));
    const NwcReader reader(path(QStringLiteral("a.nwc")));
    QCOMPARE(reader.codecIds(), std::vector<QString>{sample.codec.id});
    const CodecParameters codec = reader.codec(sample.codec.id);
    QCOMPARE(codec.id, sample.codec.id);
    QCOMPARE(codec.preset, sample.codec.preset);
    QCOMPARE(codec.chunk, sample.codec.chunk);
    QCOMPARE(codec.hidden, sample.codec.hidden);
    QCOMPARE(codec.blocks, sample.codec.blocks);
    QCOMPARE(codec.levels, sample.codec.levels);
    QCOMPARE(codec.lambda, sample.codec.lambda);
    QCOMPARE(codec.rateWeights, sample.codec.rateWeights);
    QCOMPARE(codec.steps, sample.codec.steps);
    QCOMPARE(codec.nominalBitsPerWeight, sample.codec.nominalBitsPerWeight);
    QCOMPARE(codec.trainedOn, sample.codec.trainedOn);
    QCOMPARE(codec.arrays.size(), sample.codec.arrays.size());
    for (size_t i = 0; i < codec.arrays.size(); ++i) {
        QCOMPARE(codec.arrays[i].name, sample.codec.arrays[i].name);
        QCOMPARE(codec.arrays[i].shape, sample.codec.arrays[i].shape);
        QCOMPARE(codec.arrays[i].values, sample.codec.arrays[i].values);
    }
    QVERIFY(!errorOf([&] { reader.codec(QStringLiteral("missing")); }).isEmpty());
}

void TestNwcContainer::passthroughAndOrder() {
    const Sample sample;
    sample.writeFile(path(QStringLiteral("a.nwc")));
    const NwcReader reader(path(QStringLiteral("a.nwc")));
    QCOMPARE(reader.order(), sample.order);
    QCOMPARE(reader.passthroughNames(),
             (std::vector<QString>{sample.embed.name, sample.norm.name, sample.scalar.name}));
    for (const PassthroughTensor *expected : {&sample.norm, &sample.embed, &sample.scalar}) {
        const PassthroughTensor p = reader.passthrough(expected->name);
        QCOMPARE(p.name, expected->name);
        QCOMPARE(p.dtype, expected->dtype);
        QCOMPARE(p.shape, expected->shape);
        QCOMPARE(p.bytes, expected->bytes);
        const PassthroughTensor info = reader.passthroughInfo(expected->name);
        QCOMPARE(info.shape, expected->shape);
        QVERIFY(info.bytes.isEmpty());
    }
}

void TestNwcContainer::headerTokenizerAnalysis() {
    const Sample sample;
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-2);
    sample.writeFile(path(QStringLiteral("a.nwc")));
    const NwcReader reader(path(QStringLiteral("a.nwc")));
    const NwcHeader &h = reader.header();
    QCOMPARE(h.sourceModel, sample.header.sourceModel);
    QCOMPARE(h.method, sample.header.method);
    QCOMPARE(h.targetBitsPerWeight, sample.header.targetBitsPerWeight);
    QCOMPARE(h.achievedBitsPerWeight, sample.header.achievedBitsPerWeight);
    QCOMPARE(h.settingsJson, sample.header.settingsJson);
    QCOMPARE(h.formatVersion, kNwcFormatVersion);
    QCOMPARE(h.toolVersion, QStringLiteral(NWC_VERSION));
    const QDateTime created = QDateTime::fromString(h.created, Qt::ISODate);
    QVERIFY2(created.isValid() && created >= before, qPrintable(h.created));

    QCOMPARE(reader.configJson(), sample.config);
    QCOMPARE(reader.tokenizerFileNames(),
             (std::vector<QString>{QStringLiteral("tokenizer.json"),
                                   QStringLiteral("tokenizer_config.json")}));
    QCOMPARE(reader.primaryTokenizerFile(), QStringLiteral("tokenizer.json"));
    QCOMPARE(reader.tokenizerFile(QStringLiteral("tokenizer.json")), sample.tokenizer);
    QCOMPARE(reader.tokenizerFile(QStringLiteral("tokenizer_config.json")), sample.tokenizerConfig);

    QCOMPARE(reader.analysisArrayNames(),
             std::vector<QString>{QStringLiteral("importance.layer0")});
    std::vector<int64_t> shape;
    QCOMPARE(reader.analysisArray(QStringLiteral("importance.layer0"), &shape), sample.importance);
    QCOMPARE(shape, (std::vector<int64_t>{2, 3}));
    QCOMPARE(reader.analysisJson(), sample.analysisJson);
}

void TestNwcContainer::summary() {
    const Sample sample;
    sample.writeFile(path(QStringLiteral("a.nwc")));
    const NwcReader reader(path(QStringLiteral("a.nwc")));
    const NwcSummary s = reader.summary();
    QCOMPARE(s.tensors.size(), size_t(3));
    int64_t counted = 0;
    int64_t weights = 0;
    for (const NwcTensorSummary &t : s.tensors) {
        const CompressedTensor full = reader.tensor(t.name);
        QCOMPARE(t.countedBytes, full.countedBytes());
        QCOMPARE(t.bitsPerWeight(), full.bitsPerWeight());
        QCOMPARE(t.method, full.method);
        QCOMPARE(t.step, full.step);
        QCOMPARE(t.bits, full.bits);
        counted += t.countedBytes;
        weights += t.weightCount();
    }
    const NwcTensorSummary &nwc = s.tensors.front();
    QCOMPARE(nwc.payloadBytes, int64_t(sample.nwc.bitstream.size()));
    std::vector<int64_t> histogram(4, 0);
    for (uint8_t level : sample.nwc.levels)
        ++histogram[level];
    QCOMPARE(nwc.levelColumns, histogram);
    QCOMPARE(s.countedBytes, counted);
    QCOMPARE(s.compressedWeights, weights);
    QCOMPARE(s.bitsPerWeight, 8.0 * double(counted) / double(weights));
    QCOMPARE(s.estimatedBitstreamBits, sample.nwc.estimatedBits);
    // Coded symbols only: the lane streams' headers are side information.
    const int64_t headers =
        std::min<int64_t>(sample.nwc.bitstream.size(),
                          streamHeaderBytes(sample.nwc.streamFormat,
                                            int64_t(sample.nwc.streamOffsets.size()) - 1));
    QCOMPARE(s.actualBitstreamBits, 8.0 * double(sample.nwc.bitstream.size() - headers));
    QCOMPARE(s.passthroughCount, int64_t(3));
    QCOMPARE(s.passthroughBytes, int64_t(20 + 24 + 8));
    QCOMPARE(s.codecBytes, int64_t(4 * 8 + 4 * (12 + 5 + 1)));
    QCOMPARE(s.fileBytes, QFileInfo(path(QStringLiteral("a.nwc"))).size());
}

void TestNwcContainer::checksumMismatch_data() {
    QTest::addColumn<QString>("part");
    QTest::newRow("bitstream") << QStringLiteral("bitstream");
    QTest::newRow("passthrough") << QStringLiteral("passthrough");
    QTest::newRow("tokenizer") << QStringLiteral("tokenizer");
}

void TestNwcContainer::checksumMismatch() {
    QFETCH(QString, part);
    const Sample sample;
    const QString file = path(QStringLiteral("damaged.nwc"));
    sample.writeFile(file);
    QByteArray bytes = readFile(file);
    const QByteArray needle = part == QLatin1String("bitstream")     ? sample.nwc.bitstream
                              : part == QLatin1String("passthrough") ? sample.embed.bytes
                                                                     : sample.tokenizer;
    const qsizetype at = bytes.indexOf(needle);
    QVERIFY(at > 0);
    QCOMPARE(bytes.indexOf(needle, at + 1), qsizetype(-1));
    bytes[at + needle.size() / 2] = char(bytes[at + needle.size() / 2] ^ 0x10);
    QVERIFY(writeFile(file, bytes));

    const NwcReader reader(file);
    QString message;
    QString name;
    if (part == QLatin1String("bitstream")) {
        name = sample.nwc.name;
        message = errorOf([&] { reader.tensor(name); });
        // The other tensors are intact.
        compareTensors(reader.tensor(sample.rtn.name), sample.rtn);
    } else if (part == QLatin1String("passthrough")) {
        name = sample.embed.name;
        message = errorOf([&] { reader.passthrough(name); });
    } else {
        name = QStringLiteral("tokenizer.json");
        message = errorOf([&] { reader.tokenizerFile(name); });
    }
    QVERIFY2(message.contains(name) && message.contains(QLatin1String("checksum")) &&
                 message.contains(file) && message.contains(QLatin1String("re-export")),
             qPrintable(message));
}

void TestNwcContainer::truncated_data() {
    QTest::addColumn<double>("fraction");
    for (double fraction : {0.0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.9999})
        QTest::newRow(qPrintable(QString::number(fraction))) << fraction;
}

void TestNwcContainer::truncated() {
    QFETCH(double, fraction);
    const Sample sample;
    const QString file = path(QStringLiteral("cut.nwc"));
    sample.writeFile(file);
    const QByteArray bytes = readFile(file);
    QVERIFY(writeFile(file, bytes.left(qsizetype(double(bytes.size()) * fraction))));
    const QString message = errorOf([&] { readEverything(file); });
    QVERIFY2(!message.isEmpty(), "a truncated file was read without an error");
    QVERIFY2(message.contains(file), qPrintable(message));
}

void TestNwcContainer::garbage_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("random") << randomBytes(5000, 42);
    QTest::newRow("hdf5 signature then random")
        << (QByteArray("\x89HDF\r\n\x1a\n", 8) + randomBytes(5000, 43));
    QTest::newRow("json") << QByteArrayLiteral("{\"model_type\": \"llama\"}");
}

void TestNwcContainer::garbage() {
    QFETCH(QByteArray, content);
    const QString file = path(QStringLiteral("garbage.nwc"));
    QVERIFY(writeFile(file, content));
    const QString message = errorOf([&] { readEverything(file); });
    QVERIFY2(message.contains(file), qPrintable(message));
    const QString viaCheckpoint = errorOf([&] { Checkpoint::open(file); });
    QVERIFY2(viaCheckpoint.contains(file), qPrintable(viaCheckpoint));
}

void TestNwcContainer::foreignHdf5() {
    const QString file = path(QStringLiteral("other.h5"));
    {
        h5::AtomicFile other(file);
        h5::setAttribute(other.file(), QStringLiteral("format"), QStringLiteral("codec"));
        other.commit();
    }
    const QString message = errorOf([&] { NwcReader reader(file); });
    QVERIFY2(message.contains(file) && message.contains(QLatin1String("not an NWC container")),
             qPrintable(message));
    // Checkpoint::open recognizes HDF5 by content and gives the same answer.
    QCOMPARE(errorOf([&] { Checkpoint::open(file); }), message);
}

void TestNwcContainer::version1FileStillReads() {
    // Written by an earlier build (format version 1, single-state rANS streams, an identity
    // codec): it still opens and every tensor decodes with its checksums and stream checks.
    const QString file =
        QStringLiteral(NWC_SOURCE_RESOURCES "/../fuzz/corpus/nwc/tiny-nwc-identity.nwc");
    const NwcReader reader(file);
    QCOMPARE(reader.header().formatVersion, int64_t(1));
    int nwcTensors = 0;
    for (const QString &name : reader.tensorNames()) {
        const CompressedTensor t = reader.tensor(name);
        if (t.method == CompressionMethod::Nwc) {
            QCOMPARE(t.streamFormat, CompressedTensor::kSingleStateStreams);
            ++nwcTensors;
        }
    }
    QVERIFY(nwcTensors > 0);
    const CheckpointPtr checkpoint = Checkpoint::open(file);
    for (const TensorInfo &info : checkpoint->tensors()) {
        const std::vector<float> values = checkpoint->readFloat32(info.name);
        QVERIFY(!values.empty());
        QVERIFY(
            std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); }));
    }
}

void TestNwcContainer::newerVersionRefused() {
    const Sample sample;
    const QString file = path(QStringLiteral("future.nwc"));
    sample.writeFile(file);
    {
        h5::silenceErrors();
        H5::H5File h5(file.toStdString(), H5F_ACC_RDWR);
        h5::setAttribute(h5, QStringLiteral("format_version"), int64_t(7));
        h5.close();
    }
    const QString message = errorOf([&] { NwcReader reader(file); });
    QVERIFY2(message.contains(file) && message.contains(QLatin1String("version 7")) &&
                 message.contains(QStringLiteral("version %1").arg(kNwcFormatVersion)) &&
                 message.contains(QLatin1String("Update")),
             qPrintable(message));
}

void TestNwcContainer::damagedSizesRefused() {
    // Found by fuzz_nwc (fuzz/corpus/nwc/): a level count near 2^63 overflowed the check of the
    // packed levels' size, and a dataset whose extent claims more data than the file holds was
    // allocated in full before HDF5 found the data missing.
    const Sample sample;
    const std::string tensor = sample.nwc.name.toStdString();
    h5::silenceErrors();
    const QString levels = path(QStringLiteral("levels.nwc"));
    sample.writeFile(levels);
    {
        H5::H5File h5(levels.toStdString(), H5F_ACC_RDWR);
        H5::Group group = h5.openGroup("tensors").openGroup(tensor);
        h5::setAttribute(group, QStringLiteral("level_count"), std::numeric_limits<int64_t>::max());
    }
    for (const QString &message : {errorOf([&] { NwcReader(levels).tensor(sample.nwc.name); }),
                                   errorOf([&] { NwcReader(levels).summary(); })})
        QVERIFY2(message.contains(levels) && message.contains(QLatin1String("levels")),
                 qPrintable(message));

    const QString extent = path(QStringLiteral("extent.nwc"));
    sample.writeFile(extent);
    {
        H5::H5File h5(extent.toStdString(), H5F_ACC_RDWR);
        H5::Group group = h5.openGroup("tensors").openGroup(tensor);
        group.unlink("column_scales");
        const hsize_t dims[1] = {hsize_t(1) << 40};
        const hsize_t chunk[1] = {4096};
        H5::DSetCreatPropList properties;
        properties.setChunk(1, chunk);
        properties.setDeflate(4);
        group.createDataSet("column_scales", H5::PredType::STD_U16LE, H5::DataSpace(1, dims),
                            properties);
    }
    for (const QString &message : {errorOf([&] { NwcReader(extent).tensor(sample.nwc.name); }),
                                   errorOf([&] { NwcReader(extent).summary(); })})
        QVERIFY2(message.contains(extent) && message.contains(QLatin1String("claims more data")),
                 qPrintable(message));

    // Found while triaging the fuzz findings: H5Aread writes every element of an attribute, so
    // one whose dataspace was damaged into several values overran the one-value buffer.
    const QString values = path(QStringLiteral("values.nwc"));
    sample.writeFile(values);
    {
        H5::H5File h5(values.toStdString(), H5F_ACC_RDWR);
        h5.removeAttr("format_version");
        const hsize_t dims[1] = {2};
        const int64_t two[2] = {1, 1};
        h5.createAttribute("format_version", H5::PredType::STD_I64LE, H5::DataSpace(1, dims))
            .write(H5::PredType::NATIVE_INT64, two);
    }
    const QString message = errorOf([&] { NwcReader reader(values); });
    QVERIFY2(message.contains(values) && message.contains(QLatin1String("holds 2 values")),
             qPrintable(message));
}

void TestNwcContainer::writerRefusesBadInput() {
    const QString file = path(QStringLiteral("bad.nwc"));
    NwcWriter writer(file);
    auto refused = [&](const std::function<void()> &body, const QString &expected) {
        const QString message = errorOf(body);
        QVERIFY2(message.contains(expected) && message.contains(file), qPrintable(message));
    };
    CompressedTensor level = nwcTensor(QStringLiteral("level"), 1);
    level.levels[3] = 4;
    refused([&] { writer.addTensor(level); }, QStringLiteral("quality level 4"));
    CompressedTensor offsets = nwcTensor(QStringLiteral("offsets"), 1);
    offsets.streamOffsets.back() = 199;
    refused([&] { writer.addTensor(offsets); }, QStringLiteral("stream offsets"));
    CompressedTensor codes = rtnTensor(QStringLiteral("codes"), 3, 8, 4, 4, 1);
    codes.packedCodes.chop(1);
    refused([&] { writer.addTensor(codes); }, QStringLiteral("bytes of packed codes"));
    CompressedTensor slash = nwcTensor(QStringLiteral("a/b"), 1);
    refused([&] { writer.addTensor(slash); }, QStringLiteral("a/b"));
    refused([&] { writer.addPassthrough(QStringLiteral("p"), DType::F32, {3}, QByteArray(8, 0)); },
            QStringLiteral("8 bytes given"));
    writer.addTensor(nwcTensor(QStringLiteral("twice"), 1));
    refused(
        [&] { writer.addPassthrough(QStringLiteral("twice"), DType::F32, {1}, QByteArray(4, 0)); },
        QStringLiteral("'twice' was added twice"));
    refused([&] { writer.addTokenizerFile(QStringLiteral("../x.json"), QByteArray()); },
            QStringLiteral("x.json"));
    refused([&] { writer.commit(); }, QStringLiteral("config"));
}

void TestNwcContainer::abandonedWriterLeavesNothing() {
    const Sample sample;
    {
        NwcWriter writer(path(QStringLiteral("a.nwc")));
        sample.write(writer);
        QCOMPARE(filesIn(m_dir->path()).size(), 1); // the temporary file
    }
    QCOMPARE(filesIn(m_dir->path()), QStringList());
}

void TestNwcContainer::existingFileSurvivesFailedWrite() {
    const Sample sample;
    const QString file = path(QStringLiteral("a.nwc"));
    sample.writeFile(file);
    const QByteArray original = readFile(file);
    {
        // Abandoned half-way.
        NwcWriter writer(file);
        writer.setConfigJson(QByteArrayLiteral("{}"));
        writer.addTensor(sample.rtn);
    }
    {
        // A failed commit.
        NwcWriter writer(file);
        writer.addTensor(sample.rtn);
        QVERIFY(!errorOf([&] { writer.commit(); }).isEmpty());
    }
    QCOMPARE(readFile(file), original);
    QCOMPARE(filesIn(m_dir->path()), QStringList{QStringLiteral("a.nwc")});
    // A successful rewrite replaces it.
    {
        NwcWriter writer(file);
        writer.setConfigJson(sample.config);
        writer.addTensor(sample.gptq);
        writer.commit();
    }
    QCOMPARE(NwcReader(file).order(), std::vector<QString>{sample.gptq.name});
    QCOMPARE(filesIn(m_dir->path()), QStringList{QStringLiteral("a.nwc")});
}

void TestNwcContainer::transposedHalfTensor() {
    // A [6, 4] F16 GPT-2 Conv1D weight coded as 4 x 6 (transposed), read back in the file layout
    // and dtype.
    const QString name = QStringLiteral("h.0.mlp.c_fc.weight");
    CompressedTensor t = rtnTensor(name, 4, 6, 8, 3, 11);
    t.transposed = true;
    t.originalDtype = DType::F16;
    const QString file = path(QStringLiteral("half.nwc"));
    {
        NwcWriter writer(file);
        writer.setConfigJson(gpt2ConfigJson());
        writer.addTensor(t);
        writer.commit();
    }
    const CheckpointPtr checkpoint = Checkpoint::open(file);
    QCOMPARE(checkpoint->format(), CheckpointFormat::Nwc);
    QCOMPARE(checkpoint->displayName(), QStringLiteral("half"));
    QCOMPARE(checkpoint->tokenizerPath(), QString());
    const TensorInfo *info = checkpoint->findTensor(name);
    QVERIFY(info);
    QCOMPARE(info->dtype, DType::F16);
    QCOMPARE(info->shape, (QVector<qint64>{6, 4}));
    QCOMPARE(info->byteSize, quint64(48));

    const std::vector<float> coded = dequantizeGroups(t); // [4, 6]
    std::vector<float> expected(24);
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 6; ++c)
            expected[size_t(c * 4 + r)] = halfToFloat(floatToHalf(coded[size_t(r * 6 + c)]));
    QCOMPARE(checkpoint->readFloat32(name), expected);
    const QByteArray raw = checkpoint->readRaw(name);
    QCOMPARE(raw.size(), qsizetype(48));
    std::vector<float> fromRaw(24);
    convertToFloat32(raw.constData(), DType::F16, 24, fromRaw.data());
    QCOMPARE(fromRaw, expected);
}

void TestNwcContainer::compressedCheckpoint() {
    const CheckpointPtr original = Checkpoint::open(QStringLiteral("demo:student"));
    const QString file = path(QStringLiteral("student-rtn8.nwc"));
    int compressedCount = 0;
    {
        NwcWriter writer(file);
        NwcHeader header;
        header.sourceModel = QStringLiteral("demo:student");
        header.method = QStringLiteral("rtn");
        header.targetBitsPerWeight = 8.0;
        writer.setHeader(header);
        writer.setConfigJson(original->configJson());
        for (const auto &tokenizerFile : collectTokenizerFiles(original->tokenizerPath()))
            writer.addTokenizerFile(tokenizerFile.first, tokenizerFile.second);
        for (const TensorInfo &info : original->tensors()) {
            if (isBlockWeight(info)) {
                const std::vector<float> weights = original->readFloat32(info.name);
                writer.addTensor(
                    rtnCompress(info.name, weights.data(), info.shape[0], info.shape[1], 8, 32));
                ++compressedCount;
            } else {
                writer.addPassthrough(info.name, info.dtype, info.shape,
                                      original->readRaw(info.name));
            }
        }
        writer.commit();
    }
    QCOMPARE(compressedCount, 21);
    // NWC_TST_NWCCONTAINER_KEEP=PATH keeps a copy of the container for trying the CLI by hand.
    const QString keep = qEnvironmentVariable("NWC_TST_NWCCONTAINER_KEEP");
    if (!keep.isEmpty()) {
        QFile::remove(keep);
        QVERIFY(QFile::copy(file, keep));
    }

    const CheckpointPtr opened = Checkpoint::open(file);
    const auto *checkpoint = dynamic_cast<const CompressedCheckpoint *>(opened.get());
    QVERIFY(checkpoint);
    QCOMPARE(checkpoint->format(), CheckpointFormat::Nwc);
    QCOMPARE(checkpoint->source(), file);
    QCOMPARE(checkpoint->displayName(), QStringLiteral("student-rtn8"));
    QCOMPARE(checkpoint->config(), original->config());
    QCOMPARE(checkpoint->configJson(), original->configJson());
    QCOMPARE(checkpoint->tensors().size(), original->tensors().size());
    for (int i = 0; i < original->tensors().size(); ++i) {
        const TensorInfo &a = original->tensors().at(i);
        const TensorInfo &b = checkpoint->tensors().at(i);
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.dtype, a.dtype);
        QCOMPARE(b.shape, a.shape);
        QCOMPARE(b.byteSize, a.byteSize);
        QCOMPARE(checkpoint->isCompressed(a.name), isBlockWeight(a));
    }
    QVERIFY(!errorOf([&] { checkpoint->readFloat32(QStringLiteral("nope")); }).isEmpty());

    // Tokenizer files extracted side by side, verbatim.
    const QFileInfo tokenizer(checkpoint->tokenizerPath());
    QCOMPARE(tokenizer.fileName(), QStringLiteral("tokenizer.json"));
    QCOMPARE(readFile(tokenizer.filePath()), readFile(original->tokenizerPath()));
    const QString originalConfig = QFileInfo(original->tokenizerPath())
                                       .dir()
                                       .filePath(QStringLiteral("tokenizer_config.json"));
    QCOMPARE(readFile(tokenizer.dir().filePath(QStringLiteral("tokenizer_config.json"))),
             readFile(originalConfig));

    // Values: passthrough exact, compressed within the 8-bit quantization error.
    for (const TensorInfo &info : original->tensors()) {
        const std::vector<float> a = original->readFloat32(info.name);
        const std::vector<float> b = checkpoint->readFloat32(info.name);
        QCOMPARE(b.size(), a.size());
        if (!isBlockWeight(info)) {
            QCOMPARE(b, a);
            QCOMPARE(checkpoint->readRaw(info.name), original->readRaw(info.name));
            continue;
        }
        const auto [low, high] = std::minmax_element(a.begin(), a.end());
        const double range = std::max(double(*high), 0.0) - std::min(double(*low), 0.0);
        const double bound = 0.5 * range / 255.0 * (1.0 + 1.0 / 1024) + 1e-7;
        QVERIFY2(maxDifference(a, b) <= bound, qPrintable(QStringLiteral("%1: error %2 > %3")
                                                              .arg(info.name)
                                                              .arg(maxDifference(a, b))
                                                              .arg(bound)));
        QVERIFY(maxDifference(a, b) > 0);
        const QByteArray raw = checkpoint->readRaw(info.name);
        QCOMPARE(raw, QByteArray(reinterpret_cast<const char *>(b.data()),
                                 qsizetype(b.size() * sizeof(float))));
    }

    // Concurrent reads give the same values.
    {
        const QString name = QStringLiteral("model.layers.1.mlp.down_proj.weight");
        const std::vector<float> expected = checkpoint->readFloat32(name);
        std::vector<std::vector<float>> results(4);
        std::vector<std::thread> threads;
        for (size_t i = 0; i < results.size(); ++i)
            threads.emplace_back([&, i] { results[i] = checkpoint->readFloat32(name); });
        for (std::thread &thread : threads)
            thread.join();
        for (const auto &result : results)
            QCOMPARE(result, expected);
    }

    // Bit accounting: 8-bit codes + fp16 scale and zero per 32 weights, header allowance.
    const NwcSummary &summary = checkpoint->summary();
    QCOMPARE(summary.tensors.size(), size_t(21));
    QVERIFY2(summary.bitsPerWeight > 9.0 && summary.bitsPerWeight < 9.05,
             qPrintable(QString::number(summary.bitsPerWeight)));
    QCOMPARE(checkpoint->header().achievedBitsPerWeight, summary.bitsPerWeight);
    QCOMPARE(summary.tensors.front().method, CompressionMethod::Rtn);
    QCOMPARE(summary.tensors.front().bits, 8);

    // It runs as a model and evaluates like the original.
    const LanguageModelPtr compressedModel = LanguageModel::load(file);
    const LanguageModelPtr originalModel = LanguageModel::load(QStringLiteral("demo:student"));
    const QByteArray text =
        readFile(QStringLiteral(NWC_SOURCE_RESOURCES "/demo/heldout.txt")).left(4000);
    QVERIFY(!text.isEmpty());
    PerplexitySettings settings;
    settings.contextLength = 128;
    const double compressedPerplexity =
        evaluatePerplexity(*compressedModel, text, settings).perplexity;
    const double originalPerplexity = evaluatePerplexity(*originalModel, text, settings).perplexity;
    QVERIFY2(std::abs(compressedPerplexity / originalPerplexity - 1.0) < 0.03,
             qPrintable(QStringLiteral("perplexity %1 vs. %2")
                            .arg(compressedPerplexity)
                            .arg(originalPerplexity)));

    // nwc decompress: a Hugging Face folder with identical floats.
    const QString out = path(QStringLiteral("decompressed"));
    {
        CallbackProgress cancelled;
        cancelled.cancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 decompressToDirectory(*checkpoint, out, false, &cancelled));
        QVERIFY(!QFileInfo::exists(out));
    }
    int reports = 0;
    CallbackProgress progress([&](double, const QString &) { ++reports; });
    decompressToDirectory(*checkpoint, out, false, &progress);
    QVERIFY(reports >= original->tensors().size());
    const CheckpointPtr decompressed = Checkpoint::open(out);
    QCOMPARE(decompressed->format(), CheckpointFormat::HuggingFace);
    QCOMPARE(decompressed->tensors().size(), checkpoint->tensors().size());
    for (const TensorInfo &info : checkpoint->tensors()) {
        const TensorInfo *stored = decompressed->findTensor(info.name);
        QVERIFY(stored);
        QCOMPARE(stored->dtype, info.dtype);
        QCOMPARE(stored->shape, info.shape);
        QCOMPARE(decompressed->readFloat32(info.name), checkpoint->readFloat32(info.name));
    }
    QCOMPARE(decompressed->configJson(), original->configJson());
    QCOMPARE(readFile(decompressed->tokenizerPath()), readFile(original->tokenizerPath()));
    QCOMPARE(readFile(QDir(out).filePath(QStringLiteral("tokenizer_config.json"))),
             readFile(originalConfig));
    QVERIFY(LanguageModel::load(out));

    // A non-empty folder needs overwrite; a folder with a shadowing index is always refused.
    const QString busy = errorOf([&] { decompressToDirectory(*checkpoint, out, false); });
    QVERIFY2(busy.contains(out) && busy.contains(QLatin1String("--force")), qPrintable(busy));
    decompressToDirectory(*checkpoint, out, true);
    QVERIFY(writeFile(QDir(out).filePath(QStringLiteral("model.safetensors.index.json")), "{}"));
    const QString shadow = errorOf([&] { decompressToDirectory(*checkpoint, out, true); });
    QVERIFY2(shadow.contains(QLatin1String("model.safetensors.index.json")), qPrintable(shadow));
}

QTEST_GUILESS_MAIN(TestNwcContainer)
#include "tst_nwccontainer.moc"
