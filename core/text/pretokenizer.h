#pragma once
// The "pre_tokenizer" stage of a Hugging Face tokenizer.json: cuts normalized text into the
// words that BPE merges never cross (GPT-2 regex, Llama 3 Split + ByteLevel, Metaspace, ...).

#include <QJsonValue>
#include <QRegularExpression>
#include <QString>
#include <vector>

namespace nwc {

/// A sequence of splitting steps. Works on UTF-16 text; callers convert each resulting word
/// to UTF-8 for the BPE model, so offsets never mix UTF-16 and bytes.
class PreTokenizer {
public:
    /// How the pieces a pattern matches are kept (tokenizers' SplitDelimiterBehavior).
    enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

    /// Reads tokenizer.json's "pre_tokenizer" (null: the whole text is one word). Supported:
    /// Sequence, Split, ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit,
    /// Punctuation. Throws nwc::Error naming `fileName` otherwise.
    static PreTokenizer fromJson(const QJsonValue &json, const QString &fileName);
    /// A byte-level pre-tokenizer that splits with `pattern` (Isolated), as GPT-2 does.
    static PreTokenizer byteLevelRegex(const QString &pattern, const QString &fileName);

    /// Appends the words of `text` to `out`. `atStart` says whether `text` begins the
    /// input (Metaspace's prepend_scheme "first" only prepends there).
    void split(const QString &text, bool atStart, std::vector<QString> &out) const;

private:
    enum class Kind { Split, ByteLevel, Metaspace };
    struct Step {
        Kind kind = Kind::Split;
        QRegularExpression regex;
        bool hasRegex = false;
        Behavior behavior = Behavior::Isolated;
        bool invert = false;
        bool addPrefixSpace = false; // ByteLevel
        QChar replacement;           // Metaspace
        int prependScheme = 0;       // Metaspace: 0 always, 1 first, 2 never
        bool splitOnReplacement = true;
    };
    struct Piece {
        QString text;
        bool atStart;
    };
    void append(const QJsonValue &json, const QString &fileName);
    static void splitWith(const QRegularExpression &regex, Behavior behavior, bool invert,
                          const Piece &piece, std::vector<Piece> &out);
    void applyStep(const Step &step, const Piece &piece, std::vector<Piece> &out) const;

    std::vector<Step> m_steps;
};

} // namespace nwc
