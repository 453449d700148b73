#pragma once
// Text generation with streaming: greedy, temperature, top-k, top-p, seeded.

#include <QByteArray>
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
    QString completion;                ///< decoded continuation only
    std::vector<int32_t> promptIds;    ///< including BOS when the model adds it
    std::vector<int32_t> generatedIds; ///< including the final EOS when it stopped there
    bool stoppedAtEos = false;
    double prefillSeconds = 0;
    double decodeSeconds = 0;
    double prefillTokensPerSecond() const;
    double decodeTokensPerSecond() const;
};

/// Streams complete UTF-8 text pieces as they become decodable.
using TextCallback = std::function<void(const QString &piece)>;

/// Generates a continuation of `prompt`. The prompt is encoded without special tokens and BOS is
/// put first when model.addsBos() (an empty prompt starts from BOS, else EOS). The prompt is run
/// through the model in one pass (KV cache), then one token per step until EOS (when stopAtEos;
/// the EOS id is kept in generatedIds but not in the text), maxTokens, or the model's last
/// position: like llama2.c's run.c, at most maxPositions - promptIds.size() + 1 tokens. The
/// callback receives only the continuation, in pieces that end on whole UTF-8 characters;
/// the pieces add up to `completion`. The ProgressSink is asked to cancel once per token
/// (throws nwc::Cancelled). Throws nwc::Error for invalid settings or a prompt longer than the
/// model's context.
GenerationResult generate(const LanguageModel &model, const QString &prompt,
                          const SamplingSettings &settings, const TextCallback &onText = {},
                          ProgressSink *progress = nullptr);

/// The prompt's token ids as generate() runs them: encoded without special tokens, BOS first when
/// model.addsBos(), an empty prompt starting from BOS (else EOS). Throws nwc::Error when there is
/// nothing to start from or the prompt is longer than the model's positions.
std::vector<int32_t> encodePrompt(const LanguageModel &model, const QString &prompt);

/// Length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence (what can
/// be shown of a token stream so far).
int completeUtf8Length(const QByteArray &bytes);

/// Picks a token from logits[0..count) under `settings`. Temperature 0 is argmax (lowest index
/// on ties, draws nothing); otherwise softmax(logits / T), then top-k, then top-p over the
/// renormalized sorted probabilities (the smallest head whose mass reaches p, at least one
/// token), then one draw from the splitmix64 state `rngState`, advanced in place, so results are
/// identical on every platform. Exposed for tests and collaborative decoding.
int32_t sampleToken(const float *logits, int count, const SamplingSettings &settings,
                    uint64_t *rngState);

} // namespace nwc
