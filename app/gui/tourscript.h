#pragma once
// The guided tour's script: its steps as data — their texts, and the settings the steps run
// with. Every number a text shows is filled in from those settings or from the demo models.

#include "analysis/calibrationdata.h"

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <vector>

namespace nwc {

struct BuiltInQaSet;

/// The steps of the guided tour, in order.
struct TourSteps {
    enum Step {
        Welcome,
        OpenTeacher,
        Histogram,
        Importance,
        Compress,
        RateDistortion,
        SteerHalf,
        SteerOne,
        SteerTwo,
        StepCount
    };
};

/// The numbers the step texts show that come from the demo models and from the workbench's
/// settings (as opposed to the tour's own settings, which TourScript holds).
struct TourFacts {
    qint64 teacherParameters = 0;
    qint64 studentParameters = 0;
    /// Decoder blocks of the teacher.
    int teacherLayers = 0;
    /// Bits per weight the teacher's layer matrices are stored in (their file bytes × 8 / their
    /// weights).
    double teacherWeightBits = 0;
    /// The calibration Compute Importance runs with.
    CalibrationSettings calibration;

    /// Reads the demo models' tensor lists (not their weights). A demo model that cannot be
    /// opened leaves its numbers at 0, which the texts show as "?".
    static TourFacts read(const CalibrationSettings &calibration);
};

/// The settings of the steps and their title, explanation and action label. The texts are a
/// table of translatable templates, one row per step, whose placeholders are filled from the
/// settings below and from TourFacts.
class TourScript {
    Q_DECLARE_TR_FUNCTIONS(nwc::TourScript)
public:
    static QString teacher() { return QStringLiteral("demo:teacher"); }
    static QString student() { return QStringLiteral("demo:student"); }
    /// The tensor of the histogram step: the last block's MLP down projection, the demo
    /// teacher's matrix with the heaviest tails.
    static QString histogramTensor(int layers);
    /// Bits per weight of the compression step (NWC, evaluated).
    static constexpr double kLowBits = 3.0;
    static constexpr double kHighBits = 5.0;
    /// Rates and methods of the rate–distortion step, and the bytes of the demo held-out text it
    /// evaluates on (as the compress dialog's default).
    static std::vector<double> sweepBits() { return {kLowBits, 4.0, kHighBits}; }
    static QStringList sweepMethods() { return {QStringLiteral("nwc"), QStringLiteral("rtn")}; }
    static constexpr int kSweepEvaluationBytes = 30000;
    /// The built-in set of the generation steps (the short-answer set, whose first tokens
    /// decide the answer).
    static const BuiltInQaSet &questionSet();
    /// The held-out question of the generation steps (index into questionSet()'s file): one the
    /// student alone gets wrong, the steered student gets right at α = 1, and over-trust
    /// (α = 2) gets wrong again (tst_guidedtour_demo checks it).
    static constexpr int kQuestionIndex = 39;
    /// Tokens the teacher steers in the generation steps, and tokens generated per column
    /// (greedy).
    static constexpr int kSteeredTokens = 5;
    static constexpr int kMaxTokens = 48;
    /// α of a generation step (0 for the other steps).
    static double alpha(int step);

    static QString title(int step, const TourFacts &facts);
    /// Two to four sentences: what the audience sees and why it matters (rich text).
    static QString explanation(int step, const TourFacts &facts);
    /// The label of the button that runs `step` (empty for the welcome step).
    static QString actionText(int step, const TourFacts &facts);
};

} // namespace nwc
