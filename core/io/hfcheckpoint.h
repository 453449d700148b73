#pragma once
// Hugging Face checkpoint: config.json + one or more .safetensors files.

#include "io/storedcheckpoint.h"

#include <QSet>
#include <QStringList>

namespace nwc {

class SafetensorsFile;

/// A Hugging Face model directory (config.json with model.safetensors or a sharded
/// model.safetensors.index.json), or a single .safetensors file with config.json beside it.
/// Tensors stay in the memory-mapped shards.
class HfCheckpoint : public StoredCheckpoint {
public:
    /// Opens a model directory. Throws nwc::Error naming the file and problem.
    static std::shared_ptr<const HfCheckpoint>
    openDirectory(const QString &directory, const QString &source, const QString &displayName);
    /// Opens one .safetensors file; config.json must be in the same directory.
    static std::shared_ptr<const HfCheckpoint> openFile(const QString &file, const QString &source,
                                                        const QString &displayName);
    /// Opens a sharded checkpoint from its model.safetensors.index.json.
    static std::shared_ptr<const HfCheckpoint>
    openIndex(const QString &indexFile, const QString &source, const QString &displayName);

    CheckpointFormat format() const override { return CheckpointFormat::HuggingFace; }
    std::vector<float> readFloat32(const QString &name) const override;
    std::vector<float> readFloat32Range(const QString &name, qint64 first,
                                        qint64 count) const override;
    bool readsRangesDirectly() const override { return true; }
    QByteArray readRaw(const QString &name) const override;

    /// The .safetensors files this checkpoint reads, in order.
    QStringList shardPaths() const;

private:
    HfCheckpoint(const QString &directory, const QString &source, const QString &displayName);
    void readConfig();
    void addShard(std::shared_ptr<const SafetensorsFile> shard, const QSet<QString> *only);
    const SafetensorsFile &shardOf(const QString &name) const;

    QString m_directory;
    std::vector<std::shared_ptr<const SafetensorsFile>> m_shards;
    QVector<int> m_tensorShard; ///< index into m_shards per tensor
};

} // namespace nwc
