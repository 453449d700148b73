#include "decode/tokenizercompatibility.h"

#include "jobs/mismatcherror.h"
#include "text/tokenizer.h"

#include <QStringList>

namespace nwc {

QString tokenizerDifference(const Tokenizer &student, const Tokenizer &teacher) {
    if (student.kind() != teacher.kind())
        return QStringLiteral("tokenizer kind: %1 vs %2").arg(student.kind(), teacher.kind());
    if (student.vocabSize() != teacher.vocabSize())
        return QStringLiteral("vocabulary size: %1 vs %2 tokens")
            .arg(student.vocabSize())
            .arg(teacher.vocabSize());
    for (int32_t id = 0; id < student.vocabSize(); ++id) {
        const QString a = student.tokenText(id);
        const QString b = teacher.tokenText(id);
        if (a != b)
            return QStringLiteral("the token at index %1: \"%2\" vs \"%3\"").arg(id).arg(a, b);
    }
    if (student.bosId() != teacher.bosId() || student.eosId() != teacher.eosId())
        return QStringLiteral("special tokens: BOS %1 / EOS %2 vs BOS %3 / EOS %4")
            .arg(student.bosId())
            .arg(student.eosId())
            .arg(teacher.bosId())
            .arg(teacher.eosId());
    if (student.fingerprint() != teacher.fingerprint())
        return QStringLiteral("merges (or special-token flags / scores): the vocabularies are "
                              "equal but the fingerprints %1 vs %2 differ")
            .arg(QString::fromLatin1(student.fingerprint().toHex().left(16)),
                 QString::fromLatin1(teacher.fingerprint().toHex().left(16)));
    return QString();
}

namespace {

QString tokenizerFacts(const QString &role, const QString &name, const Tokenizer &tokenizer) {
    return QStringLiteral("%1%2: %3, %4 tokens, BOS %5, EOS %6, fingerprint %7")
        .arg(role, name.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(name),
             tokenizer.kind())
        .arg(tokenizer.vocabSize())
        .arg(tokenizer.bosId())
        .arg(tokenizer.eosId())
        .arg(QString::fromLatin1(tokenizer.fingerprint().toHex().left(16)));
}

} // namespace

void requireCompatibleTokenizers(const Tokenizer &student, const Tokenizer &teacher,
                                 const QString &studentName, const QString &teacherName) {
    const QString difference = tokenizerDifference(student, teacher);
    if (difference.isEmpty())
        return;
    QString who;
    if (!studentName.isEmpty() || !teacherName.isEmpty())
        who = QStringLiteral(" (student %1, teacher %2)").arg(studentName, teacherName);
    const QString details = QStringList{tokenizerFacts(QStringLiteral("student"), studentName, student),
                                        tokenizerFacts(QStringLiteral("teacher"), teacherName, teacher),
                                        QStringLiteral("first difference: %1").arg(difference)}
                                .join(QLatin1Char('\n'));
    throw MismatchError(MismatchKind::TokenizerMismatch,
                        QStringLiteral("the student's and teacher's tokenizers differ%1: %2; "
                                       "collaborative decoding needs one shared tokenizer")
                            .arg(who, difference),
                        details);
}

} // namespace nwc
