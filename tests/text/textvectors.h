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
#include <memory>
#include <vector>

namespace nwc::testing {

/// A file under the shared external data folder.
inline QString externalPath(const QString &relative)
{
    return QStringLiteral(NWC_EXTERNAL_DIR "/") + relative;
}

/// One llama.cpp test case: input text and the token ids llama.cpp expects.
struct VocabCase {
    QByteArray input;
    QList<int> ids;
};

/// Reads llama.cpp's models/ggml-vocab-NAME.gguf.{inp,out}; empty when the files are absent.
inline QList<VocabCase> readLlamaCppVectors(const QString &name)
{
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
inline QJsonDocument readExternalJson(const QString &relative)
{
    QFile file(externalPath(relative));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll());
}

/// JSON array of numbers -> ids.
inline QList<int> toIds(const QJsonValue &value)
{
    QList<int> ids;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &v : array)
        ids << v.toInt();
    return ids;
}

inline QList<int> toList(const std::vector<int32_t> &ids)
{
    return QList<int>(ids.begin(), ids.end());
}

inline std::vector<int32_t> toVector(const QList<int> &ids)
{
    return std::vector<int32_t>(ids.begin(), ids.end());
}

/// Loads each (file, hint) once; null when the file is absent (the caller skips).
inline const Tokenizer *cachedTokenizer(const QString &relative, const QString &hint = QString())
{
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
