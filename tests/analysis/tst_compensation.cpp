// Error compensation (docs/architecture.md, Error compensation): LDLQ lowers a layer's output error
// at the same latent step and its container decodes to exactly what it measured; block fine-tuning
// lowers every block's output error; the report travels through the container; the switches parse
// and are refused where they do not apply.
#include "analysis/compensation.h"
#include "analysis/ldlqcoder.h"
#include "analysis/modelcompressor.h"
#include "codec/columnchunks.h"
#include "codec/nwccontainer.h"
#include "codec/nwctensorcoder.h"
#include "codecfixtures.h"
#include "io/checkpoint.h"
#include "jobs/error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace nwc;

namespace {

/// H = XᵀX / tokens of correlated inputs: X = Z·A with a random mixing matrix A whose columns
/// have different scales, so neighbouring columns share information as in real layers.
std::vector<float> correlatedHessian(int64_t columns, int64_t tokens, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> mixing(size_t(columns * columns));
    for (int64_t i = 0; i < columns; ++i)
        for (int64_t j = 0; j < columns; ++j)
            mixing[size_t(i * columns + j)] =
                (i == j ? 1.0 : 0.0) + 1.0 * normal(rng) / std::sqrt(double(columns));
    std::vector<double> h(size_t(columns * columns), 0.0);
    std::vector<double> z(static_cast<size_t>(columns));
    std::vector<double> x(static_cast<size_t>(columns));
    for (int64_t t = 0; t < tokens; ++t) {
        for (double &value : z)
            value = normal(rng);
        for (int64_t j = 0; j < columns; ++j) {
            double sum = 0.0;
            for (int64_t i = 0; i < columns; ++i)
                sum += z[size_t(i)] * mixing[size_t(i * columns + j)];
            x[size_t(j)] = sum * (1.0 + double(j % 7));
        }
        for (int64_t i = 0; i < columns; ++i)
            for (int64_t j = 0; j < columns; ++j)
                h[size_t(i * columns + j)] += x[size_t(i)] * x[size_t(j)];
    }
    std::vector<float> result(h.size());
    for (size_t i = 0; i < h.size(); ++i)
        result[i] = float(h[i] / double(tokens));
    return result;
}

} // namespace

class TestCompensation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void namesParse();
    void ldlqLowersLayerOutputError();
    void ldlqContainerDecodesToWhatWasMeasured();
    void fineTuningLowersBlockOutputError();
    void compensationIsRefusedForBaselines();

private:
    QTemporaryDir m_dir;
};

void TestCompensation::namesParse() {
    for (const QString &name : {QStringLiteral("none"), QStringLiteral("ldlq"),
                                QStringLiteral("finetune"), QStringLiteral("all")}) {
        CompensationSettings settings;
        parseCompensation(name, &settings);
        QCOMPARE(compensationName(settings), name);
    }
    CompensationSettings settings;
    parseCompensation(QStringLiteral(" ALL "), &settings);
    QVERIFY(settings.ldlq && settings.fineTune && settings.any());
    QVERIFY_THROWS_EXCEPTION(Error, parseCompensation(QStringLiteral("gptq"), &settings));
}

void TestCompensation::ldlqLowersLayerOutputError() {
    const int64_t rows = 64;
    const int64_t columns = 96;
    const std::vector<float> weights = test::randomWeights(rows, columns, 11);
    const std::vector<float> hessian = correlatedHessian(columns, 2048, 5);
    std::vector<double> importance(static_cast<size_t>(columns));
    for (int64_t j = 0; j < columns; ++j)
        importance[size_t(j)] = hessian[size_t(j * columns + j)];
    const std::vector<uint8_t> levels = qualityLevels(importance);
    NwcTensorCoder coder(test::freshCodec(QStringLiteral("identity")));
    const LdlqCoder ldlq(QStringLiteral("layer"), hessian, columns, 16);
    for (double step : {0.25, 0.5, 1.0}) {
        coder.setTensor(makeColumnChunks(weights.data(), rows, columns), levels, importance,
                        hessian);
        std::vector<float> plainDecoded;
        const NwcTensorCoder::Trial plain = coder.evaluate(step, &plainDecoded);
        const LdlqCoder::Result compensated =
            ldlq.code(coder, weights, rows, levels, importance, step);
        // The trial's own output-error proxy and the coder's agree on the plain decode.
        QVERIFY(std::abs(ldlq.outputError(weights, plainDecoded, rows) / plain.weightedError -
                         1.0) < 1e-6);
        qInfo("step %g: output error %g plain, %g with LDLQ; %g vs %g bits", step,
              plain.weightedError, compensated.weightedError, plain.estimatedBits,
              compensated.estimatedBits);
        // Feedback lowers the output error clearly, at about the same rate.
        QVERIFY2(compensated.weightedError < 0.85 * plain.weightedError,
                 qPrintable(QStringLiteral("step %1: %2 vs %3")
                                .arg(step)
                                .arg(compensated.weightedError)
                                .arg(plain.weightedError)));
        QVERIFY2(std::abs(compensated.estimatedBits / plain.estimatedBits - 1.0) < 0.1,
                 qPrintable(QStringLiteral("%1 vs %2 bits")
                                .arg(compensated.estimatedBits)
                                .arg(plain.estimatedBits)));
    }
}

void TestCompensation::ldlqContainerDecodesToWhatWasMeasured() {
    const int64_t rows = 48;
    const int64_t columns = 80;
    const std::vector<float> weights = test::randomWeights(rows, columns, 4);
    const std::vector<float> hessian = correlatedHessian(columns, 1024, 9);
    const std::vector<double> importance(size_t(columns), 1.0);
    const std::vector<uint8_t> levels(size_t(columns), 0);
    NwcTensorCoder coder(test::freshCodec(QStringLiteral("identity")));
    const LdlqCoder ldlq(QStringLiteral("layer"), hessian, columns, 128);
    const LdlqCoder::Result result = ldlq.code(coder, weights, rows, levels, importance, 0.5);
    // Coding the updated weights in one go reproduces the block-by-block decode bit for bit
    // (coding is separable by column).
    coder.setTensor(makeColumnChunks(result.updated.data(), rows, columns), levels, importance);
    const CompressedTensor tensor = coder.encode(QStringLiteral("layer"), 0.5, false, DType::F32);
    QCOMPARE(coder.decode(tensor), result.decoded);
    QVERIFY(std::abs(tensor.estimatedBits / result.estimatedBits - 1.0) < 1e-9);
    QCOMPARE(result.weightedError, ldlq.outputError(weights, result.decoded, rows));
}

void TestCompensation::fineTuningLowersBlockOutputError() {
    QVERIFY(m_dir.isValid());
    CompressionSettings settings;
    settings.targetBitsPerWeight = 3.0;
    settings.calibrationSamples = 8;
    settings.calibrationLength = 64;
    settings.compensation.ldlq = true;
    settings.compensation.fineTune = true;
    settings.compensation.fineTuneEpochs = 4;
    const QString path = m_dir.filePath(QStringLiteral("student-all.nwc"));
    const CompressionSummary summary =
        compressModel(QStringLiteral("demo:student"), settings, path);
    QVERIFY(std::abs(summary.achievedBitsPerWeight - 3.0) <= 0.05);
    const CompensationReport &report = summary.compensation;
    QCOMPARE(report.mode, QStringLiteral("all"));
    QCOMPARE(int(report.layers.size()), int(summary.tensors.size()));
    QCOMPARE(report.tuneWindows + report.heldOutWindows, 8);
    QVERIFY(report.heldOutWindows >= 1);
    const CheckpointPtr original = Checkpoint::open(QStringLiteral("demo:student"));
    QCOMPARE(int(report.blocks.size()), original->config().numLayers);
    for (const BlockCompensation &block : report.blocks)
        QVERIFY2(block.relativeErrorOn < block.relativeErrorOff,
                 qPrintable(QStringLiteral("block %1: %2 -> %3")
                                .arg(block.block)
                                .arg(block.relativeErrorOff)
                                .arg(block.relativeErrorOn)));
    // The end-to-end stage ran and kept its best held-out state.
    QVERIFY(report.endToEndKlBefore > 0.0);
    QVERIFY(report.endToEndKlAfter <= report.endToEndKlBefore);
    double off = 0.0;
    double on = 0.0;
    for (const LayerCompensation &layer : report.layers) {
        QVERIFY(layer.block >= -1 && layer.block < original->config().numLayers);
        QCOMPARE(int64_t(layer.columnErrorOff.size()), int64_t(layer.columnErrorOn.size()));
        QVERIFY(!layer.columnErrorOff.empty());
        off += layer.relativeErrorOff;
        on += layer.relativeErrorOn;
    }
    QVERIFY2(on < off, qPrintable(QStringLiteral("%1 -> %2").arg(off).arg(on)));
    // The report is stored in the container and reads back the same.
    const CompensationReport stored = readCompensationReport(path);
    QCOMPARE(stored.mode, report.mode);
    QCOMPARE(int(stored.layers.size()), int(report.layers.size()));
    QCOMPARE(stored.layers.front().columnErrorOn, report.layers.front().columnErrorOn);
    QCOMPARE(stored.layers.back().relativeErrorOff, report.layers.back().relativeErrorOff);
    QCOMPARE(int(stored.blocks.size()), int(report.blocks.size()));
    QCOMPARE(stored.blocks.back().relativeErrorOn, report.blocks.back().relativeErrorOn);
    QCOMPARE(stored.endToEndKlAfter, report.endToEndKlAfter);
    // Tuned norm weights are what the container holds.
    const CheckpointPtr compressed = Checkpoint::open(path);
    const QString norm = QStringLiteral("model.layers.0.input_layernorm.weight");
    QVERIFY(compressed->readFloat32(norm) != original->readFloat32(norm));
    QCOMPARE(stored.endToEndTopTokens, 0); // the whole vocabulary

    // A vocabulary too large to keep whole: the top 64 tokens per position and one bucket for
    // the rest. That KL is a lower bound of the full one, measured on the same held-out windows
    // and the same model state (the block stages do not depend on it).
    CompressionSettings topK = settings;
    topK.compensation.endToEndWholeValues = 1000;
    const CompressionSummary coarse = compressModel(
        QStringLiteral("demo:student"), topK, m_dir.filePath(QStringLiteral("student-topk.nwc")));
    const CompensationReport &bounded = coarse.compensation;
    QCOMPARE(bounded.endToEndTopTokens, 64);
    QVERIFY2(bounded.endToEndKlBefore <= report.endToEndKlBefore * (1.0 + 1e-5) &&
                 bounded.endToEndKlBefore > 0.5 * report.endToEndKlBefore,
             qPrintable(QStringLiteral("top-64 %1, whole vocabulary %2")
                            .arg(bounded.endToEndKlBefore)
                            .arg(report.endToEndKlBefore)));
    QVERIFY(bounded.endToEndKlAfter <= bounded.endToEndKlBefore);
    QCOMPARE(readCompensationReport(m_dir.filePath(QStringLiteral("student-topk.nwc")))
                 .endToEndTopTokens,
             64);
    // A container without compensation has an empty report.
    CompressionSettings plain = settings;
    plain.compensation = CompensationSettings();
    const QString plainPath = m_dir.filePath(QStringLiteral("student-plain.nwc"));
    compressModel(QStringLiteral("demo:student"), plain, plainPath);
    QVERIFY(readCompensationReport(plainPath).empty());
}

void TestCompensation::compensationIsRefusedForBaselines() {
    CompressionSettings settings;
    settings.method = CompressionMethod::Rtn;
    settings.targetBitsPerWeight = 4;
    settings.compensation.ldlq = true;
    const QString path = m_dir.filePath(QStringLiteral("refused.nwc"));
    try {
        compressModel(QStringLiteral("demo:student"), settings, path);
        QFAIL("RTN with compensation was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(QLatin1String("applies to NWC")),
                 qPrintable(error.message()));
    }
    QVERIFY(!QFile::exists(path));
}

QTEST_GUILESS_MAIN(TestCompensation)
#include "tst_compensation.moc"
