#pragma once
// Question-answering accuracy with greedy generation: QA items (lm/qaformat.h), a prompt
// template and an answer rule.

#include "lm/qaformat.h"

#include <QString>
#include <QVector>

namespace nwc {

class LanguageModel;
class ProgressSink;

/// Outcome of one question.
struct QaOutcome {
    QString completion;
    QString extracted; ///< empty when no answer could be found
    bool correct = false;
};

/// Accuracy over a set and the per-question outcomes.
struct QaResult {
    QVector<QaOutcome> outcomes;
    int correct = 0;
    double accuracy() const { return outcomes.isEmpty() ? 0.0 : double(correct) / outcomes.size(); }
};

/// Answers each item greedily: prompt = promptTemplate with "{question}" replaced; generation
/// stops at EOS or after maxTokens. Compares extractAnswer(completion, answerPattern) with the
/// reference answer (answersMatch).
QaResult evaluateQa(const LanguageModel &model, const QVector<QaItem> &items,
                    const QString &promptTemplate, int maxTokens, ProgressSink *progress = nullptr,
                    const QString &answerPattern = QString());

} // namespace nwc
