#pragma once
// A copy of a demo model whose tokenizer.json has two token ids swapped: same size, same
// strings, different ids — the smallest tokenizer mismatch, for tests of the refusal paths.

#include "io/checkpoint.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace nwc::testing {

/// Copies `spec`'s files into `folder` with the ids of tokens `first` and `first + 1` swapped in
/// tokenizer.json; returns the folder, or an empty string when something could not be written.
inline QString writeSwappedTokenizerModel(const QString &spec, const QString &folder,
                                          int first = 100) {
    const QString tokenizerPath = Checkpoint::open(spec)->tokenizerPath();
    const QDir source = QFileInfo(tokenizerPath).dir();
    if (!QDir().mkpath(folder))
        return QString();
    for (const QString &name : source.entryList(QDir::Files)) {
        if (name != QLatin1String("tokenizer.json") &&
            !QFile::copy(source.filePath(name), QDir(folder).filePath(name)))
            return QString();
    }
    QFile input(tokenizerPath);
    if (!input.open(QIODevice::ReadOnly))
        return QString();
    QJsonObject json = QJsonDocument::fromJson(input.readAll()).object();
    QJsonObject model = json.value(QLatin1String("model")).toObject();
    QJsonObject vocab = model.value(QLatin1String("vocab")).toObject();
    QString a;
    QString b;
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        if (it.value().toInt() == first)
            a = it.key();
        else if (it.value().toInt() == first + 1)
            b = it.key();
    }
    if (a.isEmpty() || b.isEmpty())
        return QString();
    vocab[a] = first + 1;
    vocab[b] = first;
    model[QLatin1String("vocab")] = vocab;
    json[QLatin1String("model")] = model;
    QFile output(QDir(folder).filePath(QStringLiteral("tokenizer.json")));
    if (!output.open(QIODevice::WriteOnly) || output.write(QJsonDocument(json).toJson()) < 0)
        return QString();
    return folder;
}

} // namespace nwc::testing
