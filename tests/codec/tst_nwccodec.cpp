// The NWC codec: learned density and its coding tables, column chunking, quality levels, tensor
// coding round trips with bit accounting, corrupt streams, and codec training with resume.
#include "codec/codecfile.h"
#include "codec/codectrainer.h"
#include "codec/columnchunks.h"
#include "codec/compressibletensor.h"
#include "codec/factorizeddensity.h"
#include "codec/laneransstream.h"
#include "codec/neuralcodec.h"
#include "codec/nwccontainer.h"
#include "codec/nwctensorcoder.h"
#include "codec/ransstream.h"
#include "codec/symboltables.h"
#include "corruptiontesting.h"
#include "io/checkpoint.h"
#include "jobs/error.h"

#include "codecfixtures.h"
#include <QTemporaryDir>

#include <QtTest>

#include <cmath>
#include <random>

using namespace nwc;
using namespace nwc::test;

namespace {

std::vector<double> randomImportance(int64_t columns, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<double> importance(static_cast<size_t>(columns));
    for (double &value : importance)
        value = std::exp(std::normal_distribution<double>(0.0, 2.0)(rng));
    return importance;
}

/// The trained identity codec shipped in resources/codecs (a fresh codec's density is nearly
/// flat, so the rate term would hardly move an index).
CodecParameters shippedIdentityCodec() {
    return loadCodecFile(QStringLiteral(NWC_SOURCE_RESOURCES "/codecs/identity-l1765.h5"));
}

/// One row of a tensor coding test: the codec preset, the tensor's shape and the step.
struct CodingCase {
    QString preset;
    int rows = 0;
    int columns = 0;
    double step = 0.0;
};

/// Adds the columns of a CodingCase to the current _data() function.
void addCodingColumns() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("columns");
    QTest::addColumn<double>("step");
}

/// The current row of a test whose _data() function called addCodingColumns().
CodingCase fetchCodingCase() {
    QFETCH(QString, preset);
    QFETCH(int, rows);
    QFETCH(int, columns);
    QFETCH(double, step);
    return {preset, rows, columns, step};
}

} // namespace

class TestNwcCodec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void densityHasMediansAndUnitMass();
    void symbolTablesCodeOutliersThroughEscapes();
    void rateWeightedIndicesNeverCostMore();
    void rateWeightedTensorRoundTrip();
    void chunksNormalizeColumns();
    void qualityLevelsFollowImportanceRanks();
    void tensorRoundTrip_data();
    void tensorRoundTrip();
    void smallerStepCostsMoreBits();
    void laneAndSingleStateStreamsDecodeAlike_data();
    void laneAndSingleStateStreamsDecodeAlike();
    void corruptTensorsAreRefused();
    void trainingWritesAndResumes();
    void trainingSamplesColumnsAboveTheBound();
};

void TestNwcCodec::densityHasMediansAndUnitMass() {
    const CodecParameters codec = freshCodec(QStringLiteral("identity"));
    const FactorizedDensity density(codec);
    QCOMPARE(density.channels(), 64);
    for (int c = 0; c < density.channels(); c += 7) {
        QVERIFY(std::abs(density.logit(c, density.median(c))) < 1e-9);
        QVERIFY(std::abs(density.mass(c, -1e6, 1e6) - 1.0) < 1e-9);
        // Mass is additive over adjacent intervals.
        const double m = density.median(c);
        const double whole = density.mass(c, m - 2.0, m + 3.0);
        const double parts = density.mass(c, m - 2.0, m + 0.5) + density.mass(c, m + 0.5, m + 3.0);
        QVERIFY(std::abs(whole - parts) < 1e-12);
    }
}

void TestNwcCodec::symbolTablesCodeOutliersThroughEscapes() {
    const CodecParameters codec = freshCodec(QStringLiteral("identity"));
    const FactorizedDensity density(codec);
    const SymbolTables tables(density, 0.5, true);
    std::mt19937_64 rng(11);
    std::vector<std::pair<int, int64_t>> symbols;
    for (int i = 0; i < 5000; ++i) {
        const int channel = int(rng() % 64);
        int64_t symbol = int64_t(std::normal_distribution<double>(0.0, 3.0)(rng));
        if (i % 97 == 0)
            symbol = (i % 2 ? 1 : -1) * int64_t(100000 + i); // far outside every range
        symbols.emplace_back(channel, symbol);
    }
    std::vector<int32_t> values;
    std::vector<const FrequencyTable *> used;
    for (const auto &[channel, symbol] : symbols)
        tables.appendSymbols(channel, symbol, &values, &used);
    RansEncoder encoder;
    for (size_t i = values.size(); i-- > 0;)
        encoder.pushReverse(values[i], *used[i]);
    const QByteArray stream = encoder.finish();
    RansDecoder decoder(reinterpret_cast<const uint8_t *>(stream.constData()),
                        size_t(stream.size()));
    const auto next = [&](const FrequencyTable &table) { return decoder.decode(table); };
    for (const auto &[channel, symbol] : symbols)
        QCOMPARE(tables.decodeSymbol(channel, next), symbol);
    decoder.finish();
    // An escape costs its table entry plus 32 payload bits.
    QVERIFY(tables.bits(0, 1000000) > 32.0);
    QCOMPARE(tables.quantize(3, tables.dequantize(3, 17)), int64_t(17));
}

void TestNwcCodec::rateWeightedIndicesNeverCostMore() {
    const CodecParameters codec = shippedIdentityCodec();
    const FactorizedDensity density(codec);
    const double step = 4.0;
    const SymbolTables plain(density, step, false);
    QCOMPARE(plain.rateWeight(), 0.0);
    QVERIFY_THROWS_EXCEPTION(Error, SymbolTables(density, step, false, -0.1));
    for (double k : {0.05, 0.2, 1.0}) {
        const SymbolTables rd(density, step, false, k);
        std::mt19937_64 rng(21);
        double plainBits = 0.0;
        double rdBits = 0.0;
        int changed = 0;
        for (int i = 0; i < 20000; ++i) {
            const int channel = int(rng() % 64);
            const float value =
                float(plain.median(channel) + std::normal_distribution<double>(0.0, 8.0)(rng));
            const int64_t nearest = plain.quantize(channel, value);
            const int64_t chosen = rd.quantize(channel, value);
            const double scaled = (double(value) - plain.median(channel)) / step;
            QCOMPARE(double(nearest), std::nearbyint(scaled));
            // Always the nearest or its neighbour on the value's other side.
            QVERIFY(chosen == nearest || std::abs(scaled - double(chosen)) <= 1.0);
            const auto cost = [&](int64_t s) {
                return (scaled - double(s)) * (scaled - double(s)) + k * plain.bits(channel, s);
            };
            // D + λR of the chosen index never exceeds plain rounding's.
            QVERIFY(cost(chosen) <= cost(nearest) + 1e-12);
            plainBits += plain.bits(channel, nearest);
            rdBits += plain.bits(channel, chosen);
            changed += chosen != nearest;
        }
        QVERIFY2(
            changed > 0,
            qPrintable(QStringLiteral("k %1: %2 vs %3 bits").arg(k).arg(rdBits).arg(plainBits)));
        QVERIFY(rdBits < plainBits);
    }
}

void TestNwcCodec::rateWeightedTensorRoundTrip() {
    const CodecParameters codec = shippedIdentityCodec();
    const int64_t rows = 96;
    const int64_t columns = 40;
    const std::vector<float> weights = randomWeights(rows, columns, 8);
    const std::vector<double> importance = randomImportance(columns, 9);
    const ColumnChunks chunks = makeColumnChunks(weights.data(), rows, columns, 16);
    NwcTensorCoder plain(codec);
    NwcTensorCoder rd(codec, {}, 0.2);
    QVERIFY_THROWS_EXCEPTION(Error, NwcTensorCoder(codec, {}, -1.0));
    plain.setTensor(chunks, qualityLevels(importance), importance);
    rd.setTensor(chunks, qualityLevels(importance), importance);
    const double step = 2.0;
    const NwcTensorCoder::Trial plainTrial = plain.evaluate(step);
    std::vector<float> measured;
    const NwcTensorCoder::Trial rdTrial = rd.evaluate(step, &measured);
    QVERIFY(rdTrial.estimatedBits < plainTrial.estimatedBits);
    QVERIFY(rdTrial.squaredError > plainTrial.squaredError);
    const CompressedTensor t = rd.encode(QStringLiteral("layer.weight"), step, false, DType::F32);
    QVERIFY(std::abs(t.estimatedBits - rdTrial.estimatedBits) <= 1e-6 * rdTrial.estimatedBits);
    // Any coder of the codec decodes it (k is an encoder choice), to what evaluate() measured.
    const std::vector<float> decoded = plain.decode(t);
    QCOMPARE(decoded, measured);
}

void TestNwcCodec::chunksNormalizeColumns() {
    const std::vector<float> weights = randomWeights(37, 5, 1);
    const ColumnChunks chunks = makeColumnChunks(weights.data(), 37, 5, 16);
    QCOMPARE(chunks.chunksPerColumn, int64_t(3));
    QCOMPARE(int64_t(chunks.values.size()), int64_t(5 * 3 * 16));
    for (int64_t j = 0; j < 5; ++j) {
        double sum = 0.0;
        double squares = 0.0;
        for (int64_t r = 0; r < 37; ++r) {
            const double x = chunks.values[size_t(j * 48 + r)];
            const double w = weights[size_t(r * 5 + j)];
            QVERIFY(std::abs(x * chunks.scales[size_t(j)] - w) <= 1e-6 * std::abs(w) + 1e-12);
            sum += x;
            squares += x * x;
        }
        const double variance = squares / 37 - (sum / 37) * (sum / 37);
        QVERIFY2(std::abs(variance - 1.0) < 2e-3, qPrintable(QString::number(variance)));
        for (int64_t r = 37; r < 48; ++r)
            QCOMPARE(chunks.values[size_t(j * 48 + r)], 0.0f); // padding
    }
    const std::vector<float> t = transposed(weights.data(), 37, 5);
    QCOMPARE(t[size_t(2 * 37 + 7)], weights[size_t(7 * 5 + 2)]);
}

void TestNwcCodec::qualityLevelsFollowImportanceRanks() {
    std::vector<double> importance(1000);
    for (size_t i = 0; i < importance.size(); ++i)
        importance[i] = double((i * 7919) % 1000); // a permutation of 0..999
    const std::vector<uint8_t> levels = qualityLevels(importance);
    std::vector<int> counts(4, 0);
    for (size_t i = 0; i < levels.size(); ++i) {
        ++counts[levels[i]];
        if (importance[i] == 999.0)
            QCOMPARE(int(levels[i]), 3);
        if (importance[i] >= 989.0)
            QVERIFY(levels[i] >= 2);
        if (importance[i] < 889.0)
            QCOMPARE(int(levels[i]), 0);
    }
    QCOMPARE(counts, (std::vector<int>{889, 100, 10, 1}));
    // Few columns: still one column per level (counts round up).
    const std::vector<uint8_t> small = qualityLevels({1.0, 5.0, 3.0, 4.0, 2.0});
    QCOMPARE(small, (std::vector<uint8_t>{0, 3, 1, 2, 0}));
}

void TestNwcCodec::tensorRoundTrip_data() {
    addCodingColumns();
    QTest::newRow("identity 256x96 step 1") << QStringLiteral("identity") << 256 << 96 << 1.0;
    QTest::newRow("identity 37x20 step 0.3") << QStringLiteral("identity") << 37 << 20 << 0.3;
    QTest::newRow("fast 256x96 step 0.5") << QStringLiteral("fast") << 256 << 96 << 0.5;
    QTest::newRow("fast 4100x40 step 2 (several streams)")
        << QStringLiteral("fast") << 4100 << 40 << 2.0;
}

void TestNwcCodec::tensorRoundTrip() {
    const auto [preset, rows, columns, step] = fetchCodingCase();
    const CodecParameters codec = freshCodec(preset);
    NwcTensorCoder coder(codec);
    const std::vector<float> weights = randomWeights(rows, columns, 5);
    const std::vector<double> importance = randomImportance(columns, 6);
    const ColumnChunks chunks = makeColumnChunks(weights.data(), rows, columns, 16);
    coder.setTensor(chunks, qualityLevels(importance), importance);
    const NwcTensorCoder::Trial trial = coder.evaluate(step);
    const CompressedTensor t =
        coder.encode(QStringLiteral("layer.weight"), step, false, DType::F32);
    QCOMPARE(t.rows, int64_t(rows));
    QCOMPARE(t.columns, int64_t(columns));
    QCOMPARE(t.codecId, codec.id);
    QVERIFY(t.streamOffsets.size() >= 2);
    if (rows > 4096)
        QVERIFY(t.streamOffsets.size() > 2);
    QVERIFY(std::abs(t.estimatedBits - trial.estimatedBits) <= 1e-6 * trial.estimatedBits);

    const std::vector<float> decoded = coder.decode(t);
    QCOMPARE(decoded.size(), weights.size());
    QCOMPARE(coder.decode(t), decoded); // deterministic
    // Partial decoding of a column range gives exactly the same values.
    const int64_t first = columns / 3;
    const int64_t count = std::max<int64_t>(1, columns / 4);
    const std::vector<float> part = coder.decodeColumns(t, first, count);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < count; ++c)
            QCOMPARE(part[size_t(r * count + c)], decoded[size_t(r * columns + first + c)]);
    QVERIFY_THROWS_EXCEPTION(Error, coder.decodeColumns(t, columns - 1, 2));
    double squared = 0.0;
    for (size_t i = 0; i < weights.size(); ++i)
        squared += double(weights[i] - decoded[i]) * double(weights[i] - decoded[i]);
    // What the decoder produces is exactly what evaluate() measured.
    QVERIFY2(std::abs(squared - trial.squaredError) <= 1e-6 * trial.squaredError + 1e-12,
             qPrintable(QStringLiteral("%1 vs %2").arg(squared).arg(trial.squaredError)));
    // Bits written agree with the entropy model's estimate. Each lane stream starts with its
    // escape count and 32 lane states; a final state also carries up to 16 bits of the payload.
    QCOMPARE(t.streamFormat, CompressedTensor::kLaneStreams);
    const double streams = double(t.streamOffsets.size() - 1);
    const double written = 8.0 * double(t.bitstream.size());
    const double overhead = 8.0 * double(kLaneStreamHeaderBytes) * streams;
    QVERIFY2(
        std::abs(written - overhead - t.estimatedBits) <=
            0.01 * t.estimatedBits + 64.0 + 16.0 * kRansLanes * streams,
        qPrintable(QStringLiteral("written %1, estimated %2").arg(written).arg(t.estimatedBits)));
    // Bit accounting: bitstream + fp16 scales + 2-bit levels + 4-byte offsets + header.
    const int64_t expected = int64_t(t.bitstream.size()) + 2 * columns + (2 * columns + 7) / 8 +
                             4 * int64_t(t.streamOffsets.size()) + CompressedTensor::kHeaderBytes;
    QCOMPARE(t.countedBytes(), expected);
    QCOMPARE(t.bitsPerWeight(), 8.0 * double(expected) / double(rows * columns));
}

void TestNwcCodec::laneAndSingleStateStreamsDecodeAlike_data() {
    addCodingColumns();
    QTest::newRow("identity, ragged rows") << QStringLiteral("identity") << 37 << 20 << 0.3;
    QTest::newRow("identity, several streams") << QStringLiteral("identity") << 4100 << 33 << 1.0;
    // 9 streams: the decoder takes them several per call (groups of up to 4 with AVX-512).
    QTest::newRow("identity, streams in groups")
        << QStringLiteral("identity") << 4100 << 144 << 1.0;
    QTest::newRow("fast") << QStringLiteral("fast") << 256 << 96 << 0.5;
}

void TestNwcCodec::laneAndSingleStateStreamsDecodeAlike() {
    // .nwc v1 (one state per stream) and v2 (32 lanes) code the same latent symbols: the
    // decoded weights are identical, bit for bit, also for escaped outliers.
    const auto [preset, rows, columns, step] = fetchCodingCase();
    const CodecParameters codec = freshCodec(preset);
    NwcTensorCoder coder(codec);
    std::vector<float> weights = randomWeights(rows, columns, 21);
    for (size_t i = 0; i < weights.size(); i += 97)
        weights[i] *= 400.0f; // far outside the tables' ranges: escapes
    const std::vector<double> importance = randomImportance(columns, 22);
    coder.setTensor(makeColumnChunks(weights.data(), rows, columns, 16), qualityLevels(importance),
                    importance);
    std::vector<float> evaluated;
    coder.evaluate(step, &evaluated);
    const CompressedTensor lanes = coder.encode(QStringLiteral("w"), step, false, DType::F32);
    const CompressedTensor single = coder.encode(QStringLiteral("w"), step, false, DType::F32,
                                                 CompressedTensor::kSingleStateStreams);
    QCOMPARE(lanes.streamFormat, CompressedTensor::kLaneStreams);
    QCOMPARE(single.streamFormat, CompressedTensor::kSingleStateStreams);
    QCOMPARE(lanes.streamOffsets.size(), single.streamOffsets.size());
    QVERIFY(lanes.bitstream != single.bitstream);
    const std::vector<float> a = coder.decode(lanes);
    const std::vector<float> b = coder.decode(single);
    QVERIFY(test::sameBits(a, b));
    QVERIFY(test::sameBits(a, evaluated));
    const double ratio = double(lanes.bitstream.size()) / double(single.bitstream.size());
    qInfo("bitstream bytes: lanes %lld, single state %lld (%.4f)",
          qlonglong(lanes.bitstream.size()), qlonglong(single.bitstream.size()), ratio);
    // A format-version-1 container holds the single-state tensor and reads back as version 1.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v1.nwc"));
    {
        NwcWriter writer(path);
        writer.setFormatVersion(1);
        writer.setConfigJson(QByteArrayLiteral("{}"));
        writer.addCodec(codec);
        QVERIFY_THROWS_EXCEPTION(Error, writer.addTensor(lanes));
        writer.addTensor(single);
        writer.commit();
    }
    const NwcReader reader(path);
    QCOMPARE(reader.header().formatVersion, int64_t(1));
    const CompressedTensor read = reader.tensor(QStringLiteral("w"));
    QCOMPARE(read.streamFormat, CompressedTensor::kSingleStateStreams);
    QVERIFY(test::sameBits(coder.decode(read), a));
    // The payload is the same entropy-coded symbols; the lanes add their states' header.
    const double streams = double(lanes.streamOffsets.size() - 1);
    // 16-bit words keep a lane's state in [2^16, 2^32), closer to the 16-bit tables' total than
    // the single state's [2^23, 2^31): a few tenths of a percent more (measured 0.2–0.4 %).
    QVERIFY(double(lanes.bitstream.size()) <=
            1.006 * double(single.bitstream.size()) + streams * kLaneStreamHeaderBytes);
    // A stream whose escape count cannot fit is refused by name, also when it is decoded in a
    // group with others.
    const int64_t bad = std::max<int64_t>(0, int64_t(streams) - 2);
    CompressedTensor damaged = lanes;
    for (int i = 0; i < 4; ++i)
        damaged.bitstream[qsizetype(damaged.streamOffsets[size_t(bad)]) + i] = char(0xff);
    try {
        coder.decode(damaged);
        QFAIL("a stream with 2^32 - 1 escapes was decoded");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(QStringLiteral("stream %1:").arg(bad)),
                 qPrintable(error.message()));
    }
}

void TestNwcCodec::smallerStepCostsMoreBits() {
    const CodecParameters codec = freshCodec(QStringLiteral("identity"));
    NwcTensorCoder coder(codec);
    const std::vector<float> weights = randomWeights(128, 64, 9);
    coder.setTensor(makeColumnChunks(weights.data(), 128, 64, 16), std::vector<uint8_t>(64, 0), {});
    double previousBits = 0.0;
    double previousError = 1e300;
    for (double step : {2.0, 1.0, 0.5, 0.25}) {
        const NwcTensorCoder::Trial trial = coder.evaluate(step);
        QVERIFY(trial.estimatedBits > previousBits);
        QVERIFY(trial.squaredError < previousError);
        previousBits = trial.estimatedBits;
        previousError = trial.squaredError;
    }
}

void TestNwcCodec::corruptTensorsAreRefused() {
    const CodecParameters codec = freshCodec(QStringLiteral("identity"));
    NwcTensorCoder coder(codec);
    const std::vector<float> weights = randomWeights(64, 32, 2);
    coder.setTensor(makeColumnChunks(weights.data(), 64, 32, 16), std::vector<uint8_t>(32, 1), {});
    const CompressedTensor good = coder.encode(QStringLiteral("blk.0.w"), 0.5, false, DType::F32);
    const auto expectError = [&](CompressedTensor t, const QString &fragment) {
        try {
            coder.decode(t);
            QFAIL(qPrintable(QStringLiteral("no error for: ") + fragment));
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("blk.0.w")),
                     qPrintable(error.message()));
            QVERIFY2(error.message().contains(fragment), qPrintable(error.message()));
        }
    };
    CompressedTensor flipped = good;
    flipped.bitstream[flipped.bitstream.size() / 2] =
        char(flipped.bitstream[flipped.bitstream.size() / 2] ^ 0x5a);
    expectError(flipped, QStringLiteral("rANS"));
    CompressedTensor truncated = good;
    truncated.bitstream.chop(3);
    truncated.streamOffsets.back() -= 3;
    expectError(truncated, QStringLiteral("rANS"));
    CompressedTensor offsets = good;
    offsets.streamOffsets.back() += 1;
    expectError(offsets, QStringLiteral("offsets"));
    CompressedTensor tables = good;
    tables.tableChecksum ^= 1;
    expectError(tables, QStringLiteral("coding tables"));
    CompressedTensor levels = good;
    levels.levels[3] = 9;
    expectError(levels, QStringLiteral("quality level"));
    CompressedTensor other = good;
    other.codecId = QStringLiteral("another");
    expectError(other, QStringLiteral("codec"));
    // The shape is outside the payload checksum. Found with fuzz_nwc (a .nwc whose "rows"
    // attribute claimed 2^32 rows made the decoder allocate for all of them before reading a
    // byte): a wrong row count shows in the stream layout ...
    CompressedTensor rows = good;
    rows.rows = int64_t(1) << 32;
    expectError(rows, QStringLiteral("columns per stream"));

    // ... and where the layout cannot tell (one column per stream from 32768 rows on), the
    // streams' size bounds the rows they can hold.
    const std::vector<float> tall = randomWeights(65536, 2, 3);
    coder.setTensor(makeColumnChunks(tall.data(), 65536, 2, 16), std::vector<uint8_t>(2, 0), {});
    CompressedTensor taller = coder.encode(QStringLiteral("blk.0.w"), 0.5, false, DType::F32);
    QCOMPARE(taller.columnsPerStream, 1);
    QCOMPARE(coder.decode(taller).size(), tall.size());
    taller.rows = int64_t(1) << 34;
    expectError(taller, QStringLiteral("cannot hold"));
}

void TestNwcCodec::trainingWritesAndResumes() {
    QTemporaryDir dir;
    CodecTrainingSettings settings =
        test::studentIdentityTraining(40, 1024, dir.filePath(QStringLiteral("codec.h5")));
    settings.checkpointEvery = 20;
    const CodecTrainingReport first = trainCodec(settings);
    QCOMPARE(first.codec.steps, int64_t(40));
    QVERIFY(first.bitsPerWeight > 0.5 && first.bitsPerWeight < 12.0);
    const CodecParameters saved = loadCodecFile(settings.outputPath);
    QCOMPARE(saved.id, QStringLiteral("identity-l441"));
    QCOMPARE(saved.steps, int64_t(40));
    QCOMPARE(saved.trainedOn, (std::vector<QString>{QStringLiteral("demo:student")}));
    QCOMPARE(saved.arrays.size(), first.codec.arrays.size());
    QCOMPARE(saved.arrays.front().values, first.codec.arrays.front().values);

    settings.steps = 60;
    settings.resume = true;
    const CodecTrainingReport resumed = trainCodec(settings);
    QCOMPARE(resumed.codec.steps, int64_t(60));

    settings.preset = QStringLiteral("fast");
    QVERIFY_THROWS_EXCEPTION(Error, trainCodec(settings));
    QVERIFY_THROWS_EXCEPTION(Error, loadCodecFile(dir.filePath(QStringLiteral("missing.h5"))));
}

void TestNwcCodec::trainingSamplesColumnsAboveTheBound() {
    QTemporaryDir dir;
    CodecTrainingSettings settings =
        test::studentIdentityTraining(2, 256, dir.filePath(QStringLiteral("all.h5")));
    const CodecTrainingReport all = trainCodec(settings);
    QCOMPARE(all.trainingChunks, all.availableChunks);
    // Every full chunk of every compressible tensor (none of demo:student is transposed).
    int64_t expected = 0;
    int tensors = 0;
    const CheckpointPtr student = Checkpoint::open(QStringLiteral("demo:student"));
    for (const TensorInfo &info : student->tensors()) {
        if (isCompressibleTensor(info)) {
            expected += info.shape[1] * (info.shape[0] / 16);
            ++tensors;
        }
    }
    QCOMPARE(all.availableChunks, expected);

    // Bounded: whole columns, each tensor in proportion, about the bound in all.
    settings.maxChunks = 2000;
    settings.outputPath = dir.filePath(QStringLiteral("sampled.h5"));
    const CodecTrainingReport sampled = trainCodec(settings);
    QCOMPARE(sampled.availableChunks, expected);
    QVERIFY2(sampled.trainingChunks < expected,
             qPrintable(QString::number(sampled.trainingChunks)));
    QVERIFY2(std::abs(double(sampled.trainingChunks) - 2000.0) <= 64.0 * tensors,
             qPrintable(QString::number(sampled.trainingChunks)));
    // The sample comes from the seed: the same seed trains the same codec.
    settings.outputPath = dir.filePath(QStringLiteral("again.h5"));
    const CodecTrainingReport again = trainCodec(settings);
    QCOMPARE(again.trainingChunks, sampled.trainingChunks);
    QCOMPARE(again.codec.arrays.front().values, sampled.codec.arrays.front().values);
}

QTEST_GUILESS_MAIN(TestNwcCodec)
#include "tst_nwccodec.moc"
