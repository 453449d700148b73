#pragma once
// The "decoder" stage of a Hugging Face tokenizer.json: turns token pieces back into text
// (Llama 2: "▁" -> space, <0xNN> -> byte, fuse, strip the leading space).

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <vector>

namespace nwc {

/// A chain of decoding steps over token pieces (UTF-8, or raw bytes for byte-level models).
class TokenDecoder {
public:
    /// Reads tokenizer.json's "decoder" (null: pieces are concatenated). Supported:
    /// Sequence, ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace. Throws nwc::Error
    /// naming `fileName` otherwise.
    static TokenDecoder fromJson(const QJsonValue &json, const QString &fileName);

    /// Applies the chain and concatenates the result. Byte-fallback pieces become raw bytes
    /// even where they do not form valid UTF-8 (the caller decides how to show those).
    QByteArray decode(std::vector<QByteArray> pieces) const;

private:
    enum class Kind { Replace, ByteFallback, Fuse, Strip, Metaspace };
    struct Step {
        Kind kind;
        QByteArray pattern;  // Replace; Strip/Metaspace: the character as UTF-8
        QByteArray content;  // Replace
        int start = 0;       // Strip
        int stop = 0;        // Strip
        bool prepend = true; // Metaspace: the first piece's replacement characters are dropped
    };
    void append(const QJsonValue &json, const QString &fileName);

    std::vector<Step> m_steps;
};

} // namespace nwc
