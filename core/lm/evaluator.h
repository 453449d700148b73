#pragma once
// Perplexity, bits per byte and comparison against a reference model. Every result carries the
// settings it was measured with so they are always shown next to the number.

#include <QByteArray>
#include <QString>

namespace nwc {

class LanguageModel;
class ProgressSink;

/// Windowing of the text. The text is encoded as one string without special tokens. With addBos
/// each window is BOS followed by up to contextLength-1 text tokens; window starts advance by
/// `stride` text tokens; in each window only tokens not scored by an earlier window are scored
/// (the first text token is scored from BOS). Without BOS, windows hold contextLength text
/// tokens and a window's first token is never scored in it, so the very first token is not
/// scored, nor with stride == contextLength the first token of each window. A stride larger
/// than a window's text tokens is refused (nwc::Error), as is a context beyond the model's.
struct PerplexitySettings {
    int contextLength = 256;
    int stride = 0;     ///< 0 = non-overlapping windows
    bool addBos = true; ///< ignored when the tokenizer has no BOS
    /// Evaluate only the first maxBytes bytes of the text (-1 = all); a UTF-8 character that
    /// would be cut is left out.
    qint64 maxBytes = -1;
    /// Positions whose logits are computed at once (0 = as many as fit in
    /// kLogitFloatsPerChunk floats), so memory does not grow with vocabulary × window. Results
    /// do not depend on it beyond float rounding.
    int logitChunk = 0;
};

/// Logit floats computed at once by the evaluation when PerplexitySettings::logitChunk is 0
/// (64 MiB of float32).
constexpr qint64 kLogitFloatsPerChunk = qint64(1) << 24;

/// Measured perplexity and where it came from.
struct PerplexityResult {
    double perplexity = 0;
    double meanNll = 0;     ///< nats per scored token
    double bitsPerByte = 0; ///< total NLL in bits / UTF-8 bytes of the evaluated text
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
    double meanKl = 0; ///< KL(reference || model), nats
    double medianKl = 0;
    double p99Kl = 0;
    double sameTopRate = 0; ///< fraction of positions where both argmaxes agree
    /// sqrt(mean over positions of sum over the vocabulary of (p_model - p_reference)^2)
    double rmsDeltaP = 0;
    qint64 positions = 0;
    int contextLength = 0;
    int stride = 0;
};

/// Perplexity of `model` over UTF-8 `text`. Throws nwc::Error for empty text or impossible
/// windowing. Reports and checks cancellation once per window.
PerplexityResult evaluatePerplexity(const LanguageModel &model, const QByteArray &text,
                                    const PerplexitySettings &settings,
                                    ProgressSink *progress = nullptr);

/// Compares next-token distributions at the scored positions of the same windows. Both models
/// must share a tokenizer (same fingerprint; nwc::Error otherwise). Median and p99 interpolate
/// linearly between sorted per-position values.
ReferenceComparison compareWithReference(const LanguageModel &model, const LanguageModel &reference,
                                         const QByteArray &text, const PerplexitySettings &settings,
                                         ProgressSink *progress = nullptr);

} // namespace nwc
