#pragma once
// Added tokens (tokenizer.json "added_tokens", Llama 3's <|...|> specials): strings that are
// cut out of the text before BPE and become one id each.

#include <QString>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace nwc {

class Normalizer;

/// The added tokens of a tokenizer and the splitting of text on them (leftmost-longest
/// match, as Hugging Face's Aho-Corasick matcher). Special tokens are only recognised when
/// asked; non-special ones always, as Hugging Face does.
class AddedVocabulary {
public:
    /// One added token, with tokenizer.json's flags.
    struct Token {
        QString content;
        int32_t id = -1;
        bool special = false;
        bool lstrip = false;     ///< also swallows whitespace on its left
        bool rstrip = false;     ///< also swallows whitespace on its right
        bool singleWord = false; ///< only matches outside words
        bool normalized = false; ///< matched in normalized text (else in the raw text)
    };
    /// A piece of split text: an added token (id >= 0) or text to tokenize (id == -1).
    struct Segment {
        QString text;
        int32_t id = -1;
        bool atStart = false; ///< begins at offset 0 of the string that was split
    };

    void add(const Token &token);
    /// Builds the matchers. Normalized tokens are matched in their normalized form, so the
    /// normalizer (may be null) must be the one the tokenizer applies.
    void finalize(const Normalizer *normalizer);

    /// Splits `text` on tokens whose `normalized` flag equals `normalizedTokens`; special
    /// tokens take part only when `parseSpecial`. Appends to `out`.
    void split(const QString &text, bool normalizedTokens, bool parseSpecial,
               std::vector<Segment> &out) const;

    const std::vector<Token> &tokens() const { return m_tokens; }
    bool isEmpty() const { return m_tokens.empty(); }

private:
    struct Node {
        std::unordered_map<char16_t, int32_t> children;
        int32_t token = -1; // index into m_tokens
    };
    struct Trie {
        std::vector<Node> nodes;
        void insert(const QString &pattern, int32_t token);
    };
    const Trie &trieFor(bool normalizedTokens, bool parseSpecial) const {
        return m_tries[(normalizedTokens ? 2 : 0) + (parseSpecial ? 1 : 0)];
    }

    std::vector<Token> m_tokens;
    Trie m_tries[4];
};

} // namespace nwc
