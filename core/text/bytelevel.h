#pragma once
// GPT-2's reversible map between bytes and printable Unicode characters ("byte-level" BPE):
// vocabulary files store every token as a string of these characters (a space is "Ġ").

#include <QByteArray>
#include <QString>
#include <optional>

namespace nwc {

/// The GPT-2 bytes <-> unicode table (openai/gpt-2 encoder.py `bytes_to_unicode`).
class ByteLevel {
public:
    /// The character that stands for `byte` in byte-level vocabulary strings.
    static QChar charForByte(unsigned char byte);
    /// The bytes a byte-level vocabulary string stands for; nullopt when it contains a
    /// character outside the table (such strings are plain text, e.g. added tokens).
    static std::optional<QByteArray> decode(const QString &text);
    /// The byte-level string for raw bytes (inverse of decode()).
    static QString encode(const QByteArray &bytes);
};

} // namespace nwc
