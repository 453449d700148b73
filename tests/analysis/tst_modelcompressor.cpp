// Whole-model compression into .nwc containers: rates land on target and equal the bytes
// written, the container decodes to what decompress writes, unreachable targets are refused
// before any work, cancellation leaves nothing, and the RTN/GPTQ baselines share the engine.
#include "analysis/bitallocator.h"
#include "analysis/modelcompressor.h"
#include "codec/codectrainer.h"
#include "codec/compressedcheckpoint.h"
#include "codec/nwccontainer.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace nwc;

class TestModelCompressor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void allocatorMeetsBudget();
    void nwcHitsTargetRate_data();
    void nwcHitsTargetRate();
    void containerDecodesLikeDecompress();
    void unreachableTargetIsRefusedBeforeWork();
    void cancellationLeavesNoFile();
    void baselinesCountScalesAndZeros();

private:
    QTemporaryDir m_dir;
    QString m_codec;
    QString m_codecHigh;
    QString m_path;
};

void TestModelCompressor::initTestCase() {
    QVERIFY(m_dir.isValid());
    // Two small identity codecs trained here (seconds), so the test does not depend on the
    // shipped ladder.
    for (double lambda : {441.0, 7060.0}) {
        CodecTrainingSettings settings;
        settings.models = {QStringLiteral("demo:student")};
        settings.preset = QStringLiteral("identity");
        settings.lambda = lambda;
        settings.steps = 150;
        settings.batchChunks = 2048;
        settings.checkpointEvery = 0;
        settings.outputPath = m_dir.filePath(QStringLiteral("codec-%1.h5").arg(lambda));
        trainCodec(settings);
        (lambda < 1000 ? m_codec : m_codecHigh) = settings.outputPath;
    }
}

void TestModelCompressor::allocatorMeetsBudget() {
    // Random convex option sets; compare with brute force over all combinations.
    std::mt19937_64 rng(4);
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<TensorRateOptions> tensors(3);
        for (TensorRateOptions &t : tensors) {
            t.fixedBits = double(rng() % 50);
            const double weight = 1.0 + double(rng() % 100);
            for (int k = 0; k < 6; ++k) {
                const double bits = 100.0 * (k + 1) + double(rng() % 30);
                t.options.push_back({0, 1.0, bits, weight * std::exp2(-bits / 100.0)});
            }
        }
        const double target = 600.0 + double(rng() % 900);
        double best = 1e300;
        for (size_t a = 0; a < 6; ++a)
            for (size_t b = 0; b < 6; ++b)
                for (size_t c = 0; c < 6; ++c) {
                    double bits = tensors[0].fixedBits + tensors[1].fixedBits +
                                  tensors[2].fixedBits + tensors[0].options[a].bits +
                                  tensors[1].options[b].bits + tensors[2].options[c].bits;
                    if (bits <= target)
                        best = std::min(best, tensors[0].options[a].distortion +
                                                  tensors[1].options[b].distortion +
                                                  tensors[2].options[c].distortion);
                }
        const BitAllocation allocation = allocateBits(tensors, target);
        if (best == 1e300)
            continue; // nothing fits; the caller reports it
        QVERIFY(allocation.totalBits <= target + 1e-9);
        QVERIFY2(allocation.totalDistortion <= best * 1.15,
                 qPrintable(
                     QStringLiteral("%1 vs optimum %2").arg(allocation.totalDistortion).arg(best)));
    }
}

void TestModelCompressor::nwcHitsTargetRate_data() {
    QTest::addColumn<double>("bits");
    QTest::newRow("3 bpw") << 3.0;
    QTest::newRow("4 bpw") << 4.0;
    QTest::newRow("4.75 bpw") << 4.75;
}

void TestModelCompressor::nwcHitsTargetRate() {
    QFETCH(double, bits);
    CompressionSettings settings;
    settings.targetBitsPerWeight = bits;
    settings.codecPaths = {m_codec, m_codecHigh};
    settings.calibrationSamples = 4;
    settings.calibrationLength = 64;
    const QString path = m_dir.filePath(QStringLiteral("student-%1.nwc").arg(bits));
    const CompressionSummary summary =
        compressModel(QStringLiteral("demo:student"), settings, path);
    QVERIFY2(std::abs(summary.achievedBitsPerWeight - bits) <= 0.05,
             qPrintable(QString::number(summary.achievedBitsPerWeight)));
    // The rate is the bytes written: the reader counts the same bytes.
    const NwcSummary stored = NwcReader(path).summary();
    QCOMPARE(stored.countedBytes, summary.countedBytes);
    QCOMPARE(stored.compressedWeights, summary.compressedWeights);
    QCOMPARE(stored.bitsPerWeight,
             8.0 * double(stored.countedBytes) / double(stored.compressedWeights));
    QVERIFY(std::abs(stored.bitsPerWeight - summary.achievedBitsPerWeight) < 1e-12);
    QCOMPARE(stored.header.targetBitsPerWeight, bits);
    // Entropy-model estimate and bits written agree within 1 %.
    QVERIFY(std::abs(summary.actualBitstreamBits / summary.estimatedBitstreamBits - 1.0) < 0.01);
    QCOMPARE(int(summary.tensors.size()), 21);
    QVERIFY(summary.fileBytes > summary.countedBytes + summary.passthroughBytes);
    if (bits == 4.0)
        m_path = path;
}

void TestModelCompressor::containerDecodesLikeDecompress() {
    QVERIFY(!m_path.isEmpty());
    const CheckpointPtr original = Checkpoint::open(QStringLiteral("demo:student"));
    const CheckpointPtr compressed = Checkpoint::open(m_path);
    QCOMPARE(compressed->format(), CheckpointFormat::Nwc);
    QCOMPARE(compressed->tensors().size(), original->tensors().size());
    for (int i = 0; i < original->tensors().size(); ++i)
        QCOMPARE(compressed->tensors()[i].name, original->tensors()[i].name); // model order kept
    const QString name = QStringLiteral("model.layers.1.mlp.down_proj.weight");
    const std::vector<float> before = original->readFloat32(name);
    const std::vector<float> after = compressed->readFloat32(name);
    double error = 0.0;
    double energy = 0.0;
    for (size_t i = 0; i < before.size(); ++i) {
        error += double(before[i] - after[i]) * double(before[i] - after[i]);
        energy += double(before[i]) * double(before[i]);
    }
    // Bits are allocated across layers, so one layer may get well under 4 bits.
    QVERIFY2(error / energy < 0.1 && error > 0.0, qPrintable(QString::number(error / energy)));
    // Passthrough tensors are exact.
    QCOMPARE(compressed->readFloat32(QStringLiteral("model.embed_tokens.weight")),
             original->readFloat32(QStringLiteral("model.embed_tokens.weight")));
    // decompress writes exactly what the container decodes to.
    const QString folder = m_dir.filePath(QStringLiteral("decompressed"));
    decompressToDirectory(*CompressedCheckpoint::open(m_path), folder, false, nullptr);
    const CheckpointPtr written = Checkpoint::open(folder);
    QCOMPARE(written->readFloat32(name), after);
}

void TestModelCompressor::unreachableTargetIsRefusedBeforeWork() {
    for (double bits : {0.3, 30.0}) {
        CompressionSettings settings;
        settings.targetBitsPerWeight = bits;
        settings.codecPaths = {m_codec};
        const QString path = m_dir.filePath(QStringLiteral("unreachable.nwc"));
        CallbackProgress progress;
        int reports = 0;
        CallbackProgress counting([&](double, const QString &) { ++reports; });
        try {
            compressModel(QStringLiteral("demo:student"), settings, path, &counting);
            QFAIL("an unreachable target was accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("reachable range")),
                     qPrintable(error.message()));
        }
        QCOMPARE(reports, 0);
        QVERIFY(!QFile::exists(path));
    }
    CompressionSettings rtn;
    rtn.method = CompressionMethod::Rtn;
    rtn.targetBitsPerWeight = 3.5;
    QVERIFY_THROWS_EXCEPTION(Error, compressModel(QStringLiteral("demo:student"), rtn,
                                                  m_dir.filePath(QStringLiteral("x.nwc"))));
}

void TestModelCompressor::cancellationLeavesNoFile() {
    CompressionSettings settings;
    settings.targetBitsPerWeight = 4.0;
    settings.codecPaths = {m_codec, m_codecHigh};
    settings.calibrationSamples = 4;
    settings.calibrationLength = 64;
    const QString path = m_dir.filePath(QStringLiteral("cancelled.nwc"));
    CallbackProgress *self = nullptr;
    CallbackProgress progress([&](double, const QString &message) {
        if (message.startsWith(QLatin1String("coding")))
            self->cancel();
    });
    self = &progress;
    QVERIFY_THROWS_EXCEPTION(
        Cancelled, compressModel(QStringLiteral("demo:student"), settings, path, &progress));
    QVERIFY(!QFile::exists(path));
    const QStringList leftovers = QDir(m_dir.path()).entryList({QStringLiteral("cancelled*")});
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(QLatin1Char(' '))));
}

void TestModelCompressor::baselinesCountScalesAndZeros() {
    for (CompressionMethod method : {CompressionMethod::Rtn, CompressionMethod::Gptq}) {
        CompressionSettings settings;
        settings.method = method;
        settings.targetBitsPerWeight = 4;
        settings.groupSize = 32;
        settings.calibrationSamples = 4;
        settings.calibrationLength = 64;
        const QString path = m_dir.filePath(compressionMethodName(method) + QStringLiteral(".nwc"));
        const CompressionSummary summary =
            compressModel(QStringLiteral("demo:student"), settings, path);
        // 4-bit codes + fp16 scale and zero per group of 32 + 32-byte headers.
        int64_t expected = 0;
        for (const CompressedTensorSummary &t : summary.tensors)
            expected += t.rows * t.columns / 2 + t.rows * ((t.columns + 31) / 32) * 4 + 32;
        QCOMPARE(summary.countedBytes, expected);
        QCOMPARE(NwcReader(path).summary().countedBytes, expected);
        QVERIFY(summary.achievedBitsPerWeight > 5.0 && summary.achievedBitsPerWeight < 5.05);
        const CheckpointPtr compressed = Checkpoint::open(path);
        const std::vector<float> values =
            compressed->readFloat32(QStringLiteral("model.layers.0.self_attn.q_proj.weight"));
        QVERIFY(
            std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); }));
    }
}

QTEST_GUILESS_MAIN(TestModelCompressor)
#include "tst_modelcompressor.moc"
