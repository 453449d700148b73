#pragma once
// Helpers shared by the tokenizer tests: paths under NWC_EXTERNAL_DIR, golden-vector readers
// and a cache so that each tokenizer file is loaded once per test executable.

#include "text/tokenizer.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace nwc::testing {

/// A file under the shared external data folder.
inline QString externalPath(const QString &relative) {
    return QStringLiteral(NWC_EXTERNAL_DIR "/") + relative;
}

/// One llama.cpp test case: input text and the token ids llama.cpp expects.
struct VocabCase {
    QByteArray input;
    QList<int> ids;
};

/// Reads llama.cpp's models/ggml-vocab-NAME.gguf.{inp,out}; empty when the files are absent.
inline QList<VocabCase> readLlamaCppVectors(const QString &name) {
    QFile inp(externalPath(QStringLiteral("llamacpp-vocab/ggml-vocab-%1.gguf.inp").arg(name)));
    QFile out(externalPath(QStringLiteral("llamacpp-vocab/ggml-vocab-%1.gguf.out").arg(name)));
    if (!inp.open(QIODevice::ReadOnly) || !out.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> inputs = inp.readAll().split('\n');
    // Cases are separated by "\n__ggml_vocab_test__\n"; rebuild them line by line.
    QList<QByteArray> texts;
    QByteArray current;
    bool first = true;
    for (const QByteArray &line : inputs) {
        if (line == "__ggml_vocab_test__") {
            texts << current;
            current.clear();
            first = true;
            continue;
        }
        if (!first)
            current += '\n';
        current += line;
        first = false;
    }
    const QList<QByteArray> lines = out.readAll().split('\n');
    QList<VocabCase> cases;
    for (qsizetype i = 0; i < texts.size() && i < lines.size(); ++i) {
        VocabCase c;
        c.input = texts[i];
        const QList<QByteArray> numbers = lines[i].split(' ');
        for (const QByteArray &n : numbers)
            if (!n.isEmpty())
                c.ids << n.toInt();
        cases << c;
    }
    return cases;
}

/// Reads a JSON file under the external folder; null when absent.
inline QJsonDocument readExternalJson(const QString &relative) {
    QFile file(externalPath(relative));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll());
}

/// JSON array of numbers -> ids.
inline QList<int> toIds(const QJsonValue &value) {
    QList<int> ids;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &v : array)
        ids << v.toInt();
    return ids;
}

inline QList<int> toList(const std::vector<int32_t> &ids) {
    return QList<int>(ids.begin(), ids.end());
}

inline std::vector<int32_t> toVector(const QList<int> &ids) {
    return std::vector<int32_t>(ids.begin(), ids.end());
}

/// Meta's Llama 3 tokenizer.json layout rebuilt from ollama's encoder.json + vocab.bpe: Split
/// with the regex written in the file, then ByteLevel without regex; ignore_merges; merges as
/// ["a", "b"] pairs; 256 special added tokens; TemplateProcessing that prepends BOS. Empty when
/// the files are absent.
inline QByteArray llama3TokenizerJson(const QStringList &specialNames) {
    QFile vocab(externalPath(QStringLiteral("ollama-testdata/llama3.2/encoder.json")));
    QFile merges(externalPath(QStringLiteral("ollama-testdata/llama3.2/vocab.bpe")));
    if (!vocab.open(QIODevice::ReadOnly) || !merges.open(QIODevice::ReadOnly))
        return {};
    const auto quoted = [](QByteArray text) {
        text.replace('\\', "\\\\").replace('"', "\\\"");
        QByteArray out;
        out.append('"').append(text).append('"');
        return out;
    };
    QByteArray added = "[";
    for (int i = 0; i < specialNames.size(); ++i)
        added += (i ? ",{\"id\":" : "{\"id\":") + QByteArray::number(128000 + i) +
                 ",\"content\":" + quoted(specialNames[i].toUtf8()) +
                 ",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                 "\"normalized\":false,\"special\":true}";
    added += "]";
    QByteArray mergeList = "[";
    const QList<QByteArray> lines = merges.readAll().split('\n');
    bool first = true;
    for (const QByteArray &line : lines) {
        if (line.isEmpty() || line.startsWith("#version"))
            continue;
        const QList<QByteArray> parts = line.split(' ');
        mergeList.append(first ? "[" : ",[").append(quoted(parts[0])).append(',');
        mergeList.append(quoted(parts[1])).append(']');
        first = false;
    }
    mergeList += "]";
    const QByteArray pattern =
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\\\r\\\\n\\\\p{L}\\\\p{N}]?\\\\p{L}+|\\\\p{N}{1,3}| "
        "?[^\\\\s\\\\p{L}\\\\p{N}]+[\\\\r\\\\n]*|\\\\s*[\\\\r\\\\n]+|\\\\s+(?!\\\\S)|\\\\s+";
    return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":" + added +
           ",\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":["
           "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"" +
           pattern +
           "\"},\"behavior\":\"Isolated\",\"invert\":false},{\"type\":\"ByteLevel\","
           "\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":false}]},"
           "\"post_processor\":{\"type\":\"Sequence\",\"processors\":[{\"type\":\"ByteLevel\","
           "\"add_prefix_space\":true,\"trim_offsets\":false,\"use_regex\":true},"
           "{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":"
           "\"<|begin_of_text|>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],"
           "\"pair\":[],\"special_tokens\":{\"<|begin_of_text|>\":{\"id\":\"<|begin_of_text|>\","
           "\"ids\":[128000],\"tokens\":[\"<|begin_of_text|>\"]}}}]},"
           "\"decoder\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,"
           "\"use_regex\":true},\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,"
           "\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":false,"
           "\"byte_fallback\":false,\"ignore_merges\":true,\"vocab\":" +
           vocab.readAll() + ",\"merges\":" + mergeList + "}}";
}

/// Loads each (file, hint) once; null when the file is absent (the caller skips).
inline const Tokenizer *cachedTokenizer(const QString &relative, const QString &hint = QString()) {
    static QHash<QString, std::shared_ptr<Tokenizer>> cache;
    const QString key = relative + QLatin1Char('|') + hint;
    const auto found = cache.constFind(key);
    if (found != cache.cend())
        return found->get();
    const QString path = externalPath(relative);
    std::shared_ptr<Tokenizer> tokenizer;
    if (QFileInfo::exists(path))
        tokenizer = Tokenizer::load(path, hint);
    cache.insert(key, tokenizer);
    return tokenizer.get();
}

} // namespace nwc::testing
