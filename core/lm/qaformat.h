#pragma once
// Question-answering data: JSONL files of questions with reference answers (the built-in sets,
// GSM8K-style files whose answer ends in "#### N", or any JSONL with other field names), and
// finding a model's answer in its completion (a built-in rule or a regular expression).

#include <QString>
#include <QVector>

namespace nwc {

/// One question with its reference answer.
struct QaItem {
    QString question;
    QString answer;
};

/// How a QA file is read and how answers are found in completions.
struct QaFormat {
    QString questionField = QStringLiteral("question");
    QString answerField = QStringLiteral("answer");
    /// Regular expression searched in each completion; the last match's first capture group
    /// (the whole match when it has none) is the model's answer. Empty: extractAnswer()'s rule.
    QString answerPattern;
};

/// Reads JSONL lines with the format's question and answer fields (a number or a string). A
/// GSM8K-style answer (working, then "#### N") becomes N. Throws nwc::Error naming the file
/// and line for a line that is not such an object, and for a file without questions.
QVector<QaItem> loadQaSet(const QString &path, const QaFormat &format = {});

/// The reference in an answer field: the text after the last "####" when there is one (GSM8K),
/// else the field; trimmed.
QString referenceAnswer(const QString &field);

/// The built-in rule: the text after the last "The answer is" or "####" up to the end of the
/// number/word, else the last number in the text; trailing punctuation and thousands
/// separators removed. Empty when nothing was found.
QString extractAnswer(const QString &completion);
/// With a non-empty `pattern` (see QaFormat::answerPattern), the last match of it; else
/// extractAnswer(completion). Throws nwc::Error for an invalid pattern.
QString extractAnswer(const QString &completion, const QString &pattern);

/// Throws nwc::Error naming `option` when `pattern` is not a valid regular expression or has
/// more than one capture group.
void checkAnswerPattern(const QString &pattern, const QString &option);

/// Whether an extracted answer is the reference: equal after trimming, removing a leading "$",
/// thousands separators and trailing ".", or equal as numbers ("72.0" is "72"). An empty
/// extraction is never correct.
bool answersMatch(const QString &extracted, const QString &reference);

} // namespace nwc
