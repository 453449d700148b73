// Checkpoint names ↔ runtime parameters.
#include "lm/weightbinding.h"

#include "compute/torchcompute.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QStringList>

namespace nwc {

std::vector<int64_t> WeightBinding::hfShape() const {
    std::vector<int64_t> shape = parts.front().sizes().vec();
    shape[0] = 0;
    for (const torch::Tensor &part : parts)
        shape[0] += part.size(0);
    if (transposed && shape.size() == 2)
        std::swap(shape[0], shape[1]);
    return shape;
}

QString shapeText(const std::vector<int64_t> &shape) {
    QStringList parts;
    for (int64_t d : shape)
        parts.append(QString::number(d));
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

std::vector<WeightBinding> bindWeights(const ModelConfig &c, const BoundModules &m) {
    const bool gpt2 = isGpt2(c);
    std::vector<WeightBinding> bindings;
    auto bind = [&](const QString &name, std::vector<torch::Tensor> parts, bool transposed) {
        bindings.push_back({name, std::move(parts), transposed});
    };
    auto bindProjection = [&](const QString &name, const Projection &p, bool conv1d) {
        bind(name + QStringLiteral(".weight"), {p->weight}, conv1d);
        if (p->bias.defined())
            bind(name + QStringLiteral(".bias"), {p->bias}, false);
    };
    auto bindNorm = [&](const QString &name, const Norm &n) {
        bind(name + QStringLiteral(".weight"), {n->weight}, false);
        if (n->bias.defined())
            bind(name + QStringLiteral(".bias"), {n->bias}, false);
    };
    bind(m.prefix + (gpt2 ? QStringLiteral("wte.weight") : QStringLiteral("embed_tokens.weight")),
         {m.embed->weight}, false);
    if (gpt2)
        bind(m.prefix + QStringLiteral("wpe.weight"), {m.positions->weight}, false);
    const QString blockPrefix =
        m.prefix + (gpt2 ? QStringLiteral("h.") : QStringLiteral("layers."));
    for (size_t i = 0; i < m.blocks.size(); ++i) {
        const QString p = blockPrefix + QString::number(i) + QLatin1Char('.');
        const Block &b = m.blocks[i];
        const Attention &a = b->attention;
        if (gpt2) {
            bindNorm(p + QStringLiteral("ln_1"), b->norm1);
            bind(p + QStringLiteral("attn.c_attn.weight"),
                 {a->q->weight, a->k->weight, a->v->weight}, true);
            bind(p + QStringLiteral("attn.c_attn.bias"), {a->q->bias, a->k->bias, a->v->bias},
                 false);
            bindProjection(p + QStringLiteral("attn.c_proj"), a->o, true);
            bindNorm(p + QStringLiteral("ln_2"), b->norm2);
            bindProjection(p + QStringLiteral("mlp.c_fc"), b->mlp->up, true);
            bindProjection(p + QStringLiteral("mlp.c_proj"), b->mlp->down, true);
        } else {
            bindNorm(p + QStringLiteral("input_layernorm"), b->norm1);
            bindProjection(p + QStringLiteral("self_attn.q_proj"), a->q, false);
            bindProjection(p + QStringLiteral("self_attn.k_proj"), a->k, false);
            bindProjection(p + QStringLiteral("self_attn.v_proj"), a->v, false);
            bindProjection(p + QStringLiteral("self_attn.o_proj"), a->o, false);
            bindNorm(p + QStringLiteral("post_attention_layernorm"), b->norm2);
            bindProjection(p + QStringLiteral("mlp.gate_proj"), b->mlp->gate, false);
            bindProjection(p + QStringLiteral("mlp.up_proj"), b->mlp->up, false);
            bindProjection(p + QStringLiteral("mlp.down_proj"), b->mlp->down, false);
        }
    }
    bindNorm(m.prefix + (gpt2 ? QStringLiteral("ln_f") : QStringLiteral("norm")), m.finalNorm);
    if (m.lmHead)
        bind(QStringLiteral("lm_head.weight"), {m.lmHead->weight}, false);
    return bindings;
}

const WeightBinding &findBinding(const std::vector<WeightBinding> &bindings, const QString &name) {
    for (const WeightBinding &binding : bindings) {
        if (binding.name == name)
            return binding;
    }
    throw Error(QStringLiteral("the model has no weight named '%1'").arg(name));
}

void assignBinding(const WeightBinding &binding, const torch::Tensor &hfValue) {
    const std::vector<int64_t> expected = binding.hfShape();
    if (hfValue.sizes().vec() != expected)
        throw Error(QStringLiteral("tensor '%1' has shape %2 but the model configuration needs %3; "
                                   "the checkpoint does not match its config.json")
                        .arg(binding.name, shapeText(hfValue.sizes().vec()), shapeText(expected)));
    torch::NoGradGuard noGrad;
    torch::Tensor value = binding.transposed ? hfValue.t() : hfValue;
    int64_t offset = 0;
    for (const torch::Tensor &part : binding.parts) {
        const int64_t rows = part.size(0);
        torch::Tensor target = part; // shares storage with the parameter
        target.copy_(value.narrow(0, offset, rows));
        offset += rows;
    }
}

torch::Tensor readBinding(const WeightBinding &binding) {
    torch::NoGradGuard noGrad;
    torch::Tensor joined =
        binding.parts.size() == 1 ? binding.parts.front() : torch::cat(binding.parts, 0);
    if (binding.transposed)
        joined = joined.t();
    // Exports and compression read float32 host copies, whatever the compute dtype.
    return toHost(joined, torch::kFloat32).clone();
}

void loadBindings(const std::vector<WeightBinding> &bindings, const Checkpoint &checkpoint,
                  const ModelConfig &config, const QString &prefix, ProgressSink *progress) {
    const bool gpt2 = isGpt2(config);
    for (size_t i = 0; i < bindings.size(); ++i) {
        const WeightBinding &binding = bindings[i];
        throwIfCancelled(progress);
        reportProgress(progress, double(i) / double(bindings.size()),
                       QStringLiteral("loading %1").arg(binding.name));
        QString stored = binding.name;
        const TensorInfo *info = checkpoint.findTensor(stored);
        if (!info && gpt2) {
            // Original GPT-2 checkpoints name tensors without the "transformer." prefix.
            stored = binding.name.mid(prefix.size());
            info = checkpoint.findTensor(stored);
        }
        if (!info)
            throw Error(QStringLiteral("checkpoint %1 has no tensor '%2', which a %3 with this "
                                       "config.json needs; the checkpoint is incomplete or its "
                                       "config.json describes a different model")
                            .arg(checkpoint.source(), binding.name, config.architectureName));
        std::vector<int64_t> shape(info->shape.begin(), info->shape.end());
        const std::vector<int64_t> expected = binding.hfShape();
        if (shape != expected)
            throw Error(
                QStringLiteral("tensor '%1' in %2 has shape %3 but the model "
                               "configuration needs %4; the checkpoint does not match "
                               "its config.json")
                    .arg(stored, checkpoint.source(), shapeText(shape), shapeText(expected)));
        const torch::ScalarType held = binding.parts.front().scalar_type();
        if ((held == torch::kBFloat16 && info->dtype == DType::BF16) ||
            (held == torch::kFloat16 && info->dtype == DType::F16)) {
            // Held in its stored 16-bit type: the bytes go in as they are, no float32 copy.
            const QByteArray bytes = checkpoint.readRaw(stored);
            if (quint64(bytes.size()) != info->byteSize)
                throw Error(QStringLiteral("tensor '%1' in %2 holds %3 bytes instead of %4; the "
                                           "checkpoint is damaged")
                                .arg(stored, checkpoint.source())
                                .arg(bytes.size())
                                .arg(info->byteSize));
            assignBinding(binding, torch::from_blob(const_cast<char *>(bytes.constData()), shape,
                                                    torch::TensorOptions().dtype(held)));
        } else {
            const std::vector<float> values = checkpoint.readFloat32(stored);
            assignBinding(binding, hostView(values.data(), shape));
        }
    }
    reportProgress(progress, 1.0, QStringLiteral("weights loaded"));
}

} // namespace nwc
