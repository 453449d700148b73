#pragma once
// QA benchmark of collaborative decoding (docs/architecture.md, Collaborative decoding): for each
// question, the student alone, the teacher alone and the rule S = p_s + alpha (p_t - p_s) for the
// first N tokens (greedy) over an alpha x N grid, plus the gated rule over a tau grid. Resumable
// through an HDF5 session file. Torch-free: plain value types for the CLI and a GUI.

#include "lm/qabenchmark.h"

#include <QByteArray>
#include <QString>
#include <QVector>
#include <cstdint>
#include <vector>

namespace nwc {

class LanguageModel;
class ProgressSink;

/// What the benchmark runs. The grids are kept in the order given.
struct CollabBenchSettings {
    QString studentName; ///< spec as given (recorded and compared on resume)
    QString teacherName;
    QString dataName; ///< path of the JSONL file, for display only
    QString promptTemplate = QStringLiteral("Question: {question}\nAnswer:");
    std::vector<double> alphas = defaultAlphas();
    std::vector<int> ns = {1, 2, 5};
    std::vector<double> taus = defaultTaus();
    int maxTokens = 64;
    /// Regular expression that finds the answer in a completion (QaFormat::answerPattern;
    /// empty: extractAnswer()'s built-in rule).
    QString answerPattern;
    /// Share of the questions, spread evenly through the data, on which summarize() chooses
    /// each N's alpha and tau; the rest (the test split) is what it reports. 0 chooses and
    /// reports on all questions (an optimistic figure).
    double calibrationFraction = 0.5;

    /// -1, -0.75, ..., 3 (17 values).
    static std::vector<double> defaultAlphas();
    /// 0, 0.25, ..., 2 nats (9 values).
    static std::vector<double> defaultTaus();
};

/// Parses "a:b:step" (inclusive, step > 0) or a comma-separated list; throws nwc::Error naming
/// `option`.
std::vector<double> parseGrid(const QString &text, const QString &option);

/// The outcome of one question under every configuration.
struct CollabItemResult {
    QString studentCompletion; ///< cut at a following "Question:", as evaluateQa does
    QString teacherCompletion;
    QString studentAnswer; ///< extractAnswer() of the completion
    QString teacherAnswer;
    bool studentCorrect = false;
    bool teacherCorrect = false;
    double firstTokenEntropy = 0; ///< H(p_s) of the student's first answer token, nats
    /// Fixed-alpha rule: correct[n * alphas + a] for ns[n], alphas[a].
    std::vector<uint8_t> correct;
    /// Gated rule: gatedCorrect[(n * alphas + a) * taus + t].
    std::vector<uint8_t> gatedCorrect;
    int distinctPrefixes = 0; ///< distinct steered prefixes the alpha/tau grid produced
    /// Gated rule, same index as gatedCorrect: of the first N generated tokens, how many there
    /// were (fewer than N when the answer ended sooner) and at how many the gate was open
    /// (alpha_eff != 0, the teacher's distribution used). Empty in sessions from before they
    /// were recorded.
    std::vector<uint16_t> gatedSteeredTokens;
    std::vector<uint16_t> gatedTeacherTokens;
};

/// One bucket of questions by the student's first-token entropy.
struct EntropyBucket {
    double low = 0;  ///< H >= low
    double high = 0; ///< H < high (the last bucket includes high)
    int count = 0;
    double studentAccuracy = 0;
    double teacherAccuracy = 0;
    std::vector<double> collaborativeAccuracy; ///< per N, at that N's best alpha
    std::vector<double> gain;                  ///< collaborativeAccuracy - studentAccuracy, per N
};

/// Everything the benchmark measured, and the summary computed from it by summarize().
struct CollabBenchResult {
    CollabBenchSettings settings;
    QString studentIdentity; ///< spec + tokenizer fingerprint + a logit probe (resume check)
    QString teacherIdentity;
    QString dataIdentity; ///< SHA-256 over template and items
    int totalItems = 0;
    std::vector<CollabItemResult> items; ///< finished items, in data order
    double seconds = 0;                  ///< compute time summed over runs (resumes included)

    // Summary (summarize()): choices on the calibration split, figures on the test split.
    int calibrationCount = 0; ///< questions alpha and tau were chosen on
    int testCount = 0;        ///< questions the figures below are measured on
    double studentAccuracy = 0;
    double teacherAccuracy = 0;
    std::vector<std::vector<double>> accuracy;      ///< [n][alpha], fixed-alpha rule
    std::vector<int> bestAlpha;                     ///< per N: index of the best alpha
    std::vector<std::vector<double>> gatedAccuracy; ///< [n][tau] at that N's best alpha
    std::vector<int> bestTau;                       ///< per N: index of the chosen tau
    /// Per N, gated rule at the chosen alpha and tau on the test split: the fraction of the
    /// steered tokens at which the teacher's distribution was used (NaN when not recorded).
    std::vector<double> teacherShare;
    /// [n][alpha index, or alphas.size() for "no alpha makes it correct"]: how many questions
    /// have that alpha as their best (see perExampleBestAlpha()).
    std::vector<std::vector<int>> bestAlphaHistogram;
    std::vector<EntropyBucket> entropyBuckets;

    bool complete() const { return int(items.size()) == totalItems && totalItems > 0; }
};

/// Per-example best alpha of one item at N index `n`: among the alphas whose rule answers it
/// correctly, the one with the smallest |alpha| (the least teacher influence that suffices; ties
/// go to the positive alpha); -1 when no alpha does.
int perExampleBestAlpha(const CollabBenchResult &result, const CollabItemResult &item, int n);

/// Whether question `index` belongs to the calibration split of `fraction` (indices where
/// floor((i + 1) f) > floor(i f): evenly spread; f = 0.5 takes every second question).
bool isCalibrationQuestion(int index, double fraction);

/// Fills the summary from the items. On the calibration split: the best alpha per N (highest
/// accuracy, ties to the smallest |alpha|) and, for the gated rule at that alpha, the tau
/// (highest accuracy, ties to the largest tau, which runs the teacher least). On the test
/// split: every accuracy, the teacher's share of steered tokens, the per-example best-alpha
/// histogram and four entropy buckets at the quartiles of the students' first-token entropies
/// (a bucket may be empty when entropies repeat). With calibrationFraction 0 both splits are
/// all questions.
void summarize(CollabBenchResult &result);

/// Runs (or resumes) the benchmark. With a non-empty `sessionPath`, finished items are read from
/// it first (throwing nwc::Error naming what differs when the models, data or grids are not
/// the ones it was started with) and the file is rewritten atomically after every item, so a
/// cancelled or killed run continues where it stopped. Progress reports items done and an ETA;
/// cancellation (nwc::Cancelled) is checked between prefixes.
CollabBenchResult runCollabBenchmark(const LanguageModel &student, const LanguageModel &teacher,
                                     const QVector<QaItem> &items,
                                     const CollabBenchSettings &settings,
                                     const QString &sessionPath = QString(),
                                     ProgressSink *progress = nullptr);

/// Writes the result (settings, identities, per-item outcomes) to an HDF5 file atomically.
void saveCollabBench(const CollabBenchResult &result, const QString &path);
/// Reads a file written by saveCollabBench() and summarizes it.
CollabBenchResult loadCollabBench(const QString &path);
/// One row per configuration: kind (student, teacher, fixed, gated), n, alpha, tau, correct,
/// total, accuracy; then the entropy buckets and the best-alpha histogram.
QByteArray collabBenchCsv(const CollabBenchResult &result);
/// Settings, summary and per-item outcomes.
QByteArray collabBenchJson(const CollabBenchResult &result);

} // namespace nwc
