// nwc collab-bench: QA accuracy of collaborative decoding over alpha x N (and tau for the gated
// rule) against the student and teacher alone; resumable through an HDF5 session file.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "cli/pairgroup.h"
#include "cli/qadatagroup.h"
#include "cli/samplinggroup.h"

#include "decode/collabbenchmark.h"
#include "decode/heldoutarithmetic.h"
#include "jobs/error.h"

#include <QTextStream>

#include <cmath>

namespace nwc::cli {
namespace {

QString percent(double fraction) {
    return QString::number(100.0 * fraction, 'f', 1) + QStringLiteral(" %");
}

/// Writes the built-in held-out set `set` (see heldoutarithmetic.h) and says how many questions
/// were excluded.
int makeHeldOut(const BuiltInQaSet &set, const QString &path) {
    const HeldOutArithmeticRecipe &recipe = set.recipe;
    QSet<QString> excluded = demoTrainingQuestions(recipe.trainSeed, recipe.trainDocuments);
    const int training = int(excluded.size());
    for (const QaItem &item : loadQaSet(demoModelFile(QStringLiteral("arithmetic_qa.jsonl"))))
        excluded.insert(item.question);
    writeFileAtomically(path, DemoCorpus::qaJsonLines(heldOutArithmetic(recipe, excluded)));
    QTextStream(stdout) << "wrote the " << set.id << " set, " << recipe.count << " problems, to "
                        << path << " (excluded " << training
                        << " training questions and the demo QA set)\n";
    return 0;
}

/// Everything `nwc collab-bench` was asked to do.
struct CollabBenchCommand {
    CollabBenchSettings bench;
    CommonOptions common;
};

/// The text of `nwc collab-bench`: the rules' accuracy, by alpha, by entropy, and the best
/// alphas; `alphas`, `ns` and `taus` are the grids as given.
void printBenchmark(QTextStream &out, const CollabBenchSettings &settings,
                    const CollabBenchResult &result, const QString &alphas, const QString &ns,
                    const QString &taus) {
    const int total = result.testCount;
    const auto count = [&](double fraction) {
        return QStringLiteral("%1/%2").arg(std::lround(fraction * total)).arg(total);
    };
    out << "student " << settings.studentName << ", teacher " << settings.teacherName << '\n'
        << "data " << settings.dataName << " (" << total << " questions), greedy, at most "
        << settings.maxTokens << " tokens\n"
        << "alphas " << alphas << ", N " << ns << ", taus " << taus
        << " (gated: alpha_eff = 0 where H(p_s) < tau)\n";
    if (settings.calibrationFraction > 0)
        out << "alpha and tau chosen on " << result.calibrationCount
            << " calibration questions; every figure below is on the other " << result.testCount
            << " (test split)\n\n";
    else
        out << "alpha and tau chosen on the same " << total
            << " questions they are reported on (optimistic)\n\n";
    out << QStringLiteral("%1 %2 %3\n")
               .arg(QStringLiteral("rule").leftJustified(66),
                    QStringLiteral("accuracy").leftJustified(10), QStringLiteral("correct"));
    const auto line = [&](const QString &rule, double accuracy) {
        out << rule.leftJustified(66) << ' ' << percent(accuracy).leftJustified(10) << ' '
            << count(accuracy) << '\n';
    };
    line(QStringLiteral("student alone"), result.studentAccuracy);
    line(QStringLiteral("teacher alone"), result.teacherAccuracy);
    for (size_t n = 0; n < settings.ns.size(); ++n) {
        const double alpha = settings.alphas[size_t(result.bestAlpha[n])];
        line(QStringLiteral("collaborative N=%1, best alpha %2").arg(settings.ns[n]).arg(alpha),
             result.accuracy[n][size_t(result.bestAlpha[n])]);
        const double share = result.teacherShare[n];
        line(QStringLiteral("gated N=%1, alpha %2, tau %3")
                     .arg(settings.ns[n])
                     .arg(alpha)
                     .arg(settings.taus[size_t(result.bestTau[n])]) +
                 (std::isnan(share)
                      ? QString()
                      : QStringLiteral(" (teacher on %1 of steered tokens)").arg(percent(share))),
             result.gatedAccuracy[n][size_t(result.bestTau[n])]);
    }
    out << "\naccuracy by alpha (rows N):\n" << QStringLiteral("N").leftJustified(4);
    for (double alpha : settings.alphas)
        out << QString::number(alpha).rightJustified(7);
    out << '\n';
    for (size_t n = 0; n < settings.ns.size(); ++n) {
        out << QString::number(settings.ns[n]).leftJustified(4);
        for (double accuracy : result.accuracy[n])
            out << QString::number(100 * accuracy, 'f', 1).rightJustified(7);
        out << '\n';
    }
    out << "\ngain over the student by the student's first-token entropy (quartiles, nats), at "
           "each N's best alpha:\n";
    for (const EntropyBucket &bucket : result.entropyBuckets) {
        out << QStringLiteral("  H in [%1, %2]: %3 questions, student %4, teacher %5")
                   .arg(bucket.low, 0, 'f', 3)
                   .arg(bucket.high, 0, 'f', 3)
                   .arg(bucket.count)
                   .arg(percent(bucket.studentAccuracy), percent(bucket.teacherAccuracy));
        for (size_t n = 0; n < settings.ns.size(); ++n)
            out << QStringLiteral(", N=%1 %2%3 pt")
                       .arg(settings.ns[n])
                       .arg(bucket.gain[n] >= 0 ? QStringLiteral("+") : QString())
                       .arg(100 * bucket.gain[n], 0, 'f', 1);
        out << '\n';
    }
    out << "\nper-example best alpha (smallest |alpha| that answers correctly), N="
        << settings.ns.back() << ":";
    const std::vector<int> &histogram = result.bestAlphaHistogram.back();
    for (size_t a = 0; a < histogram.size(); ++a) {
        if (histogram[a] > 0)
            out << ' '
                << (a < settings.alphas.size() ? QString::number(settings.alphas[a])
                                               : QStringLiteral("none"))
                << ':' << histogram[a];
    }
    out << "\n\ncompute time " << QString::number(result.seconds, 'f', 1) << " s\n";
}

} // namespace

int runCollabBench(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("collab-bench"));
    addPairOptions(options);
    addQaDataOptions(options, QStringLiteral("the built-in set chosen with --set"));
    options.addValue(
        QStringLiteral("set"),
        QStringLiteral("Built-in held-out demo set when --data is absent: short-answer (the "
                       "result first, so the first tokens decide; default) or worked (the "
                       "working first, the result 10-16 tokens in). Each brings its prompt "
                       "template and answer rule."),
        QStringLiteral("ID"), builtInQaSets().first().id);
    options.addValue(QStringLiteral("alphas"),
                     QStringLiteral("Alpha grid, from:to:step or a list (default -1:3:0.25)."),
                     QStringLiteral("GRID"), QStringLiteral("-1:3:0.25"));
    options.addValue(QStringLiteral("ns"), QStringLiteral("Steered-token counts (default 1,2,5)."),
                     QStringLiteral("LIST"), QStringLiteral("1,2,5"));
    options.addValue(QStringLiteral("taus"),
                     QStringLiteral("Gate thresholds in nats (default 0:2:0.25)."),
                     QStringLiteral("GRID"), QStringLiteral("0:2:0.25"));
    SamplingSpec samplingSpec;
    samplingSpec.defaults.maxTokens = CollabBenchSettings().maxTokens;
    // Answers are greedy: only --max-tokens.
    samplingSpec.sampling = false;
    addSamplingOptions(options, samplingSpec);
    options.addValue(
        QStringLiteral("calibration-share"),
        QStringLiteral("Share of the questions (spread evenly) on which each N's alpha and tau "
                       "are chosen; the others are reported (default 0.5; 0 chooses and reports "
                       "on all questions, an optimistic figure)."),
        QStringLiteral("F"), QStringLiteral("0.5"));
    options.addValue(QStringLiteral("limit"), QStringLiteral("Use only the first K questions."),
                     QStringLiteral("K"), QStringLiteral("0"));
    options.addValue(
        QStringLiteral("session"),
        QStringLiteral("HDF5 session file: results are saved per question and a rerun resumes."),
        QStringLiteral("FILE"));
    options.addValue(QStringLiteral("csv"), QStringLiteral("Write CSV."), QStringLiteral("FILE"));
    options.addValue(QStringLiteral("make-heldout"),
                     QStringLiteral("Regenerate the built-in held-out QA set into FILE and exit."),
                     QStringLiteral("FILE"));
    CommonSpec commonSpec;
    commonSpec.output.jsonFileSpelling = true;
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    const BuiltInQaSet &builtIn = builtInQaSet(options.value(QStringLiteral("set")));
    if (options.isSet(QStringLiteral("make-heldout")))
        return makeHeldOut(builtIn, options.value(QStringLiteral("make-heldout")));
    if (options.isSet(QStringLiteral("set")) && options.isSet(QStringLiteral("data")))
        throw Error(QStringLiteral("--set chooses a built-in set and --data a file: give one"));

    CollabBenchCommand command;
    CollabBenchSettings &settings = command.bench;
    const PairOptions pair = readPairOptions(options);
    settings.studentName = pair.student;
    settings.teacherName = pair.teacher;
    const bool useBuiltIn = !options.isSet(QStringLiteral("data"));
    QaDataOptions data =
        readQaDataOptions(options, builtInQaSetPath(builtIn),
                          useBuiltIn ? builtIn.promptTemplate : settings.promptTemplate);
    if (useBuiltIn && !options.isSet(QStringLiteral("answer-regex")))
        data.format.answerPattern = builtIn.answerPattern;
    settings.dataName = data.dataPath;
    settings.promptTemplate = data.promptTemplate;
    settings.answerPattern = data.format.answerPattern;
    settings.calibrationFraction = options.doubleValue(QStringLiteral("calibration-share"));
    if (!(settings.calibrationFraction >= 0 && settings.calibrationFraction < 1))
        throw Error(QStringLiteral("--calibration-share must be in [0, 1), got '%1'")
                        .arg(options.value(QStringLiteral("calibration-share"))));
    const QString alphas = options.value(QStringLiteral("alphas"));
    const QString ns = options.value(QStringLiteral("ns"));
    const QString taus = options.value(QStringLiteral("taus"));
    settings.alphas = parseGrid(alphas, QStringLiteral("--alphas"));
    settings.ns.clear();
    for (double n : parseGrid(ns, QStringLiteral("--ns"))) {
        if (n < 0 || n != std::floor(n))
            throw Error(QStringLiteral("--ns expects non-negative integers"));
        settings.ns.push_back(int(n));
    }
    settings.taus = parseGrid(taus, QStringLiteral("--taus"));
    settings.maxTokens = readSamplingOptions(options, samplingSpec).maxTokens;
    QVector<QaItem> items = loadQaSet(settings.dataName, data.format);
    const int limitCount = options.intValue(QStringLiteral("limit"));
    if (limitCount > 0 && limitCount < items.size())
        items.resize(limitCount);
    command.common = readCommonOptions(options, commonSpec);

    PrintedProgress progress;
    const LanguageModelPtr studentModel = loadModel(command.common, settings.studentName);
    const LanguageModelPtr teacherModel = loadModel(command.common, settings.teacherName);
    const CollabBenchResult result =
        runCollabBenchmark(*studentModel, *teacherModel, items, settings,
                           options.value(QStringLiteral("session")), &progress);
    clearProgressLine();
    if (options.isSet(QStringLiteral("csv")))
        writeFileAtomically(options.value(QStringLiteral("csv")), collabBenchCsv(result));
    command.common.output.writeResult(collabBenchJson(result), [&](QTextStream &out) {
        printBenchmark(out, settings, result, alphas, ns, taus);
    });
    return 0;
}

} // namespace nwc::cli
