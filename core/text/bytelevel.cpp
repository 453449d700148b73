#include "text/bytelevel.h"

#include <array>

namespace nwc {

namespace {

struct Tables {
    std::array<char16_t, 256> byteToChar{};
    // Every mapped character is below U+0144; -1 marks characters outside the table.
    std::array<int16_t, 324> charToByte{};

    Tables() {
        charToByte.fill(-1);
        int extra = 0;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
            const int c = printable ? b : 256 + extra++;
            byteToChar[b] = char16_t(c);
            charToByte[c] = int16_t(b);
        }
    }
};

const Tables &tables() {
    static const Tables t;
    return t;
}

} // namespace

QChar ByteLevel::charForByte(unsigned char byte) {
    return QChar(tables().byteToChar[byte]);
}

std::optional<QByteArray> ByteLevel::decode(const QString &text) {
    const Tables &t = tables();
    QByteArray out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u >= t.charToByte.size() || t.charToByte[u] < 0)
            return std::nullopt;
        out.append(char(t.charToByte[u]));
    }
    return out;
}

QString ByteLevel::encode(const QByteArray &bytes) {
    const Tables &t = tables();
    QString out;
    out.reserve(bytes.size());
    for (const char b : bytes)
        out.append(QChar(t.byteToChar[static_cast<unsigned char>(b)]));
    return out;
}

} // namespace nwc
