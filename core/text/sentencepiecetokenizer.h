#pragma once
// SentencePiece tokenizer.model files (Llama 2, Mistral, TinyLlama), through libsentencepiece.

#include "text/tokenizer.h"

#include <memory>

namespace nwc {

class SentencePieceBridge;

/// Wraps a SentencePiece model loaded through SentencePieceBridge. BOS is the model's bos_id; encoding with
/// addSpecialTokens prepends it (no EOS), as Llama's tokenizers do.
class SentencePieceTokenizer : public Tokenizer {
public:
    /// Loads a SentencePiece ModelProto file. Throws nwc::Error naming the file.
    explicit SentencePieceTokenizer(const QString &path);
    ~SentencePieceTokenizer() override;

    using Tokenizer::encode;
    /// With parseSpecial, control pieces written in the text (<s>, </s>) become their ids and
    /// the text between them is encoded separately.
    std::vector<int32_t> encode(const QByteArray &utf8, bool addSpecialTokens = false,
                                bool parseSpecial = false) const override;
    /// Control pieces are written as their text unless skipSpecial; ids outside the
    /// vocabulary decode to nothing.
    QByteArray decodeBytes(const std::vector<int32_t> &ids,
                           bool skipSpecial = false) const override;
    int vocabSize() const override;
    QString tokenText(int32_t id) const override;
    int32_t bosId() const override;
    int32_t eosId() const override;
    QString kind() const override { return QStringLiteral("sentencepiece"); }
    QByteArray fingerprint() const override { return m_fingerprint; }

private:
    void encodePlain(const QByteArray &utf8, std::vector<int32_t> &ids) const;
    bool isSpecial(int32_t id) const;

    QString m_path;
    std::unique_ptr<SentencePieceBridge> m_processor;
    QByteArray m_fingerprint;
};

} // namespace nwc
