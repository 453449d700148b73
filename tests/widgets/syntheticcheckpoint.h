#pragma once
// An in-memory Llama-like Checkpoint for widget tests, with values the test chose.

#include "memorycheckpoint.h"

#include <QStringList>

namespace nwc::test {

/// Llama-like tensor names with deterministic values.
class SyntheticCheckpoint : public MemoryCheckpoint {
public:
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
};

} // namespace nwc::test
