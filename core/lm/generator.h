#pragma once
// Text generation with streaming: greedy, temperature, top-k, top-p, seeded.

#include <QString>
#include <cstdint>
#include <functional>
#include <vector>

namespace nwc {

class LanguageModel;
class ProgressSink;

/// How the next token is picked. temperature 0 = greedy (argmax).
struct SamplingSettings {
    double temperature = 0.8;
    int topK = 0;      ///< 0 = off
    double topP = 1.0; ///< 1 = off
    quint64 seed = 42;
    int maxTokens = 128;
    bool stopAtEos = true;
};

/// What a generation did, with timings measured around prefill and decode.
struct GenerationResult {
    QString prompt;
    QString completion; ///< decoded continuation only
    std::vector<int32_t> promptIds;    ///< including BOS when the model adds it
    std::vector<int32_t> generatedIds;
    bool stoppedAtEos = false;
    double prefillSeconds = 0;
    double decodeSeconds = 0;
    double prefillTokensPerSecond() const;
    double decodeTokensPerSecond() const;
};

/// Streams complete UTF-8 text pieces as they become decodable.
using TextCallback = std::function<void(const QString &piece)>;

/// Generates a continuation of `prompt`. The callback receives only the continuation; the
/// ProgressSink is asked to cancel once per token (throws nwc::Cancelled).
GenerationResult generate(const LanguageModel &model, const QString &prompt,
                          const SamplingSettings &settings, const TextCallback &onText = {},
                          ProgressSink *progress = nullptr);

/// Picks a token from logits[0..count) under `settings`, drawing from `rng` state (splitmix /
/// xorshift, advanced in place). Exposed for tests and collaborative decoding.
int32_t sampleToken(const float *logits, int count, const SamplingSettings &settings,
                    uint64_t *rngState);

} // namespace nwc
