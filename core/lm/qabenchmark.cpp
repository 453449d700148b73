#include "lm/qabenchmark.h"

#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/generator.h"
#include "lm/languagemodel.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace nwc {

QVector<QaItem> loadQaSet(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read QA set %1: %2").arg(path, file.errorString()));
    QVector<QaItem> items;
    int lineNumber = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        ++lineNumber;
        if (line.isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        const QJsonObject object = document.object();
        if (parseError.error != QJsonParseError::NoError ||
            !object.contains(QLatin1String("question")) ||
            !object.contains(QLatin1String("answer")))
            throw Error(QStringLiteral("%1:%2: expected a JSON object with \"question\" and "
                                       "\"answer\"")
                            .arg(path)
                            .arg(lineNumber));
        const QJsonValue answer = object.value(QLatin1String("answer"));
        items.append({object.value(QLatin1String("question")).toString(),
                      answer.isDouble() ? QString::number(answer.toDouble()) : answer.toString()});
    }
    if (items.isEmpty())
        throw Error(QStringLiteral("QA set %1 holds no questions").arg(path));
    return items;
}

QString extractAnswer(const QString &completion) {
    static const QRegularExpression marker(QStringLiteral("The answer is\\s*(-?[\\w.,]+)"));
    QRegularExpressionMatchIterator it = marker.globalMatch(completion);
    QString found;
    while (it.hasNext())
        found = it.next().captured(1);
    if (found.isEmpty()) {
        static const QRegularExpression number(QStringLiteral("-?\\d+(?:[.,]\\d+)*"));
        QRegularExpressionMatchIterator numbers = number.globalMatch(completion);
        while (numbers.hasNext())
            found = numbers.next().captured(0);
    }
    while (!found.isEmpty() &&
           (found.endsWith(QLatin1Char('.')) || found.endsWith(QLatin1Char(','))))
        found.chop(1);
    found.remove(QLatin1Char(','));
    return found;
}

QaResult evaluateQa(const LanguageModel &model, const QVector<QaItem> &items,
                    const QString &promptTemplate, int maxTokens, ProgressSink *progress) {
    SamplingSettings settings;
    settings.temperature = 0;
    settings.maxTokens = maxTokens;
    settings.stopAtEos = true;
    QaResult result;
    for (int i = 0; i < items.size(); ++i) {
        throwIfCancelled(progress);
        reportProgress(progress, double(i) / items.size(),
                       QStringLiteral("question %1/%2").arg(i + 1).arg(items.size()));
        QString prompt = promptTemplate;
        prompt.replace(QLatin1String("{question}"), items.at(i).question);
        const GenerationResult generation = generate(model, prompt, settings);
        // Only the first answer counts: cut the completion where a new question would begin.
        QString completion = generation.completion;
        const int nextQuestion = completion.indexOf(QLatin1String("Question:"));
        if (nextQuestion >= 0)
            completion.truncate(nextQuestion);
        QaOutcome outcome;
        outcome.completion = completion;
        outcome.extracted = extractAnswer(completion);
        outcome.correct =
            !outcome.extracted.isEmpty() && outcome.extracted == items.at(i).answer.trimmed();
        result.correct += outcome.correct ? 1 : 0;
        result.outcomes.append(outcome);
    }
    reportProgress(progress, 1.0, QStringLiteral("done"));
    return result;
}

} // namespace nwc
