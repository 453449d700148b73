#pragma once
// What the guided tour's steps measured, as the rich text its panel shows.

#include "compressionjob.h"

#include <QCoreApplication>
#include <QString>
#include <vector>

namespace nwc {

class Checkpoint;
struct ImportanceMap;
struct StepTrace;
struct SweepSession;
struct TensorStatistics;

/// One generation of the steering steps: the student alone and steered, greedy.
struct TourSteeringRun {
    double alpha = 0;
    int steeredTokens = 0;
    QString studentCompletion;
    QString completion; ///< the steered column
    QString studentAnswer;
    QString answer;
    bool studentCorrect = false;
    bool correct = false;
    int flipped = 0; ///< tokens where steering changed the student's choice
    /// The first flipped token with p_s, p_t and S of both candidates (rich text).
    QString firstFlip;
};

/// Formats the results of the tour's steps from what the workbench measured (every number
/// is computed from the runs, the models and the settings that were used).
class TourResults {
    Q_DECLARE_TR_FUNCTIONS(nwc::TourResults)
public:
    /// Parameters, tensors and the share of the layers' matrices of `checkpoint`.
    static QString model(const Checkpoint &checkpoint);
    /// The statistics of `tensor` and where its largest weight lies compared with a Gaussian.
    static QString histogram(const QString &tensor, const TensorStatistics &statistics);
    /// How many matrices have importance, and the most uneven one.
    static QString importance(const ImportanceMap &map);
    /// A table of the compressions (a "summary:<index>" link each) and the original model;
    /// `originalBits` is the bits per weight the compressed matrices were stored in.
    static QString compressions(const std::vector<CompressionJobResult> &results,
                                double originalBits);
    /// A table of the sweep's points, what RTN's scales cost, and the original perplexity.
    static QString sweep(const SweepSession &session);
    /// The question, a table of the runs (student alone and at each α) and the first flip of
    /// the run at `alpha`.
    static QString steering(const std::vector<TourSteeringRun> &runs, const QString &question,
                            const QString &expected, double alpha);

    /// The answer part of a completion: up to a following "Question:" (as the QA benchmark cuts
    /// it), on one line.
    static QString answerText(const QString &completion);
    /// The first flipped step of `steps`: what the student would have written and what S chose,
    /// with p_s, p_t and S of both (empty when none flipped).
    static QString firstFlip(const std::vector<StepTrace> &steps);
};

} // namespace nwc
