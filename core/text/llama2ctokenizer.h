#pragma once
// llama2.c tokenizer files (tokenizer.bin, tok512.bin): pieces with scores, encoded the way
// llama2.c's run.c does.

#include "text/bpemodel.h"
#include "text/tokenizer.h"

#include <vector>

namespace nwc {

/// run.c's tokenizer: a dummy-prefix space before non-empty text, one symbol per UTF-8
/// character (bytes as ids 3 + byte when the character is not a piece), then repeatedly
/// merge the adjacent pair whose concatenation is the piece with the highest score
/// (leftmost on ties). BOS = 1, EOS = 2. parseSpecial has no effect.
class Llama2cTokenizer : public Tokenizer {
public:
    /// Reads a llama2.c tokenizer file. Throws nwc::Error naming the file.
    explicit Llama2cTokenizer(const QString &path);

    using Tokenizer::encode;
    /// With addSpecialTokens, BOS is prepended (run.c's generate does the same).
    std::vector<int32_t> encode(const QByteArray &utf8, bool addSpecialTokens = false,
                                bool parseSpecial = false) const override;
    /// As run.c prints tokens: a piece that follows BOS loses its leading space, and <0xNN>
    /// pieces become the raw byte. Ids outside the vocabulary decode to nothing.
    QByteArray decodeBytes(const std::vector<int32_t> &ids,
                           bool skipSpecial = false) const override;
    int vocabSize() const override { return int(m_pieces.size()); }
    QString tokenText(int32_t id) const override;
    int32_t bosId() const override { return m_pieces.size() > 1 ? 1 : -1; }
    int32_t eosId() const override { return m_pieces.size() > 2 ? 2 : -1; }
    QString kind() const override { return QStringLiteral("llama2c"); }
    QByteArray fingerprint() const override { return m_fingerprint; }
    /// The piece's score (merge priority).
    float score(int32_t id) const;

private:
    std::vector<QByteArray> m_pieces;
    std::vector<float> m_scores;
    BpeModel m_model;
    QByteArray m_fingerprint;
};

} // namespace nwc
