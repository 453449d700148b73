#include "lm/qaformat.h"

#include "jobs/error.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>

namespace nwc {
namespace {

/// Trimmed, without a leading "$", thousands separators between digits and trailing "." or ",".
QString normalized(QString text) {
    text = text.trimmed();
    if (text.startsWith(QLatin1Char('$')))
        text.remove(0, 1);
    while (!text.isEmpty() &&
           (text.endsWith(QLatin1Char('.')) || text.endsWith(QLatin1Char(','))))
        text.chop(1);
    static const QRegularExpression separator(QStringLiteral("(?<=\\d),(?=\\d{3}\\b)"));
    text.remove(separator);
    return text.trimmed();
}

QString fieldText(const QJsonValue &value) {
    return value.isDouble() ? QString::number(value.toDouble(), 'g', 15) : value.toString();
}

} // namespace

QVector<QaItem> loadQaSet(const QString &path, const QaFormat &format) {
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
        const QJsonValue question = object.value(format.questionField);
        const QJsonValue answer = object.value(format.answerField);
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            throw Error(QStringLiteral("%1:%2: not a JSON object (%3)")
                            .arg(path)
                            .arg(lineNumber)
                            .arg(parseError.errorString()));
        if (!question.isString() || !(answer.isString() || answer.isDouble()))
            throw Error(QStringLiteral("%1:%2: expected a string field \"%3\" and a string or "
                                       "number field \"%4\" (choose other fields with "
                                       "--question-field / --answer-field)")
                            .arg(path)
                            .arg(lineNumber)
                            .arg(format.questionField, format.answerField));
        items.append({question.toString(), referenceAnswer(fieldText(answer))});
    }
    if (items.isEmpty())
        throw Error(QStringLiteral("QA set %1 holds no questions").arg(path));
    return items;
}

QString referenceAnswer(const QString &field) {
    const int marker = field.lastIndexOf(QLatin1String("####"));
    return (marker >= 0 ? field.mid(marker + 4) : field).trimmed();
}

QString extractAnswer(const QString &completion) {
    static const QRegularExpression marker(
        QStringLiteral("(?:The answer is|####)\\s*\\$?(-?[\\w.,]+)"));
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

void checkAnswerPattern(const QString &pattern, const QString &option) {
    const QRegularExpression expression(pattern);
    if (!expression.isValid())
        throw Error(QStringLiteral("%1 '%2' is not a regular expression: %3 at offset %4")
                        .arg(option, pattern, expression.errorString())
                        .arg(expression.patternErrorOffset()));
    if (expression.captureCount() > 1)
        throw Error(QStringLiteral("%1 '%2' has %3 capture groups: use one around the answer "
                                   "(or (?:…) for the others)")
                        .arg(option, pattern)
                        .arg(expression.captureCount()));
}

QString extractAnswer(const QString &completion, const QString &pattern) {
    if (pattern.isEmpty())
        return extractAnswer(completion);
    const QRegularExpression expression(pattern);
    if (!expression.isValid() || expression.captureCount() > 1)
        checkAnswerPattern(pattern, QStringLiteral("the answer pattern")); // throws, saying why
    QRegularExpressionMatchIterator it = expression.globalMatch(completion);
    QString found;
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        found = match.captured(expression.captureCount() >= 1 ? 1 : 0);
    }
    return found.trimmed();
}

bool answersMatch(const QString &extracted, const QString &reference) {
    const QString a = normalized(extracted);
    const QString b = normalized(reference);
    if (a.isEmpty())
        return false;
    if (a == b)
        return true;
    bool aNumber = false;
    bool bNumber = false;
    const double x = a.toDouble(&aNumber);
    const double y = b.toDouble(&bNumber);
    return aNumber && bNumber && std::isfinite(x) && x == y;
}

} // namespace nwc
