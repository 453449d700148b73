#pragma once
// How `nwc tokenize` shows a token: the bytes it adds to the decoded text (as llama.cpp's
// llama-tokenize shows them), escaped so that every piece fits on one line.

#include "text/tokenizer.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <cstdint>

namespace nwc::cli {

/// The bytes token `id` adds to decoded text: with the leading space that SentencePiece-style
/// decoders drop at the start of a text (" Hello", not "Hello"), a byte-fallback piece <0xNN>
/// as its byte, a special token as its name. A byte-level piece may be part of a UTF-8
/// character.
QByteArray tokenPieceBytes(const Tokenizer &tokenizer, int32_t id);

/// `bytes` for one line of output: valid, printable UTF-8 as it is; \n, \r, \t and \\ escaped
/// so; other control characters and bytes outside valid UTF-8 as \xNN; invisible code points
/// (U+FEFF, U+200D, ...) as \u{NNNN}.
QString escapedPiece(const QByteArray &bytes);

/// The escaped pieces of a tokenizer's ids, each computed once.
class TokenPieces {
public:
    explicit TokenPieces(const Tokenizer &tokenizer)
        : m_tokenizer(tokenizer) {}
    /// escapedPiece(tokenPieceBytes(tokenizer, id)).
    QString shown(int32_t id);

private:
    const Tokenizer &m_tokenizer;
    QHash<int32_t, QString> m_shown;
};

} // namespace nwc::cli
