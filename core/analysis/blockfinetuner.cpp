#include "analysis/blockfinetuner.h"

#include "analysis/calibrationwindows.h"
#include "analysis/finetuninglosses.h"
#include "analysis/importancemap.h"
#include "codec/compressibletensor.h"
#include "compute/linear16.h"
#include "compute/torchcompute.h"
#include "jobs/error.h"
#include "jobs/memorybudget.h"
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
/// Logits are computed for at most this many values at a time (positions × vocabulary), so the
/// head's memory does not grow with the window count or the vocabulary (32 MB of float32;
/// compressionmemory.cpp counts five such buffers).
constexpr int64_t kLogitChunkValues = int64_t(1) << 23;

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

/// What one tuning run moves and how its gradients and held-out loss are computed.
struct TuneSet {
    /// Norm weights and column scale factors (the base learning rate).
    std::vector<torch::Tensor> small;
    /// Free weights (the learning rate × their RMS).
    std::vector<torch::Tensor> free;
    /// Fills the gradients of `small` and `free` for tune windows [start, start + size).
    std::function<void(int64_t start, int64_t size)> gradients;
    /// Brings the model in line after `small` or `free` changed (may be empty).
    std::function<void()> apply;
    std::function<double()> heldOutLoss;
    /// Called after each epoch with its held-out loss (may be empty).
    std::function<void(int epoch, double loss)> epochDone;
};

} // namespace

struct BlockFineTuner::Private {
    LanguageModel *model = nullptr;
    TransformerImpl *module = nullptr;
    CompensationSettings settings;
    torch::Tensor ids; // [windows, length] int64
    int64_t tuneCount = 0;
    int64_t heldOutCount = 0;
    std::map<QString, torch::Tensor> parameters;
    /// The type the module holds each parameter in (16-bit matrices of a 16-bit checkpoint stay
    /// 16-bit outside the block being tuned).
    std::map<QString, torch::ScalarType> storedTypes;
    torch::ScalarType computeType = torch::kFloat32;
    std::map<QString, std::vector<float>> tunedNorms;
    std::vector<BlockCompensation> blocks;
    double endToEndBefore = -1.0;
    double endToEndAfter = -1.0;
    int endToEndTopTokens = 0;
    /// The sink of the running run(): forward passes check it per batch.
    ProgressSink *progress = nullptr;
    /// Every coded layer, in coding order, for the end-to-end stage.
    QStringList allCoded;
    /// End-to-end stage: each coded layer's column scale factors [in] (float32, requires grad),
    /// applied on the fly: a block's coded weights are widened times their factors while the
    /// block runs, the embedding's output and the head's input are scaled by theirs.
    std::map<QString, torch::Tensor> factors;
    std::vector<QStringList> factorsOfBlock;
    QString embeddingName;
    QString headName;

    torch::Tensor &parameter(const QString &name) {
        auto found = parameters.find(name);
        if (found == parameters.end())
            throw Error(QStringLiteral("fine-tuning: the runtime has no parameter '%1'").arg(name));
        return found->second;
    }

    QStringList matricesOfBlock(int block) const {
        const QString prefix = QStringLiteral("model.layers.%1.").arg(block);
        QStringList names;
        for (const auto &item : parameters) {
            if (item.first.startsWith(prefix) && item.second.dim() == 2)
                names.append(item.first);
        }
        return names;
    }

    /// Holds block `block`'s matrices in the compute type (for training), or back in their
    /// stored type (the rest of the model stays as the runtime holds it).
    void setBlockType(int block, bool compute) {
        torch::NoGradGuard noGrad;
        for (const QString &name : matricesOfBlock(block)) {
            torch::Tensor &weight = parameter(name);
            const torch::ScalarType type = compute ? computeType : storedTypes.at(name);
            if (weight.scalar_type() != type)
                weight.set_data(weight.to(type));
        }
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

    /// The block stage's share of run()'s progress, by multiply-adds per token and epoch: per
    /// block, two tunings of one block forward and backward (3 × its weights each); end to
    /// end, the whole model forward, the head forward and backward, and every block again
    /// forward and backward. (Both stages stop early by the held-out loss; this assumes alike.)
    double blockStageShare() const {
        if (!settings.endToEnd)
            return 1.0;
        double blockWeights = 0.0;
        for (const auto &item : parameters)
            if (item.second.dim() == 2 && blockOfWeight(item.first) >= 0)
                blockWeights += double(item.second.numel());
        const double head = double(model->config().vocabSize) * double(model->config().hiddenSize);
        const double blockStage = 6.0 * blockWeights;
        const double endToEnd = 4.0 * blockWeights + 3.0 * head;
        return blockStage / (blockStage + endToEnd);
    }

    torch::Tensor heldOut(const torch::Tensor &all) const {
        return heldOutCount > 0 ? all.narrow(0, tuneCount, heldOutCount) : all;
    }

    /// A coded layer under per-block tuning: its decoded weights at scale factors 1 and the
    /// factors.
    struct Coded {
        QString name;
        torch::Tensor base;
        torch::Tensor factors; // [in], requires grad (set by hand)
    };

    /// Tunes `set` on the tune windows, `batch` windows per step (Adam, learning rate lr for the
    /// small tensors, lr × RMS for free weights); keeps the state with the lowest held-out loss.
    /// Returns the held-out loss before and after.
    std::pair<double, double> tune(TuneSet &set, int64_t batch, double learningRate,
                                   ProgressSink *progress) {
        if (settings.fineTuneEpochs <= 0) {
            const double loss = set.heldOutLoss();
            return {loss, loss};
        }
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.emplace_back(set.small, std::make_unique<torch::optim::AdamOptions>(learningRate));
        for (torch::Tensor &weight : set.free) {
            const double rms = std::sqrt(weight.detach().pow(2).mean().item<double>());
            groups.emplace_back(
                std::vector<torch::Tensor>{weight},
                std::make_unique<torch::optim::AdamOptions>(learningRate * std::max(rms, 1e-8)));
        }
        for (torch::Tensor &tensor : set.small)
            tensor.set_requires_grad(true);
        for (torch::Tensor &tensor : set.free)
            tensor.set_requires_grad(true);
        torch::optim::Adam optimizer(groups);

        const auto snapshot = [&]() {
            std::vector<torch::Tensor> state;
            for (const torch::Tensor &tensor : set.small)
                state.push_back(tensor.detach().clone());
            for (const torch::Tensor &tensor : set.free)
                state.push_back(tensor.detach().clone());
            return state;
        };
        const auto restore = [&](const std::vector<torch::Tensor> &state) {
            torch::NoGradGuard noGrad;
            size_t i = 0;
            for (torch::Tensor &tensor : set.small)
                tensor.copy_(state[i++]);
            for (torch::Tensor &tensor : set.free)
                tensor.copy_(state[i++]);
            if (set.apply)
                set.apply();
        };
        const double initial = set.heldOutLoss();
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
                set.gradients(start, size);
                optimizer.step();
                if (set.apply)
                    set.apply();
            }
            const double loss = set.heldOutLoss();
            if (set.epochDone)
                set.epochDone(epoch, loss);
            if (loss < best) {
                best = loss;
                bestState = snapshot();
                sinceBest = 0;
            } else if (++sinceBest >= settings.patience) {
                break;
            }
        }
        restore(bestState);
        for (torch::Tensor &tensor : set.small) {
            tensor.set_requires_grad(false);
            tensor.mutable_grad() = torch::Tensor();
        }
        for (torch::Tensor &tensor : set.free) {
            tensor.set_requires_grad(false);
            tensor.mutable_grad() = torch::Tensor();
        }
        return {initial, best};
    }

    /// Tunes block `index` (held in the compute type) on its inputs `input` towards the original
    /// outputs `target`: norms, the coded layers' factors and `freeWeights`.
    void tuneBlock(int index, std::vector<Coded> &coded, const QStringList &freeWeights,
                   const QStringList &norms, const torch::Tensor &input,
                   const torch::Tensor &target, ProgressSink *progress) {
        TuneSet set;
        for (const QString &name : norms)
            set.small.push_back(parameter(name));
        for (Coded &layer : coded)
            set.small.push_back(layer.factors);
        for (const QString &name : freeWeights)
            set.free.push_back(parameter(name));
        set.apply = [&]() {
            torch::NoGradGuard noGrad;
            for (Coded &layer : coded)
                parameter(layer.name).copy_(layer.base * layer.factors.unsqueeze(0));
        };
        set.gradients = [&](int64_t start, int64_t size) {
            for (Coded &layer : coded)
                parameter(layer.name).set_requires_grad(true);
            torch::mse_loss(module->forwardBlock(index, input.narrow(0, start, size)),
                            target.narrow(0, start, size))
                .backward();
            for (Coded &layer : coded) {
                torch::Tensor &weight = parameter(layer.name);
                // d loss / d factor_j = Σ_rows d loss / d W_rj · base_rj.
                accumulateGradient(layer.factors, (weight.grad() * layer.base).sum(0));
                weight.mutable_grad() = torch::Tensor();
                weight.set_requires_grad(false);
            }
        };
        set.heldOutLoss = [&]() {
            return relativeError(forward(index, heldOut(input)), heldOut(target));
        };
        tune(set, kTuneBatchWindows, settings.learningRate, progress);
    }

    /// While alive, block `block`'s coded layers run with their end-to-end factors: each is
    /// widened to the compute type times its factors, and put back as stored afterwards. With
    /// `training`, the widened weights take gradients and collect() moves them to the factors.
    class ScaledBlock {
    public:
        ScaledBlock(Private &owner, int block, bool training)
            : m_owner(owner) {
            torch::NoGradGuard noGrad;
            for (const QString &name : owner.factorsOfBlock[size_t(block)]) {
                torch::Tensor &weight = owner.parameter(name);
                m_stored.emplace_back(name, weight.detach());
                weight.set_data(weight.detach().to(owner.computeType) *
                                owner.factors.at(name).detach().to(owner.computeType).unsqueeze(0));
                if (training)
                    weight.set_requires_grad(true);
            }
        }
        ~ScaledBlock() {
            torch::NoGradGuard noGrad;
            for (auto &[name, stored] : m_stored) {
                torch::Tensor &weight = m_owner.parameter(name);
                weight.mutable_grad() = torch::Tensor();
                weight.set_requires_grad(false);
                weight.set_data(stored);
            }
        }
        ScaledBlock(const ScaledBlock &) = delete;
        ScaledBlock &operator=(const ScaledBlock &) = delete;
        /// After a backward pass: d loss / d factor_j = Σ_rows d loss / d W_rj · stored_rj.
        void collect() {
            for (auto &[name, stored] : m_stored) {
                torch::Tensor &weight = m_owner.parameter(name);
                if (!weight.grad().defined())
                    continue;
                accumulateGradient(m_owner.factors.at(name),
                                   (weight.grad() * stored.to(weight.scalar_type())).sum(0));
                weight.mutable_grad() = torch::Tensor();
            }
        }

    private:
        Private &m_owner;
        std::vector<std::pair<QString, torch::Tensor>> m_stored;
    };

    torch::Tensor factorOf(const QString &name) const {
        const auto found = factors.find(name);
        return found != factors.end() ? found->second : torch::Tensor();
    }

    /// The model's last hidden states for `windows` [count, length] without gradients, with the
    /// end-to-end factors (none before that stage). `blockInputs`, when given, receives each
    /// block's input.
    torch::Tensor hiddenStates(const torch::Tensor &windows,
                               std::vector<torch::Tensor> *blockInputs = nullptr) {
        torch::NoGradGuard noGrad;
        torch::Tensor hidden = module->embed(windows);
        if (const torch::Tensor factor = factorOf(embeddingName); factor.defined())
            hidden = hidden * factor.to(hidden.scalar_type());
        for (int block = 0; block < module->blockCount(); ++block) {
            throwIfCancelled(progress);
            if (blockInputs)
                blockInputs->push_back(hidden);
            const ScaledBlock scaled(*this, block, false);
            hidden = module->forwardBlock(block, hidden);
        }
        return hidden;
    }

    /// Rows of positions whose logits are computed at once.
    int64_t logitRows() const {
        return std::max<int64_t>(1, kLogitChunkValues / std::max(1, model->config().vocabSize));
    }

    /// The head's input: the final norm of hidden [..., hidden] as rows [positions, hidden],
    /// times the head's factors in the end-to-end stage.
    torch::Tensor headInput(const torch::Tensor &hidden) {
        torch::Tensor rows = module->finalNorm(hidden).reshape({-1, hidden.size(-1)});
        if (const torch::Tensor factor = factorOf(headName); factor.defined())
            rows = rows * factor.to(rows.scalar_type());
        return rows;
    }

    /// Log-probabilities of the next token at rows [start, start + size) of `input`.
    torch::Tensor logProbabilities(const torch::Tensor &input, int64_t start, int64_t size) {
        return torch::log_softmax(
            mixedLinear(input.narrow(0, start, size), parameter(headName), torch::Tensor()), -1);
    }

    /// The original model's next-token distributions of `windows` [count, length]: all of them
    /// while count × length × vocabulary <= settings.endToEndWholeValues, else the top-K form.
    /// The logits are computed a few positions at a time.
    ReferencePredictions predictions(const torch::Tensor &windows) {
        torch::NoGradGuard noGrad;
        const bool whole =
            windows.numel() * int64_t(model->config().vocabSize) <= settings.endToEndWholeValues;
        std::vector<torch::Tensor> logP;
        std::vector<torch::Tensor> indices;
        std::vector<torch::Tensor> rest;
        for (int64_t start = 0; start < windows.size(0); start += kForwardBatchWindows) {
            const int64_t size = std::min(kForwardBatchWindows, windows.size(0) - start);
            const torch::Tensor input = headInput(hiddenStates(windows.narrow(0, start, size)));
            for (int64_t row = 0; row < input.size(0); row += logitRows()) {
                throwIfCancelled(progress);
                const torch::Tensor all =
                    logProbabilities(input, row, std::min(logitRows(), input.size(0) - row));
                if (whole) {
                    logP.push_back(all);
                    continue;
                }
                auto [values, ids] =
                    all.topk(std::min<int64_t>(kReferenceTopTokens, all.size(-1)), -1);
                logP.push_back(values);
                indices.push_back(ids);
                rest.push_back(torch::log(torch::clamp(1.0 - values.exp().sum(-1), 1e-30)));
            }
        }
        ReferencePredictions result;
        result.logP = torch::cat(logP);
        if (!whole) {
            result.indices = torch::cat(indices);
            result.logRest = torch::cat(rest);
        }
        return result;
    }

    /// Mean KL of the model as it is now (with the end-to-end factors) against `reference`
    /// (rows of `windows`' positions), a few positions' logits at a time.
    double meanKlOver(const torch::Tensor &windows, const ReferencePredictions &reference) {
        torch::NoGradGuard noGrad;
        const int64_t length = windows.size(1);
        double sum = 0.0;
        for (int64_t start = 0; start < windows.size(0); start += kForwardBatchWindows) {
            const int64_t size = std::min(kForwardBatchWindows, windows.size(0) - start);
            const torch::Tensor input = headInput(hiddenStates(windows.narrow(0, start, size)));
            for (int64_t row = 0; row < input.size(0); row += logitRows()) {
                throwIfCancelled(progress);
                const int64_t rows = std::min(logitRows(), input.size(0) - row);
                sum += klSum(reference.rows(start * length + row, rows),
                             logProbabilities(input, row, rows))
                           .item<double>();
            }
        }
        return windows.numel() > 0 ? sum / double(windows.numel()) : 0.0;
    }

    /// Gradients of the mean KL over tune windows [start, start + size) with respect to the
    /// norm weights and the end-to-end factors, one block at a time: a forward pass without
    /// gradients keeps each block's input; the head's gradient is taken a few positions at a
    /// time; then each block runs again with gradients, last to first (memory: one block's
    /// activations and one chunk of logits, not the whole model's).
    void endToEndGradients(const ReferencePredictions &reference, int64_t start, int64_t size) {
        const torch::Tensor windows = ids.narrow(0, start, size);
        const int64_t length = windows.size(1);
        const double positions = double(windows.numel());
        std::vector<torch::Tensor> inputs;
        const torch::Tensor last = hiddenStates(windows, &inputs);

        torch::Tensor gradient;
        {
            const torch::Tensor leaf = last.detach().requires_grad_(true);
            const torch::Tensor input = headInput(leaf);
            const torch::Tensor fixed = input.detach();
            torch::Tensor inputGradient = torch::empty_like(fixed);
            const torch::Tensor &weight = parameter(headName);
            for (int64_t row = 0; row < fixed.size(0); row += logitRows()) {
                throwIfCancelled(progress);
                const int64_t rows = std::min(logitRows(), fixed.size(0) - row);
                torch::Tensor logits;
                {
                    torch::NoGradGuard noGrad;
                    logits = mixedLinear(fixed.narrow(0, row, rows), weight, torch::Tensor());
                }
                logits.requires_grad_(true);
                (klSum(reference.rows(start * length + row, rows), torch::log_softmax(logits, -1)) /
                 positions)
                    .backward();
                inputGradient.narrow(0, row, rows)
                    .copy_(gradientThroughWeight(logits.grad(), weight));
            }
            input.backward(inputGradient);
            gradient = leaf.grad();
        }
        for (int block = module->blockCount() - 1; block >= 0; --block) {
            throwIfCancelled(progress);
            const torch::Tensor leaf = inputs[size_t(block)].detach().requires_grad_(true);
            inputs[size_t(block)] = torch::Tensor();
            ScaledBlock scaled(*this, block, true);
            module->forwardBlock(block, leaf).backward(gradient);
            scaled.collect();
            gradient = leaf.grad();
        }
        if (torch::Tensor factor = factorOf(embeddingName); factor.defined()) {
            torch::NoGradGuard noGrad;
            const torch::Tensor embedded = module->embed(windows);
            accumulateGradient(factor,
                               (gradient * embedded).reshape({-1, embedded.size(-1)}).sum(0));
        }
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
    d->computeType = torchComputeType(d->module->computeOptions());
    std::vector<int64_t> ids(windows.ids.begin(), windows.ids.end());
    d->ids = torch::tensor(ids, torch::kInt64)
                 .view({windows.count, windows.length})
                 .to(d->module->device());
    d->heldOutCount = windows.count >= 2 ? std::max<int64_t>(1, windows.count / 4) : 0;
    d->tuneCount = windows.count - d->heldOutCount;
    for (const auto &item : d->module->named_parameters(true)) {
        const QString name = QString::fromStdString(item.key());
        d->parameters[name] = item.value();
        d->storedTypes[name] = item.value().scalar_type();
        item.value().set_requires_grad(false);
    }
    d->factorsOfBlock.resize(size_t(d->module->blockCount()));
    for (const auto &item : d->parameters) {
        if (item.second.dim() == 2 && item.first.endsWith(QLatin1String("embed_tokens.weight")))
            d->embeddingName = item.first;
    }
    d->headName = d->parameters.count(QStringLiteral("lm_head.weight"))
                      ? QStringLiteral("lm_head.weight")
                      : d->embeddingName;
    if (d->headName.isEmpty())
        throw Error(QStringLiteral("fine-tuning: %1 has neither lm_head.weight nor a token "
                                   "embedding")
                        .arg(model.displayName()));
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
        reportProgress(progress, 0.0, QStringLiteral("the original model's predictions"));
        referencePredictions = d->predictions(d->ids);
        d->endToEndTopTokens = int(referencePredictions.topTokens());
        releaseFreedMemory();
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
    const double blockShare = d->blockStageShare();
    for (int block = 0; block < blocks; ++block) {
        throwIfCancelled(progress);
        reportProgress(progress, blockShare * double(block) / double(blocks),
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
        const torch::Tensor target = d->forward(block, original);
        // Only this block is held in the compute type while it is tuned.
        d->setBlockType(block, true);
        std::map<QString, std::vector<float>> originalValues;
        for (const QString &name : attention + mlp + norms)
            originalValues[name] = weightOf(name);

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
            d->allCoded.append(layer.name);
        }
        coded.clear();
        // The block goes back to the type the runtime holds it in (what the compressed model
        // will compute with) before it is measured and feeds the next block.
        d->setBlockType(block, false);
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
        // Each block's tensors are freed in a different order than they were made: return the
        // heap's holes (glibc keeps them resident), so that the peak stays one block's.
        releaseFreedMemory();
    }
    for (const QString &name : tensors) {
        if (blockOfWeight(name) >= 0 && blockOfWeight(name) < blocks)
            continue;
        throwIfCancelled(progress);
        setWeight(name, callbacks.code(name, weightOf(name)));
        d->allCoded.append(name);
    }
    if (referencePredictions.defined()) {
        // End to end: every column scale and norm weight against the original predictions.
        reportProgress(progress, blockShare, QStringLiteral("fine-tuning the whole model"));
        TuneSet set;
        for (const auto &item : d->parameters) {
            if (item.second.dim() == 1 && item.first.contains(QLatin1String("norm")))
                set.small.push_back(item.second);
        }
        for (const QString &name : d->allCoded) {
            const torch::Tensor factor = unitFactors(d->parameter(name));
            d->factors[name] = factor;
            set.small.push_back(factor);
            const int block = blockOfWeight(name);
            if (block >= 0 && block < blocks)
                d->factorsOfBlock[size_t(block)].append(name);
        }
        const torch::Tensor heldOutIds = d->heldOut(d->ids);
        const int64_t length = d->ids.size(1);
        const ReferencePredictions heldOutReference =
            d->heldOutCount > 0
                ? referencePredictions.rows(d->tuneCount * length, d->heldOutCount * length)
                : referencePredictions;
        set.gradients = [&](int64_t start, int64_t size) {
            d->endToEndGradients(referencePredictions, start, size);
        };
        set.heldOutLoss = [&]() { return d->meanKlOver(heldOutIds, heldOutReference); };
        const int epochs = std::max(1, d->settings.fineTuneEpochs);
        set.epochDone = [&](int epoch, double loss) {
            reportProgress(progress,
                           blockShare + (1.0 - blockShare) * double(epoch + 1) / double(epochs),
                           QStringLiteral("fine-tuning the whole model: epoch %1 of at most %2, "
                                          "held-out KL %3 nats")
                               .arg(epoch + 1)
                               .arg(epochs)
                               .arg(loss, 0, 'g', 4));
        };
        const auto [before, after] = d->tune(
            set, kTuneBatchWindows, d->settings.learningRate * kEndToEndRateFactor, progress);
        d->endToEndBefore = before;
        d->endToEndAfter = after;
        for (const QString &name : d->allCoded)
            callbacks.rescale(name, factorValues(d->factors.at(name)));
        for (const auto &item : d->parameters) {
            if (item.second.dim() == 1 && item.first.contains(QLatin1String("norm")))
                d->tunedNorms[item.first] = weightOf(item.first);
        }
        d->factors.clear();
        for (QStringList &names : d->factorsOfBlock)
            names.clear();
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
