// Benchmark (not a test): the runtime at real sizes. Generates random-weight bf16 checkpoints at
// the configurations of SmolLM2-135M, Qwen2.5-0.5B, TinyLlama-1.1B and Llama-2-7B (kept in a
// folder between runs), measures this machine's memory read bandwidth in the same run, and prints
// per model: load time, prefill and decode tokens/s, resident memory, decode as a fraction of the
// roof (bandwidth ÷ weight bytes read per token), and perplexity-evaluation speed. With
// --compare-fp32 it also widens the weights to float32 (the runtime before 16-bit weights) and
// measures decode again in the same run. With --device cuda[:N] (a CUDA build of LibTorch) the
// model runs on that device and the roof is the device's own read bandwidth, measured the same
// way. `cmake --build --preset dev --target bench-runtime`.
//
// usage: bench_runtime [--folder DIR] [--shapes NAME,...] [--prompt N] [--decode N]
//                      [--threads N] [--device cpu|cuda[:N]] [--compare-fp32]
#include "compute/threadwaiting.h"
#include "randomcheckpoint.h"

#include "compute/computedevices.h"
#include "compute/torchcompute.h"
#include "jobs/computeoptions.h"
#include "lm/evaluator.h"
#include "lm/generator.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"

#include <torch/torch.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

using namespace nwc;

namespace {

/// VmRSS or VmHWM of this process in bytes.
double statusBytes(const char *key) {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(int(std::strlen(key))).trimmed().split(' ').value(0).toDouble() *
                   1024.0;
    }
    return 0;
}

/// GB/s of reading a 1 GiB float32 tensor on `device` (torch::sum, vectorised, memory-bound;
/// item() waits for a device), median of 5.
double readBandwidth(const torch::Device &device) {
    const torch::Tensor big =
        torch::ones({int64_t(1) << 28}, torch::TensorOptions().device(device));
    std::vector<double> rates;
    for (int i = 0; i < 6; ++i) {
        const auto start = std::chrono::steady_clock::now();
        volatile float sink = big.sum().item<float>();
        (void)sink;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (i > 0)
            rates.push_back(double(big.numel()) * 4.0 / seconds / 1e9);
    }
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
}

/// Bytes a decode step reads: every matrix of the blocks and the head (the embedding table
/// only for one row, counted as the head when tied), in the type they are held in.
double bytesPerToken(TransformerImpl &module) {
    double bytes = 0;
    for (const auto &item : module.named_parameters(true)) {
        const torch::Tensor &p = item.value();
        const bool embedding = item.key().find("embed_tokens") != std::string::npos;
        if (embedding && !module.config().tieWordEmbeddings)
            continue;
        bytes += double(p.numel()) * double(p.element_size());
    }
    return bytes;
}

QByteArray promptText(int words) {
    QByteArray text;
    const char *vocabulary[] = {"the",   "model", "reads",  "every",     "weight", "once", "per",
                                "token", "and",   "memory", "bandwidth", "sets",   "a",    "limit"};
    for (int i = 0; i < words; ++i) {
        text += vocabulary[(i * 7 + i / 3) % 14];
        text += ' ';
    }
    return text;
}

struct Options {
    QString folder;
    QStringList shapes;
    int prompt = 128;
    int decode = 32;
    int threads = 0;
    QString device = QStringLiteral("cpu");
    bool compareFp32 = false;
};

Options parse(const QStringList &args) {
    Options o;
    o.folder = QDir::temp().filePath(QStringLiteral("nwc-bench-models"));
    for (int i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        const QString next = i + 1 < args.size() ? args[i + 1] : QString();
        if (a == QLatin1String("--folder"))
            o.folder = next, ++i;
        else if (a == QLatin1String("--shapes"))
            o.shapes = next.split(QLatin1Char(',')), ++i;
        else if (a == QLatin1String("--prompt"))
            o.prompt = next.toInt(), ++i;
        else if (a == QLatin1String("--decode"))
            o.decode = next.toInt(), ++i;
        else if (a == QLatin1String("--threads"))
            o.threads = next.toInt(), ++i;
        else if (a == QLatin1String("--device"))
            o.device = next, ++i;
        else if (a == QLatin1String("--compare-fp32"))
            o.compareFp32 = true;
    }
    return o;
}

} // namespace

int main(int argc, char **argv) {
    nwc::restartWithPassiveThreadWaiting(argv); // before any thread starts
    QCoreApplication app(argc, argv);
    const Options options = parse(app.arguments());
    ComputeOptions compute;
    compute.threads = options.threads;
    const ComputeDevices devices = availableComputeDevices();
    if (!devices.contains(options.device)) {
        const bool cuda = options.device.trimmed().toLower().startsWith(QLatin1String("cuda"));
        std::fprintf(stderr, "bench_runtime: device %s is not available (%s)\n",
                     qPrintable(options.device),
                     qPrintable(cuda && !devices.cudaUnavailableReason().isEmpty()
                                    ? devices.cudaUnavailableReason()
                                    : QStringLiteral("this build has: ") +
                                          devices.devices.join(QStringLiteral(", "))));
        return 2;
    }
    compute.device = options.device.trimmed().toLower();
    const bool onCpu = compute.device == QLatin1String("cpu");
    std::printf("device: %s; intra-op threads: %s; idle threads: %s\n", qPrintable(compute.device),
                options.threads > 0 ? qPrintable(QString::number(options.threads)) : "default",
                qPrintable(threadWaitingDescription()));
    double roofBandwidth = 0.0;
    if (onCpu) {
        at::set_num_threads(2);
        roofBandwidth = readBandwidth(torch::kCPU);
        at::set_num_threads(1);
        const double bandwidth1 = readBandwidth(torch::kCPU);
        std::printf("memory read bandwidth: %.1f GB/s with 1 thread, %.1f GB/s with 2 (1 GiB "
                    "float32 sum)\n\n",
                    bandwidth1, roofBandwidth);
    } else {
        roofBandwidth = readBandwidth(torchDevice(compute));
        std::printf("device memory read bandwidth: %.1f GB/s (1 GiB float32 sum)\n\n",
                    roofBandwidth);
    }
    std::printf("| shape | parameters | checkpoint GB | load s | prefill tok/s | decode tok/s | "
                "roof tok/s | of roof | RSS GB | KV MB | eval tok/s |%s\n",
                options.compareFp32 ? " fp32 decode tok/s | fp32 RSS GB |" : "");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|%s\n",
                options.compareFp32 ? "---|---|" : "");
    for (const bench::RealShape &shape : bench::realShapes()) {
        if (!options.shapes.isEmpty() && !options.shapes.contains(shape.name))
            continue;
        const QString folder = bench::ensureRandomCheckpoint(
            options.folder, shape, QStringLiteral(NWC_BENCH_EXTERNAL_DIR));
        const double fileBytes =
            double(QFileInfo(folder + QStringLiteral("/model.safetensors")).size());
        QElapsedTimer timer;
        timer.start();
        const LanguageModelPtr model = LanguageModel::load(folder, QString(), nullptr, compute);
        const double loadSeconds = double(timer.elapsed()) / 1e3;
        TransformerImpl &module = *model->runtime().module();

        SamplingSettings settings;
        settings.maxTokens = options.decode;
        settings.temperature = 0;
        settings.stopAtEos = false;
        const QByteArray prompt = promptText(options.prompt);
        const GenerationResult result = generate(*model, QString::fromUtf8(prompt), settings);
        const double rss = statusBytes("VmRSS:");
        const double perToken = bytesPerToken(module);
        const double roof = roofBandwidth / (perToken / 1e9);
        const double headDim = double(shape.config.hiddenSize / shape.config.numHeads);
        const double kvBytes = 2.0 * shape.config.numLayers * shape.config.numKvHeads * headDim *
                               4.0 * double(result.promptIds.size() + result.generatedIds.size());

        PerplexitySettings eval;
        eval.contextLength = std::min(256, shape.config.maxPositions);
        eval.maxBytes = 4000;
        const PerplexityResult perplexity =
            evaluatePerplexity(*model, promptText(700), eval, nullptr);

        QString fp32;
        if (options.compareFp32) {
            module.widenWeights();
            const GenerationResult wide = generate(*model, QString::fromUtf8(prompt), settings);
            fp32 = QStringLiteral(" %1 | %2 |")
                       .arg(wide.decodeTokensPerSecond(), 0, 'f', 2)
                       .arg(statusBytes("VmRSS:") / 1e9, 0, 'f', 2);
        }
        std::printf("| %s | %.2f B | %.2f | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f | %.0f | %.1f "
                    "|%s\n",
                    qPrintable(shape.name), double(shape.config.parameterCount()) / 1e9,
                    fileBytes / 1e9, loadSeconds, result.prefillTokensPerSecond(),
                    result.decodeTokensPerSecond(), roof, result.decodeTokensPerSecond() / roof,
                    rss / 1e9, kvBytes / 1e6, double(perplexity.tokensScored) / perplexity.seconds,
                    qPrintable(fp32));
        std::fflush(stdout);
    }
    std::printf("\nprompt %d words, %d decoded tokens (greedy); roof = %.1f GB/s (%s) / weight "
                "bytes per token; eval: 4000 bytes, context 256; RSS (host memory) after "
                "generating.\n",
                options.prompt, options.decode, roofBandwidth,
                onCpu ? "2 threads" : qPrintable(compute.device));
    return 0;
}
