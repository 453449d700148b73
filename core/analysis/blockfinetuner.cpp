#include "analysis/blockfinetuner.h"

#include "analysis/calibrationwindows.h"
#include "analysis/importancemap.h"
#include "codec/compressibletensor.h"
#include "compute/torchcompute.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"

#include <QScopeGuard>

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

/// Windows per optimizer step and per forward pass when only measuring.
constexpr int64_t kTuneBatchWindows = 4;
constexpr int64_t kForwardBatchWindows = 16;
/// Above CompensationSettings::endToEndWholeValues, the end-to-end stage keeps each position's
/// this many most likely tokens of the original and the rest of the mass as one bucket.
constexpr int64_t kReferenceTopTokens = 64;
/// The end-to-end stage moves every scale at once: a tenth of the per-block learning rate
/// (measured on stories260K: the full rate stops at the first epoch without improvement).
constexpr double kEndToEndRateFactor = 0.1;

/// Column scale factors of `weight` [out, in], all 1: float32 (Adam state stays precise whatever
/// the compute dtype) on the weight's device.
torch::Tensor unitFactors(const torch::Tensor &weight) {
    return torch::ones({weight.size(1)},
                       weight.options().dtype(torch::kFloat32).requires_grad(true));
}

std::vector<float> toVector(const torch::Tensor &tensor) {
    const torch::Tensor host = toHost(tensor, torch::kFloat32);
    return std::vector<float>(host.data_ptr<float>(), host.data_ptr<float>() + host.numel());
}

std::vector<double> factorValues(const torch::Tensor &factors) {
    const torch::Tensor host = toHost(factors, torch::kFloat64);
    return std::vector<double>(host.data_ptr<double>(), host.data_ptr<double>() + host.numel());
}

bool isAttentionWeight(const QString &name) {
    return name.contains(QLatin1String(".self_attn.")) || name.contains(QLatin1String(".attn."));
}

/// Mean over positions of KL(p ‖ q) from log-probabilities [..., vocab].
torch::Tensor meanKl(const torch::Tensor &logP, const torch::Tensor &logQ) {
    return (logP.exp() * (logP - logQ)).sum(-1).mean();
}

/// The original model's next-token distributions at calibration positions [windows, length]:
/// every log-probability, or (top-K) each position's K most likely tokens with the rest of the
/// mass as one bucket.
struct ReferencePredictions {
    torch::Tensor logP;    ///< [windows, length, vocab], or [windows, length, K] for top-K
    torch::Tensor indices; ///< [windows, length, K] token ids (top-K only)
    torch::Tensor logRest; ///< [windows, length] log of the remaining mass (top-K only)

    bool defined() const { return logP.defined(); }
    /// K, or 0 when the whole vocabulary is kept.
    int64_t topTokens() const { return indices.defined() ? indices.size(-1) : 0; }
    ReferencePredictions narrow(int64_t start, int64_t size) const {
        ReferencePredictions part;
        part.logP = logP.narrow(0, start, size);
        if (indices.defined()) {
            part.indices = indices.narrow(0, start, size);
            part.logRest = logRest.narrow(0, start, size);
        }
        return part;
    }
};

/// Mean over positions of KL(p ‖ q) with q from log-probabilities [..., vocab]. For a top-K p
/// it is the KL between the two distributions coarsened to p's K tokens plus one bucket for the
/// rest: exact on those buckets and never above the full KL.
torch::Tensor meanKl(const ReferencePredictions &p, const torch::Tensor &logQ) {
    if (!p.indices.defined())
        return meanKl(p.logP, logQ);
    const torch::Tensor q = logQ.gather(-1, p.indices);
    const torch::Tensor qRest = torch::log(torch::clamp(1.0 - q.exp().sum(-1), 1e-30));
    const torch::Tensor top = (p.logP.exp() * (p.logP - q)).sum(-1);
    const torch::Tensor rest = p.logRest.exp() * (p.logRest - qRest);
    return (top + rest).mean();
}

double relativeError(const torch::Tensor &output, const torch::Tensor &target) {
    const double energy = target.to(torch::kFloat64).pow(2).sum().item<double>();
    const double error = (output - target).to(torch::kFloat64).pow(2).sum().item<double>();
    return energy > 0.0 ? error / energy : 0.0;
}

} // namespace

struct BlockFineTuner::Private {
    LanguageModel *model = nullptr;
    TransformerImpl *module = nullptr;
    CompensationSettings settings;
    torch::Tensor ids; // [windows, length] int64
    int64_t tuneCount = 0;
    int64_t heldOutCount = 0;
    std::map<QString, torch::Tensor> parameters;
    std::map<QString, std::vector<float>> tunedNorms;
    std::vector<BlockCompensation> blocks;
    double endToEndBefore = -1.0;
    double endToEndAfter = -1.0;
    int endToEndTopTokens = 0;
    /// The sink of the running run(): forward passes check it per batch.
    ProgressSink *progress = nullptr;

    torch::Tensor &parameter(const QString &name) {
        auto found = parameters.find(name);
        if (found == parameters.end())
            throw Error(QStringLiteral("fine-tuning: the runtime has no parameter '%1'").arg(name));
        return found->second;
    }

    /// Runs block `index` over `input` in batches without gradients.
    torch::Tensor forward(int index, const torch::Tensor &input) {
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> parts;
        for (int64_t start = 0; start < input.size(0); start += kForwardBatchWindows) {
            throwIfCancelled(progress);
            const int64_t size = std::min(kForwardBatchWindows, input.size(0) - start);
            parts.push_back(module->forwardBlock(index, input.narrow(0, start, size)));
        }
        return torch::cat(parts);
    }

    torch::Tensor heldOut(const torch::Tensor &all) const {
        return heldOutCount > 0 ? all.narrow(0, tuneCount, heldOutCount) : all;
    }

    /// A coded layer under tuning: its decoded weights at scale factors 1 and the factors.
    struct Coded {
        QString name;
        torch::Tensor base;
        torch::Tensor factors; // [in], requires grad (set by hand)
    };
    /// Every coded layer after its block, for the end-to-end stage.
    std::vector<Coded> allCoded;

    /// Loss of tune windows [start, start + size) with autograd.
    using TrainingLoss = std::function<torch::Tensor(int64_t start, int64_t size)>;

    /// Tunes norms and coded layers' factors (learning rate lr) and `freeWeights` (lr × their
    /// RMS) on the tune windows, `batch` windows per step; keeps the state with the lowest
    /// held-out loss. Returns the held-out loss before and after.
    std::pair<double, double> tune(std::vector<Coded> &coded, const QStringList &freeWeights,
                                   const QStringList &norms, int64_t batch, double learningRate,
                                   const TrainingLoss &trainingLoss,
                                   const std::function<double()> &heldOutLoss,
                                   ProgressSink *progress) {
        if (settings.fineTuneEpochs <= 0) {
            const double loss = heldOutLoss();
            return {loss, loss};
        }
        std::vector<torch::optim::OptimizerParamGroup> groups;
        std::vector<torch::Tensor> small;
        for (const QString &name : norms)
            small.push_back(parameter(name));
        for (Coded &layer : coded) {
            small.push_back(layer.factors);
            parameter(layer.name).set_requires_grad(true);
        }
        groups.emplace_back(small, std::make_unique<torch::optim::AdamOptions>(learningRate));
        for (const QString &name : freeWeights) {
            torch::Tensor &weight = parameter(name);
            const double rms = std::sqrt(weight.detach().pow(2).mean().item<double>());
            groups.emplace_back(
                std::vector<torch::Tensor>{weight},
                std::make_unique<torch::optim::AdamOptions>(learningRate * std::max(rms, 1e-8)));
        }
        for (const QString &name : norms + freeWeights)
            parameter(name).set_requires_grad(true);
        torch::optim::Adam optimizer(groups);

        // The tuned state: norms, factors, free weights.
        const auto snapshot = [&]() {
            std::vector<torch::Tensor> state;
            for (const QString &name : norms + freeWeights)
                state.push_back(parameter(name).detach().clone());
            for (const Coded &layer : coded)
                state.push_back(layer.factors.detach().clone());
            return state;
        };
        const auto applyFactors = [&]() {
            torch::NoGradGuard noGrad;
            for (Coded &layer : coded)
                parameter(layer.name).copy_(layer.base * layer.factors.unsqueeze(0));
        };
        const auto restore = [&](const std::vector<torch::Tensor> &state) {
            torch::NoGradGuard noGrad;
            size_t i = 0;
            for (const QString &name : norms + freeWeights)
                parameter(name).copy_(state[i++]);
            for (Coded &layer : coded)
                layer.factors.copy_(state[i++]);
            applyFactors();
        };
        const double initial = heldOutLoss();
        double best = initial;
        std::vector<torch::Tensor> bestState = snapshot();
        int sinceBest = 0;
        for (int epoch = 0; epoch < settings.fineTuneEpochs; ++epoch) {
            throwIfCancelled(progress);
            for (int64_t start = 0; start < tuneCount; start += batch) {
                // An epoch of the end-to-end stage runs the whole model many times.
                throwIfCancelled(progress);
                const int64_t size = std::min(batch, tuneCount - start);
                optimizer.zero_grad();
                for (Coded &layer : coded)
                    parameter(layer.name).mutable_grad() = torch::Tensor();
                trainingLoss(start, size).backward();
                for (Coded &layer : coded) {
                    torch::Tensor &weight = parameter(layer.name);
                    // d loss / d factor_j = Σ_rows d loss / d W_rj · base_rj.
                    layer.factors.mutable_grad() =
                        (weight.grad() * layer.base).sum(0).to(layer.factors.scalar_type());
                    weight.mutable_grad() = torch::Tensor();
                }
                optimizer.step();
                applyFactors();
            }
            const double loss = heldOutLoss();
            if (loss < best) {
                best = loss;
                bestState = snapshot();
                sinceBest = 0;
            } else if (++sinceBest >= settings.patience) {
                break;
            }
        }
        restore(bestState);
        for (const QString &name : norms + freeWeights)
            parameter(name).set_requires_grad(false);
        for (Coded &layer : coded) {
            parameter(layer.name).set_requires_grad(false);
            parameter(layer.name).mutable_grad() = torch::Tensor();
        }
        return {initial, best};
    }

    /// Tunes block `index` on its inputs `input` towards the original outputs `target`.
    void tuneBlock(int index, std::vector<Coded> &coded, const QStringList &freeWeights,
                   const QStringList &norms, const torch::Tensor &input,
                   const torch::Tensor &target, ProgressSink *progress) {
        tune(
            coded, freeWeights, norms, kTuneBatchWindows, settings.learningRate,
            [&](int64_t start, int64_t size) {
                return torch::mse_loss(module->forwardBlock(index, input.narrow(0, start, size)),
                                       target.narrow(0, start, size));
            },
            [&]() { return relativeError(forward(index, heldOut(input)), heldOut(target)); },
            progress);
    }

    /// The next-token distributions of `windows` [count, length], in batches: all of them
    /// while count × length × vocabulary <= settings.endToEndWholeValues, else the top-K form.
    ReferencePredictions predictions(const torch::Tensor &windows) {
        ReferencePredictions result;
        if (windows.numel() * int64_t(model->config().vocabSize) <= settings.endToEndWholeValues) {
            result.logP = logProbabilities(windows);
            return result;
        }
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> logP;
        std::vector<torch::Tensor> indices;
        std::vector<torch::Tensor> rest;
        for (int64_t start = 0; start < windows.size(0); start += kForwardBatchWindows) {
            throwIfCancelled(progress);
            const int64_t size = std::min(kForwardBatchWindows, windows.size(0) - start);
            const torch::Tensor all =
                torch::log_softmax(module->forward(windows.narrow(0, start, size)), -1);
            auto [values, ids] = all.topk(std::min<int64_t>(kReferenceTopTokens, all.size(-1)), -1);
            logP.push_back(values);
            indices.push_back(ids);
            rest.push_back(torch::log(torch::clamp(1.0 - values.exp().sum(-1), 1e-30)));
        }
        result.logP = torch::cat(logP);
        result.indices = torch::cat(indices);
        result.logRest = torch::cat(rest);
        return result;
    }

    /// Log-probabilities of the next token for `windows` [count, length], in batches.
    torch::Tensor logProbabilities(const torch::Tensor &windows) {
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> parts;
        for (int64_t start = 0; start < windows.size(0); start += kForwardBatchWindows) {
            throwIfCancelled(progress);
            const int64_t size = std::min(kForwardBatchWindows, windows.size(0) - start);
            parts.push_back(
                torch::log_softmax(module->forward(windows.narrow(0, start, size)), -1));
        }
        return torch::cat(parts);
    }

    /// Mean KL of the model as it is now against `reference` over `windows`, in batches (the
    /// full logits of one batch at a time).
    double meanKlOver(const torch::Tensor &windows, const ReferencePredictions &reference) {
        torch::NoGradGuard noGrad;
        double sum = 0.0;
        for (int64_t start = 0; start < windows.size(0); start += kForwardBatchWindows) {
            throwIfCancelled(progress);
            const int64_t size = std::min(kForwardBatchWindows, windows.size(0) - start);
            const torch::Tensor logQ =
                torch::log_softmax(module->forward(windows.narrow(0, start, size)), -1);
            sum += meanKl(reference.narrow(start, size), logQ).item<double>() * double(size);
        }
        return windows.size(0) > 0 ? sum / double(windows.size(0)) : 0.0;
    }
};

BlockFineTuner::BlockFineTuner(LanguageModel &model, const CalibrationWindows &windows,
                               const CompensationSettings &settings)
    : d(std::make_unique<Private>()) {
    if (model.config().architecture == Architecture::Gpt2)
        throw Error(QStringLiteral("fine-tuning compensation is implemented for Llama-family "
                                   "models, not for GPT-2 (%1); use --compensate ldlq")
                        .arg(model.displayName()));
    if (windows.count < 1 || windows.length < 2)
        throw Error(QStringLiteral("fine-tuning needs at least one calibration window"));
    d->model = &model;
    d->module = model.runtime().module().get();
    d->settings = settings;
    std::vector<int64_t> ids(windows.ids.begin(), windows.ids.end());
    d->ids = torch::tensor(ids, torch::kInt64)
                 .view({windows.count, windows.length})
                 .to(d->module->device());
    d->heldOutCount = windows.count >= 2 ? std::max<int64_t>(1, windows.count / 4) : 0;
    d->tuneCount = windows.count - d->heldOutCount;
    for (const auto &item : d->module->named_parameters(true)) {
        d->parameters[QString::fromStdString(item.key())] = item.value();
        item.value().set_requires_grad(false);
    }
}

BlockFineTuner::~BlockFineTuner() {
    for (auto &item : d->parameters)
        item.second.set_requires_grad(true);
}

void BlockFineTuner::run(const QStringList &tensors, const Callbacks &callbacks,
                         ProgressSink *progress) {
    TransformerImpl &module = *d->module;
    const int blocks = module.blockCount();
    d->progress = progress;
    const auto forgetProgress = qScopeGuard([this] { d->progress = nullptr; });
    for (const QString &name : tensors) {
        if (isStoredTransposed(d->model->config(), name))
            throw Error(QStringLiteral("fine-tuning: %1 is stored transposed; use --compensate "
                                       "ldlq for this model")
                            .arg(name));
    }
    // The original model's predictions, for the end-to-end stage.
    ReferencePredictions referencePredictions;
    if (d->settings.endToEnd) {
        referencePredictions = d->predictions(d->ids);
        d->endToEndTopTokens = int(referencePredictions.topTokens());
    }
    torch::Tensor original;
    {
        torch::NoGradGuard noGrad;
        original = module.embed(d->ids);
    }
    torch::Tensor compressed = original.clone();
    torch::Tensor reference = d->heldOut(original).clone();
    const auto weightOf = [&](const QString &name) { return toVector(d->parameter(name)); };
    const auto setWeight = [&](const QString &name, const std::vector<float> &values) {
        torch::NoGradGuard noGrad;
        torch::Tensor &parameter = d->parameter(name);
        parameter.copy_(hostView(values.data(), parameter.sizes()));
    };
    for (int block = 0; block < blocks; ++block) {
        throwIfCancelled(progress);
        reportProgress(progress, double(block) / double(blocks),
                       QStringLiteral("fine-tuning block %1 of %2").arg(block + 1).arg(blocks));
        QStringList attention;
        QStringList mlp;
        for (const QString &name : tensors) {
            if (blockOfWeight(name) != block)
                continue;
            (isAttentionWeight(name) ? attention : mlp).append(name);
        }
        const QString prefix = QStringLiteral("model.layers.%1.").arg(block);
        QStringList norms;
        for (const auto &item : d->parameters) {
            if (item.first.startsWith(prefix) && item.second.dim() == 1 &&
                item.first.contains(QLatin1String("norm")))
                norms.append(item.first);
        }
        std::map<QString, std::vector<float>> originalValues;
        for (const QString &name : attention + mlp + norms)
            originalValues[name] = weightOf(name);
        const torch::Tensor target = d->forward(block, original);

        // Attention: code, then tune with the MLP still free.
        std::vector<Private::Coded> coded;
        std::map<QString, std::vector<float>> untuned;
        for (const QString &name : attention) {
            throwIfCancelled(progress);
            const std::vector<float> decoded = callbacks.code(name, originalValues[name]);
            untuned[name] = decoded;
            setWeight(name, decoded);
            torch::Tensor &parameter = d->parameter(name);
            coded.push_back({name, parameter.detach().clone(), unitFactors(parameter)});
        }
        d->tuneBlock(block, coded, mlp, norms, compressed, target, progress);
        // MLP: code the tuned weights, then tune norms and every column scale.
        for (const QString &name : mlp) {
            throwIfCancelled(progress);
            const std::vector<float> decoded = callbacks.code(name, weightOf(name));
            setWeight(name, decoded);
            torch::Tensor &parameter = d->parameter(name);
            coded.push_back({name, parameter.detach().clone(), unitFactors(parameter)});
        }
        d->tuneBlock(block, coded, QStringList(), norms, compressed, target, progress);
        for (const Private::Coded &layer : coded) {
            setWeight(layer.name, callbacks.rescale(layer.name, factorValues(layer.factors)));
            torch::Tensor &parameter = d->parameter(layer.name);
            d->allCoded.push_back({layer.name, parameter.detach().clone(), unitFactors(parameter)});
        }
        for (const QString &name : norms)
            d->tunedNorms[name] = weightOf(name);

        // Measure on the held-out windows, then move both chains on.
        const torch::Tensor next = d->forward(block, compressed);
        BlockCompensation result;
        result.block = block;
        result.relativeErrorOn = relativeError(d->heldOut(next), d->heldOut(target));
        std::map<QString, std::vector<float>> tunedValues;
        for (const QString &name : attention + mlp + norms)
            tunedValues[name] = weightOf(name);
        for (const QString &name : attention)
            setWeight(name, untuned[name]);
        for (const QString &name : mlp)
            setWeight(name, callbacks.codeReference(name, originalValues[name]));
        for (const QString &name : norms)
            setWeight(name, originalValues[name]);
        const torch::Tensor referenceNext = d->forward(block, reference);
        result.relativeErrorOff = relativeError(referenceNext, d->heldOut(target));
        for (const auto &item : tunedValues)
            setWeight(item.first, item.second);
        d->blocks.push_back(result);
        original = target;
        compressed = next;
        reference = referenceNext;
    }
    for (const QString &name : tensors) {
        if (blockOfWeight(name) >= 0 && blockOfWeight(name) < blocks)
            continue;
        throwIfCancelled(progress);
        setWeight(name, callbacks.code(name, weightOf(name)));
        torch::Tensor &parameter = d->parameter(name);
        d->allCoded.push_back({name, parameter.detach().clone(), unitFactors(parameter)});
    }
    if (referencePredictions.defined()) {
        // End to end: every column scale and norm weight against the original predictions.
        reportProgress(progress, 0.95, QStringLiteral("fine-tuning the whole model"));
        QStringList norms;
        for (const auto &item : d->parameters) {
            if (item.second.dim() == 1 && item.first.contains(QLatin1String("norm")))
                norms.append(item.first);
        }
        const torch::Tensor heldOutIds = d->heldOut(d->ids);
        const ReferencePredictions heldOutReference =
            d->heldOutCount > 0 ? referencePredictions.narrow(d->tuneCount, d->heldOutCount)
                                : referencePredictions;
        const auto [before, after] = d->tune(
            d->allCoded, QStringList(), norms, kTuneBatchWindows,
            d->settings.learningRate * kEndToEndRateFactor,
            [&](int64_t start, int64_t size) {
                return meanKl(
                    referencePredictions.narrow(start, size),
                    torch::log_softmax(module.forward(d->ids.narrow(0, start, size)), -1));
            },
            [&]() {
                if (heldOutReference.topTokens() == 0) // whole vocabulary: in one piece
                    return meanKl(heldOutReference.logP, d->logProbabilities(heldOutIds))
                        .item<double>();
                return d->meanKlOver(heldOutIds, heldOutReference);
            },
            progress);
        d->endToEndBefore = before;
        d->endToEndAfter = after;
        for (const Private::Coded &layer : d->allCoded)
            setWeight(layer.name, callbacks.rescale(layer.name, factorValues(layer.factors)));
        for (const QString &name : norms)
            d->tunedNorms[name] = weightOf(name);
    }
    reportProgress(progress, 1.0, QStringLiteral("fine-tuning done"));
}

const std::map<QString, std::vector<float>> &BlockFineTuner::tunedNorms() const {
    return d->tunedNorms;
}

const std::vector<BlockCompensation> &BlockFineTuner::blocks() const {
    return d->blocks;
}

int BlockFineTuner::tuneWindows() const {
    return int(d->tuneCount);
}

int BlockFineTuner::heldOutWindows() const {
    return int(d->heldOutCount);
}

int BlockFineTuner::endToEndTopTokens() const {
    return d->endToEndTopTokens;
}

double BlockFineTuner::endToEndKlBefore() const {
    return d->endToEndBefore;
}

double BlockFineTuner::endToEndKlAfter() const {
    return d->endToEndAfter;
}

} // namespace nwc
