#pragma once
// Reads byte-level BPE vocabularies in GPT-2's two-file layout: vocab.json + merges.txt
// (Hugging Face) or encoder.json + vocab.bpe (OpenAI, also used for Llama 3).

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <memory>

namespace nwc {

class BpeTokenizer;

/// Builds a byte-level BpeTokenizer from a vocabulary JSON and a merges text file.
class Gpt2FilesReader {
public:
    /// Reads `vocabPath` and `mergesPath`. `hint` picks the pre-tokenizer regex ("gpt2" when
    /// empty, "llama3", "qwen2"); "llama3" also adds Llama 3's 256 special tokens from id
    /// 128000 and makes addSpecialTokens prepend <|begin_of_text|>. Throws nwc::Error.
    static std::unique_ptr<BpeTokenizer> read(const QString &vocabPath, const QString &mergesPath,
                                              const QString &hint);
    /// As read(), with the vocabulary already parsed.
    static std::unique_ptr<BpeTokenizer> fromJson(const QJsonObject &vocab,
                                                  const QString &vocabPath,
                                                  const QString &mergesPath, const QString &hint);
    /// Adds the special tokens and template for `hint` ("llama3": 256 specials from 128000,
    /// BOS prepended; otherwise <|endoftext|> when the vocabulary has it), the byte-level
    /// pre-tokenizer, and finalizes. Shared with the tiktoken reader.
    static void complete(BpeTokenizer &tokenizer, const QString &hint, const QString &path);
    /// The names of Llama 3.1/3.2's special tokens, for ids 128000..128255.
    static QStringList llama3SpecialTokens();
};

} // namespace nwc
