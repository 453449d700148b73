#include "io/hfcheckpoint.h"

#include "io/pickleguard.h"
#include "io/safetensorsfile.h"
#include "jobs/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <map>

namespace nwc {

namespace {

const char *const TokenizerFiles[] = {"tokenizer.json", "tokenizer.model", "vocab.json",
                                      "encoder.json"};

QByteArray readSmallFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(
            QStringLiteral("%1: cannot open for reading (%2).").arg(path, file.errorString()));
    return file.readAll();
}

QJsonObject parseJsonObject(const QByteArray &bytes, const QString &path) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        throw Error(QStringLiteral("%1: not valid JSON (%2 at byte %3). The file is corrupt; "
                                   "download it again.")
                        .arg(path, error.errorString())
                        .arg(error.offset));
    if (!document.isObject())
        throw Error(QStringLiteral("%1: expected a JSON object. The file is corrupt; download it "
                                   "again.")
                        .arg(path));
    return document.object();
}

} // namespace

HfCheckpoint::HfCheckpoint(const QString &directory, const QString &source,
                           const QString &displayName)
    : StoredCheckpoint(source, displayName)
    , m_directory(directory) {}

void HfCheckpoint::readConfig() {
    const QString path = m_directory + QStringLiteral("/config.json");
    if (!QFileInfo::exists(path))
        throw Error(QStringLiteral("%1: no config.json found. A Hugging Face checkpoint needs "
                                   "config.json next to its .safetensors files.")
                        .arg(m_directory));
    m_configJson = readSmallFile(path);
    m_config = ModelConfig::fromJson(parseJsonObject(m_configJson, path), path);
    for (const char *name : TokenizerFiles) {
        const QString candidate = m_directory + QLatin1Char('/') + QLatin1String(name);
        if (QFileInfo(candidate).isFile()) {
            m_tokenizerPath = candidate;
            break;
        }
    }
}

void HfCheckpoint::addShard(std::shared_ptr<const SafetensorsFile> shard,
                            const QSet<QString> *only) {
    const int shardIndex = static_cast<int>(m_shards.size());
    for (const TensorInfo &info : shard->tensors()) {
        if (only && !only->contains(info.name))
            continue;
        if (tensorIndex(info.name) >= 0)
            throw Error(QStringLiteral("%1: tensor '%2' is also stored in another shard. The "
                                       "checkpoint is corrupt.")
                            .arg(shard->path(), info.name));
        appendTensor(info);
        m_tensorShard.append(shardIndex);
    }
    m_shards.push_back(std::move(shard));
}

std::shared_ptr<const HfCheckpoint>
HfCheckpoint::openFile(const QString &file, const QString &source, const QString &displayName) {
    const QString directory = QFileInfo(file).absolutePath();
    std::shared_ptr<HfCheckpoint> checkpoint(new HfCheckpoint(directory, source, displayName));
    checkpoint->readConfig();
    checkpoint->addShard(SafetensorsFile::open(file), nullptr);
    return checkpoint;
}

std::shared_ptr<const HfCheckpoint> HfCheckpoint::openIndex(const QString &indexFile,
                                                            const QString &source,
                                                            const QString &displayName) {
    const QString directory = QFileInfo(indexFile).absolutePath();
    std::shared_ptr<HfCheckpoint> checkpoint(new HfCheckpoint(directory, source, displayName));
    checkpoint->readConfig();

    const QJsonObject index = parseJsonObject(readSmallFile(indexFile), indexFile);
    const QJsonValue weightMap = index.value(QLatin1String("weight_map"));
    if (!weightMap.isObject() || weightMap.toObject().isEmpty())
        throw Error(QStringLiteral("%1: missing or empty \"weight_map\". The index is corrupt; "
                                   "download it again.")
                        .arg(indexFile));
    // shard file -> tensors it must hold; std::map keeps shards in file-name order.
    std::map<QString, QSet<QString>> shards;
    const QJsonObject map = weightMap.toObject();
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString shard = it.value().toString();
        const QString cleaned = QDir::cleanPath(directory + QLatin1Char('/') + shard);
        if (!it.value().isString() || shard.isEmpty() || QDir::isAbsolutePath(shard) ||
            !cleaned.startsWith(directory + QLatin1Char('/')))
            throw Error(QStringLiteral("%1: tensor '%2' maps to an invalid shard name '%3'; "
                                       "shards must be files inside the checkpoint directory.")
                            .arg(indexFile, it.key(), shard));
        shards[shard].insert(it.key());
    }
    for (const auto &[shard, names] : shards) {
        const QString path = directory + QLatin1Char('/') + shard;
        if (!QFileInfo(path).isFile())
            throw Error(QStringLiteral("%1: shard '%2' (which holds tensor '%3') does not exist. "
                                       "The checkpoint is incomplete; download the missing shard.")
                            .arg(indexFile, shard, *names.constBegin()));
    }
    for (const auto &[shard, names] : shards) {
        const QString path = directory + QLatin1Char('/') + shard;
        std::shared_ptr<const SafetensorsFile> file = SafetensorsFile::open(path);
        for (const QString &name : names) {
            if (!file->find(name))
                throw Error(QStringLiteral("%1: tensor '%2' is listed in %3 but is not in this "
                                           "shard. The checkpoint is corrupt or incomplete; "
                                           "download it again.")
                                .arg(path, name, QFileInfo(indexFile).fileName()));
        }
        checkpoint->addShard(std::move(file), &names);
    }
    return checkpoint;
}

std::shared_ptr<const HfCheckpoint> HfCheckpoint::openDirectory(const QString &directory,
                                                                const QString &source,
                                                                const QString &displayName) {
    const QDir dir(directory);
    const QString index = dir.filePath(QStringLiteral("model.safetensors.index.json"));
    if (QFileInfo(index).isFile())
        return openIndex(index, source, displayName);
    const QString single = dir.filePath(QStringLiteral("model.safetensors"));
    if (QFileInfo(single).isFile())
        return openFile(single, source, displayName);

    const QStringList safetensors =
        dir.entryList({QStringLiteral("*.safetensors")}, QDir::Files, QDir::Name);
    if (safetensors.size() == 1)
        return openFile(dir.filePath(safetensors.first()), source, displayName);
    if (safetensors.size() > 1)
        throw Error(QStringLiteral("%1: holds several .safetensors files (%2) but no "
                                   "model.safetensors.index.json saying how they fit together. "
                                   "Open one of the files directly.")
                        .arg(directory, safetensors.join(QStringLiteral(", "))));
    const QStringList pickles = dir.entryList(
        {QStringLiteral("pytorch_model*.bin"), QStringLiteral("*.pt"), QStringLiteral("*.pth")},
        QDir::Files, QDir::Name);
    if (!pickles.isEmpty())
        refusePickleCheckpoint(dir.filePath(pickles.first()));
    throw Error(QStringLiteral("%1: no model.safetensors or model.safetensors.index.json found. "
                               "Choose a Hugging Face model directory, a .safetensors file, or a "
                               "llama2.c .bin file.")
                    .arg(directory));
}

QStringList HfCheckpoint::shardPaths() const {
    QStringList paths;
    for (const auto &shard : m_shards)
        paths.append(shard->path());
    return paths;
}

const SafetensorsFile &HfCheckpoint::shardOf(const QString &name) const {
    return *m_shards.at(static_cast<std::size_t>(m_tensorShard.at(requireTensorIndex(name))));
}

std::vector<float> HfCheckpoint::readFloat32(const QString &name) const {
    return shardOf(name).readFloat32(name);
}

std::vector<float> HfCheckpoint::readFloat32Range(const QString &name, qint64 first,
                                                  qint64 count) const {
    return shardOf(name).readFloat32Range(name, first, count);
}

QByteArray HfCheckpoint::readRaw(const QString &name) const {
    return shardOf(name).raw(name);
}

} // namespace nwc
