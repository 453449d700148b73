#include "analysis/compressedevaluation.h"

#include "jobs/progresssink.h"

namespace nwc {

CompressedModelEvaluation evaluateCompressedModel(const LanguageModel &original,
                                                  const QString &containerPath,
                                                  const QByteArray &text,
                                                  const PerplexitySettings &windows,
                                                  bool measureOriginal, ProgressSink *progress,
                                                  const EvaluationPhaseNames &names) {
    // Shares of the job: loading is short, the two perplexities and KL take about equal time.
    const double loaded = measureOriginal ? 0.17 : 0.07;
    const double originalDone = measureOriginal ? 0.39 : loaded;
    const double compressedDone = measureOriginal ? 0.61 : 0.5;
    CompressedModelEvaluation evaluation;
    {
        PhaseProgress phase(progress, 0.0, loaded, names.loading);
        evaluation.compressedModel = LanguageModel::load(containerPath, QString(), &phase, original.computeOptions());
    }
    if (measureOriginal) {
        PhaseProgress phase(progress, loaded, originalDone, names.original);
        evaluation.original = evaluatePerplexity(original, text, windows, &phase);
    }
    {
        PhaseProgress phase(progress, originalDone, compressedDone, names.compressed);
        evaluation.compressed =
            evaluatePerplexity(*evaluation.compressedModel, text, windows, &phase);
    }
    PhaseProgress phase(progress, compressedDone, 1.0, names.divergence);
    evaluation.comparison =
        compareWithReference(*evaluation.compressedModel, original, text, windows, &phase);
    return evaluation;
}

} // namespace nwc
