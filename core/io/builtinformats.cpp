#include "io/builtinformats.h"

#include "io/checkpointregistry.h"
#include "io/hfcheckpoint.h"
#include "io/llama2ccheckpoint.h"
#include "io/pickleguard.h"

#include <QDir>
#include <QFileInfo>

namespace nwc {

namespace {

/// The name of the folder holding `file`.
QString folderName(const QFileInfo &file) {
    return QDir(file.absolutePath()).dirName();
}

/// A Hugging Face model directory, given as the directory, its config.json or its
/// model.safetensors.index.json.
class HfDirectoryOpener : public CheckpointOpener {
public:
    QString id() const override { return QStringLiteral("hf-directory"); }
    QString description() const override {
        return QStringLiteral("a Hugging Face model directory (config.json + model.safetensors)");
    }
    Recognition recognize(const QFileInfo &path) const override {
        if (path.isDir() || path.fileName() == QLatin1String("config.json") ||
            path.fileName().endsWith(QLatin1String(".safetensors.index.json")))
            return Recognition::Certain;
        return Recognition::No;
    }
    CheckpointPtr open(const QFileInfo &path, const QString &spec) const override {
        if (path.isDir()) {
            const QString directory = path.absoluteFilePath();
            return HfCheckpoint::openDirectory(directory, spec, QDir(directory).dirName());
        }
        if (path.fileName() == QLatin1String("config.json"))
            return HfCheckpoint::openDirectory(path.absolutePath(), spec, folderName(path));
        return HfCheckpoint::openIndex(path.absoluteFilePath(), spec, folderName(path));
    }
};

/// One .safetensors file with config.json beside it.
class SafetensorsOpener : public CheckpointOpener {
public:
    QString id() const override { return QStringLiteral("safetensors"); }
    QString description() const override { return QStringLiteral("a .safetensors file"); }
    Recognition recognize(const QFileInfo &path) const override {
        return path.suffix().toLower() == QLatin1String("safetensors") ? Recognition::Certain
                                                                       : Recognition::No;
    }
    CheckpointPtr open(const QFileInfo &path, const QString &spec) const override {
        const QString base = path.completeBaseName();
        const QString name = base == QLatin1String("model") ? folderName(path) : base;
        return HfCheckpoint::openFile(path.absoluteFilePath(), spec, name);
    }
};

/// A llama2.c checkpoint. PyTorch pickles also end in .bin; they are left to Checkpoint::open,
/// which refuses them.
class Llama2cOpener : public CheckpointOpener {
public:
    QString id() const override { return QStringLiteral("llama2c"); }
    QString description() const override { return QStringLiteral("a llama2.c .bin file"); }
    Recognition recognize(const QFileInfo &path) const override {
        if (path.suffix().toLower() != QLatin1String("bin") || isPickleCheckpoint(path.filePath()))
            return Recognition::No;
        return Recognition::Likely;
    }
    CheckpointPtr open(const QFileInfo &path, const QString &spec) const override {
        return Llama2cCheckpoint::open(path.absoluteFilePath(), spec, path.completeBaseName());
    }
};

} // namespace

void addBuiltinFormats(CheckpointRegistry &registry) {
    registry.add(std::make_unique<HfDirectoryOpener>());
    registry.add(std::make_unique<SafetensorsOpener>());
    registry.add(std::make_unique<Llama2cOpener>());
}

} // namespace nwc
