#include "text/jsonfile.h"

#include "jobs/error.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

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
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(readAll(path), &error);
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

} // namespace nwc
