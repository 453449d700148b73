#pragma once
// Reads Hugging Face tokenizer.json files (model type BPE) into a BpeTokenizer.

#include <QJsonObject>
#include <QString>
#include <memory>

namespace nwc {

class BpeTokenizer;

/// Builds a BpeTokenizer from tokenizer.json (+ tokenizer_config.json beside it for BOS/EOS).
class TokenizerJsonReader {
public:
    /// Reads `path`. Throws nwc::Error naming the file for unreadable or unsupported files.
    static std::unique_ptr<BpeTokenizer> read(const QString &path);
    /// Builds from an already parsed tokenizer.json object; `configPath` may be empty.
    static std::unique_ptr<BpeTokenizer> fromJson(const QJsonObject &root, const QString &path,
                                                  const QString &configPath);
};

} // namespace nwc
