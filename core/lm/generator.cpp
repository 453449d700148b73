// Text generation: KV-cached prefill + token-by-token decode, seeded sampling, UTF-8-safe
// streaming.
#include "lm/generator.h"

#include "compute/torchcompute.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nwc {

namespace {

/// splitmix64: a full-period 64-bit generator, identical on every platform.
uint64_t nextRandom(uint64_t *state) {
    *state += 0x9E3779B97F4A7C15ull;
    uint64_t z = *state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// Uniform double in [0, 1) with 53 random bits.
double uniform01(uint64_t *state) {
    return double(nextRandom(state) >> 11) * (1.0 / 9007199254740992.0);
}

/// Index of the largest logit, the lowest index on ties; NaN never wins.
int32_t argmax(const float *logits, int count) {
    int32_t best = -1;
    for (int i = 0; i < count; ++i) {
        if (std::isnan(logits[i]))
            continue;
        if (best < 0 || logits[i] > logits[best])
            best = i;
    }
    return best < 0 ? 0 : best;
}

/// Turns the growing list of generated ids into text pieces. Decodes prompt + continuation and
/// keeps what follows the decoded prompt, so SentencePiece's leading-space rule applies to the
/// sequence start only and a continuation's leading space survives.
class TextStream {
public:
    TextStream(const Tokenizer &tokenizer, const std::vector<int32_t> &promptIds,
               const TextCallback &callback)
        : m_tokenizer(tokenizer)
        , m_promptIds(promptIds)
        , m_callback(callback)
        , m_promptBytes(tokenizer.decodeBytes(promptIds, true)) {}

    void update(const std::vector<int32_t> &generated) {
        m_text = continuation(generated);
        const int complete = completeUtf8Length(m_text);
        emitUpTo(complete);
    }

    /// Emits what is left (even an incomplete sequence, as a replacement character).
    void finish() { emitUpTo(int(m_text.size())); }

    const QByteArray &bytes() const { return m_text; }

private:
    QByteArray continuation(const std::vector<int32_t> &generated) const {
        std::vector<int32_t> all = m_promptIds;
        all.insert(all.end(), generated.begin(), generated.end());
        const QByteArray full = m_tokenizer.decodeBytes(all, true);
        if (full.startsWith(m_promptBytes))
            return full.mid(m_promptBytes.size());
        return m_tokenizer.decodeBytes(generated, true);
    }

    void emitUpTo(int end) {
        if (end <= m_emitted)
            return;
        const QByteArray piece = m_text.mid(m_emitted, end - m_emitted);
        m_emitted = end;
        if (m_callback)
            m_callback(QString::fromUtf8(piece));
    }

    const Tokenizer &m_tokenizer;
    std::vector<int32_t> m_promptIds;
    const TextCallback &m_callback;
    QByteArray m_promptBytes;
    QByteArray m_text;
    int m_emitted = 0;
};

/// Runs `ids` through the model, extending the cache; returns the last position's logits as a
/// contiguous float32 tensor in host memory (sampling reads it there).
torch::Tensor nextLogits(TransformerImpl &module, const std::vector<int32_t> &ids, KvCache *cache) {
    const torch::Tensor logits = module.forward(hostTokenRow(ids), cache, 1);
    return toHost(logits[0][0], torch::kFloat32);
}

} // namespace

double GenerationResult::prefillTokensPerSecond() const {
    return prefillSeconds > 0 ? double(promptIds.size()) / prefillSeconds : 0.0;
}

double GenerationResult::decodeTokensPerSecond() const {
    return decodeSeconds > 0 ? double(generatedIds.size()) / decodeSeconds : 0.0;
}

int32_t sampleToken(const float *logits, int count, const SamplingSettings &settings,
                    uint64_t *rngState) {
    if (count <= 0)
        throw Error(QStringLiteral("cannot sample a token from an empty distribution"));
    if (!(settings.temperature > 0))
        return argmax(logits, count);
    double maxLogit = -std::numeric_limits<double>::infinity();
    for (int i = 0; i < count; ++i) {
        if (!std::isnan(logits[i]))
            maxLogit = std::max(maxLogit, double(logits[i]));
    }
    if (!std::isfinite(maxLogit))
        return argmax(logits, count);

    std::vector<double> probabilities(size_t(count), 0.0);
    for (int i = 0; i < count; ++i) {
        if (!std::isnan(logits[i]))
            probabilities[size_t(i)] =
                std::exp((double(logits[i]) - maxLogit) / settings.temperature);
    }
    std::vector<int32_t> candidates;
    const bool topK = settings.topK > 0 && settings.topK < count;
    const bool topP = settings.topP < 1.0;
    if (topK || topP) {
        candidates.resize(size_t(count));
        std::iota(candidates.begin(), candidates.end(), 0);
        const auto higher = [&](int32_t a, int32_t b) {
            const double pa = probabilities[size_t(a)];
            const double pb = probabilities[size_t(b)];
            return pa > pb || (pa == pb && a < b);
        };
        if (topK && !topP) {
            std::partial_sort(candidates.begin(), candidates.begin() + settings.topK,
                              candidates.end(), higher);
            candidates.resize(size_t(settings.topK));
        } else {
            std::sort(candidates.begin(), candidates.end(), higher);
            if (topK)
                candidates.resize(size_t(settings.topK));
            double mass = 0;
            for (int32_t index : candidates)
                mass += probabilities[size_t(index)];
            // Nucleus: the smallest head of the sorted list whose mass reaches topP (at least
            // one token).
            double cumulative = 0;
            size_t keep = 0;
            while (keep < candidates.size()) {
                cumulative += probabilities[size_t(candidates[keep])];
                ++keep;
                if (cumulative >= settings.topP * mass)
                    break;
            }
            candidates.resize(std::max<size_t>(keep, 1));
        }
    } else {
        candidates.resize(size_t(count));
        std::iota(candidates.begin(), candidates.end(), 0);
    }

    double total = 0;
    for (int32_t index : candidates)
        total += probabilities[size_t(index)];
    const double target = uniform01(rngState) * total;
    double cumulative = 0;
    int32_t last = candidates.front();
    for (int32_t index : candidates) {
        const double p = probabilities[size_t(index)];
        if (p <= 0)
            continue;
        cumulative += p;
        last = index;
        if (target < cumulative)
            return index;
    }
    return last;
}

GenerationResult generate(const LanguageModel &model, const QString &prompt,
                          const SamplingSettings &settings, const TextCallback &onText,
                          ProgressSink *progress) {
    if (settings.maxTokens < 0 || settings.temperature < 0 || settings.topK < 0 ||
        !(settings.topP > 0) || settings.topP > 1)
        throw Error(QStringLiteral("invalid sampling settings: need max tokens >= 0, temperature "
                                   ">= 0, top-k >= 0 and 0 < top-p <= 1"));
    const Tokenizer &tokenizer = model.tokenizer();
    GenerationResult result;
    result.prompt = prompt;
    const std::vector<int32_t> ids = encodePrompt(model, prompt);
    result.promptIds = ids;
    const int64_t maxPositions = model.config().maxPositions;
    if (settings.maxTokens == 0)
        return result;

    const int32_t eos = tokenizer.eosId();
    const int32_t configEos = model.config().eosTokenId;
    const int sampleCount = std::min(tokenizer.vocabSize(), model.config().vocabSize);
    TransformerImpl &module = *model.runtime().module();
    torch::NoGradGuard noGrad;
    KvCache cache;
    cache.reserve(std::min<int64_t>(maxPositions, int64_t(ids.size()) + settings.maxTokens));
    uint64_t rng = settings.seed;
    TextStream stream(tokenizer, result.promptIds, onText);

    QElapsedTimer timer;
    timer.start();
    torch::Tensor logits = nextLogits(module, ids, &cache);
    result.prefillSeconds = double(timer.nsecsElapsed()) / 1e9;
    timer.restart();
    for (;;) {
        throwIfCancelled(progress);
        const int32_t next = sampleToken(logits.data_ptr<float>(), sampleCount, settings, &rng);
        result.generatedIds.push_back(next);
        const int generated = int(result.generatedIds.size());
        reportProgress(progress, double(generated) / settings.maxTokens,
                       QStringLiteral("token %1/%2").arg(generated).arg(settings.maxTokens));
        if (settings.stopAtEos && next >= 0 && (next == eos || next == configEos)) {
            result.stoppedAtEos = true;
            break;
        }
        stream.update(result.generatedIds);
        if (generated >= settings.maxTokens)
            break;
        // The new token sits at this position; the model cannot run past its context.
        const int64_t position = int64_t(result.promptIds.size()) + generated - 1;
        if (position >= maxPositions)
            break;
        logits = nextLogits(module, {next}, &cache);
    }
    stream.finish();
    result.decodeSeconds = double(timer.nsecsElapsed()) / 1e9;
    result.completion = QString::fromUtf8(stream.bytes());
    return result;
}

int completeUtf8Length(const QByteArray &bytes) {
    const int size = int(bytes.size());
    int start = size - 1;
    while (start >= 0 && size - start < 4 && (uchar(bytes[start]) & 0xC0) == 0x80)
        --start;
    if (start < 0)
        return size;
    const uchar lead = uchar(bytes[start]);
    int needed = 1;
    if ((lead >> 5) == 0x6)
        needed = 2;
    else if ((lead >> 4) == 0xE)
        needed = 3;
    else if ((lead >> 3) == 0x1E)
        needed = 4;
    return size - start < needed ? start : size;
}

std::vector<int32_t> encodePrompt(const LanguageModel &model, const QString &prompt) {
    const Tokenizer &tokenizer = model.tokenizer();
    std::vector<int32_t> ids = tokenizer.encode(prompt.toUtf8(), false, false);
    if (model.addsBos())
        ids.insert(ids.begin(), tokenizer.bosId());
    if (ids.empty()) {
        // An unconditional sample starts from the document separator.
        const int32_t start = tokenizer.bosId() >= 0 ? tokenizer.bosId() : tokenizer.eosId();
        if (start < 0)
            throw Error(QStringLiteral("the prompt is empty and the tokenizer has no BOS or EOS "
                                       "token to start from; give a prompt"));
        ids.push_back(start);
    }
    if (int64_t(ids.size()) > model.config().maxPositions)
        throw Error(QStringLiteral("the prompt has %1 tokens but %2 holds at most %3 positions; "
                                   "shorten the prompt")
                        .arg(ids.size())
                        .arg(model.displayName())
                        .arg(model.config().maxPositions));
    return ids;
}

} // namespace nwc
