#include "cli/qadatagroup.h"

#include "jobs/error.h"

#include <QFile>

namespace nwc::cli {

void addQaDataOptions(CommandOptions &options, const QString &builtInDescription) {
    options.addValue(
        QStringLiteral("data"),
        QStringLiteral("JSONL questions with reference answers (default: %1). A GSM8K-style "
                       "answer (working, then \"#### N\") counts as N.")
            .arg(builtInDescription),
        QStringLiteral("FILE"));
    options.addValue(
        QStringLiteral("template"),
        QStringLiteral("File with the prompt template; {question} is replaced (default "
                       "\"Question: {question}\\nAnswer:\", or the built-in set's)."),
        QStringLiteral("FILE"));
    options.addValue(QStringLiteral("question-field"),
                     QStringLiteral("JSON field holding the question (default "
                                    "question)."),
                     QStringLiteral("NAME"), QStringLiteral("question"));
    options.addValue(QStringLiteral("answer-field"),
                     QStringLiteral("JSON field holding the reference answer "
                                    "(default answer)."),
                     QStringLiteral("NAME"), QStringLiteral("answer"));
    options.addValue(
        QStringLiteral("answer-regex"),
        QStringLiteral(
            "Regular expression that finds the model's answer in its completion: the "
            "last match's capture group (or the whole match). Default: after the last "
            "\"The answer is\" or \"####\", else the last number (a built-in set brings its own)."),
        QStringLiteral("REGEX"));
}

QaDataOptions readQaDataOptions(const CommandOptions &options, const QString &builtInPath,
                                const QString &defaultTemplate) {
    QaDataOptions result;
    result.dataPath =
        options.isSet(QStringLiteral("data")) ? options.value(QStringLiteral("data")) : builtInPath;
    result.promptTemplate = defaultTemplate;
    if (options.isSet(QStringLiteral("template"))) {
        QFile file(options.value(QStringLiteral("template")));
        if (!file.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("cannot read the template %1: %2")
                            .arg(file.fileName(), file.errorString()));
        result.promptTemplate = QString::fromUtf8(file.readAll());
    }
    if (!result.promptTemplate.contains(QLatin1String("{question}")))
        throw Error(QStringLiteral("the prompt template has no {question} placeholder: add it "
                                   "where the question goes"));
    result.format.questionField = options.value(QStringLiteral("question-field"));
    result.format.answerField = options.value(QStringLiteral("answer-field"));
    result.format.answerPattern = options.value(QStringLiteral("answer-regex"));
    checkAnswerPattern(result.format.answerPattern, QStringLiteral("--answer-regex"));
    return result;
}

} // namespace nwc::cli
