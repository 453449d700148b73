#pragma once
// The "normalizer" stage of a Hugging Face tokenizer.json: text rewrites applied before
// pre-tokenization (Llama 2 prepends "▁" and replaces spaces by "▁" here).

#include <QJsonValue>
#include <QRegularExpression>
#include <QString>
#include <vector>

namespace nwc {

/// A sequence of text rewrites; empty means the text passes unchanged.
class Normalizer {
public:
    /// Reads tokenizer.json's "normalizer" (null gives an empty normalizer). Supported types:
    /// Sequence, Prepend, Replace (String or Regex), NFC, NFD, NFKC, NFKD, Lowercase, Strip.
    /// Throws nwc::Error naming `fileName` for anything else.
    static Normalizer fromJson(const QJsonValue &json, const QString &fileName);

    /// Applies the rewrites in order.
    QString apply(const QString &text) const;
    bool isEmpty() const { return m_steps.empty(); }

private:
    enum class Kind { Prepend, ReplaceString, ReplaceRegex, Unicode, Lowercase, Strip };
    struct Step {
        Kind kind;
        QString text; // Prepend: prefix; Replace: pattern (String) and content
        QString content;
        QRegularExpression regex;
        QString::NormalizationForm form = QString::NormalizationForm_C;
        bool left = false;
        bool right = false;
    };
    void append(const QJsonValue &json, const QString &fileName);

    std::vector<Step> m_steps;
};

} // namespace nwc
