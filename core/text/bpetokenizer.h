#pragma once
// A Hugging Face-style BPE tokenizer assembled from its stages: added tokens, normalizer,
// pre-tokenizer, BPE model, post-processor (BOS/EOS) and decoder. The readers for
// tokenizer.json, vocab.json + merges.txt and tiktoken files build one of these.

#include "text/addedvocabulary.h"
#include "text/bpemodel.h"
#include "text/normalizer.h"
#include "text/pretokenizer.h"
#include "text/tokendecoder.h"
#include "text/tokenizer.h"

#include <QCryptographicHash>
#include <QHash>
#include <QString>
#include <memory>
#include <vector>

namespace nwc {

/// Byte-level (GPT-2, Llama 3, Qwen2) or SentencePiece-style (Llama 2, Phi-3) BPE.
class BpeTokenizer : public Tokenizer {
public:
    /// `byteLevel`: vocabulary strings use GPT-2's byte<->unicode map and words are split into
    /// bytes; otherwise pieces are UTF-8 text split into characters (with byte fallback).
    explicit BpeTokenizer(bool byteLevel);

    /// Prepares for about this many pieces and merges (saves rehashing while loading).
    void reserve(int pieces, int merges);
    /// Adds vocabulary entry `piece` (as written in the file) with `id`.
    void addPiece(const QString &piece, int32_t id);
    /// The id of a vocabulary piece as written in the file, or -1.
    int32_t pieceId(const QString &piece) const { return m_pieceIds.value(piece, -1); }
    /// The id of an added token or vocabulary piece with this content, or -1.
    int32_t contentId(const QString &content) const;
    /// The id of an added (special or user-defined) token with this content, or -1.
    int32_t addedTokenId(const QString &content) const;
    /// Appends the merge `left` + `right` (next rank). Returns false when `left`, `right` or
    /// their concatenation is not in the vocabulary.
    bool addMerge(const QString &left, const QString &right);
    /// Appends a merge by ids with an explicit rank (tiktoken / score-ranked vocabularies).
    void addMergeIds(int32_t left, int32_t right, int32_t merged, int32_t rank);
    /// Adds an added token; its id may lie beyond the vocabulary.
    void addAddedToken(const AddedVocabulary::Token &token);
    void setNormalizer(Normalizer normalizer) { m_normalizer = std::move(normalizer); }
    void setPreTokenizer(PreTokenizer preTokenizer) { m_preTokenizer = std::move(preTokenizer); }
    void setDecoder(TokenDecoder decoder) { m_decoder = std::move(decoder); }
    /// Ids placed before / after the text when encoding with addSpecialTokens.
    void setTemplate(std::vector<int32_t> prefix, std::vector<int32_t> suffix);
    void setBosEos(int32_t bos, int32_t eos);
    /// The BPE model, for its options (byte fallback, unknown token, ignore_merges).
    BpeModel &model() { return m_model; }
    /// Builds lookup tables and the fingerprint; call once after the last add*().
    void finalize();

    using Tokenizer::encode;
    std::vector<int32_t> encode(const QByteArray &utf8, bool addSpecialTokens = false,
                                bool parseSpecial = false) const override;
    /// Ids outside the vocabulary decode to nothing, as in Hugging Face tokenizers.
    QByteArray decodeBytes(const std::vector<int32_t> &ids,
                           bool skipSpecial = false) const override;
    int vocabSize() const override { return int(m_pieceText.size()); }
    QString tokenText(int32_t id) const override;
    int32_t bosId() const override { return m_bos; }
    int32_t eosId() const override { return m_eos; }
    QString kind() const override;
    QByteArray fingerprint() const override { return m_fingerprint; }

private:
    void ensureSize(int32_t id);
    void encodeText(const QString &text, bool atStart, std::vector<int32_t> &ids) const;

    bool m_byteLevel;
    BpeModel m_model;
    AddedVocabulary m_added;
    Normalizer m_normalizer;
    PreTokenizer m_preTokenizer;
    TokenDecoder m_decoder;
    QHash<QString, int32_t> m_pieceIds;
    std::vector<QString> m_pieceText;     // id -> piece as written in the file
    std::vector<QByteArray> m_pieceBytes; // id -> what the piece decodes from
    std::vector<bool> m_special;
    std::vector<int32_t> m_prefix;
    std::vector<int32_t> m_suffix;
    int32_t m_bos = -1;
    int32_t m_eos = -1;
    int32_t m_mergeRank = 0;
    std::unique_ptr<QCryptographicHash> m_mergeHash;
    QByteArray m_fingerprint;
};

} // namespace nwc
