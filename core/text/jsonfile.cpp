#include "text/jsonfile.h"

#include "jobs/error.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <cmath>

namespace nwc {

QByteArray JsonFile::readAll(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot open the tokenizer file (%2); check the path "
                                   "and its permissions")
                        .arg(path, file.errorString()));
    return file.readAll();
}

QJsonObject JsonFile::readObject(const QString &path) {
    return parseObject(readAll(path), path);
}

QByteArray JsonFile::escapeByteOrderMarks(const QByteArray &bytes) {
    static const QByteArray mark("\xef\xbb\xbf");
    if (!bytes.contains(mark))
        return bytes;
    QByteArray escaped = bytes.startsWith(mark) ? bytes.mid(mark.size()) : bytes;
    return escaped.replace(mark, QByteArrayLiteral("\\ufeff"));
}

QJsonObject JsonFile::parseObject(const QByteArray &bytes, const QString &path) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(escapeByteOrderMarks(bytes), &error);
    if (error.error != QJsonParseError::NoError)
        throw Error(QStringLiteral("%1: not valid JSON (%2 at byte %3); the file is damaged or "
                                   "incomplete, download it again")
                        .arg(path, error.errorString())
                        .arg(error.offset));
    if (!document.isObject())
        throw Error(QStringLiteral("%1: expected a JSON object at the top level; this is not a "
                                   "tokenizer file")
                        .arg(path));
    return document.object();
}

int32_t JsonFile::tokenId(const QJsonValue &value, qsizetype entries, const QString &path,
                          const QString &kind, const QString &name) {
    const qint64 limit = 2 * qint64(entries) + 256;
    const double number = value.toDouble(-1.0);
    if (!value.isDouble() || number != std::floor(number) || number < 0 || number >= double(limit))
        throw Error(QStringLiteral("%1: %2 \"%3\" has the id %4; ids are integers from 0 to %5 "
                                   "in a file with %6 entries, the file is damaged")
                        .arg(path, kind, name,
                             value.isDouble() ? QString::number(number, 'g', 17)
                                              : QStringLiteral("(not a number)"))
                        .arg(limit - 1)
                        .arg(entries));
    return int32_t(number);
}

} // namespace nwc
