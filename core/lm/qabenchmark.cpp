#include "lm/qabenchmark.h"

#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/generator.h"
#include "lm/languagemodel.h"


namespace nwc {

QaResult evaluateQa(const LanguageModel &model, const QVector<QaItem> &items,
                    const QString &promptTemplate, int maxTokens, ProgressSink *progress,
                    const QString &answerPattern) {
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
        outcome.extracted = extractAnswer(completion, answerPattern);
        outcome.correct = answersMatch(outcome.extracted, items.at(i).answer);
        result.correct += outcome.correct ? 1 : 0;
        result.outcomes.append(outcome);
    }
    reportProgress(progress, 1.0, QStringLiteral("done"));
    return result;
}

} // namespace nwc
