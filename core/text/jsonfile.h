#pragma once
// Reading whole tokenizer files with errors that name the file.

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <cstdint>

namespace nwc {

/// File helpers shared by the tokenizer readers; all throw nwc::Error naming the file.
class JsonFile {
public:
    /// The whole file.
    static QByteArray readAll(const QString &path);
    /// The file parsed as a JSON object.
    static QJsonObject readObject(const QString &path);
    /// `bytes` with every raw U+FEFF inside the text written as the escape \ufeff (a leading
    /// byte-order mark dropped): Qt's JSON parser silently drops raw U+FEFF characters, even
    /// inside strings, where tokenizers hold it as a piece (Gemma 3 merges "▁" + U+FEFF).
    static QByteArray escapeByteOrderMarks(const QByteArray &bytes);
    /// `bytes` (the contents of `path`) parsed as a JSON object.
    static QJsonObject parseObject(const QByteArray &bytes, const QString &path);
    /// The token id `value` given for the `kind` ("piece", "added token") named `name`, in a
    /// file with `entries` vocabulary entries and added tokens: an integer from 0 to below
    /// 2 x entries + 256. Ids index the model's embedding rows, so an id far beyond the entry
    /// count means a damaged file (and would make the id tables huge).
    static int32_t tokenId(const QJsonValue &value, qsizetype entries, const QString &path,
                           const QString &kind, const QString &name);
};

} // namespace nwc
