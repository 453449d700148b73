#pragma once
// Test helper: one token per byte (id = byte + 3), BOS 1, EOS 2.

#include "text/tokenizer.h"

#include <QCryptographicHash>

namespace nwc::test {

/// A byte tokenizer with a configurable fingerprint, for unit tests.
class ByteTokenizer : public Tokenizer {
public:
    static constexpr int32_t Offset = 3;

    explicit ByteTokenizer(QByteArray fingerprintSeed = QByteArrayLiteral("bytes"))
        : m_fingerprint(QCryptographicHash::hash(fingerprintSeed, QCryptographicHash::Sha256)) {}

    std::vector<int32_t> encode(const QByteArray &utf8, bool addSpecialTokens = false,
                                bool = false) const override {
        std::vector<int32_t> ids;
        if (addSpecialTokens)
            ids.push_back(bosId());
        for (char c : utf8)
            ids.push_back(int32_t(uchar(c)) + Offset);
        return ids;
    }
    QByteArray decodeBytes(const std::vector<int32_t> &ids,
                           bool skipSpecial = false) const override {
        QByteArray bytes;
        for (int32_t id : ids) {
            if (id >= Offset)
                bytes.append(char(id - Offset));
            else if (!skipSpecial)
                bytes.append(id == 1 ? "<s>" : id == 2 ? "</s>" : "<unk>");
        }
        return bytes;
    }
    int vocabSize() const override { return 256 + Offset; }
    QString tokenText(int32_t id) const override { return QString::fromLatin1(decodeBytes({id})); }
    int32_t bosId() const override { return 1; }
    int32_t eosId() const override { return 2; }
    QString kind() const override { return QStringLiteral("test-bytes"); }
    QByteArray fingerprint() const override { return m_fingerprint; }

private:
    QByteArray m_fingerprint;
};

} // namespace nwc::test
