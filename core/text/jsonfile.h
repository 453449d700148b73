#pragma once
// Reading whole tokenizer files with errors that name the file.

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace nwc {

/// File helpers shared by the tokenizer readers; all throw nwc::Error naming the file.
class JsonFile {
public:
    /// The whole file.
    static QByteArray readAll(const QString &path);
    /// The file parsed as a JSON object.
    static QJsonObject readObject(const QString &path);
};

} // namespace nwc
