// The compressor's stages one by one: the plan's checks, measurement and coding on a subset of
// tensors equal to the same tensors of a whole-model run, a container assembled from the stages
// equal to compressModel's, the summary JSON, and the one evaluation of a compressed model.
#include "analysis/calibrationdata.h"
#include "analysis/compressedevaluation.h"
#include "analysis/compressioncalibration.h"
#include "analysis/compressionplan.h"
#include "analysis/containerassembly.h"
#include "analysis/modelcompressor.h"
#include "analysis/tensorcoding.h"
#include "analysis/tensormeasurement.h"
#include "codec/codectrainer.h"
#include "codec/columnchunks.h"
#include "codec/nwccontainer.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "lm/evaluator.h"
#include "lm/languagemodel.h"

#include "codecfixtures.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <utility>

using namespace nwc;

namespace {

/// The stages after calibration over every tensor of a plan, with a codec bank of their own:
/// the measurements, the bit allocation that meets the plan's target, and the coded tensors.
struct WholeRun {
    std::vector<TensorMeasurement> measurements;
    BitAllocation allocation;
    std::vector<TensorCodingResult> coded;
};

WholeRun runWholeModel(const CompressionPlan &plan, const CalibrationData &calibration) {
    CodecBank bank(plan.codecs, plan.settings.compute);
    WholeRun run;
    run.measurements = measureTensors(plan, bank, calibration, plan.allTensors(), nullptr);
    run.allocation = allocateBits(rateOptions(run.measurements), plan.targetBits);
    PrecodedTensors none;
    run.coded = codeTensors(plan, &bank, calibration, run.measurements, &run.allocation, none,
                            plan.allTensors(), nullptr);
    return run;
}

} // namespace

class TestCompressionStages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void planListsLinearLayersInOrder();
    void planRefusesBeforeWork();
    void measurementOfSubsetEqualsWholeRun();
    void probesCoverTheRateBand();
    void codingOfSubsetEqualsWholeRun();
    void stagesAssembleWhatCompressModelWrites();
    void summaryJsonHasTotalsAndRows();
    void evaluationMatchesDirectMeasurement();

private:
    CompressionSettings nwcSettings() const;
    /// Plans an NWC compression of demo:student into `output`, calibrates it and attaches the
    /// importance: the state every stage after calibration starts from.
    std::pair<CompressionPlan, CalibrationData> calibratedPlan(const QString &output) const;
    QTemporaryDir m_dir;
    QString m_codec;
};

void TestCompressionStages::initTestCase() {
    QVERIFY(m_dir.isValid());
    CodecTrainingSettings settings =
        test::studentIdentityTraining(150, 2048, m_dir.filePath(QStringLiteral("codec.h5")));
    settings.checkpointEvery = 0;
    trainCodec(settings);
    m_codec = settings.outputPath;
}

CompressionSettings TestCompressionStages::nwcSettings() const {
    CompressionSettings settings;
    settings.targetBitsPerWeight = 4.0;
    settings.codecPaths = {m_codec};
    settings.calibrationSamples = 4;
    settings.calibrationLength = 64;
    return settings;
}

std::pair<CompressionPlan, CalibrationData>
TestCompressionStages::calibratedPlan(const QString &output) const {
    CompressionPlan plan = planCompression(QStringLiteral("demo:student"), nwcSettings(), output);
    CalibrationData calibration = calibrateForCompression(plan, nullptr);
    attachImportance(plan, calibration);
    return {std::move(plan), std::move(calibration)};
}

void TestCompressionStages::planListsLinearLayersInOrder() {
    const QString output = m_dir.filePath(QStringLiteral("plan.nwc"));
    const CompressionPlan plan =
        planCompression(QStringLiteral("demo:student"), nwcSettings(), output);
    QCOMPARE(int(plan.jobs.size()), 21);
    int64_t weights = 0;
    int previous = -1;
    for (const TensorJob &job : plan.jobs) {
        QCOMPARE(job.rows * job.columns, job.info.elementCount());
        QVERIFY(!job.transposed); // Llama layout
        weights += job.rows * job.columns;
        // Checkpoint order.
        int index = 0;
        for (const TensorInfo &info : plan.checkpoint->tensors()) {
            if (info.name == job.info.name)
                break;
            ++index;
        }
        QVERIFY(index > previous);
        previous = index;
    }
    QCOMPARE(plan.totalWeights, weights);
    QCOMPARE(plan.targetBits, 4.0 * double(weights));
    QCOMPARE(int(plan.codecs.size()), 1);
    QVERIFY(plan.needsCalibration());
    QCOMPARE(plan.allTensors().size(), plan.jobs.size());
    QVERIFY(!QFile::exists(output));
}

void TestCompressionStages::planRefusesBeforeWork() {
    const QString output = m_dir.filePath(QStringLiteral("refused.nwc"));
    CompressionSettings unreachable = nwcSettings();
    unreachable.targetBitsPerWeight = 40.0;
    try {
        planCompression(QStringLiteral("demo:student"), unreachable, output);
        QFAIL("an unreachable rate was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(QStringLiteral("reachable range")),
                 qPrintable(error.message()));
    }
    CompressionSettings rtn;
    rtn.method = CompressionMethod::Rtn;
    rtn.targetBitsPerWeight = 3.5;
    QVERIFY_THROWS_EXCEPTION(Error, planCompression(QStringLiteral("demo:student"), rtn, output));
    rtn.targetBitsPerWeight = 4.0;
    rtn.compensation.ldlq = true;
    QVERIFY_THROWS_EXCEPTION(Error, planCompression(QStringLiteral("demo:student"), rtn, output));
    QVERIFY_THROWS_EXCEPTION(
        Error, planCompression(QStringLiteral("demo:student"), nwcSettings(),
                               m_dir.filePath(QStringLiteral("no-such-folder/x.nwc"))));
    QVERIFY(!QFile::exists(output));
}

void TestCompressionStages::measurementOfSubsetEqualsWholeRun() {
    auto [plan, calibration] = calibratedPlan(m_dir.filePath(QStringLiteral("m.nwc")));
    CodecBank bank(plan.codecs, plan.settings.compute);
    const std::vector<TensorMeasurement> all =
        measureTensors(plan, bank, calibration, plan.allTensors(), nullptr);
    const std::vector<size_t> subset = {5, 0, 17};
    CodecBank otherBank(plan.codecs, plan.settings.compute);
    const std::vector<TensorMeasurement> part =
        measureTensors(plan, otherBank, calibration, subset, nullptr);
    QCOMPARE(part.size(), subset.size());
    for (size_t i = 0; i < subset.size(); ++i) {
        const TensorMeasurement &expected = all[subset[i]];
        QCOMPARE(part[i].levels, expected.levels);
        QCOMPARE(part[i].rate.fixedBits, expected.rate.fixedBits);
        QCOMPARE(part[i].rate.options.size(), expected.rate.options.size());
        for (size_t o = 0; o < expected.rate.options.size(); ++o) {
            QCOMPARE(part[i].rate.options[o].step, expected.rate.options[o].step);
            QCOMPARE(part[i].rate.options[o].bits, expected.rate.options[o].bits);
            QCOMPARE(part[i].rate.options[o].distortion, expected.rate.options[o].distortion);
        }
    }
}

void TestCompressionStages::probesCoverTheRateBand() {
    auto [plan, calibration] = calibratedPlan(m_dir.filePath(QStringLiteral("band.nwc")));
    CodecBank bank(plan.codecs, plan.settings.compute);
    NwcTensorCoder &coder = bank.coder(0);
    const TensorJob &job = plan.jobs[4];
    const std::vector<float> weights = readOrientedWeights(*plan.checkpoint, job);
    coder.setTensor(makeColumnChunks(weights.data(), job.rows, job.columns),
                    qualityLevels(job.importance), job.importance);
    const double count = double(job.rows * job.columns);
    const std::vector<double> steps = latentStepGrid();
    std::vector<NwcTensorCoder::Trial> grid;
    for (double step : steps)
        grid.push_back(coder.evaluate(step));
    const double finestRate = grid.front().estimatedBits / count;
    const double coarsestRate = grid.back().estimatedBits / count;
    // Targets 0.5 bits inside either end leave steps outside the band at the other end.
    QVERIFY2(finestRate - coarsestRate > std::max(kRateBandBelow, kRateBandAbove) + 0.5,
             qPrintable(QStringLiteral("rates %1 to %2").arg(coarsestRate).arg(finestRate)));
    // Targets near either end of the grid's rates and in the middle.
    for (double target :
         {coarsestRate + 0.5, 0.5 * (coarsestRate + finestRate), finestRate - 0.5}) {
        const std::vector<NwcTensorCoder::Trial> band =
            probeRateBand(coder, steps, count, target, nullptr);
        size_t next = 0;
        for (const NwcTensorCoder::Trial &trial : grid) {
            const double rate = trial.estimatedBits / count;
            const bool probed = next < band.size() && band[next].step == trial.step;
            if (probed) {
                QCOMPARE(band[next].estimatedBits, trial.estimatedBits);
                QCOMPARE(band[next].weightedError, trial.weightedError);
                ++next;
            }
            if (rate >= target - kRateBandBelow && rate <= target + kRateBandAbove)
                QVERIFY2(probed, qPrintable(QStringLiteral("target %1: step %2 (%3 bits) missed")
                                                .arg(target)
                                                .arg(trial.step)
                                                .arg(rate)));
        }
        QCOMPARE(next, band.size()); // ascending, and only grid steps
        if (target != 0.5 * (coarsestRate + finestRate))
            QVERIFY2(
                band.size() < grid.size(),
                qPrintable(
                    QStringLiteral("target %1: all %2 steps probed").arg(target).arg(grid.size())));
    }
}

void TestCompressionStages::codingOfSubsetEqualsWholeRun() {
    auto [plan, calibration] = calibratedPlan(m_dir.filePath(QStringLiteral("c.nwc")));
    const WholeRun whole = runWholeModel(plan, calibration);
    const std::vector<TensorCodingResult> &all = whole.coded;
    const std::vector<size_t> subset = {20, 3};
    CodecBank otherBank(plan.codecs, plan.settings.compute);
    PrecodedTensors none;
    const std::vector<TensorCodingResult> part =
        codeTensors(plan, &otherBank, calibration, whole.measurements, &whole.allocation, none,
                    subset, nullptr);
    for (size_t i = 0; i < subset.size(); ++i) {
        const CompressedTensor &expected = all[subset[i]].tensor;
        QCOMPARE(part[i].tensor.name, expected.name);
        QVERIFY(part[i].tensor.bitstream == expected.bitstream);
        QCOMPARE(part[i].tensor.columnScales, expected.columnScales);
        QCOMPARE(part[i].row.countedBytes, all[subset[i]].row.countedBytes);
    }
}

void TestCompressionStages::stagesAssembleWhatCompressModelWrites() {
    const QString direct = m_dir.filePath(QStringLiteral("direct.nwc"));
    const CompressionSummary expected =
        compressModel(QStringLiteral("demo:student"), nwcSettings(), direct);

    const QString staged = m_dir.filePath(QStringLiteral("staged.nwc"));
    auto [plan, calibration] = calibratedPlan(staged);
    const std::vector<TensorCodingResult> coded = runWholeModel(plan, calibration).coded;
    CompressionSummary summary;
    summarizeCoding(plan, coded, summary);
    // compressModel hit the rate on its first attempt at this setting (checked here).
    QCOMPARE(summary.countedBytes, expected.countedBytes);
    ContainerExtras extras;
    extras.allocationTargetBits = plan.targetBits;
    writeContainer(plan, calibration, coded, extras, staged, summary, nullptr);
    QCOMPARE(summary.passthroughBytes, expected.passthroughBytes);
    QCOMPARE(summary.codecBytes, expected.codecBytes);

    const CheckpointPtr a = Checkpoint::open(direct);
    const CheckpointPtr b = Checkpoint::open(staged);
    QCOMPARE(a->tensors().size(), b->tensors().size());
    for (const TensorInfo &info : a->tensors())
        QCOMPARE(b->readFloat32(info.name), a->readFloat32(info.name));
}

void TestCompressionStages::summaryJsonHasTotalsAndRows() {
    CompressionSettings settings;
    settings.method = CompressionMethod::Rtn;
    settings.targetBitsPerWeight = 4.0;
    const QString path = m_dir.filePath(QStringLiteral("rtn.nwc"));
    const CompressionSummary summary =
        compressModel(QStringLiteral("demo:student"), settings, path);
    const QJsonObject json = compressionSummaryJson(summary);
    QCOMPARE(json.value(QStringLiteral("method")).toString(), QStringLiteral("rtn"));
    QCOMPARE(json.value(QStringLiteral("output")).toString(), path);
    QCOMPARE(json.value(QStringLiteral("counted_bytes")).toDouble(), double(summary.countedBytes));
    QCOMPARE(json.value(QStringLiteral("achieved_bpw")).toDouble(), summary.achievedBitsPerWeight);
    const QJsonArray rows = json.value(QStringLiteral("tensors")).toArray();
    QCOMPARE(rows.size(), qsizetype(summary.tensors.size()));
    double bytes = 0.0;
    for (const QJsonValue &row : rows)
        bytes += row.toObject().value(QStringLiteral("counted_bytes")).toDouble();
    QCOMPARE(bytes, double(summary.countedBytes));
    QVERIFY(!json.contains(QStringLiteral("compensation")));
}

void TestCompressionStages::evaluationMatchesDirectMeasurement() {
    CompressionSettings settings;
    settings.method = CompressionMethod::Rtn;
    settings.targetBitsPerWeight = 3.0;
    const QString path = m_dir.filePath(QStringLiteral("rtn3.nwc"));
    compressModel(QStringLiteral("demo:student"), settings, path);
    const LanguageModelPtr original = LanguageModel::load(QStringLiteral("demo:student"));
    const QByteArray text = "Tom has 3 apples. He buys 4 more. Now Tom has 7 apples. "
                            "The cat sat on the mat and looked at the bird in the tree.";
    PerplexitySettings windows;
    windows.contextLength = 32;
    windows.stride = 16;
    const CompressedModelEvaluation evaluation =
        evaluateCompressedModel(*original, path, text, windows, true, nullptr);
    const LanguageModelPtr compressed = LanguageModel::load(path);
    QCOMPARE(evaluation.original.perplexity,
             evaluatePerplexity(*original, text, windows).perplexity);
    QCOMPARE(evaluation.compressed.perplexity,
             evaluatePerplexity(*compressed, text, windows).perplexity);
    const ReferenceComparison direct = compareWithReference(*compressed, *original, text, windows);
    QCOMPARE(evaluation.comparison.meanKl, direct.meanKl);
    QVERIFY(evaluation.comparison.meanKl > 0.0);
    QVERIFY(evaluation.compressed.perplexity != evaluation.original.perplexity);
    QVERIFY(evaluation.compressedModel);
}

QTEST_GUILESS_MAIN(TestCompressionStages)
#include "tst_compressionstages.moc"
