// Compute options on the model runtime: the demo student built with default and explicit
// {cpu, float32, 1 thread} options gives identical logits, a CUDA device is refused on this CPU
// build with the LibTorch build named, and a loaded model's parameters are exactly the
// checkpoint's tensors, bound without random initialisation.
#include "compute/torchcompute.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"

#include <QTest>

#include <torch/cuda.h>

using namespace nwc;

namespace {

const QString kDemo = QStringLiteral("demo:student");

/// Logits of a fixed prompt, [1, time, vocab] in host memory.
torch::Tensor promptLogits(const LanguageModel &model) {
    torch::NoGradGuard noGrad;
    const std::vector<int32_t> ids =
        model.tokenizer().encode(QByteArrayLiteral("Once upon a time, a little"), false, false);
    return toHost(model.runtime().module()->forward(hostTokenRow(ids)));
}

ComputeOptions explicitCpu() {
    ComputeOptions options;
    options.device = QStringLiteral("cpu");
    options.dtype = ComputeDtype::Float32;
    options.threads = 1;
    return options;
}

} // namespace

class TestComputeOptions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultAndExplicitCpuAgree() {
        const LanguageModelPtr byDefault = LanguageModel::load(kDemo);
        const LanguageModelPtr explicitly = LanguageModel::load(kDemo, QString(), nullptr,
                                                                explicitCpu());
        QCOMPARE(explicitly->computeOptions(), explicitCpu());
        QCOMPARE(byDefault->computeOptions(), ComputeOptions());
        const torch::Tensor a = promptLogits(*byDefault);
        const torch::Tensor b = promptLogits(*explicitly);
        QCOMPARE(a.dim(), 3);
        QCOMPARE(a.size(2), int64_t(byDefault->config().vocabSize));
        QVERIFY(torch::equal(a, b));
        QVERIFY(explicitly->runtime().module()->device() == torch::Device(torch::kCPU));
        QVERIFY(explicitly->runtime().module()->parameters().front().scalar_type() ==
                torch::kFloat32);
    }

    void threadsAreDecidedByTheOptions() {
        ComputeOptions two = explicitCpu();
        two.threads = 2;
        LanguageModel::load(kDemo, QString(), nullptr, two);
        QCOMPARE(at::get_num_threads(), 2);
        LanguageModel::load(kDemo);
        QCOMPARE(at::get_num_threads(), kDefaultIntraOpThreads);
    }

    void cudaIsRefusedOnACpuBuild() {
        if (torch::cuda::is_available())
            QSKIP("this LibTorch build has a CUDA device");
        ComputeOptions cuda;
        cuda.device = QStringLiteral("cuda");
        try {
            LanguageModel::load(kDemo, QString(), nullptr, cuda);
            QFAIL("a CUDA device was accepted by a CPU build of LibTorch");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("cuda")), qPrintable(error.message()));
            QVERIFY2(error.message().contains(libTorchBuildDescription()),
                     qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("CPU build")),
                     qPrintable(error.message()));
        }
        ComputeOptions unknown;
        unknown.device = QStringLiteral("abacus");
        QVERIFY_THROWS_EXCEPTION(Error, LanguageModel::load(kDemo, QString(), nullptr, unknown));
    }

    void parametersAreTheCheckpointTensors() {
        // Loading draws nothing from the random generator: no parameter is initialised randomly
        // and then overwritten.
        torch::manual_seed(7);
        const torch::Tensor expectedDraw = torch::rand({16});
        torch::manual_seed(7);
        const LanguageModelPtr model = LanguageModel::load(kDemo);
        QVERIFY(torch::equal(torch::rand({16}), expectedDraw));

        const Checkpoint &checkpoint = *model->checkpoint();
        TransformerImpl &module = *model->runtime().module();
        const QStringList names = module.weightNames();
        QVERIFY(!names.isEmpty());
        int64_t bound = 0;
        for (const QString &name : names) {
            const TensorInfo *info = checkpoint.findTensor(name);
            QVERIFY2(info, qPrintable(name));
            const std::vector<float> stored = checkpoint.readFloat32(name);
            const std::vector<int64_t> shape(info->shape.begin(), info->shape.end());
            QVERIFY2(torch::equal(module.weight(name), hostView(stored.data(), shape)),
                     qPrintable(name));
            bound += info->elementCount();
        }
        // Every parameter is bound to a checkpoint tensor (tied embeddings counted once).
        int64_t parameters = 0;
        for (const torch::Tensor &parameter : module.parameters())
            parameters += parameter.numel();
        QCOMPARE(bound, parameters);
    }
};

QTEST_GUILESS_MAIN(TestComputeOptions)
#include "tst_computeoptions.moc"
