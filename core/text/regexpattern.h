#pragma once
// Pre-tokenizer regular expressions: the built-in GPT-2 / Llama 3 / Qwen2 patterns and the
// compilation of patterns taken from tokenizer.json files into QRegularExpression (PCRE2).

#include <QRegularExpression>
#include <QString>

namespace nwc {

/// Compiles tokenizer regexes the way Hugging Face tokenizers (Oniguruma) reads them.
class RegexPattern {
public:
    /// The pattern for a pre-tokenizer hint: "gpt2", "llama3" or "qwen2"; an empty string for
    /// anything else.
    static QString builtin(const QString &name);
    /// Compiles `pattern` with Unicode classes (\s, \d, \w match Unicode as in Oniguruma) and
    /// multi-line anchors (Oniguruma's Ruby syntax); JIT-compiled. Throws nwc::Error naming
    /// `fileName` when PCRE2 rejects the pattern.
    static QRegularExpression compile(const QString &pattern, const QString &fileName);
};

} // namespace nwc
