#include "tourscript.h"

#include "decode/heldoutarithmetic.h"
#include "io/checkpoint.h"
#include "io/dtype.h"
#include "jobs/error.h"

#include <QLocale>
#include <algorithm>
#include <utility>

namespace nwc {
namespace {

/// The numbers a step text shows, in the order of its placeholders.
enum class Fact {
    TeacherParameters, ///< millions
    StudentParameters, ///< millions
    TeacherLayers,
    TeacherWeightBits,
    CalibrationWindows,
    CalibrationLength,
    LowBits,
    HighBits,
    SweepBits, ///< "3, 4 and 5"
    SteeredTokens,
    Alpha, ///< the step's α
};

/// A translatable template and the facts that fill its placeholders %1, %2, ….
struct Text {
    Text(const char *text = nullptr, std::vector<Fact> filledFrom = {})
        : source(text)
        , facts(std::move(filledFrom)) {}
    const char *source;
    std::vector<Fact> facts;
};

struct StepScript {
    Text title;
    Text explanation;
    Text action;
    double alpha = 0;
};

const std::vector<StepScript> &script() {
    static const std::vector<StepScript> steps = {
        // Welcome
        {{QT_TRANSLATE_NOOP("nwc::TourScript", "A guided tour of the workbench")},
         {QT_TRANSLATE_NOOP("nwc::TourScript",
                            "This tour runs the real workbench on its built-in demo: two small "
                            "Llama-style models trained by this project, <i>demo:teacher</i> "
                            "(%1 M parameters) and <i>demo:student</i> (%2 M). Each step says "
                            "what you are about to see; its button makes the workbench do it "
                            "with the same commands as the menus. Long steps run as jobs, which "
                            "you can follow in the Jobs panel and cancel."),
          {Fact::TeacherParameters, Fact::StudentParameters}},
         {}},
        // OpenTeacher
        {{QT_TRANSLATE_NOOP("nwc::TourScript", "Open a model")},
         {QT_TRANSLATE_NOOP("nwc::TourScript",
                            "A language model is a set of named weight tensors. Opening "
                            "demo:teacher lists them in the Model Browser: the token embeddings "
                            "and, in each of the %1 layers, the attention matrices (q, k, v, o) "
                            "and the MLP matrices (gate, up, down). These matrices hold almost "
                            "all of the parameters, so they are what compression works on."),
          {Fact::TeacherLayers}},
         {QT_TRANSLATE_NOOP("nwc::TourScript", "Open demo:teacher")}},
        // Histogram
        {{QT_TRANSLATE_NOOP("nwc::TourScript", "A weight matrix and its histogram")},
         {QT_TRANSLATE_NOOP("nwc::TourScript",
                            "This is the last layer's MLP down projection, with the counts on a "
                            "logarithmic axis. Its values pile up around zero in a bell shape, "
                            "but the tails reach further out than a Gaussian's. A quantizer must "
                            "spend its levels where most values are, yet these rare large "
                            "weights do the most damage when they are rounded badly.")},
         {QT_TRANSLATE_NOOP("nwc::TourScript", "Show the histogram")}},
        // Importance
        {{QT_TRANSLATE_NOOP("nwc::TourScript", "Which weights matter: importance")},
         {QT_TRANSLATE_NOOP("nwc::TourScript",
                            "Not every input of a layer matters equally. The workbench runs the "
                            "teacher on calibration text (%1 windows of %2 tokens of the demo "
                            "corpus) and measures how much signal enters each input column of "
                            "each matrix: the mean x² per token. In the heat map a few bright "
                            "columns carry far more signal than the rest; NWC codes those "
                            "columns at a higher quality level."),
          {Fact::CalibrationWindows, Fact::CalibrationLength}},
         {QT_TRANSLATE_NOOP("nwc::TourScript", "Compute importance")}},
        // Compress
        {{QT_TRANSLATE_NOOP("nwc::TourScript", "Compress at %1 and at %2 bits per weight"),
          {Fact::LowBits, Fact::HighBits}},
         {QT_TRANSLATE_NOOP("nwc::TourScript",
                            "Now the teacher's matrices are compressed by the neural codec "
                            "(NWC), once to %1 and once to %2 bits per weight, from %3. Each run "
                            "writes a real .nwc file and then measures both models on held-out "
                            "text. Bits per weight are counted from the bytes written; KL "
                            "divergence says how far the compressed model's next-token "
                            "probabilities moved from the original's."),
          {Fact::LowBits, Fact::HighBits, Fact::TeacherWeightBits}},
         {QT_TRANSLATE_NOOP("nwc::TourScript", "Compress twice")}},
        // RateDistortion
        {{QT_TRANSLATE_NOOP("nwc::TourScript", "Reading a rate–distortion curve")},
         {QT_TRANSLATE_NOOP("nwc::TourScript",
                            "A sweep repeats this at several rates for several methods: here NWC "
                            "at %1 bits per weight and round-to-nearest (RTN), the simplest "
                            "baseline, with codes of %1 bits. The x axis is the rate, bits per "
                            "weight counted from the bytes written (RTN also pays for its "
                            "scales); the y axis is the damage, the mean KL divergence from the "
                            "original in nats, on a log scale. Lower is better, and methods are "
                            "compared at the same x."),
          {Fact::SweepBits}},
         {QT_TRANSLATE_NOOP("nwc::TourScript", "Run the sweep")}},
        // SteerHalf
        {{QT_TRANSLATE_NOOP("nwc::TourScript", "A small model steered by a large one: α = %1"),
          {Fact::Alpha}},
         {QT_TRANSLATE_NOOP("nwc::TourScript",
                            "The generation pane runs demo:student alone (left) and steered by "
                            "demo:teacher (right) on an arithmetic question it has never seen. "
                            "For the first N = %1 tokens each token is argmax S, with S = "
                            "p<sub>s</sub> + α (p<sub>t</sub> − p<sub>s</sub>). The prompt asks "
                            "for the short answer first, so those first tokens are the result's "
                            "digits: where the decision comes first, a few steered tokens are "
                            "enough (the result below names the first token the teacher "
                            "flipped). α = %2 mixes the two distributions half and half."),
          {Fact::SteeredTokens, Fact::Alpha}},
         {QT_TRANSLATE_NOOP("nwc::TourScript", "Generate with α = %1"), {Fact::Alpha}},
         0.5},
        // SteerOne
        {{QT_TRANSLATE_NOOP("nwc::TourScript", "α = %1: the teacher decides"), {Fact::Alpha}},
         {QT_TRANSLATE_NOOP("nwc::TourScript",
                            "With α = %1, S = p<sub>t</sub>: the teacher picks each of the first "
                            "%2 tokens and the student carries on alone. Blue tokens agree with "
                            "what the student would have chosen, orange ones were flipped by the "
                            "teacher. Hover a token to see p<sub>s</sub>, p<sub>t</sub> and S."),
          {Fact::Alpha, Fact::SteeredTokens}},
         {QT_TRANSLATE_NOOP("nwc::TourScript", "Generate with α = %1"), {Fact::Alpha}},
         1.0},
        // SteerTwo
        {{QT_TRANSLATE_NOOP("nwc::TourScript", "α = %1: over-trusting the teacher"), {Fact::Alpha}},
         {QT_TRANSLATE_NOOP("nwc::TourScript",
                            "α above 1 extrapolates beyond the teacher: S = p<sub>t</sub> + (α − "
                            "1) (p<sub>t</sub> − p<sub>s</sub>) amplifies every disagreement "
                            "between the two models. Where the teacher is sure and right this "
                            "changes little, but it also inflates the teacher's own doubts and "
                            "can favour tokens neither model prefers. Compare the runs: "
                            "more trust is not automatically better.")},
         {QT_TRANSLATE_NOOP("nwc::TourScript", "Generate with α = %1"), {Fact::Alpha}},
         2.0},
    };
    return steps;
}

QString number(double value) {
    return QLocale().toString(value, 'g', 3);
}

/// A count, or "?" when it is unknown (0).
QString count(qint64 value) {
    return value > 0 ? QLocale().toString(value) : QStringLiteral("?");
}

QString millions(qint64 value) {
    return value > 0 ? QLocale().toString(double(value) / 1e6, 'f', 1) : QStringLiteral("?");
}

QString factText(Fact fact, int step, const TourFacts &facts) {
    switch (fact) {
    case Fact::TeacherParameters:
        return millions(facts.teacherParameters);
    case Fact::StudentParameters:
        return millions(facts.studentParameters);
    case Fact::TeacherLayers:
        return count(facts.teacherLayers);
    case Fact::TeacherWeightBits:
        return facts.teacherWeightBits > 0 ? number(facts.teacherWeightBits) : QStringLiteral("?");
    case Fact::CalibrationWindows:
        return count(facts.calibration.samples);
    case Fact::CalibrationLength:
        return count(facts.calibration.sequenceLength);
    case Fact::LowBits:
        return number(TourScript::kLowBits);
    case Fact::HighBits:
        return number(TourScript::kHighBits);
    case Fact::SweepBits: {
        QStringList bits;
        for (double value : TourScript::sweepBits())
            bits << number(value);
        return QLocale().createSeparatedList(bits);
    }
    case Fact::SteeredTokens:
        return count(TourScript::kSteeredTokens);
    case Fact::Alpha:
        return number(TourScript::alpha(step));
    }
    return QString();
}

QString fill(const Text &text, int step, const TourFacts &facts) {
    if (!text.source)
        return QString();
    QString filled = TourScript::tr(text.source);
    for (Fact fact : text.facts)
        filled = filled.arg(factText(fact, step, facts));
    return filled;
}

const StepScript *stepScript(int step) {
    return step >= 0 && size_t(step) < script().size() ? &script()[size_t(step)] : nullptr;
}

} // namespace

TourFacts TourFacts::read(const CalibrationSettings &calibration) {
    TourFacts facts;
    facts.calibration = calibration;
    try {
        const CheckpointPtr teacher = Checkpoint::open(TourScript::teacher());
        facts.teacherLayers = teacher->config().numLayers;
        qint64 matrixWeights = 0;
        qint64 matrixBytes = 0;
        for (const TensorInfo &tensor : teacher->tensors()) {
            facts.teacherParameters += tensor.elementCount();
            if (tensor.shape.size() == 2 && tensor.name.contains(QLatin1String(".layers."))) {
                matrixWeights += tensor.elementCount();
                matrixBytes += qint64(tensor.byteSize);
            }
        }
        if (matrixWeights > 0)
            facts.teacherWeightBits = 8.0 * double(matrixBytes) / double(matrixWeights);
    } catch (const Error &) {
        // The steps that open it say why.
    }
    try {
        for (const TensorInfo &tensor : Checkpoint::open(TourScript::student())->tensors())
            facts.studentParameters += tensor.elementCount();
    } catch (const Error &) {
    }
    return facts;
}

QString TourScript::histogramTensor(int layers) {
    return QStringLiteral("model.layers.%1.mlp.down_proj.weight").arg(std::max(0, layers - 1));
}

const BuiltInQaSet &TourScript::questionSet() {
    return builtInQaSet(QStringLiteral("short-answer"));
}

double TourScript::alpha(int step) {
    const StepScript *entry = stepScript(step);
    return entry ? entry->alpha : 0;
}

QString TourScript::title(int step, const TourFacts &facts) {
    const StepScript *entry = stepScript(step);
    return entry ? fill(entry->title, step, facts) : QString();
}

QString TourScript::explanation(int step, const TourFacts &facts) {
    const StepScript *entry = stepScript(step);
    return entry ? fill(entry->explanation, step, facts) : QString();
}

QString TourScript::actionText(int step, const TourFacts &facts) {
    const StepScript *entry = stepScript(step);
    return entry ? fill(entry->action, step, facts) : QString();
}

} // namespace nwc
