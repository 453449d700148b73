// Compute options on the model runtime: the demo student built with default and explicit
// {cpu, float32, 1 thread} options gives identical logits, a CUDA device is refused on this CPU
// build with the LibTorch build named, and a loaded model's parameters are exactly the
// checkpoint's tensors, bound without random initialisation. The devices a build offers (GUI
// Settings) are the ones it accepts, and a CPU build says why it offers no GPU.
#include "compute/computedevices.h"
#include "compute/torchcompute.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"

#include <QTest>

#include <torch/cuda.h>
#include <torch/version.h>

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
        const LanguageModelPtr explicitly =
            LanguageModel::load(kDemo, QString(), nullptr, explicitCpu());
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

    void availableDevicesAreUsable() {
        const ComputeDevices available = availableComputeDevices();
        QVERIFY(!available.devices.isEmpty());
        QCOMPARE(available.devices.front(), QStringLiteral("cpu"));
        QCOMPARE(available.libTorchVersion, QStringLiteral(TORCH_VERSION));
        for (const QString &device : available.devices) {
            ComputeOptions options;
            options.device = device;
            requireUsableComputeOptions(options); // throws for a listed device it refuses
        }
        const bool cuda = torch::cuda::is_available() && torch::cuda::device_count() > 0;
        QCOMPARE(available.cuda == CudaAvailability::Available, cuda);
        QCOMPARE(available.devices.size(), 1 + (cuda ? qsizetype(torch::cuda::device_count()) : 0));
        QCOMPARE(available.cudaUnavailableReason().isEmpty(), cuda);
        if (!cuda) {
            const QString reason = available.cudaUnavailableReason();
            QVERIFY2(reason.contains(QStringLiteral("CUDA")), qPrintable(reason));
            QVERIFY2(reason.contains(QStringLiteral(TORCH_VERSION)), qPrintable(reason));
            // Every device it does not list is refused.
            ComputeOptions gpu;
            gpu.device = QStringLiteral("cuda:0");
            QVERIFY_THROWS_EXCEPTION(Error, requireUsableComputeOptions(gpu));
        }
    }

    void unavailableDevicesFallBackToTheCpu() {
        ComputeDevices twoGpus;
        twoGpus.devices = {QStringLiteral("cpu"), QStringLiteral("cuda:0"),
                           QStringLiteral("cuda:1")};
        twoGpus.cuda = CudaAvailability::Available;
        QCOMPARE(usableComputeDevice(QStringLiteral(" CUDA:1 "), twoGpus),
                 QStringLiteral("cuda:1"));
        QCOMPARE(usableComputeDevice(QStringLiteral("cuda:3"), twoGpus), QStringLiteral("cpu"));
        QCOMPARE(usableComputeDevice(QStringLiteral("abacus"), twoGpus), QStringLiteral("cpu"));
        QVERIFY(twoGpus.cudaUnavailableReason().isEmpty());

        ComputeDevices cpuOnly;
        cpuOnly.libTorchVersion = QStringLiteral("1.13.0");
        QCOMPARE(usableComputeDevice(QStringLiteral("cuda:0"), cpuOnly), QStringLiteral("cpu"));
        QVERIFY(cpuOnly.cudaUnavailableReason().contains(QStringLiteral("LibTorch 1.13.0")));
        QVERIFY(cpuOnly.cudaUnavailableReason().contains(QStringLiteral("no CUDA support")));
        ComputeDevices noGpu = cpuOnly;
        noGpu.cuda = CudaAvailability::NoDevice;
        QVERIFY(noGpu.cudaUnavailableReason().contains(QStringLiteral("no GPU was found")));
        QVERIFY(noGpu.cudaUnavailableReason() != cpuOnly.cudaUnavailableReason());
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
