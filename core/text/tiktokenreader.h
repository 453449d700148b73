#pragma once
// Reads tiktoken BPE rank files ("base64(token bytes) rank" per line), e.g. Llama 3's
// original/tokenizer.model.

#include <QByteArray>
#include <QString>
#include <memory>

namespace nwc {

class BpeTokenizer;

/// Builds a byte-level BpeTokenizer from a tiktoken rank file. tiktoken merges the adjacent
/// pair whose concatenation has the lowest rank; every split of every token into two tokens
/// becomes a merge with that token's rank, which is the same rule.
class TiktokenReader {
public:
    /// True when `head` (the first bytes of a file) looks like a tiktoken rank file.
    static bool looksLikeTiktoken(const QByteArray &head);
    /// Reads `path`; `hint` picks the pre-tokenizer as for Gpt2FilesReader, "llama3" when
    /// empty (the file does not store it). Throws nwc::Error naming the file.
    static std::unique_ptr<BpeTokenizer> read(const QString &path, const QString &hint);
};

} // namespace nwc
