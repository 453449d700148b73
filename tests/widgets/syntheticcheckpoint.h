#pragma once
// An in-memory Checkpoint for widget tests: named float32 tensors with values the test chose.

#include "io/checkpoint.h"
#include "jobs/error.h"

#include <QHash>
#include <QStringList>

namespace nwc::test {

/// Llama-like tensor names with deterministic values; readFloat32 of a name listed in
/// `failing` throws nwc::Error like a truncated file would.
class SyntheticCheckpoint : public Checkpoint {
public:
    /// Adds a float32 tensor.
    void add(const QString &name, const QVector<qint64> &shape, std::vector<float> values) {
        TensorInfo info;
        info.name = name;
        info.dtype = DType::F32;
        info.shape = shape;
        info.byteSize = quint64(values.size() * sizeof(float));
        m_tensors.append(info);
        m_values.insert(name, std::move(values));
    }
    /// Makes reading `name` fail.
    void fail(const QString &name) { m_failing.append(name); }

    /// A small Llama in Hugging Face order (alphabetical, so layer 10 sorts before 2).
    static std::shared_ptr<SyntheticCheckpoint> llama(int layers = 3, int hidden = 8) {
        auto checkpoint = std::make_shared<SyntheticCheckpoint>();
        auto values = [](qint64 count, float scale, float offset) {
            std::vector<float> v(static_cast<size_t>(count));
            for (qint64 i = 0; i < count; ++i)
                v[size_t(i)] = offset + scale * float((i * 7919) % 101 - 50) / 50.0f;
            return v;
        };
        checkpoint->add(QStringLiteral("lm_head.weight"), {32, hidden},
                        values(32 * hidden, 0.5f, 0.0f));
        checkpoint->add(QStringLiteral("model.embed_tokens.weight"), {32, hidden},
                        values(32 * hidden, 1.0f, 0.1f));
        QStringList layerNames;
        for (int l = 0; l < layers; ++l)
            layerNames.append(QString::number(l));
        layerNames.sort(); // "0", "1", "10", "2": what a sorted safetensors header gives
        for (const QString &l : std::as_const(layerNames)) {
            const QString prefix = QStringLiteral("model.layers.%1.").arg(l);
            const float scale = 0.1f + 0.01f * l.toFloat();
            checkpoint->add(prefix + QStringLiteral("input_layernorm.weight"), {hidden},
                            std::vector<float>(size_t(hidden), 1.0f));
            checkpoint->add(prefix + QStringLiteral("mlp.down_proj.weight"), {hidden, 2 * hidden},
                            values(2 * hidden * hidden, scale, 0.0f));
            checkpoint->add(prefix + QStringLiteral("self_attn.q_proj.weight"), {hidden, hidden},
                            values(hidden * hidden, scale, -0.01f));
        }
        checkpoint->add(QStringLiteral("model.norm.weight"), {hidden},
                        std::vector<float>(size_t(hidden), 1.0f));
        return checkpoint;
    }

    CheckpointFormat format() const override { return CheckpointFormat::HuggingFace; }
    QString source() const override { return QStringLiteral("synthetic"); }
    QString displayName() const override { return QStringLiteral("synthetic"); }
    const ModelConfig &config() const override { return m_config; }
    QByteArray configJson() const override { return QByteArray("{}"); }
    const QVector<TensorInfo> &tensors() const override { return m_tensors; }
    const TensorInfo *findTensor(const QString &name) const override {
        for (const TensorInfo &info : m_tensors) {
            if (info.name == name)
                return &info;
        }
        return nullptr;
    }
    std::vector<float> readFloat32(const QString &name) const override {
        if (m_failing.contains(name))
            throw Error(QStringLiteral("synthetic.safetensors: tensor %1 extends past the end of "
                                       "the file; the file is truncated")
                            .arg(name));
        const auto it = m_values.constFind(name);
        if (it == m_values.constEnd())
            throw Error(QStringLiteral("no tensor named %1").arg(name));
        return it.value();
    }
    QByteArray readRaw(const QString &name) const override {
        const std::vector<float> values = readFloat32(name);
        return QByteArray(reinterpret_cast<const char *>(values.data()),
                          qsizetype(values.size() * sizeof(float)));
    }
    QString tokenizerPath() const override { return QString(); }

private:
    ModelConfig m_config;
    QVector<TensorInfo> m_tensors;
    QHash<QString, std::vector<float>> m_values;
    QStringList m_failing;
};

} // namespace nwc::test
