#include "cli/tokenpieces.h"

#include "text/utf8.h"

#include <vector>

namespace nwc::cli {
namespace {

/// The byte of a byte-fallback piece "<0xNN>"; -1 for any other piece.
int byteFallbackValue(const QString &piece) {
    if (piece.size() != 6 || !piece.startsWith(QLatin1String("<0x")) ||
        piece.at(5) != QLatin1Char('>'))
        return -1;
    bool ok = false;
    const int value = piece.mid(3, 2).toInt(&ok, 16);
    return ok && value >= 0 && value <= 0xff ? value : -1;
}

QString hexByte(uchar byte) {
    return QStringLiteral("\\x%1").arg(uint(byte), 2, 16, QLatin1Char('0'));
}

/// The two-character escape of \n, \r, \t and \\; null for any other byte.
const char *shortEscape(uchar byte) {
    switch (byte) {
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    case '\\':
        return "\\\\";
    default:
        return nullptr;
    }
}

void appendAscii(QString &out, uchar byte) {
    if (const char *escape = shortEscape(byte))
        out += QLatin1String(escape);
    else if (byte < 0x20 || byte == 0x7f)
        out += hexByte(byte);
    else
        out += QLatin1Char(char(byte));
}

/// Bytes a UTF-8 sequence starting with `lead` (>= 0x80) takes; 0 for a byte no sequence
/// starts with.
int sequenceLength(uchar lead) {
    if (lead >= 0xc2 && lead <= 0xdf)
        return 2;
    if (lead >= 0xe0 && lead <= 0xef)
        return 3;
    if (lead >= 0xf0 && lead <= 0xf4)
        return 4;
    return 0;
}

} // namespace

QByteArray tokenPieceBytes(const Tokenizer &tokenizer, int32_t id) {
    const int byte = byteFallbackValue(tokenizer.tokenText(id));
    if (byte >= 0)
        return QByteArray(1, char(byte));
    // Decoders may treat the start of a text specially (SentencePiece drops the first piece's
    // space): the piece is what the token adds after a copy of itself.
    const QByteArray alone = tokenizer.decodeBytes(std::vector<int32_t>{id});
    const QByteArray twice = tokenizer.decodeBytes(std::vector<int32_t>{id, id});
    if (twice.size() > alone.size() && twice.startsWith(alone))
        return twice.mid(alone.size());
    return alone;
}

QString escapedPiece(const QByteArray &bytes) {
    QString out;
    qsizetype at = 0;
    while (at < bytes.size()) {
        const uchar lead = uchar(bytes.at(at));
        if (lead < 0x80) {
            appendAscii(out, lead);
            ++at;
            continue;
        }
        const int length = sequenceLength(lead);
        const QByteArray sequence = bytes.mid(at, length);
        if (length == 0 || sequence.size() < length || !Utf8::isValid(sequence)) {
            out += hexByte(lead);
            ++at;
            continue;
        }
        const QString character = Utf8::decode(sequence);
        const char32_t code = char32_t(character.toUcs4().value(0));
        if (QChar::isPrint(code))
            out += character;
        else
            out += QStringLiteral("\\u{%1}").arg(uint(code), 4, 16, QLatin1Char('0'));
        at += length;
    }
    return out;
}

QString TokenPieces::shown(int32_t id) {
    const auto found = m_shown.constFind(id);
    if (found != m_shown.constEnd())
        return found.value();
    const QString piece = escapedPiece(tokenPieceBytes(m_tokenizer, id));
    m_shown.insert(id, piece);
    return piece;
}

} // namespace nwc::cli
