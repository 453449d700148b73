#include "text/regexpattern.h"

#include "jobs/error.h"

namespace nwc {

QString RegexPattern::builtin(const QString &name) {
    // openai/gpt-2 encoder.py; Hugging Face ByteLevel(use_regex=true) uses the same one.
    if (name == QLatin1String("gpt2"))
        return QStringLiteral("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+"
                              "|\\s+(?!\\S)|\\s+");
    // meta-llama/llama3 llama/tokenizer.py pat_str.
    if (name == QLatin1String("llama3"))
        return QStringLiteral("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
                              "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+"
                              "|\\s+(?!\\S)|\\s+");
    // Qwen2 tokenizer.json: as Llama 3 but single digits.
    if (name == QLatin1String("qwen2"))
        return QStringLiteral("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
                              "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+"
                              "|\\s+(?!\\S)|\\s+");
    return QString();
}

QRegularExpression RegexPattern::compile(const QString &pattern, const QString &fileName) {
    QRegularExpression regex(pattern, QRegularExpression::UseUnicodePropertiesOption |
                                          QRegularExpression::MultilineOption);
    if (!regex.isValid())
        throw Error(QStringLiteral("%1: the pre-tokenizer regular expression is not valid "
                                   "PCRE2 (%2 at offset %3): %4")
                        .arg(fileName, regex.errorString())
                        .arg(regex.patternErrorOffset())
                        .arg(pattern));
    regex.optimize();
    return regex;
}

} // namespace nwc
