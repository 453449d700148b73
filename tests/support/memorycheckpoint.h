#pragma once
// Test helper: a Checkpoint whose float32 tensors live in memory.

#include "io/checkpoint.h"
#include "jobs/error.h"

#include <QHash>
#include <QJsonDocument>
#include <QStringList>
#include <cstring>

namespace nwc::test {

/// An in-memory checkpoint with HF tensor names, for unit tests of the runtime and the views.
/// readFloat32 of a name passed to fail() throws nwc::Error as a truncated file would.
class MemoryCheckpoint : public Checkpoint {
public:
    explicit MemoryCheckpoint(const ModelConfig &config = ModelConfig())
        : m_config(config) {}

    /// Makes reading `name` fail.
    void fail(const QString &name) { m_failing.append(name); }

    /// Adds a float32 tensor (row-major values for `shape`).
    void add(const QString &name, const QVector<qint64> &shape, std::vector<float> values) {
        TensorInfo info;
        info.name = name;
        info.dtype = DType::F32;
        info.shape = shape;
        info.byteSize = quint64(values.size() * sizeof(float));
        if (qint64(values.size()) != info.elementCount())
            throw Error(QStringLiteral("test tensor %1 has the wrong number of values").arg(name));
        m_infos.append(info);
        m_values.insert(name, std::move(values));
    }

    CheckpointFormat format() const override { return CheckpointFormat::HuggingFace; }
    QString source() const override { return QStringLiteral("memory"); }
    QString displayName() const override { return QStringLiteral("memory"); }
    const ModelConfig &config() const override { return m_config; }
    QByteArray configJson() const override { return QJsonDocument(m_config.toJson()).toJson(); }
    const QVector<TensorInfo> &tensors() const override { return m_infos; }
    const TensorInfo *findTensor(const QString &name) const override {
        for (const TensorInfo &info : m_infos) {
            if (info.name == name)
                return &info;
        }
        return nullptr;
    }
    std::vector<float> readFloat32(const QString &name) const override {
        if (m_failing.contains(name))
            throw Error(QStringLiteral("memory.safetensors: tensor %1 extends past the end of "
                                       "the file; the file is truncated")
                            .arg(name));
        const auto it = m_values.constFind(name);
        if (it == m_values.constEnd())
            throw Error(QStringLiteral("no tensor %1").arg(name));
        return *it;
    }
    QByteArray readRaw(const QString &name) const override {
        const std::vector<float> values = readFloat32(name);
        return QByteArray(reinterpret_cast<const char *>(values.data()),
                          qsizetype(values.size() * sizeof(float)));
    }
    QString tokenizerPath() const override { return QString(); }

private:
    ModelConfig m_config;
    QVector<TensorInfo> m_infos;
    QHash<QString, std::vector<float>> m_values;
    QStringList m_failing;
};

} // namespace nwc::test
