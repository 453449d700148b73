#include "codec/codectrainer.h"

#include "codec/codecfile.h"
#include "codec/columnchunks.h"
#include "codec/compressibletensor.h"
#include "codec/factorizeddensity.h"
#include "codec/neuralcodec.h"
#include "codec/symboltables.h"
#include "compute/torchcompute.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <cmath>

namespace nwc {
namespace {

// Full chunks (no padding) of every compressible tensor of the models.
std::vector<float> collectChunks(const QStringList &models, int32_t chunk, ProgressSink *progress) {
    std::vector<float> pool;
    for (const QString &spec : models) {
        const CheckpointPtr checkpoint = Checkpoint::open(spec);
        int used = 0;
        for (const TensorInfo &info : checkpoint->tensors()) {
            if (!isCompressibleTensor(info))
                continue;
            throwIfCancelled(progress);
            std::vector<float> values = checkpoint->readFloat32(info.name);
            int64_t rows = info.shape[0];
            int64_t columns = info.shape[1];
            if (isStoredTransposed(checkpoint->config(), info.name)) {
                values = transposed(values.data(), rows, columns);
                std::swap(rows, columns);
            }
            const ColumnChunks chunks = makeColumnChunks(values.data(), rows, columns, chunk);
            const int64_t full = rows / chunk;
            for (int64_t j = 0; j < columns; ++j) {
                const float *column = chunks.values.data() + j * chunks.chunksPerColumn * chunk;
                pool.insert(pool.end(), column, column + full * chunk);
            }
            ++used;
        }
        if (used == 0)
            throw Error(QStringLiteral("%1 has no linear layers to train a codec on").arg(spec));
    }
    if (pool.empty())
        throw Error(QStringLiteral("no training chunks: the models' layers are shorter than one "
                                   "chunk of %1 values")
                        .arg(chunk));
    return pool;
}

/// x and levels are on the network's device; quantization runs in host memory.
double measuredBitsPerWeight(const CodecParameters &codec, NeuralCodec &network,
                             const torch::Tensor &x, const torch::Tensor &levels, double *mse) {
    torch::NoGradGuard noGrad;
    const FactorizedDensity density(codec);
    const SymbolTables tables(density, 1.0, false);
    const torch::Tensor y = toHost(network->encode(x, levels));
    const torch::Tensor levelsOnHost = toHost(levels);
    torch::Tensor quantized = torch::empty_like(y);
    const int64_t n = y.size(0);
    const int32_t d = codec.chunk;
    const float *values = y.data_ptr<float>();
    const int64_t *levelOf = levelsOnHost.data_ptr<int64_t>();
    float *out = quantized.data_ptr<float>();
    double bits = 0.0;
    for (int64_t c = 0; c < n; ++c) {
        const int base = int(levelOf[c]) * d;
        for (int32_t i = 0; i < d; ++i) {
            const int64_t symbol = tables.quantize(base + i, values[c * d + i]);
            bits += tables.bits(base + i, symbol);
            out[c * d + i] = tables.dequantize(base + i, symbol);
        }
    }
    const torch::Tensor reconstructed = network->decode(quantized.to(x.device()), levels);
    *mse = (reconstructed - x).pow(2).mean().item<double>();
    return bits / double(n * d);
}

} // namespace

CodecTrainingReport trainCodec(const CodecTrainingSettings &settings, ProgressSink *progress,
                               const ComputeOptions &options) {
    QElapsedTimer timer;
    timer.start();
    requireUsableComputeOptions(options);
    applyComputeThreads(options);
    const torch::Device device = torchDevice(options);
    if (settings.models.isEmpty())
        throw Error(QStringLiteral("train-codec needs at least one model"));
    if (settings.outputPath.isEmpty())
        throw Error(QStringLiteral("train-codec needs an output file"));
    if (!(settings.lambda > 0.0))
        throw Error(QStringLiteral("lambda must be positive, got %1").arg(settings.lambda));
    CodecParameters architecture = codecPreset(settings.preset);
    architecture.lambda = settings.lambda;
    architecture.id = settings.id.isEmpty()
                          ? QStringLiteral("%1-l%2").arg(settings.preset).arg(settings.lambda)
                          : settings.id;
    for (const QString &model : settings.models)
        architecture.trainedOn.push_back(model);

    NeuralCodec codec(architecture, settings.seed, options);
    int64_t step = 0;
    if (settings.resume && QFileInfo::exists(settings.outputPath)) {
        const CodecParameters saved = loadCodecFile(settings.outputPath);
        if (saved.preset != settings.preset || saved.lambda != settings.lambda)
            throw Error(QStringLiteral("%1 holds a %2 codec with lambda %3; cannot resume it as %4 "
                                       "with lambda %5")
                            .arg(settings.outputPath, saved.preset)
                            .arg(saved.lambda)
                            .arg(settings.preset)
                            .arg(settings.lambda));
        codec->load(saved);
        step = saved.steps;
    }

    reportProgress(progress, 0.0, QStringLiteral("reading training weights"));
    std::vector<float> pool = collectChunks(settings.models, architecture.chunk, progress);
    const int64_t d = architecture.chunk;
    const int64_t chunks = int64_t(pool.size()) / d;
    // The training chunks stay in host memory; each batch is drawn there and moved.
    const torch::Tensor data = hostView(pool.data(), {chunks, d});
    torch::manual_seed(int64_t(settings.seed) + step);
    // A fixed held-out sample for the final measurement.
    const torch::Tensor heldOut =
        data.index_select(0,
                          torch::randint(chunks, {std::min<int64_t>(chunks, 4096)}, torch::kInt64))
            .clone();
    // Levels of the held-out sample in the proportions compression uses by default (0.1 % of
    // columns at the top level, 1 % next, 10 % next, the rest at 0), so the nominal rate is
    // what a typical tensor costs.
    const torch::Tensor uniform = torch::rand({heldOut.size(0)});
    const torch::Tensor heldOutLevels =
        ((uniform < 0.111).to(torch::kInt64) + (uniform < 0.011).to(torch::kInt64) +
         (uniform < 0.001).to(torch::kInt64))
            .clamp_max(architecture.levels - 1)
            .to(device);
    const torch::Tensor heldOutOnDevice = heldOut.to(device);

    std::vector<torch::Tensor> networkParameters;
    std::vector<torch::Tensor> densityParameters;
    for (auto &item : codec->named_parameters(false)) {
        if (QString::fromStdString(item.key()).startsWith(QLatin1String("entropy_")) ||
            item.key() == "level_log_scale")
            densityParameters.push_back(item.value());
        else
            networkParameters.push_back(item.value());
    }
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(densityParameters,
                        std::make_unique<torch::optim::AdamOptions>(settings.learningRate * 10));
    if (!networkParameters.empty())
        groups.emplace_back(networkParameters,
                            std::make_unique<torch::optim::AdamOptions>(settings.learningRate));
    torch::optim::Adam optimizer(groups, torch::optim::AdamOptions(settings.learningRate));

    const std::vector<double> &c = architecture.rateWeights;
    const auto save = [&](int64_t steps) {
        CodecParameters parameters = codec->parameters();
        parameters.id = architecture.id;
        parameters.lambda = architecture.lambda;
        parameters.trainedOn = architecture.trainedOn;
        parameters.steps = steps;
        double mse = 0.0;
        parameters.nominalBitsPerWeight =
            measuredBitsPerWeight(parameters, codec, heldOutOnDevice, heldOutLevels, &mse);
        saveCodecFile(settings.outputPath, parameters);
        return std::make_pair(parameters, mse);
    };

    codec->train();
    double smoothedBits = 0.0;
    double smoothedMse = 0.0;
    // Training proper starts (reports follow every 50 steps).
    reportProgress(progress, double(step) / double(settings.steps),
                   QStringLiteral("step %1/%2").arg(step).arg(settings.steps));
    for (; step < settings.steps; ++step) {
        throwIfCancelled(progress);
        if (step == settings.steps * 4 / 5) {
            for (auto &group : optimizer.param_groups())
                static_cast<torch::optim::AdamOptions &>(group.options())
                    .lr(static_cast<torch::optim::AdamOptions &>(group.options()).lr() * 0.1);
        }
        const torch::Tensor index = torch::randint(chunks, {settings.batchChunks}, torch::kInt64);
        const torch::Tensor x = data.index_select(0, index).to(device);
        const torch::Tensor levels =
            torch::randint(architecture.levels, {settings.batchChunks}, torch::kInt64).to(device);
        const torch::Tensor y = codec->encode(x, levels);
        // The noise is drawn in host memory too (same draws on every device).
        const torch::Tensor noise = torch::rand(y.sizes(), torch::kFloat32).to(device);
        const torch::Tensor noisy = y + noise - 0.5;
        const torch::Tensor reconstructed = codec->decode(noisy, levels);
        const torch::Tensor bits = -torch::log2(codec->likelihood(noisy, levels));
        const torch::Tensor mse = (reconstructed - x).pow(2).mean();
        const double elements = double(settings.batchChunks * d);
        torch::Tensor rate = torch::zeros({}, bits.options());
        for (int q = 0; q < architecture.levels; ++q)
            rate = rate + c[size_t(q)] * (bits * (levels == q).unsqueeze(1)).sum() / elements;
        const torch::Tensor loss = settings.lambda * mse + rate;
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        const double meanBits = bits.mean().item<double>();
        smoothedBits = step == 0 ? meanBits : 0.98 * smoothedBits + 0.02 * meanBits;
        smoothedMse =
            step == 0 ? mse.item<double>() : 0.98 * smoothedMse + 0.02 * mse.item<double>();
        if ((step + 1) % 50 == 0)
            reportProgress(progress, double(step + 1) / double(settings.steps),
                           QStringLiteral("step %1/%2  %3 bits/weight  MSE %4")
                               .arg(step + 1)
                               .arg(settings.steps)
                               .arg(smoothedBits, 0, 'f', 3)
                               .arg(smoothedMse, 0, 'g', 4));
        if (settings.checkpointEvery > 0 && (step + 1) % settings.checkpointEvery == 0 &&
            step + 1 < settings.steps)
            save(step + 1);
    }
    codec->eval();
    CodecTrainingReport report;
    const auto [parameters, mse] = save(std::max(step, settings.steps));
    report.codec = parameters;
    report.bitsPerWeight = parameters.nominalBitsPerWeight;
    report.meanSquaredError = mse;
    report.trainingChunks = chunks;
    report.seconds = timer.elapsed() / 1000.0;
    return report;
}

} // namespace nwc
