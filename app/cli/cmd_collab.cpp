// nwc collab: the student alone next to the student steered by a teacher for its first N
// tokens (docs/architecture.md, Collaborative decoding), with an optional per-step trace.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "cli/pairgroup.h"
#include "cli/samplinggroup.h"

#include "decode/collaborativedecoder.h"
#include "jobs/error.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>

namespace nwc::cli {
namespace {

QJsonArray topJson(const QVector<TokenProbability> &entries) {
    return jsonArray(entries, [](const TokenProbability &entry) {
        QJsonObject object;
        object[QStringLiteral("id")] = entry.id;
        object[QStringLiteral("text")] = entry.text;
        object[QStringLiteral("value")] = entry.value;
        return object;
    });
}

QJsonObject stepJson(const StepTrace &step) {
    QJsonObject object;
    object[QStringLiteral("index")] = step.index;
    object[QStringLiteral("source")] = tokenSourceName(step.source);
    object[QStringLiteral("token_id")] = step.tokenId;
    object[QStringLiteral("token")] = step.tokenText;
    object[QStringLiteral("flipped")] = step.flipped;
    object[QStringLiteral("student_choice")] = step.studentChoice;
    object[QStringLiteral("alpha_eff")] = step.alphaEffective;
    object[QStringLiteral("entropy_student")] = step.studentEntropy;
    object[QStringLiteral("top_student")] = topJson(step.studentTop);
    if (step.teacherRan) {
        object[QStringLiteral("entropy_teacher")] = step.teacherEntropy;
        object[QStringLiteral("kl_teacher_student")] = step.klTeacherStudent;
        object[QStringLiteral("top_teacher")] = topJson(step.teacherTop);
        object[QStringLiteral("top_mixed")] = topJson(step.mixedTop);
    }
    return object;
}

/// A token for a table cell: quoted, newlines and tabs escaped.
QString shown(const QString &text) {
    QString copy = text;
    copy.replace(QLatin1Char('\n'), QStringLiteral("\\n"))
        .replace(QLatin1Char('\t'), QStringLiteral("\\t"));
    return QLatin1Char('"') + copy + QLatin1Char('"');
}

QString topCell(const QVector<TokenProbability> &entries) {
    QStringList parts;
    for (int i = 0; i < std::min<int>(3, entries.size()); ++i)
        parts << shown(entries[i].text) + QLatin1Char(' ') +
                     QString::number(entries[i].value, 'f', 3);
    return parts.join(QStringLiteral(", "));
}

/// The steps the teacher took part in, one line each.
void printTrace(QTextStream &out, const std::vector<StepTrace> &steps) {
    out << "\nstep  source           token        flip  a_eff   H(p_s)  H(p_t)  "
           "KL(t||s)  top p_s | top p_t | top S\n";
    for (const StepTrace &step : steps) {
        if (!step.teacherRan)
            continue;
        out << QString::number(step.index).leftJustified(6)
            << tokenSourceName(step.source).leftJustified(17)
            << shown(step.tokenText).leftJustified(13) << (step.flipped ? "yes   " : "no    ")
            << QString::number(step.alphaEffective, 'g', 3).leftJustified(8)
            << QString::number(step.studentEntropy, 'f', 3).leftJustified(8)
            << QString::number(step.teacherEntropy, 'f', 3).leftJustified(8)
            << QString::number(step.klTeacherStudent, 'f', 3).leftJustified(10)
            << topCell(step.studentTop) << " | " << topCell(step.teacherTop) << " | "
            << topCell(step.mixedTop) << '\n';
    }
}

/// Everything `nwc collab` was asked to do.
struct CollabCommand {
    PairOptions pair;
    QString prompt;
    CollaborativeSettings collaboration;
    bool trace = false;
    CommonOptions common;
};

} // namespace

int runCollab(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("collab"));
    addPairOptions(options);
    options.addValue(QStringLiteral("prompt"), QStringLiteral("Prompt text."),
                     QStringLiteral("TEXT"));
    options.addValue(QStringLiteral("alpha"),
                     QStringLiteral("Mixing coefficient, any real (default 1)."),
                     QStringLiteral("A"), QStringLiteral("1"));
    options.addValue(QStringLiteral("n"), QStringLiteral("Tokens steered by the rule (default 5)."),
                     QStringLiteral("N"), QStringLiteral("5"));
    options.addValue(QStringLiteral("tau"),
                     QStringLiteral("Gate: alpha_eff = 0 while the student's entropy is below tau "
                                    "nats (implies --mode gated)."),
                     QStringLiteral("T"));
    options.addValue(QStringLiteral("mode"),
                     QStringLiteral("student, teacher, fixed or gated (default fixed, gated when "
                                    "--tau is given)."),
                     QStringLiteral("MODE"));
    SamplingSpec samplingSpec;
    samplingSpec.defaults = greedySampling();
    samplingSpec.defaults.maxTokens = CollaborativeSettings().maxTokens;
    samplingSpec.temperatureNote = QStringLiteral("Applies to the student after its first N "
                                                  "tokens.");
    addSamplingOptions(options, samplingSpec);
    options.addFlag(QStringLiteral("trace"),
                    QStringLiteral("Print every step the teacher took part in."));
    const CommonSpec commonSpec;
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    if (!options.isSet(QStringLiteral("prompt")))
        throw Error(QStringLiteral("collab needs --prompt TEXT"));

    CollabCommand command;
    command.pair = readPairOptions(options);
    command.prompt = options.value(QStringLiteral("prompt"));
    command.trace = options.isSet(QStringLiteral("trace"));
    CollaborativeSettings &settings = command.collaboration;
    settings.alpha = options.doubleValue(QStringLiteral("alpha"));
    settings.steeredTokens = options.intValue(QStringLiteral("n"));
    settings.sampling = readSamplingOptions(options, samplingSpec);
    settings.maxTokens = settings.sampling.maxTokens;
    if (options.isSet(QStringLiteral("tau"))) {
        settings.tau = options.doubleValue(QStringLiteral("tau"));
        settings.mode = CollaborativeMode::GatedAlpha;
    }
    if (options.isSet(QStringLiteral("mode")))
        settings.mode = parseCollaborativeMode(options.value(QStringLiteral("mode")));
    command.common = readCommonOptions(options, commonSpec);

    const LanguageModelPtr studentModel = loadModel(command.common, command.pair.student);
    LanguageModelPtr teacherModel;
    if (settings.mode != CollaborativeMode::StudentOnly)
        teacherModel = loadModel(command.common, command.pair.teacher);

    CollaborativeSettings aloneSettings = settings;
    aloneSettings.mode = CollaborativeMode::StudentOnly;
    CollaborativeDecoder aloneDecoder(studentModel, nullptr, aloneSettings);
    const CollaborativeResult alone = aloneDecoder.run(command.prompt);
    CollaborativeDecoder decoder(studentModel, teacherModel, settings);
    const CollaborativeResult together = decoder.run(command.prompt);
    printProgress(1.0, QString());

    const QString modeName = collaborativeModeName(settings.mode);
    QJsonObject object;
    object[QStringLiteral("student")] = command.pair.student;
    object[QStringLiteral("teacher")] = teacherModel ? command.pair.teacher : QString();
    object[QStringLiteral("prompt")] = command.prompt;
    object[QStringLiteral("mode")] = modeName;
    object[QStringLiteral("alpha")] = settings.alpha;
    object[QStringLiteral("n")] = settings.steeredTokens;
    object[QStringLiteral("tau")] = settings.tau;
    object[QStringLiteral("student_alone")] = alone.completion;
    object[QStringLiteral("collaborative")] = together.completion;
    object[QStringLiteral("flipped")] = together.flippedCount();
    object[QStringLiteral("teacher_steps")] = together.teacherSteps();
    if (command.trace)
        object[QStringLiteral("trace")] = jsonArray(together.steps, stepJson);
    command.common.output.writeResult(QJsonDocument(object), [&](QTextStream &out) {
        out << "student alone:  " << alone.completion << '\n';
        out << "collaborative (" << modeName;
        if (settings.mode == CollaborativeMode::FixedAlpha ||
            settings.mode == CollaborativeMode::GatedAlpha)
            out << ", alpha " << settings.alpha << ", N " << settings.steeredTokens;
        if (settings.mode == CollaborativeMode::GatedAlpha)
            out << ", tau " << settings.tau;
        out << "): " << together.completion << '\n';
        out << "teacher ran at " << together.teacherSteps() << " step(s); "
            << together.flippedCount() << " token(s) differ from the student's own choice\n";
        if (command.trace)
            printTrace(out, together.steps);
    });
    return 0;
}

} // namespace nwc::cli
