#pragma once
// Question-answering accuracy with greedy generation: JSONL {question, answer} items, a prompt
// template, and answer extraction ("The answer is N." else the last number in the completion).

#include <QString>
#include <QVector>

namespace nwc {

class LanguageModel;
class ProgressSink;

/// One question with its reference answer.
struct QaItem {
    QString question;
    QString answer;
};

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

/// Reads JSONL lines {"question": ..., "answer": ...}; throws nwc::Error naming the file and line.
QVector<QaItem> loadQaSet(const QString &path);

/// The text after the last "The answer is" up to the end of the number/word, else the last
/// number in the text; trailing punctuation removed. Empty when nothing was found.
QString extractAnswer(const QString &completion);

/// Answers each item greedily: prompt = promptTemplate with "{question}" replaced; generation
/// stops at EOS or after maxTokens. Compares extractAnswer(completion) with the reference answer.
QaResult evaluateQa(const LanguageModel &model, const QVector<QaItem> &items,
                    const QString &promptTemplate, int maxTokens, ProgressSink *progress = nullptr);

} // namespace nwc
