#pragma once
// The work behind Compress › Compress at Bit Rate…: compress a model into a .nwc container and,
// when asked, measure what the compression cost (perplexity, KL divergence). Torch-free; runs
// on a JobRunner worker with the job's ProgressSink.

#include "analysis/modelcompressor.h"
#include "lm/evaluator.h"
#include "lm/languagemodel.h"

#include <QString>

namespace nwc {

class ProgressSink;

/// How the compressed model is compared with the original.
struct CompressionEvaluationSettings {
    /// UTF-8 text both models are scored on (a file or a Qt resource path).
    QString textPath;
    /// Window length and stride in tokens; the context is cut to the model's positions.
    int contextLength = 256;
    int stride = 128;
    /// Only the first maxBytes bytes of the text are scored (-1 = all of it).
    qint64 maxBytes = 30000;
};

/// Everything one compression job needs: a plain value the compress dialog fills in.
struct CompressionJobSettings {
    /// The model to compress (anything Checkpoint::open accepts).
    QString modelSpec;
    CompressionSettings compression;
    /// The .nwc file to write.
    QString outputPath;
    /// Measure perplexity and KL divergence against the uncompressed model afterwards.
    bool evaluate = false;
    CompressionEvaluationSettings evaluation;
};

/// Perplexity of both models and the distribution comparison, each with its settings.
struct CompressionEvaluation {
    PerplexityResult original;
    PerplexityResult compressed;
    ReferenceComparison comparison;
    /// The text the numbers were measured on.
    QString textPath;
    double seconds = 0.0;
};

/// What a compression job did.
struct CompressionJobResult {
    CompressionJobSettings settings;
    CompressionSummary summary;
    /// True when `evaluation` holds measured numbers.
    bool evaluated = false;
    CompressionEvaluation evaluation;
    /// Why the evaluation could not be done (the container was still written); empty when it
    /// was not asked for or succeeded.
    QString evaluationError;
};

/// Compresses `settings.modelSpec` into `settings.outputPath` (written atomically by the core)
/// and, with `settings.evaluate`, loads the original and the compressed model and measures the
/// perplexity of both and KL(original ‖ compressed) on the evaluation text. `reference` may be
/// the already loaded original model (it is loaded otherwise). Progress: compression first,
/// then evaluation. Throws nwc::Error when compression fails and nwc::Cancelled when `progress`
/// is cancelled; a job cancelled during evaluation removes the file it wrote, so a cancelled
/// job leaves nothing behind. An evaluation failure is reported in `evaluationError`.
CompressionJobResult runCompressionJob(const CompressionJobSettings &settings,
                                       ProgressSink *progress,
                                       const LanguageModelPtr &reference = nullptr);

/// The held-out text of the built-in demo models (resources/demo/heldout.txt beside the demo
/// models, possibly a Qt resource path); empty when the demo models are not installed.
QString demoHeldoutTextPath();

/// A short name for an evaluation or calibration text: the file name, marked as the built-in
/// demo text when it is the demo held-out file.
QString describeTextPath(const QString &path);

/// Copies the container `source` to `destination` in chunks, atomically (QSaveFile), checking
/// cancellation between chunks; returns the bytes copied. Throws nwc::Error naming the file
/// that failed and nwc::Cancelled (nothing is written then).
qint64 copyCompressedCheckpoint(const QString &source, const QString &destination,
                                ProgressSink *progress);

} // namespace nwc
