#include "lm/trainer.h"

#include "compute/torchcompute.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/transformer.h"

#include <torch/torch.h>

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <random>

namespace nwc {
namespace {

/// Uniform integer in [0, bound) from a standardized engine (platform independent).
quint64 uniformBelow(std::mt19937_64 &rng, quint64 bound) {
    const quint64 limit = ~0ULL - (~0ULL % bound);
    quint64 bits = rng();
    while (bits >= limit)
        bits = rng();
    return bits % bound;
}

QString formatDuration(double seconds) {
    const qint64 total = qint64(std::llround(std::max(0.0, seconds)));
    if (total >= 3600)
        return QStringLiteral("%1h%2m")
            .arg(total / 3600)
            .arg((total / 60) % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1m%2s").arg(total / 60).arg(total % 60, 2, 10, QLatin1Char('0'));
}

/// Copies windows [start, start + length] of `tokens` into a [count, length + 1] int64 tensor in
/// host memory (callers move it to the model's device).
torch::Tensor gatherWindows(const std::vector<int32_t> &tokens, const std::vector<qint64> &starts,
                            int length) {
    torch::Tensor batch = torch::empty({qint64(starts.size()), length + 1}, torch::kLong);
    int64_t *out = batch.data_ptr<int64_t>();
    for (const qint64 start : starts) {
        for (int t = 0; t <= length; ++t)
            *out++ = tokens[size_t(start + t)];
    }
    return batch;
}

/// Tokens per forward (and backward) pass. A batch runs in micro-batches of this many tokens
/// (whole windows, at least one) whose gradients add up to the batch's, so that a cancel is
/// noticed within one micro-batch: a whole 16 × 256 step of the 3.2 M-parameter demo teacher
/// takes 2–3 s on two cores. Measured on that step: the same loss to 6 digits and the same CPU
/// time as one pass over the batch.
constexpr qint64 kMicroBatchTokens = 512;

/// Windows per micro-batch for windows of `length` tokens.
int microBatchWindows(int length) {
    return int(std::max<qint64>(1, kMicroBatchTokens / std::max(1, length)));
}

void checkTokens(const std::vector<int32_t> &tokens, int vocabSize, const char *what) {
    const auto extremes = std::minmax_element(tokens.begin(), tokens.end());
    if (!tokens.empty() && (*extremes.first < 0 || *extremes.second >= vocabSize))
        throw Error(QStringLiteral("the %1 token stream holds id %2, outside the model's "
                                   "vocabulary of %3; train the tokenizer and the model together")
                        .arg(QLatin1String(what))
                        .arg(*extremes.first < 0 ? *extremes.first : *extremes.second)
                        .arg(vocabSize));
}

} // namespace

struct Trainer::State {
    Transformer model{nullptr};
    std::vector<torch::Tensor> parameters;
    std::unique_ptr<torch::optim::AdamW> optimizer;
};

Trainer::Trainer(const ModelConfig &config, const TrainerSettings &settings,
                 const ComputeOptions &computeOptions)
    : m_settings(settings)
    , m_state(std::make_unique<State>()) {
    if (settings.steps < 1 || settings.batchSize < 1 || settings.sequenceLength < 2 ||
        settings.warmupSteps < 0 || settings.learningRate <= 0 || settings.evalWindows < 1)
        throw Error(QStringLiteral("invalid training settings: steps, batch size and evaluation "
                                   "windows must be positive, the sequence length at least 2"));
    torch::manual_seed(settings.seed);
    m_state->model = Transformer(config, computeOptions); // sets the intra-op threads
    m_state->model->train();

    std::vector<torch::Tensor> decay;
    std::vector<torch::Tensor> noDecay;
    for (const torch::Tensor &parameter : m_state->model->parameters()) {
        m_state->parameters.push_back(parameter);
        (parameter.dim() >= 2 ? decay : noDecay).push_back(parameter);
    }
    torch::optim::AdamWOptions options(settings.learningRate);
    options.betas({settings.beta1, settings.beta2}).eps(settings.epsilon);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(
        decay, std::make_unique<torch::optim::AdamWOptions>(
                   torch::optim::AdamWOptions(options).weight_decay(settings.weightDecay)));
    groups.emplace_back(noDecay, std::make_unique<torch::optim::AdamWOptions>(
                                     torch::optim::AdamWOptions(options).weight_decay(0.0)));
    m_state->optimizer = std::make_unique<torch::optim::AdamW>(std::move(groups), options);
}

Trainer::~Trainer() = default;

qint64 Trainer::parameterCount() const {
    qint64 count = 0;
    for (const torch::Tensor &parameter : m_state->parameters)
        count += parameter.numel();
    return count;
}

const ModelConfig &Trainer::config() const {
    return m_state->model->config();
}

TransformerImpl &Trainer::module() {
    return *m_state->model;
}

double Trainer::evaluateLoss(const std::vector<int32_t> &tokens, ProgressSink *progress) const {
    if (tokens.size() < 2)
        throw Error(QStringLiteral("the evaluation token stream needs at least 2 tokens"));
    checkTokens(tokens, config().vocabSize, "evaluation");
    const int length = int(std::min<qint64>(m_settings.sequenceLength, qint64(tokens.size()) - 1));
    const qint64 last = qint64(tokens.size()) - length - 1;
    const int windows = m_settings.evalWindows;
    std::vector<qint64> starts;
    for (int i = 0; i < windows; ++i)
        starts.push_back(windows == 1 ? 0 : last * i / (windows - 1));

    torch::NoGradGuard noGrad;
    Transformer model = m_state->model;
    const torch::Device device = m_state->parameters.front().device();
    double total = 0;
    qint64 count = 0;
    const size_t micro = size_t(microBatchWindows(length));
    for (size_t first = 0; first < starts.size(); first += micro) {
        throwIfCancelled(progress);
        const size_t end = std::min(starts.size(), first + micro);
        const std::vector<qint64> part(starts.begin() + qint64(first),
                                       starts.begin() + qint64(end));
        const torch::Tensor batch = gatherWindows(tokens, part, length).to(device);
        const torch::Tensor logits = model->forward(batch.narrow(1, 0, length));
        const torch::Tensor loss = torch::nn::functional::cross_entropy(
            logits.reshape({-1, logits.size(-1)}), batch.narrow(1, 1, length).reshape({-1}),
            torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
        total += loss.item<double>();
        count += qint64(part.size()) * length;
    }
    return total / double(count);
}

TrainingReport Trainer::train(const std::vector<int32_t> &trainTokens,
                              const std::vector<int32_t> &evalTokens, ProgressSink *progress) {
    const TrainerSettings &s = m_settings;
    const int length = s.sequenceLength;
    if (qint64(trainTokens.size()) < length + 1)
        throw Error(QStringLiteral("the training stream has %1 tokens, fewer than one window of "
                                   "%2; use more text or a shorter sequence length")
                        .arg(trainTokens.size())
                        .arg(length + 1));
    checkTokens(trainTokens, config().vocabSize, "training");
    if (!evalTokens.empty())
        checkTokens(evalTokens, config().vocabSize, "evaluation");
    applyComputeThreads(m_state->model->computeOptions());

    Transformer model = m_state->model;
    model->train();
    const torch::Device device = m_state->parameters.front().device();
    std::mt19937_64 rng(s.seed ^ 0x77696e646f7773ULL); // "windows"
    const quint64 startCount = quint64(trainTokens.size()) - quint64(length);
    const int interval = s.evalInterval > 0 ? s.evalInterval : std::min(50, s.steps);
    const int decaySteps = std::max(1, s.steps - s.warmupSteps - 1);

    TrainingReport report;
    QElapsedTimer timer;
    timer.start();
    double lossSinceLog = 0;
    int stepsSinceLog = 0;
    double lastEval = -1;
    std::vector<double> losses;
    losses.reserve(size_t(s.steps));
    const int micro = microBatchWindows(length);
    for (int step = 0; step < s.steps; ++step) {
        throwIfCancelled(progress);
        double rate = s.learningRate;
        if (step < s.warmupSteps) {
            rate = s.learningRate * double(step + 1) / double(s.warmupSteps);
        } else {
            const double t = std::min(1.0, double(step - s.warmupSteps) / decaySteps);
            const double floor = s.learningRate * s.minLearningRateRatio;
            rate = floor + (s.learningRate - floor) * 0.5 * (1.0 + std::cos(M_PI * t));
        }
        for (torch::optim::OptimizerParamGroup &group : m_state->optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions &>(group.options()).lr(rate);

        std::vector<qint64> starts(size_t(s.batchSize));
        for (qint64 &start : starts)
            start = qint64(uniformBelow(rng, startCount));
        const torch::Tensor batch = gatherWindows(trainTokens, starts, length).to(device);
        m_state->optimizer->zero_grad();
        // The batch's mean loss, as the sum of the micro-batches' means weighted by their share.
        double value = 0;
        for (int first = 0; first < s.batchSize; first += micro) {
            throwIfCancelled(progress);
            const int size = std::min(micro, s.batchSize - first);
            const torch::Tensor part = batch.narrow(0, first, size);
            const torch::Tensor logits = model->forward(part.narrow(1, 0, length));
            const torch::Tensor loss =
                torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}),
                                                     part.narrow(1, 1, length).reshape({-1})) *
                (double(size) / double(s.batchSize));
            loss.backward();
            value += loss.item<double>();
        }
        if (s.gradientClip > 0)
            torch::nn::utils::clip_grad_norm_(m_state->parameters, s.gradientClip);
        m_state->optimizer->step();

        if (!std::isfinite(value))
            throw Error(QStringLiteral("training diverged at step %1 (loss is not finite); "
                                       "lower the learning rate")
                            .arg(step + 1));
        losses.push_back(value);
        if (step == 0)
            report.firstTrainLoss = value;
        lossSinceLog += value;
        ++stepsSinceLog;

        const bool logNow = (step + 1) % interval == 0 || step + 1 == s.steps;
        if (logNow) {
            TrainingPoint point;
            point.step = step + 1;
            point.trainLoss = lossSinceLog / stepsSinceLog;
            point.learningRate = rate;
            if (!evalTokens.empty()) {
                point.evalLoss = evaluateLoss(evalTokens, progress);
                lastEval = point.evalLoss;
                model->train();
            }
            point.seconds = double(timer.nsecsElapsed()) * 1e-9;
            report.history.append(point);
            lossSinceLog = 0;
            stepsSinceLog = 0;
        }

        const double elapsed = double(timer.nsecsElapsed()) * 1e-9;
        const double tokensPerSecond = double(step + 1) * s.batchSize * length / elapsed;
        const double eta = elapsed / (step + 1) * (s.steps - step - 1);
        QString message =
            QStringLiteral("step %1/%2  loss %3").arg(step + 1).arg(s.steps).arg(value, 0, 'f', 3);
        if (lastEval >= 0)
            message += QStringLiteral("  eval %1").arg(lastEval, 0, 'f', 3);
        message += QStringLiteral("  lr %1  %2 tok/s  ETA %3")
                       .arg(rate, 0, 'g', 3)
                       .arg(qint64(tokensPerSecond))
                       .arg(formatDuration(eta));
        reportProgress(progress, double(step + 1) / s.steps, message);
    }

    report.steps = s.steps;
    report.tokens = qint64(s.steps) * s.batchSize * length;
    report.seconds = double(timer.nsecsElapsed()) * 1e-9;
    report.tokensPerSecond = double(report.tokens) / report.seconds;
    const size_t tail = std::min(losses.size(), size_t(interval));
    double tailSum = 0;
    for (size_t i = losses.size() - tail; i < losses.size(); ++i)
        tailSum += losses[i];
    report.finalTrainLoss = tailSum / double(tail);
    report.finalEvalLoss = lastEval;
    return report;
}

void Trainer::save(const QString &directory, const QString &tokenizerJsonPath) const {
    torch::NoGradGuard noGrad;
    saveHuggingFaceDirectory(*m_state->model, directory, tokenizerJsonPath);
}

} // namespace nwc
