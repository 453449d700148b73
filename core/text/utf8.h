#pragma once
// UTF-8 <-> UTF-16 conversions that keep every character. QString::fromUtf8 drops a leading
// byte-order mark, which is a character like any other to a tokenizer (Llama 2 has a piece
// for it).

#include <QByteArray>
#include <QString>

namespace nwc {

/// Exact UTF-8 decoding for tokenizers.
class Utf8 {
public:
    /// Decodes `bytes`, keeping a leading U+FEFF; invalid sequences become U+FFFD.
    static QString decode(const QByteArray &bytes);
    /// True when `bytes` is valid UTF-8.
    static bool isValid(const QByteArray &bytes);
};

} // namespace nwc
