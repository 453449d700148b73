#pragma once
// What every checkpoint format that reads a file shares: where it came from, its config, its
// tensors in file order with a name index, and its tokenizer. Torch-free.

#include "io/checkpoint.h"
#include "jobs/error.h"

#include <QHash>
#include <utility>

namespace nwc {

/// A Checkpoint read from files. Formats derive from it, fill the metadata while opening
/// (appendTensor() keeps the name index) and implement only how tensors are read.
class StoredCheckpoint : public Checkpoint {
public:
    QString source() const override { return m_source; }
    QString displayName() const override { return m_displayName; }
    const ModelConfig &config() const override { return m_config; }
    QByteArray configJson() const override { return m_configJson; }
    const QVector<TensorInfo> &tensors() const override { return m_tensors; }
    const TensorInfo *findTensor(const QString &name) const override {
        const int index = tensorIndex(name);
        return index < 0 ? nullptr : &m_tensors.at(index);
    }
    QString tokenizerPath() const override { return m_tokenizerPath; }

protected:
    StoredCheckpoint(QString source, QString displayName)
        : m_source(std::move(source))
        , m_displayName(std::move(displayName)) {}

    /// Position of `name` in tensors(), or -1.
    int tensorIndex(const QString &name) const { return m_tensorIndex.value(name, -1); }
    /// Position of `name` in tensors(); throws nwc::Error naming the checkpoint when absent.
    int requireTensorIndex(const QString &name) const {
        const int index = tensorIndex(name);
        if (index < 0)
            throw Error(
                QStringLiteral("%1: the checkpoint has no tensor named '%2'.").arg(m_source, name));
        return index;
    }
    /// Adds `info` after the tensors added so far.
    void appendTensor(const TensorInfo &info) {
        m_tensorIndex.insert(info.name, int(m_tensors.size()));
        m_tensors.append(info);
    }

    QString m_source;
    QString m_displayName;
    QString m_tokenizerPath;
    ModelConfig m_config;
    QByteArray m_configJson;

private:
    QVector<TensorInfo> m_tensors;
    QHash<QString, int> m_tensorIndex;
};

} // namespace nwc
