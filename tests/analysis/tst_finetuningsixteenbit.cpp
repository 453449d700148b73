// Block fine-tuning of a 16-bit checkpoint (docs/architecture.md, Error compensation): the
// tuner widens one block at a time, so after it ran every matrix of a bfloat16 model is still
// held in bfloat16; it lowers each block's output error and the end-to-end KL; and it agrees
// with the same run on the model's float32 twin (the same bf16-rounded values stored as float32),
// where the only difference is that the bf16 model rounds the coded weights to bfloat16 for the
// blocks that follow (and, on CPUs whose evaluation takes LibTorch's bfloat16 GEMM, that its
// activations and outputs are rounded to bfloat16).
#include "analysis/blockfinetuner.h"
#include "analysis/calibrationwindows.h"
#include "compute/linear16.h"
#include "io/checkpoint.h"
#include "io/dtype.h"
#include "io/safetensorswriter.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <torch/torch.h>

#include <cmath>
#include <random>

using namespace nwc;

namespace {

/// Column-wise coarse rounding (a stand-in codec with a large, deterministic error): each
/// weight to a multiple of a twelfth of its column's largest magnitude.
std::vector<float> coarse(const std::vector<float> &weights, int64_t columns) {
    std::vector<float> steps(size_t(columns), 0.0f);
    for (size_t i = 0; i < weights.size(); ++i)
        steps[i % size_t(columns)] = std::max(steps[i % size_t(columns)], std::abs(weights[i]));
    std::vector<float> out(weights.size());
    for (size_t i = 0; i < weights.size(); ++i) {
        const float step = steps[i % size_t(columns)] / 12.0f;
        out[i] = step > 0.0f ? std::round(weights[i] / step) * step : 0.0f;
    }
    return out;
}

struct Run {
    std::vector<BlockCompensation> blocks;
    double klBefore = 0.0;
    double klAfter = 0.0;
    std::vector<torch::ScalarType> matrixTypes;
};

} // namespace

class TestFineTuningSixteenBit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bfloat16ModelStaysBfloat16AndMatchesItsTwin();

private:
    /// Writes demo:student's weights, rounded to bfloat16, as `dtype` into folder `name`.
    void writeTwin(const QString &name, DType dtype);
    Run fineTune(const QString &name);

    QTemporaryDir m_dir;
    std::shared_ptr<LanguageModel> m_student;
};

void TestFineTuningSixteenBit::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_student = LanguageModel::load(QStringLiteral("demo:student"));
    writeTwin(QStringLiteral("bf16"), DType::BF16);
    writeTwin(QStringLiteral("bf16-twin"), DType::F32);
}

void TestFineTuningSixteenBit::writeTwin(const QString &name, DType dtype) {
    QVERIFY(QDir(m_dir.path()).mkpath(name));
    const QString folder = m_dir.filePath(name);
    QFile json(folder + QStringLiteral("/config.json"));
    QVERIFY(json.open(QIODevice::WriteOnly));
    json.write(QJsonDocument(m_student->config().toJson()).toJson());
    json.close();
    SafetensorsWriter writer;
    for (const auto &[tensorName, value] : m_student->runtime().module()->exportWeights()) {
        const torch::Tensor flat = value.contiguous().view(-1);
        std::vector<float> values(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
        for (float &v : values)
            v = bf16ToFloat(floatToBf16(v));
        QVector<qint64> shape;
        for (int64_t d : value.sizes())
            shape.append(d);
        writer.addFloat32(tensorName, shape, values, value.dim() == 2 ? dtype : DType::F32);
    }
    writer.write(folder + QStringLiteral("/model.safetensors"));
}

Run TestFineTuningSixteenBit::fineTune(const QString &name) {
    const std::shared_ptr<LanguageModel> model = LanguageModel::fromParts(
        Checkpoint::open(m_dir.filePath(name)), m_student->sharedTokenizer());
    CalibrationWindows windows;
    windows.count = 8;
    windows.length = 48;
    std::mt19937 rng(11);
    std::uniform_int_distribution<int32_t> token(0, model->config().vocabSize - 1);
    for (int i = 0; i < windows.count * windows.length; ++i)
        windows.ids.push_back(token(rng));
    CompensationSettings settings;
    settings.fineTune = true;
    settings.fineTuneEpochs = 3;

    QStringList tensors;
    for (const QString &tensor : model->runtime().module()->weightNames()) {
        if (model->runtime().module()->weight(tensor).dim() == 2)
            tensors.append(tensor);
    }
    std::map<QString, std::vector<float>> kept;
    BlockFineTuner::Callbacks callbacks;
    const auto code = [&](const QString &tensor, const std::vector<float> &weights) {
        return coarse(weights, model->runtime().module()->weight(tensor).size(1));
    };
    callbacks.code = [&](const QString &tensor, const std::vector<float> &weights) {
        return kept[tensor] = code(tensor, weights);
    };
    callbacks.codeReference = code;
    callbacks.rescale = [&](const QString &tensor, const std::vector<double> &factors) {
        std::vector<float> &values = kept.at(tensor);
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = float(double(values[i]) * factors[i % factors.size()]);
        return values;
    };
    BlockFineTuner tuner(*model, windows, settings);
    tuner.run(tensors, callbacks, nullptr);
    Run run;
    run.blocks = tuner.blocks();
    run.klBefore = tuner.endToEndKlBefore();
    run.klAfter = tuner.endToEndKlAfter();
    for (const auto &item : model->runtime().module()->named_parameters(true)) {
        if (item.value().dim() == 2)
            run.matrixTypes.push_back(item.value().scalar_type());
    }
    return run;
}

void TestFineTuningSixteenBit::bfloat16ModelStaysBfloat16AndMatchesItsTwin() {
    const Run sixteen = fineTune(QStringLiteral("bf16"));
    const Run twin = fineTune(QStringLiteral("bf16-twin"));
    QVERIFY(!sixteen.matrixTypes.empty());
    for (torch::ScalarType type : sixteen.matrixTypes)
        QCOMPARE(int(type), int(torch::kBFloat16));
    for (torch::ScalarType type : twin.matrixTypes)
        QCOMPARE(int(type), int(torch::kFloat32));
    QCOMPARE(sixteen.blocks.size(), twin.blocks.size());
    for (size_t b = 0; b < sixteen.blocks.size(); ++b) {
        const BlockCompensation &s = sixteen.blocks[b];
        const BlockCompensation &t = twin.blocks[b];
        qInfo("block %zu: off %.6g / %.6g, on %.6g / %.6g (bf16 / twin)", b, s.relativeErrorOff,
              t.relativeErrorOff, s.relativeErrorOn, t.relativeErrorOn);
        QVERIFY(s.relativeErrorOn < s.relativeErrorOff);
        QVERIFY(std::abs(s.relativeErrorOff / t.relativeErrorOff - 1.0) < 0.01);
        QVERIFY(std::abs(s.relativeErrorOn / t.relativeErrorOn - 1.0) < 0.06);
    }
    qInfo("end-to-end KL %.6g -> %.6g (bf16), %.6g -> %.6g (twin)", sixteen.klBefore,
          sixteen.klAfter, twin.klBefore, twin.klAfter);
    QVERIFY(sixteen.klBefore > 0.0);
    QVERIFY(sixteen.klAfter < sixteen.klBefore);
    // Where evaluation runs LibTorch's bfloat16 GEMM (AVX512-BF16 CPUs, docs/architecture.md
    // "16-bit weights"), activations and outputs are rounded to bfloat16: measured 6.6 % below
    // the twin on a Zen 5 (0.2 % with the product widened to float32 there).
    const double tolerance = nativeBfloat16Gemm() ? 0.10 : 0.02;
    qInfo("bfloat16 GEMM for evaluation: %s", nativeBfloat16Gemm() ? "yes" : "no (widened)");
    QVERIFY(std::abs(sixteen.klBefore / twin.klBefore - 1.0) < tolerance);
}

QTEST_GUILESS_MAIN(TestFineTuningSixteenBit)
#include "tst_finetuningsixteenbit.moc"
