#pragma once
// What compression cost, measured on text: the compressed model loaded from its container,
// its perplexity, optionally the original's, and KL(original ‖ compressed) per token — the one
// evaluation behind the compress job's summary and every sweep point. Torch-free header.

#include "lm/evaluator.h"
#include "lm/languagemodel.h"

#include <QByteArray>
#include <QString>

namespace nwc {

class ProgressSink;

/// Progress messages of the phases (the GUI passes translated ones).
struct EvaluationPhaseNames {
    QString loading = QStringLiteral("loading the compressed model");
    QString original = QStringLiteral("perplexity of the original");
    QString compressed = QStringLiteral("perplexity of the compressed model");
    QString divergence = QStringLiteral("KL divergence");
};

/// The numbers, each measured with `windows`.
struct CompressedModelEvaluation {
    /// Filled when asked for (measureOriginal).
    PerplexityResult original;
    PerplexityResult compressed;
    ReferenceComparison comparison;
    /// The compressed model as loaded, for further measurements by the caller.
    LanguageModelPtr compressedModel;
};

/// Loads `containerPath`, measures its perplexity on `text` (and the original's when
/// `measureOriginal`), then KL(original ‖ compressed) with the same windows. Throws nwc::Error
/// (unreadable container, text too short) and nwc::Cancelled.
CompressedModelEvaluation evaluateCompressedModel(const LanguageModel &original,
                                                  const QString &containerPath,
                                                  const QByteArray &text,
                                                  const PerplexitySettings &windows,
                                                  bool measureOriginal, ProgressSink *progress,
                                                  const EvaluationPhaseNames &names = {});

} // namespace nwc
