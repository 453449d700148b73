#pragma once
// Trains a byte-level BPE tokenizer and writes it as a Hugging Face tokenizer.json that our
// Tokenizer::load (and HF tokenizers) read back.

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QVector>
#include <utility>
#include <vector>

namespace nwc {

class ProgressSink;

/// Vocabulary size, special tokens and merge threshold of a BPE training run.
struct BpeTrainerSettings {
    int vocabSize = 1024; ///< including the byte tokens and the special tokens
    QString bosToken = QStringLiteral("<|bos|>");
    QString eosToken = QStringLiteral("<|eos|>");
    int minFrequency = 2; ///< a pair seen fewer times is never merged
};

/// Byte-level BPE trainer. Text is pre-tokenized with preTokenizerPattern() (which keeps every
/// digit a token of its own, so arithmetic stays learnable); pieces are counted; then the most
/// frequent adjacent pair is merged until the vocabulary is full. Ties are broken by the
/// lexicographic order of the pair's bytes (left, then right), so training is deterministic.
/// Ids: 0 = BOS, 1 = EOS, 2..257 = the bytes 0..255, then merged tokens in merge order.
class BpeTrainer {
public:
    explicit BpeTrainer(const BpeTrainerSettings &settings = BpeTrainerSettings());

    /// Pre-tokenizes and counts one document (UTF-8). Call before train().
    void addText(const QByteArray &utf8);
    /// Learns the merges. Reports progress once per merge batch; throws nwc::Cancelled.
    void train(ProgressSink *progress = nullptr);

    /// Learned merges as (left, right) byte strings, in merge order.
    const std::vector<std::pair<QByteArray, QByteArray>> &merges() const { return m_merges; }
    /// Token id -> raw bytes (special tokens as their UTF-8 text).
    const std::vector<QByteArray> &tokens() const { return m_tokens; }
    /// Size of the trained vocabulary (may stay below the setting on a small corpus).
    int vocabSize() const { return int(m_tokens.size()); }
    int bosId() const { return 0; }
    int eosId() const { return 1; }

    /// The Hugging Face tokenizer.json document of the trained tokenizer.
    QByteArray tokenizerJson() const;
    /// The tokenizer_config.json that names the BOS and EOS tokens (where HF loaders and
    /// Tokenizer::load look for them).
    QByteArray tokenizerConfigJson() const;
    /// Writes tokenizer.json and tokenizer_config.json into `directory` (created if needed),
    /// each atomically; throws nwc::Error naming the file.
    void save(const QString &directory) const;

    /// The Split pre-tokenizer regex (GPT-2 style, digits isolated one by one).
    static QString preTokenizerPattern();
    /// Splits text into pre-tokenizer pieces (the same regex, "Isolated" behaviour).
    static QVector<QByteArray> preTokenize(const QByteArray &utf8);
    /// GPT-2's byte-to-unicode table applied to raw bytes (how vocab and merges spell tokens).
    static QString byteLevelEncode(const QByteArray &bytes);

private:
    struct Word {
        std::vector<int> symbols;
        qint64 count = 0;
    };

    int tokenId(const QByteArray &bytes);

    BpeTrainerSettings m_settings;
    QHash<QByteArray, qint64> m_pieceCounts;
    std::vector<QByteArray> m_tokens;
    QHash<QByteArray, int> m_ids;
    std::vector<std::pair<QByteArray, QByteArray>> m_merges;
    bool m_trained = false;
};

} // namespace nwc
