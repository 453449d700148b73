#include "text/specialtokens.h"

#include "text/bpetokenizer.h"
#include "text/jsonfile.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace nwc {
namespace {

/// What one source says about a token.
struct Setting {
    bool decided = false;
    int32_t id = -1;
};

/// bos_token / eos_token in tokenizer_config.json: a string, an AddedToken object, or null.
Setting fromConfigName(const BpeTokenizer &tokenizer, const QJsonObject &config, const char *key) {
    Setting setting;
    const QString name = QString::fromLatin1(key);
    if (!config.contains(name))
        return setting;
    const QJsonValue value = config.value(name);
    if (value.isNull()) {
        setting.decided = true; // the model has no such token
        return setting;
    }
    const QString content = value.isString()
                                ? value.toString()
                                : value.toObject().value(QLatin1String("content")).toString();
    if (content.isEmpty())
        return setting;
    setting.id = tokenizer.contentId(content);
    setting.decided = setting.id >= 0;
    return setting;
}

/// bos_token_id / eos_token_id of a model or generation config: a number or a list of numbers.
Setting fromConfigId(const BpeTokenizer &tokenizer, const QString &path, const char *key) {
    Setting setting;
    if (!QFileInfo::exists(path))
        return setting;
    const QJsonObject config = JsonFile::readObject(path);
    QJsonValue value = config.value(QString::fromLatin1(key));
    if (value.isArray())
        value = value.toArray().isEmpty() ? QJsonValue() : value.toArray().first();
    if (!value.isDouble())
        return setting;
    const double id = value.toDouble();
    if (id >= 0 && id < double(tokenizer.vocabSize()) && id == double(int32_t(id))) {
        setting.id = int32_t(id);
        setting.decided = true;
    }
    return setting;
}

int32_t resolveOne(const BpeTokenizer &tokenizer, const QJsonObject &config,
                   const QString &folder, const char *configKey, const char *idKey,
                   int32_t fromTemplate, std::initializer_list<const char *> names) {
    const Setting named = fromConfigName(tokenizer, config, configKey);
    if (named.decided)
        return named.id;
    if (fromTemplate >= 0)
        return fromTemplate;
    for (const char *file : {"generation_config.json", "config.json"}) {
        const Setting numbered =
            fromConfigId(tokenizer, QDir(folder).filePath(QString::fromLatin1(file)), idKey);
        if (numbered.decided)
            return numbered.id;
    }
    // Only added tokens: a plain vocabulary piece spelled "<s>" (Qwen's 128245) is text.
    for (const char *name : names) {
        const int32_t id = tokenizer.addedTokenId(QLatin1String(name));
        if (id >= 0)
            return id;
    }
    return -1;
}

} // namespace

SpecialTokenIds resolveSpecialTokens(const BpeTokenizer &tokenizer, const QString &tokenizerPath,
                                     const QString &configPath,
                                     const std::vector<int32_t> &templatePrefix,
                                     const std::vector<int32_t> &templateSuffix) {
    const QJsonObject config =
        configPath.isEmpty() ? QJsonObject() : JsonFile::readObject(configPath);
    const QString folder = QFileInfo(tokenizerPath).path();
    SpecialTokenIds ids;
    ids.bos = resolveOne(tokenizer, config, folder, "bos_token", "bos_token_id",
                         templatePrefix.empty() ? -1 : templatePrefix.front(),
                         {"<s>", "<|begin_of_text|>", "<bos>", "<|endoftext|>"});
    ids.eos = resolveOne(tokenizer, config, folder, "eos_token", "eos_token_id",
                         templateSuffix.empty() ? -1 : templateSuffix.back(),
                         {"</s>", "<|end_of_text|>", "<eos>", "<|endoftext|>"});
    return ids;
}

} // namespace nwc
