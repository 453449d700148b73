#pragma once
// Text <-> token ids. Torch-free. Implementations: Hugging Face tokenizer.json BPE (byte-level
// and SentencePiece-style), GPT-2 vocab.json + merges.txt, SentencePiece tokenizer.model,
// llama2.c tok*.bin.

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace nwc {

/// Converts between text and token ids.
class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    /// Loads the tokenizer in `path`: a tokenizer.json, a tokenizer.model (SentencePiece),
    /// vocab.json (merges.txt beside it), encoder.json (vocab.bpe beside it), or a llama2.c
    /// tok*.bin; a directory is searched for those names in that order. Throws nwc::Error.
    /// `preTokenizerHint` selects the pre-tokenizer regex when the file does not say
    /// ("gpt2", "llama3", "qwen2"); ignored for tokenizer.json files that specify one.
    static std::unique_ptr<Tokenizer> load(const QString &path,
                                           const QString &preTokenizerHint = QString());

    /// Encodes UTF-8 text. With addSpecialTokens, BOS (and what the post-processor adds) is
    /// included. Special/added tokens written in the text are recognised as such when
    /// parseSpecial is true.
    virtual std::vector<int32_t> encode(const QByteArray &utf8, bool addSpecialTokens = false,
                                        bool parseSpecial = false) const = 0;
    std::vector<int32_t> encode(const QString &text, bool addSpecialTokens = false,
                                bool parseSpecial = false) const
    {
        return encode(text.toUtf8(), addSpecialTokens, parseSpecial);
    }
    /// The bytes `ids` decode to (may end inside a UTF-8 sequence). Special tokens are
    /// included unless skipSpecial.
    virtual QByteArray decodeBytes(const std::vector<int32_t> &ids,
                                   bool skipSpecial = false) const = 0;
    /// Decoded text (invalid UTF-8 replaced).
    QString decode(const std::vector<int32_t> &ids, bool skipSpecial = false) const
    {
        return QString::fromUtf8(decodeBytes(ids, skipSpecial));
    }

    virtual int vocabSize() const = 0;
    /// The token's piece as stored in the vocabulary (for display).
    virtual QString tokenText(int32_t id) const = 0;
    /// -1 when absent.
    virtual int32_t bosId() const = 0;
    virtual int32_t eosId() const = 0;
    /// "bpe-bytelevel", "bpe-sentencepiece", "sentencepiece", "llama2c".
    virtual QString kind() const = 0;
    /// SHA-256 over vocabulary and merges: equal for tokenizers that encode identically.
    virtual QByteArray fingerprint() const = 0;
};

} // namespace nwc
