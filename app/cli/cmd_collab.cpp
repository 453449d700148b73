// nwc collab: the student alone next to the student steered by a teacher for its first N
// tokens (docs/architecture.md, Collaborative decoding), with an optional per-step trace.
#include "cli/clioutput.h"
#include "cli/commands.h"

#include "decode/collaborativedecoder.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>

namespace nwc::cli {
namespace {

QJsonArray topJson(const QVector<TokenProbability> &entries) {
    QJsonArray array;
    for (const TokenProbability &entry : entries) {
        QJsonObject object;
        object[QStringLiteral("id")] = entry.id;
        object[QStringLiteral("text")] = entry.text;
        object[QStringLiteral("value")] = entry.value;
        array.append(object);
    }
    return array;
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

} // namespace

int runCollab(const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption student(QStringLiteral("student"),
                                     QStringLiteral("Student model (default demo:student)."),
                                     QStringLiteral("MODEL"), QStringLiteral("demo:student"));
    const QCommandLineOption teacher(
        QStringLiteral("teacher"),
        QStringLiteral("Teacher model, may be a .nwc container (default demo:teacher)."),
        QStringLiteral("MODEL"), QStringLiteral("demo:teacher"));
    const QCommandLineOption prompt(QStringLiteral("prompt"), QStringLiteral("Prompt text."),
                                    QStringLiteral("TEXT"));
    const QCommandLineOption alpha(QStringLiteral("alpha"),
                                   QStringLiteral("Mixing coefficient, any real (default 1)."),
                                   QStringLiteral("A"), QStringLiteral("1"));
    const QCommandLineOption steered(QStringLiteral("n"),
                                     QStringLiteral("Tokens steered by the rule (default 5)."),
                                     QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption tau(QStringLiteral("tau"),
                                 QStringLiteral("Gate: alpha_eff = 0 while the student's entropy "
                                                "is below tau nats (implies --mode gated)."),
                                 QStringLiteral("T"));
    const QCommandLineOption mode(QStringLiteral("mode"),
                                  QStringLiteral("student, teacher, fixed or gated (default "
                                                 "fixed, gated when --tau is given)."),
                                  QStringLiteral("MODE"));
    const QCommandLineOption maxTokens(QStringLiteral("max-tokens"),
                                       QStringLiteral("Tokens to generate (default 64)."),
                                       QStringLiteral("K"), QStringLiteral("64"));
    const QCommandLineOption temperature(
        QStringLiteral("temperature"),
        QStringLiteral("Student temperature after N tokens (default 0 = greedy)."),
        QStringLiteral("T"), QStringLiteral("0"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed."),
                                  QStringLiteral("S"), QStringLiteral("42"));
    const QCommandLineOption trace(QStringLiteral("trace"),
                                   QStringLiteral("Print every step the teacher took part in."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOptions({student, teacher, prompt, alpha, steered, tau, mode, maxTokens, temperature,
                       seed, trace, json});
    int exitCode = 0;
    if (!parseOrExit(parser, args, QStringLiteral("collab"),
                     QStringLiteral("Generate with the student alone and with the student "
                                    "steered by the teacher for its first N tokens: "
                                    "S = p_s + alpha (p_t - p_s), token = argmax S."),
                     &exitCode))
        return exitCode;
    if (!parser.isSet(prompt))
        throw Error(QStringLiteral("collab needs --prompt TEXT"));

    CollaborativeSettings settings;
    settings.alpha = doubleOption(parser, alpha.names().first());
    settings.steeredTokens = intOption(parser, steered.names().first());
    settings.maxTokens = intOption(parser, maxTokens.names().first());
    settings.sampling.temperature = doubleOption(parser, temperature.names().first());
    bool seedOk = false;
    settings.sampling.seed = parser.value(seed).toULongLong(&seedOk);
    if (!seedOk)
        throw Error(QStringLiteral("--seed expects a non-negative integer, got '%1'")
                        .arg(parser.value(seed)));
    if (parser.isSet(tau)) {
        settings.tau = doubleOption(parser, tau.names().first());
        settings.mode = CollaborativeMode::GatedAlpha;
    }
    if (parser.isSet(mode))
        settings.mode = parseCollaborativeMode(parser.value(mode));

    CallbackProgress progress(
        [](double fraction, const QString &message) { printProgress(fraction, message); });
    const LanguageModelPtr studentModel =
        LanguageModel::load(parser.value(student), QString(), &progress);
    LanguageModelPtr teacherModel;
    if (settings.mode != CollaborativeMode::StudentOnly)
        teacherModel = LanguageModel::load(parser.value(teacher), QString(), &progress);

    CollaborativeSettings aloneSettings = settings;
    aloneSettings.mode = CollaborativeMode::StudentOnly;
    CollaborativeDecoder aloneDecoder(studentModel, nullptr, aloneSettings);
    const CollaborativeResult alone = aloneDecoder.run(parser.value(prompt));
    CollaborativeDecoder decoder(studentModel, teacherModel, settings);
    const CollaborativeResult together = decoder.run(parser.value(prompt));
    printProgress(1.0, QString());

    QTextStream out(stdout);
    const QString modeName = collaborativeModeName(settings.mode);
    if (parser.isSet(json)) {
        QJsonObject object;
        object[QStringLiteral("student")] = parser.value(student);
        object[QStringLiteral("teacher")] = teacherModel ? parser.value(teacher) : QString();
        object[QStringLiteral("prompt")] = parser.value(prompt);
        object[QStringLiteral("mode")] = modeName;
        object[QStringLiteral("alpha")] = settings.alpha;
        object[QStringLiteral("n")] = settings.steeredTokens;
        object[QStringLiteral("tau")] = settings.tau;
        object[QStringLiteral("student_alone")] = alone.completion;
        object[QStringLiteral("collaborative")] = together.completion;
        object[QStringLiteral("flipped")] = together.flippedCount();
        object[QStringLiteral("teacher_steps")] = together.teacherSteps();
        if (parser.isSet(trace)) {
            QJsonArray steps;
            for (const StepTrace &step : together.steps)
                steps.append(stepJson(step));
            object[QStringLiteral("trace")] = steps;
        }
        printJson(QJsonDocument(object));
        return 0;
    }
    out << "student alone:  " << alone.completion << '\n';
    out << "collaborative (" << modeName;
    if (settings.mode == CollaborativeMode::FixedAlpha ||
        settings.mode == CollaborativeMode::GatedAlpha)
        out << ", alpha " << settings.alpha << ", N " << settings.steeredTokens;
    if (settings.mode == CollaborativeMode::GatedAlpha)
        out << ", tau " << settings.tau;
    out << "): " << together.completion << '\n';
    out << "teacher ran at " << together.teacherSteps() << " step(s); " << together.flippedCount()
        << " token(s) differ from the student's own choice\n";
    if (parser.isSet(trace)) {
        out << "\nstep  source           token        flip  a_eff   H(p_s)  H(p_t)  "
               "KL(t||s)  top p_s | top p_t | top S\n";
        for (const StepTrace &step : together.steps) {
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
    return 0;
}

} // namespace nwc::cli
