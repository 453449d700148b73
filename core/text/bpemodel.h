#pragma once
// The byte-pair-encoding core shared by every BPE tokenizer: a vocabulary of byte strings, a
// table of ranked merges, and the merge loop that turns one pre-token into token ids.

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace nwc {

/// Vocabulary + ranked merges; encodes one word (pre-token) at a time. Words are raw bytes:
/// byte-level vocabularies are stored decoded, so no byte<->unicode mapping happens here.
/// Merging pops the lowest-rank adjacent pair from a priority queue (ties: leftmost), as
/// Hugging Face tokenizers, tiktoken and llama2.c do, in O(n log n) for an n-symbol word.
class BpeModel {
public:
    BpeModel();
    BpeModel(const BpeModel &) = delete;
    BpeModel &operator=(const BpeModel &) = delete;

    /// How a word is cut into the initial symbols that merges start from.
    enum class Alphabet {
        Bytes,    ///< one symbol per byte (byte-level BPE: GPT-2, Llama 3, Qwen2)
        Utf8Chars ///< one symbol per UTF-8 character (SentencePiece-style BPE, llama2.c)
    };

    /// Adds a vocabulary entry. When two ids share the same bytes the first one added is
    /// the one encoding produces.
    void addToken(const QByteArray &bytes, int32_t id);
    /// The id of a vocabulary entry, or -1.
    int32_t tokenId(const QByteArray &bytes) const;
    /// Appends a merge of `left` and `right` into `merged` with the given rank (lower merges
    /// first; equal ranks merge leftmost first). A pair already present keeps its first rank.
    void addMerge(int32_t left, int32_t right, int32_t merged, int32_t rank);
    /// Prepares the tables for about this many entries (saves rehashing while loading).
    void reserve(int tokens, int merges);
    /// Number of distinct merge pairs.
    int mergeCount() const { return int(m_merges.size()); }

    /// The option setters apply to later encodeWord() calls (they empty the word cache).
    /// The alphabet is set before finalize(), which builds tables for it.
    void setAlphabet(Alphabet alphabet);
    /// Characters missing from the vocabulary become the <0xNN> tokens of their bytes.
    void setByteFallback(bool enabled);
    /// Sets the id used for byte `b` in byte fallback (default: the "<0xNN>" entry); call
    /// before finalize().
    void setByteFallbackId(unsigned char b, int32_t id) { m_fallbackIds[b] = id; }
    /// Token for symbols that are not in the vocabulary (-1: such symbols are dropped);
    /// with fuse, a run of unknown symbols becomes one unknown token.
    void setUnknown(int32_t id, bool fuse);
    /// A word that is itself a vocabulary entry is emitted without merging (Llama 3).
    void setIgnoreMerges(bool enabled);
    /// Builds the per-byte and per-character lookup tables; call after the last addToken().
    void finalize();

    /// Appends the ids of one word to `out`.
    void encodeWord(const char *data, int size, std::vector<int32_t> &out) const;

private:
    struct Merge {
        int32_t rank;
        int32_t merged;
    };
    static uint64_t pairKey(int32_t left, int32_t right) {
        return (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
    }
    void initialSymbols(const char *data, int size, std::vector<int32_t> &ids) const;
    void pushUnknown(std::vector<int32_t> &ids, bool &lastWasUnknown) const;
    void mergeSymbols(std::vector<int32_t> &ids) const;
    void mergeSegments(std::vector<int32_t> &ids) const;
    void clearCache();
    void buildJunctions();

    QHash<QByteArray, int32_t> m_vocab;
    std::vector<QByteArray> m_idBytes; // id -> bytes, for ids added with addToken()
    std::unordered_map<uint64_t, Merge> m_merges;
    std::unordered_map<uint32_t, int32_t> m_charIds; // UTF-8 bytes packed into an integer
    int32_t m_byteIds[256];
    int32_t m_fallbackIds[256];
    Alphabet m_alphabet = Alphabet::Bytes;
    bool m_byteFallback = false;
    bool m_ignoreMerges = false;
    bool m_fuseUnknown = false;
    int32_t m_unknownId = -1;

    // Long words (SentencePiece-style BPE sees the whole text as one word) are cut where no
    // merge can ever join the two sides: a merge (L, R) can only join symbols a|b when
    // (last character of L, first character of R) == (last of a, first of b). Only for
    // the Utf8Chars alphabet with valid UTF-8 pieces.
    bool m_useJunctions = false;
    std::vector<uint32_t> m_firstChar; // id -> first code point of its bytes
    std::vector<uint32_t> m_lastChar;  // id -> last code point of its bytes
    std::unordered_set<uint64_t> m_junctions;

    // Words seen before (only short ones); guarded because encode() is const and may run
    // on several threads.
    mutable QMutex m_cacheMutex;
    mutable QHash<QByteArray, std::vector<int32_t>> m_cache;
};

} // namespace nwc
