// Error anatomy: the statistics of a weight error on fixtures whose answers are known in
// closed form (shrinkage, a constant error seen by a constant input, errors proportional to
// the weights), the relative allocation weight, and a whole container against its original.
#include "analysis/calibration.h"
#include "analysis/compressionplan.h"
#include "analysis/erroranatomy.h"
#include "analysis/modelcompressor.h"
#include "analysis/tensormeasurement.h"
#include "codec/compressedcheckpoint.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "lm/languagemodel.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>

using namespace nwc;

namespace {

constexpr int64_t kRows = 12;
constexpr int64_t kColumns = 6;

std::vector<float> randomWeights(uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> values(size_t(kRows * kColumns));
    for (float &v : values)
        v = normal(rng);
    return values;
}

/// H = Σ x xᵀ over `tokens` random positions, and Σ x.
void randomInputs(uint32_t seed, int64_t tokens, std::vector<float> *hessian,
                  std::vector<double> *sum) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0.5, 1.0);
    std::vector<double> h(size_t(kColumns * kColumns), 0.0);
    sum->assign(size_t(kColumns), 0.0);
    for (int64_t t = 0; t < tokens; ++t) {
        std::vector<double> x(static_cast<size_t>(kColumns));
        for (double &v : x)
            v = normal(rng);
        for (int64_t i = 0; i < kColumns; ++i) {
            (*sum)[size_t(i)] += x[size_t(i)];
            for (int64_t j = 0; j < kColumns; ++j)
                h[size_t(i * kColumns + j)] += x[size_t(i)] * x[size_t(j)];
        }
    }
    hessian->assign(h.begin(), h.end());
}

} // namespace

class TestErrorAnatomy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shrinkageIsAProjection();
    void constantErrorOnConstantInputIsAllMeanPart();
    void errorIndependentOfMagnitudeHasExponentZero();
    void relativeAllocationWeight();
    void containerAgainstOriginal();
};

void TestErrorAnatomy::shrinkageIsAProjection() {
    const std::vector<float> w = randomWeights(1);
    std::vector<float> decoded = w;
    for (float &v : decoded)
        v *= 0.5f; // exact in float
    std::vector<float> hessian;
    std::vector<double> sum;
    randomInputs(2, 50, &hessian, &sum);
    const TensorErrorAnatomy a = measureTensorError(w, decoded, kRows, kColumns, hessian, sum, 50);
    // E = W / 2: ⟨E, W⟩/⟨W, W⟩ = 1/2, tr(E H Eᵀ) = tr(W H Wᵀ) / 4.
    QVERIFY(std::abs(a.projection - 0.5) < 1e-12);
    QVERIFY(std::abs(a.relativeOutputError() - 0.25) < 1e-12);
    QVERIFY(std::abs(a.weightError / a.weightEnergy - 0.25) < 1e-12);
    // Errors proportional to the weights: exponent 1 over columns and rows.
    QVERIFY(std::abs(a.columnExponent - 1.0) < 1e-9);
    QVERIFY(std::abs(a.rowExponent - 1.0) < 1e-9);
    QVERIFY(a.meanPartError >= 0.0 && a.meanPartError <= a.outputError * (1.0 + 1e-12));
    QVERIFY(std::abs(a.outputEnergy - outputEnergy(w, kRows, kColumns, hessian) / 50.0) <=
            1e-12 * a.outputEnergy);
}

void TestErrorAnatomy::constantErrorOnConstantInputIsAllMeanPart() {
    const std::vector<float> w = randomWeights(3);
    std::vector<float> decoded = w;
    for (float &v : decoded)
        v -= 0.25f;
    // Every token's input is the same vector x = (1, 2, …): H = T x xᵀ, Σ x = T x.
    const int64_t tokens = 10;
    std::vector<float> hessian(size_t(kColumns * kColumns));
    std::vector<double> sum(static_cast<size_t>(kColumns));
    for (int64_t i = 0; i < kColumns; ++i) {
        sum[size_t(i)] = double(tokens) * double(i + 1);
        for (int64_t j = 0; j < kColumns; ++j)
            hessian[size_t(i * kColumns + j)] = float(tokens * (i + 1) * (j + 1));
    }
    const TensorErrorAnatomy a =
        measureTensorError(w, decoded, kRows, kColumns, hessian, sum, tokens);
    // E x = 0.25 · Σ x_j on every row and token: rows · (0.25 · 21)².
    const double expected = double(kRows) * std::pow(0.25 * 21.0, 2);
    // (W − 0.25 is rounded to float: relative 1e-6.)
    QVERIFY(std::abs(a.outputError - expected) < 1e-6 * expected);
    QVERIFY(std::abs(a.meanPartError - expected) < 1e-6 * expected);
    // Diagonal: rows · 0.0625 · Σ x_j² = rows · 0.0625 · 91; the errors add up coherently.
    QVERIFY(std::abs(a.diagonalError - double(kRows) * 0.0625 * 91.0) < 1e-5);
    QVERIFY(a.outputError / a.diagonalError > 4.0);
    QCOMPARE(a.columnExponent, a.columnExponent); // finite
    // Without input means the mean part is marked unknown.
    const TensorErrorAnatomy unknown =
        measureTensorError(w, decoded, kRows, kColumns, hessian, {}, tokens);
    QVERIFY(unknown.meanPartError < 0.0);
    QVERIFY(std::abs(unknown.outputError - expected) < 1e-6 * expected);
}

void TestErrorAnatomy::errorIndependentOfMagnitudeHasExponentZero() {
    const std::vector<float> w = randomWeights(4);
    std::vector<float> decoded = w;
    for (size_t i = 0; i < decoded.size(); ++i)
        decoded[i] += (i % 2 == 0) ? 0.125f : -0.125f; // same squared error everywhere
    std::vector<float> hessian;
    std::vector<double> sum;
    randomInputs(5, 40, &hessian, &sum);
    const TensorErrorAnatomy a = measureTensorError(w, decoded, kRows, kColumns, hessian, sum, 40);
    // (w ± 0.125 is rounded to float, so the squared errors are equal to about 1e-6.)
    QVERIFY(std::abs(a.columnExponent) < 1e-3);
    QVERIFY(std::abs(a.rowExponent) < 1e-3);
    QVERIFY_THROWS_EXCEPTION(Error, measureTensorError(w, decoded, kRows, kColumns + 1, hessian,
                                                       sum, 40));
}

void TestErrorAnatomy::relativeAllocationWeight() {
    const std::vector<float> w = randomWeights(6);
    std::vector<float> hessian;
    std::vector<double> sum;
    randomInputs(7, 30, &hessian, &sum);
    CompressionPlan plan;
    TensorJob job;
    job.rows = kRows;
    job.columns = kColumns;
    plan.settings.allocation = AllocationWeighting::Absolute;
    QCOMPARE(distortionWeight(plan, job, w, hessian), 1.0);
    plan.settings.allocation = AllocationWeighting::Relative;
    const double energy = outputEnergy(w, kRows, kColumns, hessian);
    QVERIFY(energy > 0.0);
    QVERIFY(std::abs(distortionWeight(plan, job, w, hessian) * energy - 1.0) < 1e-12);
    // The default is relative (README, "Error anatomy").
    QVERIFY(CompressionSettings().allocation == AllocationWeighting::Relative);
    AllocationWeighting parsed = AllocationWeighting::Relative;
    QVERIFY(allocationWeightingFromName(QStringLiteral("absolute"), &parsed));
    QVERIFY(parsed == AllocationWeighting::Absolute);
    QVERIFY(!allocationWeightingFromName(QStringLiteral("flat"), &parsed));
}

void TestErrorAnatomy::containerAgainstOriginal() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString output = dir.filePath(QStringLiteral("student-rtn.nwc"));
    CompressionSettings settings;
    settings.method = CompressionMethod::Rtn;
    settings.targetBitsPerWeight = 4.0;
    compressModel(QStringLiteral("demo:student"), settings, output);
    const LanguageModelPtr model = LanguageModel::load(QStringLiteral("demo:student"));
    CalibrationSettings calibrationSettings;
    calibrationSettings.samples = 4;
    calibrationSettings.sequenceLength = 64;
    const CalibrationData calibration = calibrate(*model, QString(), calibrationSettings,
                                                  dir.filePath(QStringLiteral("c.h5")), nullptr);
    const auto container = CompressedCheckpoint::open(output);
    const ErrorAnatomy anatomy = analyseErrors(*model->checkpoint(), *container, calibration);
    QVERIFY(anatomy.hasMeans);
    QCOMPARE(anatomy.method, QStringLiteral("rtn"));
    QVERIFY(!anatomy.tensors.empty());
    QVERIFY(std::abs(anatomy.bitsPerWeight - container->summary().bitsPerWeight) < 1e-6);
    for (const TensorErrorAnatomy &t : anatomy.tensors) {
        QVERIFY2(t.outputError > 0.0 && t.relativeOutputError() < 0.1, qPrintable(t.name));
        QVERIFY(t.meanPartError >= 0.0 && t.meanPartError <= t.outputError * (1.0 + 1e-9));
        // RTN's side information: an fp16 scale and zero point per group of 128 (or per row).
        QVERIFY(t.sideBitsPerWeight > 0.0 && t.sideBitsPerWeight < t.bitsPerWeight);
        // RTN's step follows each row's range, not the columns.
        QVERIFY2(std::abs(t.columnExponent) < 0.5, qPrintable(t.name));
    }
}

QTEST_GUILESS_MAIN(TestErrorAnatomy)
#include "tst_erroranatomy.moc"
