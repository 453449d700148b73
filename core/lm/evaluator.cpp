// Perplexity, bits per byte and distribution comparison over sliding windows.
#include "lm/evaluator.h"

#include "compute/torchcompute.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>

namespace nwc {

namespace {

/// A window over the text tokens [start, end) that scores the tokens [firstScored, end).
struct Window {
    int64_t start = 0;
    int64_t end = 0;
    int64_t firstScored = 0;
};

/// The text to evaluate: the first maxBytes bytes, shortened so no UTF-8 character is split.
QByteArray evaluatedText(const QByteArray &text, qint64 maxBytes) {
    if (maxBytes < 0 || maxBytes >= text.size())
        return text;
    qint64 cut = maxBytes;
    while (cut > 0 && (uchar(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.left(cut);
}

/// Plans the windows as documented in evaluator.h.
std::vector<Window> planWindows(int64_t tokenCount, const PerplexitySettings &settings, bool bos) {
    const int64_t capacity = bos ? settings.contextLength - 1 : settings.contextLength;
    if (capacity < (bos ? 1 : 2))
        throw Error(QStringLiteral("context length %1 is too short: a window needs at least %2 "
                                   "tokens")
                        .arg(settings.contextLength)
                        .arg(2));
    const int64_t step = settings.stride > 0 ? settings.stride : capacity;
    if (settings.stride < 0 || step > capacity)
        throw Error(QStringLiteral("stride %1 is larger than the %2 text tokens a window of %3 "
                                   "holds, so tokens would be skipped; use a stride of at most "
                                   "%2 (0 = non-overlapping windows)")
                        .arg(settings.stride)
                        .arg(capacity)
                        .arg(settings.contextLength));
    if (tokenCount < (bos ? 1 : 2))
        throw Error(QStringLiteral("the text is too short to score: it encodes to %1 token(s)")
                        .arg(tokenCount));
    std::vector<Window> windows;
    int64_t nextUnscored = bos ? 0 : 1;
    for (int64_t start = 0;; start += step) {
        Window window;
        window.start = start;
        window.end = std::min(start + capacity, tokenCount);
        // Without BOS a window's first token has nothing to be predicted from.
        window.firstScored = std::max(bos ? start : start + 1, nextUnscored);
        if (window.firstScored < window.end)
            windows.push_back(window);
        nextUnscored = std::max(nextUnscored, window.end);
        if (window.end >= tokenCount)
            break;
    }
    return windows;
}

/// Everything both evaluations share: tokens, BOS decision, windows.
struct Plan {
    QByteArray text;
    std::vector<int32_t> tokens;
    bool bos = false;
    int32_t bosId = -1;
    std::vector<Window> windows;
};

Plan makePlan(const LanguageModel &model, const QByteArray &fullText,
              const PerplexitySettings &settings) {
    Plan plan;
    plan.text = evaluatedText(fullText, settings.maxBytes);
    if (plan.text.isEmpty())
        throw Error(QStringLiteral("there is no text to evaluate; give a non-empty text file"));
    if (settings.contextLength > model.config().maxPositions)
        throw Error(QStringLiteral("context length %1 exceeds the %2 positions %3 was built for; "
                                   "use a context of at most %2")
                        .arg(settings.contextLength)
                        .arg(model.config().maxPositions)
                        .arg(model.displayName()));
    const Tokenizer &tokenizer = model.tokenizer();
    plan.tokens = tokenizer.encode(plan.text, false, false);
    plan.bosId = tokenizer.bosId();
    plan.bos = settings.addBos && plan.bosId >= 0;
    plan.windows = planWindows(int64_t(plan.tokens.size()), settings, plan.bos);
    return plan;
}

/// Model input of a window ([1, length] int64 in host memory; the model moves it).
torch::Tensor windowInput(const Plan &plan, const Window &window) {
    std::vector<int64_t> ids;
    ids.reserve(size_t(window.end - window.start + 1));
    if (plan.bos)
        ids.push_back(plan.bosId);
    for (int64_t i = window.start; i < window.end; ++i)
        ids.push_back(plan.tokens[size_t(i)]);
    return torch::tensor(ids, torch::kLong).view({1, int64_t(ids.size())});
}

/// Final hidden states [scored, hidden] (before the final norm) of the positions that predict
/// the window's scored tokens; head() turns slices of them into logits.
torch::Tensor scoredHidden(TransformerImpl &module, const Plan &plan, const Window &window) {
    const torch::Tensor hidden = module.forwardHidden(windowInput(plan, window))[0];
    // Input position of text token i is i - start (+1 with BOS); it is predicted one earlier.
    const int64_t first = window.firstScored - window.start + (plan.bos ? 0 : -1);
    return hidden.narrow(0, first, window.end - window.firstScored);
}

/// Float32 logits [rows, vocab] of scored positions [begin, begin + rows), on the model's
/// device: the statistics are float32 (or float64) whatever the compute dtype.
torch::Tensor chunkLogits(TransformerImpl &module, const torch::Tensor &hidden, int64_t begin,
                          int64_t rows) {
    return module.head(hidden.narrow(0, begin, rows).unsqueeze(0))[0].to(torch::kFloat);
}

/// Positions per logits chunk for `settings` and a vocabulary of `vocab`.
int64_t logitChunkPositions(const PerplexitySettings &settings, int64_t vocab) {
    if (settings.logitChunk > 0)
        return settings.logitChunk;
    return std::max<int64_t>(1, kLogitFloatsPerChunk / std::max<int64_t>(1, vocab));
}

torch::Tensor scoredTargets(const Plan &plan, const Window &window, const torch::Device &device) {
    std::vector<int64_t> targets(plan.tokens.begin() + window.firstScored,
                                 plan.tokens.begin() + window.end);
    return torch::tensor(targets, torch::kLong).to(device);
}

/// Linear-interpolated quantile of sorted values.
double quantile(const std::vector<double> &sorted, double q) {
    if (sorted.empty())
        return 0.0;
    const double position = q * double(sorted.size() - 1);
    const size_t lower = size_t(std::floor(position));
    const size_t upper = std::min(lower + 1, sorted.size() - 1);
    return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - double(lower));
}

/// Runs `visit(window)` for every window of `plan`, reporting progress and honouring
/// cancellation before each.
template <typename Visit>
void forEachWindow(const Plan &plan, ProgressSink *progress, Visit visit) {
    const size_t count = plan.windows.size();
    for (size_t w = 0; w < count; ++w) {
        throwIfCancelled(progress);
        reportProgress(progress, double(w) / double(count),
                       QStringLiteral("window %1/%2").arg(w + 1).arg(count));
        visit(plan.windows[w]);
    }
}

/// Runs `visit(begin, rows)` over [0, count) in pieces of at most `chunk`.
template <typename Visit> void forEachChunk(int64_t count, int64_t chunk, Visit visit) {
    for (int64_t begin = 0; begin < count; begin += chunk)
        visit(begin, std::min(chunk, count - begin));
}

} // namespace

PerplexityResult evaluatePerplexity(const LanguageModel &model, const QByteArray &text,
                                    const PerplexitySettings &settings, ProgressSink *progress) {
    QElapsedTimer timer;
    timer.start();
    const Plan plan = makePlan(model, text, settings);
    TransformerImpl &module = *model.runtime().module();
    const int64_t chunk = logitChunkPositions(settings, model.config().vocabSize);
    torch::NoGradGuard noGrad;
    double totalNll = 0;
    qint64 scored = 0;
    forEachWindow(plan, progress, [&](const Window &window) {
        const torch::Tensor hidden = scoredHidden(module, plan, window);
        const torch::Tensor targets = scoredTargets(plan, window, hidden.device());
        forEachChunk(hidden.size(0), chunk, [&](int64_t begin, int64_t rows) {
            const torch::Tensor logProbs =
                torch::log_softmax(chunkLogits(module, hidden, begin, rows), -1);
            const torch::Tensor picked =
                logProbs.gather(1, targets.narrow(0, begin, rows).unsqueeze(1));
            totalNll -= picked.to(torch::kDouble).sum().item<double>();
        });
        scored += targets.size(0);
    });
    reportProgress(progress, 1.0, QStringLiteral("perplexity done"));

    PerplexityResult result;
    result.tokensScored = scored;
    result.meanNll = totalNll / double(scored);
    result.perplexity = std::exp(result.meanNll);
    result.bytes = plan.text.size();
    result.bitsPerByte = totalNll / std::log(2.0) / double(result.bytes);
    result.windows = qint64(plan.windows.size());
    result.contextLength = settings.contextLength;
    result.stride = settings.stride > 0
                        ? settings.stride
                        : (plan.bos ? settings.contextLength - 1 : settings.contextLength);
    result.addBos = plan.bos;
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}

ReferenceComparison compareWithReference(const LanguageModel &model, const LanguageModel &reference,
                                         const QByteArray &text, const PerplexitySettings &settings,
                                         ProgressSink *progress) {
    if (model.tokenizer().fingerprint() != reference.tokenizer().fingerprint())
        throw Error(QStringLiteral("%1 and the reference %2 use different tokenizers, so their "
                                   "next-token distributions cannot be compared; compare models "
                                   "that share a tokenizer")
                        .arg(model.displayName(), reference.displayName()));
    const Plan plan = makePlan(model, text, settings);
    if (settings.contextLength > reference.config().maxPositions)
        throw Error(QStringLiteral("context length %1 exceeds the %2 positions of the reference "
                                   "%3")
                        .arg(settings.contextLength)
                        .arg(reference.config().maxPositions)
                        .arg(reference.displayName()));
    TransformerImpl &module = *model.runtime().module();
    TransformerImpl &referenceModule = *reference.runtime().module();
    const int64_t vocab = std::min(model.config().vocabSize, reference.config().vocabSize);
    torch::NoGradGuard noGrad;
    // Positions per block: float64 statistics over the vocabulary, and the logits chunk.
    const int64_t chunk = std::min<int64_t>(
        64, logitChunkPositions(settings,
                                std::max(model.config().vocabSize, reference.config().vocabSize)));
    std::vector<double> kls;
    double squaredSum = 0;
    qint64 sameTop = 0;
    forEachWindow(plan, progress, [&](const Window &window) {
        const torch::Tensor hidden = scoredHidden(module, plan, window);
        const torch::Tensor referenceHidden = scoredHidden(referenceModule, plan, window);
        forEachChunk(hidden.size(0), chunk, [&](int64_t begin, int64_t rows) {
            const torch::Tensor m =
                chunkLogits(module, hidden, begin, rows).narrow(1, 0, vocab).to(torch::kDouble);
            const torch::Tensor r = chunkLogits(referenceModule, referenceHidden, begin, rows)
                                        .narrow(1, 0, vocab)
                                        .to(m.device(), torch::kDouble);
            const torch::Tensor logP = torch::log_softmax(m, -1);
            const torch::Tensor logQ = torch::log_softmax(r, -1);
            const torch::Tensor q = logQ.exp();
            const torch::Tensor terms =
                torch::where(q > 0, q * (logQ - logP), torch::zeros_like(q));
            const torch::Tensor kl = toHost(terms.sum(-1));
            const double *values = kl.data_ptr<double>();
            kls.insert(kls.end(), values, values + rows);
            squaredSum += (logP.exp() - q).pow(2).sum().item<double>();
            sameTop += (m.argmax(-1) == r.argmax(-1)).sum().item<int64_t>();
        });
    });
    reportProgress(progress, 1.0, QStringLiteral("comparison done"));

    ReferenceComparison result;
    result.positions = qint64(kls.size());
    double klSum = 0;
    for (double kl : kls)
        klSum += kl;
    result.meanKl = klSum / double(kls.size());
    std::sort(kls.begin(), kls.end());
    result.medianKl = quantile(kls, 0.5);
    result.p99Kl = quantile(kls, 0.99);
    result.sameTopRate = double(sameTop) / double(result.positions);
    result.rmsDeltaP = std::sqrt(squaredSum / double(result.positions));
    result.contextLength = settings.contextLength;
    result.stride = settings.stride > 0
                        ? settings.stride
                        : (plan.bos ? settings.contextLength - 1 : settings.contextLength);
    return result;
}

} // namespace nwc
