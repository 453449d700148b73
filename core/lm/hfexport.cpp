// Hugging Face export of the runtime: config.json, float32 model.safetensors, tokenizer files.
#include "lm/hfexport.h"

#include "io/safetensorswriter.h"
#include "jobs/error.h"
#include "lm/transformer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace nwc {
namespace {

void writeFileAtomically(const QString &path, const QByteArray &bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

QByteArray readWholeFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read tokenizer file %1: %2; pass an existing "
                                   "tokenizer file")
                        .arg(path, file.errorString()));
    return file.readAll();
}

} // namespace

void saveHuggingFaceDirectory(const TransformerImpl &model, const QString &directory,
                              const QString &tokenizerPath) {
    if (!QDir().mkpath(directory))
        throw Error(QStringLiteral("cannot create directory %1; check the path and permissions")
                        .arg(directory));
    const QDir dir(directory);
    // Read the tokenizer first so a bad path fails before anything is written.
    QVector<std::pair<QString, QByteArray>> tokenizerFiles;
    if (!tokenizerPath.isEmpty()) {
        const QFileInfo info(tokenizerPath);
        const QString fileName = info.fileName();
        if (fileName == QLatin1String("vocab.json")) {
            tokenizerFiles.append({fileName, readWholeFile(tokenizerPath)});
            const QString merges = info.dir().filePath(QStringLiteral("merges.txt"));
            tokenizerFiles.append({QStringLiteral("merges.txt"), readWholeFile(merges)});
        } else if (fileName.endsWith(QLatin1String(".json"))) {
            tokenizerFiles.append({QStringLiteral("tokenizer.json"), readWholeFile(tokenizerPath)});
        } else {
            tokenizerFiles.append({fileName, readWholeFile(tokenizerPath)});
        }
    }

    SafetensorsWriter writer;
    writer.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
    for (const auto &entry : model.exportWeights()) {
        const torch::Tensor &tensor = entry.second;
        QVector<qint64> shape;
        for (int64_t d : tensor.sizes())
            shape.append(d);
        const QByteArray bytes(static_cast<const char *>(tensor.data_ptr()),
                               qsizetype(tensor.numel() * qint64(sizeof(float))));
        writer.addTensor(entry.first, DType::F32, shape, bytes);
    }
    writer.write(dir.filePath(QStringLiteral("model.safetensors")));
    writeFileAtomically(dir.filePath(QStringLiteral("config.json")),
                        QJsonDocument(model.config().toJson()).toJson(QJsonDocument::Indented));
    for (const auto &file : tokenizerFiles)
        writeFileAtomically(dir.filePath(file.first), file.second);
}

} // namespace nwc
