#include "codec/codectrainer.h"

#include "codec/codecfile.h"
#include "codec/columnchunks.h"
#include "codec/compressibletensor.h"
#include "codec/factorizeddensity.h"
#include "codec/neuralcodec.h"
#include "codec/symboltables.h"
#include "compute/torchcompute.h"
#include "dist/tensorcollectives.h"
#include "dist/workshare.h"
#include "dist/world.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace nwc {
namespace {

/// A compressible tensor in coding orientation [rows, columns].
struct TrainingTensor {
    CheckpointPtr checkpoint;
    TensorInfo info;
    bool transposed = false;
    int64_t rows = 0;
    int64_t columns = 0;
};

/// The compressible tensors of the models, from their metadata.
std::vector<TrainingTensor> trainingTensors(const QStringList &models) {
    std::vector<TrainingTensor> tensors;
    for (const QString &spec : models) {
        const CheckpointPtr checkpoint = Checkpoint::open(spec);
        int used = 0;
        for (const TensorInfo &info : checkpoint->tensors()) {
            if (!isCompressibleTensor(info))
                continue;
            TrainingTensor tensor{checkpoint, info,
                                  isStoredTransposed(checkpoint->config(), info.name),
                                  info.shape[0], info.shape[1]};
            if (tensor.transposed)
                std::swap(tensor.rows, tensor.columns);
            tensors.push_back(std::move(tensor));
            ++used;
        }
        if (used == 0)
            throw Error(QStringLiteral("%1 has no linear layers to train a codec on").arg(spec));
    }
    return tensors;
}

/// Indices of the columns of `tensor` that go into the pool: all of them, or `keep` chosen
/// uniformly from `seed`, in increasing order.
std::vector<int64_t> chosenColumns(int64_t columns, int64_t keep, uint64_t seed) {
    std::vector<int64_t> all(static_cast<size_t>(columns));
    std::iota(all.begin(), all.end(), int64_t(0));
    if (keep >= columns)
        return all;
    std::mt19937_64 generator(seed);
    for (int64_t i = 0; i < keep; ++i) { // partial Fisher–Yates
        std::uniform_int_distribution<int64_t> pick(i, columns - 1);
        std::swap(all[size_t(i)], all[size_t(pick(generator))]);
    }
    all.resize(size_t(keep));
    std::sort(all.begin(), all.end());
    return all;
}

/// Full chunks (no padding) of the models' compressible tensors: every chunk, or whole columns
/// sampled so that about `maxChunks` remain. `available` receives the number of full chunks.
std::vector<float> collectChunks(const QStringList &models, int32_t chunk, int64_t maxChunks,
                                 uint64_t seed, int64_t *available, ProgressSink *progress) {
    const std::vector<TrainingTensor> tensors = trainingTensors(models);
    int64_t total = 0;
    for (const TrainingTensor &tensor : tensors)
        total += tensor.columns * (tensor.rows / chunk);
    *available = total;
    const double share = total > maxChunks ? double(maxChunks) / double(total) : 1.0;
    std::vector<float> pool;
    pool.reserve(size_t(std::min(total, maxChunks + int64_t(tensors.size()))) * size_t(chunk));
    for (size_t t = 0; t < tensors.size(); ++t) {
        const TrainingTensor &tensor = tensors[t];
        const int64_t full = tensor.rows / chunk;
        if (full == 0)
            continue;
        throwIfCancelled(progress);
        const int64_t keep = std::max<int64_t>(1, std::llround(share * double(tensor.columns)));
        const std::vector<int64_t> columns =
            chosenColumns(tensor.columns, keep, seed * 1000003u + uint64_t(t));
        std::vector<float> values = tensor.checkpoint->readFloat32(tensor.info.name);
        if (tensor.transposed)
            values = transposed(values.data(), tensor.columns, tensor.rows);
        const ColumnChunks chunks =
            makeColumnChunks(values.data(), tensor.rows, tensor.columns, chunk);
        for (int64_t j : columns) {
            const float *column = chunks.values.data() + j * chunks.chunksPerColumn * chunk;
            pool.insert(pool.end(), column, column + full * chunk);
        }
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

/// Sums the gradients of `parameters` over the ranks, in one flat buffer.
void sumGradients(dist::ProcessGroup &group, const std::vector<torch::Tensor> &parameters,
                  int64_t step) {
    std::vector<torch::Tensor> gradients;
    for (const torch::Tensor &parameter : parameters)
        if (parameter.grad().defined())
            gradients.push_back(parameter.grad().flatten());
    torch::Tensor flat = torch::cat(gradients);
    dist::allReduceSum(group, flat,
                       QStringLiteral("summing the gradients of step %1").arg(step + 1));
    int64_t offset = 0;
    for (const torch::Tensor &parameter : parameters) {
        torch::Tensor gradient = parameter.grad();
        if (!gradient.defined())
            continue;
        gradient.copy_(flat.narrow(0, offset, gradient.numel()).view_as(gradient));
        offset += gradient.numel();
    }
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
    int64_t available = 0;
    std::vector<float> pool =
        collectChunks(settings.models, architecture.chunk, std::max<int64_t>(1, settings.maxChunks),
                      settings.seed, &available, progress);
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
    std::vector<torch::Tensor> trained = densityParameters;
    trained.insert(trained.end(), networkParameters.begin(), networkParameters.end());

    // Data-parallel over a process group (docs/distributed.md, Codec training): gradients are
    // summed over the ranks every step; one rank (or none) trains exactly as before.
    dist::ProcessGroup *processGroup = dist::world();
    const bool parallel = processGroup && processGroup->size() > 1;
    const bool root = dist::isRoot();
    const dist::Share share =
        parallel ? dist::shareOf(settings.batchChunks, processGroup->rank(), processGroup->size())
                 : dist::Share{0, settings.batchChunks};
    if (parallel && share.size() == 0)
        throw Error(QStringLiteral("a batch of %1 chunks cannot be shared by %2 ranks: use a "
                                   "larger batch or fewer ranks")
                        .arg(settings.batchChunks)
                        .arg(processGroup->size()));

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
        if (root) // rank 0 writes the file
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
        // Every rank draws the whole batch (same seed, same draws) and trains on its share.
        torch::Tensor index = torch::randint(chunks, {settings.batchChunks}, torch::kInt64);
        torch::Tensor levelDraw =
            torch::randint(architecture.levels, {settings.batchChunks}, torch::kInt64);
        if (parallel)
            index = index.narrow(0, share.begin, share.size());
        if (parallel)
            levelDraw = levelDraw.narrow(0, share.begin, share.size());
        const torch::Tensor x = data.index_select(0, index).to(device);
        const torch::Tensor levels = levelDraw.to(device);
        const torch::Tensor y = codec->encode(x, levels);
        // The noise is drawn in host memory too (same draws on every device).
        std::vector<int64_t> noiseShape = y.sizes().vec();
        noiseShape.front() = settings.batchChunks;
        torch::Tensor noiseDraw = torch::rand(noiseShape, torch::kFloat32);
        if (parallel)
            noiseDraw = noiseDraw.narrow(0, share.begin, share.size());
        const torch::Tensor noise = noiseDraw.to(device);
        const torch::Tensor noisy = y + noise - 0.5;
        const torch::Tensor reconstructed = codec->decode(noisy, levels);
        const torch::Tensor bits = -torch::log2(codec->likelihood(noisy, levels));
        const double elements = double(settings.batchChunks * d);
        // With several ranks each sums its share over the whole batch's element count, so the
        // ranks' losses (and gradients) add up to the one-process ones.
        const torch::Tensor mse = parallel ? (reconstructed - x).pow(2).sum() / elements
                                           : (reconstructed - x).pow(2).mean();
        torch::Tensor rate = torch::zeros({}, bits.options());
        for (int q = 0; q < architecture.levels; ++q)
            rate = rate + c[size_t(q)] * (bits * (levels == q).unsqueeze(1)).sum() / elements;
        const torch::Tensor loss = settings.lambda * mse + rate;
        optimizer.zero_grad();
        loss.backward();
        if (parallel)
            sumGradients(*processGroup, trained, step);
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
        if (root && settings.checkpointEvery > 0 && (step + 1) % settings.checkpointEvery == 0 &&
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
    report.availableChunks = available;
    report.seconds = timer.elapsed() / 1000.0;
    return report;
}

} // namespace nwc
