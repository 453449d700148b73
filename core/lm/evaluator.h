#pragma once
// Perplexity, bits per byte and comparison against a reference model. Every result carries the
// settings it was measured with so they are always shown next to the number.

#include <QByteArray>
#include <QString>

namespace nwc {

class LanguageModel;
class ProgressSink;

/// Windowing of the text. With addBos each window is BOS followed by up to contextLength-1
/// text tokens; window starts advance by `stride` text tokens; in each window only tokens not
/// scored by an earlier window are scored (the first text token is scored from BOS). Without
/// BOS, windows hold contextLength text tokens and the very first token is not scored.
struct PerplexitySettings {
    int contextLength = 256;
    int stride = 0;         ///< 0 = non-overlapping windows
    bool addBos = true;     ///< ignored when the tokenizer has no BOS
    qint64 maxBytes = -1;   ///< evaluate only the first maxBytes bytes of the text (-1 = all)
};

/// Measured perplexity and where it came from.
struct PerplexityResult {
    double perplexity = 0;
    double meanNll = 0;     ///< nats per scored token
    double bitsPerByte = 0; ///< total NLL in bits / UTF-8 bytes covered by the scored tokens
    qint64 tokensScored = 0;
    qint64 bytes = 0;
    qint64 windows = 0;
    int contextLength = 0;
    int stride = 0;
    bool addBos = false;
    double seconds = 0;
};

/// Distribution-level comparison of `model` against `reference` on the same windows.
struct ReferenceComparison {
    double meanKl = 0;   ///< KL(reference || model), nats
    double medianKl = 0;
    double p99Kl = 0;
    double sameTopRate = 0; ///< fraction of positions where both argmaxes agree
    double rmsDeltaP = 0;   ///< RMS over positions of p_model - p_reference for the reference's top token... see evaluator.cpp
    qint64 positions = 0;
    int contextLength = 0;
    int stride = 0;
};

/// Perplexity of `model` over UTF-8 `text`. Throws nwc::Error for empty text.
PerplexityResult evaluatePerplexity(const LanguageModel &model, const QByteArray &text,
                                    const PerplexitySettings &settings,
                                    ProgressSink *progress = nullptr);

/// Compares next-token distributions. Both models must share a tokenizer (nwc::Error otherwise).
ReferenceComparison compareWithReference(const LanguageModel &model,
                                         const LanguageModel &reference, const QByteArray &text,
                                         const PerplexitySettings &settings,
                                         ProgressSink *progress = nullptr);

} // namespace nwc
