// GPT-2, Qwen2, Llama 3 RoPE scaling and Mistral's sliding window against an independent naive
// implementation (plain loops, double precision). Tiny random models are written as Hugging Face
// directories (config.json + model.safetensors) and opened like any checkpoint.
#include "io/checkpoint.h"
#include "io/safetensorswriter.h"
#include "jobs/error.h"
#include "lm/transformer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace nwc;

namespace {

using Vec = std::vector<double>;

/// Everything the naive model needs, kept apart from nwc::ModelConfig on purpose.
struct NaiveConfig {
    QString architecture; // "GPT2LMHeadModel", "Qwen2ForCausalLM", ...
    int hidden = 16;
    int inner = 24;
    int layers = 2;
    int heads = 4;
    int kvHeads = 4;
    int vocab = 40;
    int positions = 64;
    double eps = 1e-5;
    double theta = 10000;
    bool tied = false;
    bool qkvBias = false;
    bool oBias = false;
    int window = 0;
    bool llama3 = false;
    double factor = 8;
    double lowFreqFactor = 1;
    double highFreqFactor = 4;
    int originalPositions = 64;

    bool gpt2() const { return architecture == QLatin1String("GPT2LMHeadModel"); }
    int headDim() const { return hidden / heads; }
};

struct NaiveTensor {
    QVector<qint64> shape;
    std::vector<float> values;
};
using Weights = QMap<QString, NaiveTensor>;

class Random {
public:
    explicit Random(uint64_t seed)
        : m_state(seed) {}
    float next(double scale) {
        m_state = m_state * 6364136223846793005ull + 1442695040888963407ull;
        return float((double(m_state >> 11) / 9007199254740992.0 * 2 - 1) * scale);
    }

private:
    uint64_t m_state;
};

QJsonObject configJson(const NaiveConfig &c) {
    QJsonObject json;
    json[QStringLiteral("architectures")] = QJsonArray{c.architecture};
    json[QStringLiteral("vocab_size")] = c.vocab;
    if (c.gpt2()) {
        json[QStringLiteral("model_type")] = QStringLiteral("gpt2");
        json[QStringLiteral("n_embd")] = c.hidden;
        json[QStringLiteral("n_inner")] = c.inner;
        json[QStringLiteral("n_layer")] = c.layers;
        json[QStringLiteral("n_head")] = c.heads;
        json[QStringLiteral("n_positions")] = c.positions;
        json[QStringLiteral("layer_norm_epsilon")] = c.eps;
        json[QStringLiteral("activation_function")] = QStringLiteral("gelu_new");
        return json;
    }
    json[QStringLiteral("hidden_size")] = c.hidden;
    json[QStringLiteral("intermediate_size")] = c.inner;
    json[QStringLiteral("num_hidden_layers")] = c.layers;
    json[QStringLiteral("num_attention_heads")] = c.heads;
    json[QStringLiteral("num_key_value_heads")] = c.kvHeads;
    json[QStringLiteral("max_position_embeddings")] = c.positions;
    json[QStringLiteral("rms_norm_eps")] = c.eps;
    json[QStringLiteral("rope_theta")] = c.theta;
    json[QStringLiteral("tie_word_embeddings")] = c.tied;
    json[QStringLiteral("hidden_act")] = QStringLiteral("silu");
    if (c.architecture == QLatin1String("LlamaForCausalLM"))
        json[QStringLiteral("attention_bias")] = c.qkvBias;
    if (c.window > 0)
        json[QStringLiteral("sliding_window")] = c.window;
    if (c.llama3) {
        json[QStringLiteral("rope_scaling")] =
            QJsonObject{{QStringLiteral("rope_type"), QStringLiteral("llama3")},
                        {QStringLiteral("factor"), c.factor},
                        {QStringLiteral("low_freq_factor"), c.lowFreqFactor},
                        {QStringLiteral("high_freq_factor"), c.highFreqFactor},
                        {QStringLiteral("original_max_position_embeddings"), c.originalPositions}};
    }
    return json;
}

/// Random weights under HF names (GPT-2 without the "transformer." prefix, as the original
/// checkpoints store them).
Weights randomWeights(const NaiveConfig &c, uint64_t seed) {
    Random random(seed);
    Weights weights;
    const auto add = [&](const QString &name, QVector<qint64> shape, double scale,
                         double offset = 0) {
        NaiveTensor tensor;
        tensor.shape = shape;
        qint64 count = 1;
        for (qint64 d : shape)
            count *= d;
        for (qint64 i = 0; i < count; ++i)
            tensor.values.push_back(float(offset) + random.next(scale));
        weights.insert(name, tensor);
    };
    const qint64 h = c.hidden;
    const qint64 q = qint64(c.heads) * c.headDim();
    const qint64 kv = qint64(c.kvHeads) * c.headDim();
    if (c.gpt2()) {
        add(QStringLiteral("wte.weight"), {c.vocab, h}, 0.5);
        add(QStringLiteral("wpe.weight"), {c.positions, h}, 0.3);
        for (int l = 0; l < c.layers; ++l) {
            const QString p = QStringLiteral("h.%1.").arg(l);
            add(p + QStringLiteral("ln_1.weight"), {h}, 0.2, 1.0);
            add(p + QStringLiteral("ln_1.bias"), {h}, 0.1);
            add(p + QStringLiteral("attn.c_attn.weight"), {h, 3 * h}, 0.4);
            add(p + QStringLiteral("attn.c_attn.bias"), {3 * h}, 0.2);
            add(p + QStringLiteral("attn.c_proj.weight"), {h, h}, 0.3);
            add(p + QStringLiteral("attn.c_proj.bias"), {h}, 0.1);
            add(p + QStringLiteral("ln_2.weight"), {h}, 0.2, 1.0);
            add(p + QStringLiteral("ln_2.bias"), {h}, 0.1);
            add(p + QStringLiteral("mlp.c_fc.weight"), {h, c.inner}, 0.4);
            add(p + QStringLiteral("mlp.c_fc.bias"), {c.inner}, 0.2);
            add(p + QStringLiteral("mlp.c_proj.weight"), {c.inner, h}, 0.3);
            add(p + QStringLiteral("mlp.c_proj.bias"), {h}, 0.1);
        }
        add(QStringLiteral("ln_f.weight"), {h}, 0.2, 1.0);
        add(QStringLiteral("ln_f.bias"), {h}, 0.1);
        return weights;
    }
    add(QStringLiteral("model.embed_tokens.weight"), {c.vocab, h}, 0.5);
    for (int l = 0; l < c.layers; ++l) {
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        add(p + QStringLiteral("input_layernorm.weight"), {h}, 0.2, 1.0);
        add(p + QStringLiteral("self_attn.q_proj.weight"), {q, h}, 0.4);
        add(p + QStringLiteral("self_attn.k_proj.weight"), {kv, h}, 0.4);
        add(p + QStringLiteral("self_attn.v_proj.weight"), {kv, h}, 0.4);
        if (c.qkvBias) {
            add(p + QStringLiteral("self_attn.q_proj.bias"), {q}, 0.3);
            add(p + QStringLiteral("self_attn.k_proj.bias"), {kv}, 0.3);
            add(p + QStringLiteral("self_attn.v_proj.bias"), {kv}, 0.3);
        }
        add(p + QStringLiteral("self_attn.o_proj.weight"), {h, q}, 0.3);
        if (c.oBias)
            add(p + QStringLiteral("self_attn.o_proj.bias"), {h}, 0.1);
        add(p + QStringLiteral("post_attention_layernorm.weight"), {h}, 0.2, 1.0);
        add(p + QStringLiteral("mlp.gate_proj.weight"), {c.inner, h}, 0.4);
        add(p + QStringLiteral("mlp.up_proj.weight"), {c.inner, h}, 0.4);
        add(p + QStringLiteral("mlp.down_proj.weight"), {h, c.inner}, 0.3);
    }
    add(QStringLiteral("model.norm.weight"), {h}, 0.2, 1.0);
    if (!c.tied)
        add(QStringLiteral("lm_head.weight"), {c.vocab, h}, 0.5);
    return weights;
}

void writeDirectory(const QString &directory, const NaiveConfig &c, const Weights &weights) {
    QFile config(directory + QStringLiteral("/config.json"));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QJsonDocument(configJson(c)).toJson());
    config.close();
    SafetensorsWriter writer;
    for (auto it = weights.begin(); it != weights.end(); ++it)
        writer.addFloat32(it.key(), it.value().shape, it.value().values);
    writer.write(directory + QStringLiteral("/model.safetensors"));
}

// ---- the naive model -------------------------------------------------------------------------

/// y = W x (+ b); W is [out, in] (Linear) or [in, out] (GPT-2 Conv1D).
Vec linear(const NaiveTensor &w, const Vec &x, const NaiveTensor *bias, bool conv1d) {
    const qint64 out = conv1d ? w.shape[1] : w.shape[0];
    const qint64 in = conv1d ? w.shape[0] : w.shape[1];
    Vec y(size_t(out), 0.0);
    for (qint64 o = 0; o < out; ++o) {
        double sum = bias ? bias->values[size_t(o)] : 0.0;
        for (qint64 i = 0; i < in; ++i)
            sum += double(conv1d ? w.values[size_t(i * out + o)] : w.values[size_t(o * in + i)]) *
                   x[size_t(i)];
        y[size_t(o)] = sum;
    }
    return y;
}

Vec rmsNorm(const Vec &x, const NaiveTensor &w, double eps) {
    double meanSquare = 0;
    for (double v : x)
        meanSquare += v * v;
    meanSquare /= double(x.size());
    Vec y(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        y[i] = x[i] / std::sqrt(meanSquare + eps) * w.values[i];
    return y;
}

Vec layerNorm(const Vec &x, const NaiveTensor &w, const NaiveTensor &b, double eps) {
    double mean = 0;
    for (double v : x)
        mean += v;
    mean /= double(x.size());
    double variance = 0;
    for (double v : x)
        variance += (v - mean) * (v - mean);
    variance /= double(x.size());
    Vec y(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        y[i] = (x[i] - mean) / std::sqrt(variance + eps) * w.values[i] + b.values[i];
    return y;
}

double geluNew(double x) {
    return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}

double silu(double x) {
    return x / (1 + std::exp(-x));
}

/// RoPE inverse frequencies with the llama3 rule: keep high frequencies, divide low ones by
/// `factor`, interpolate in between.
Vec inverseFrequencies(const NaiveConfig &c) {
    const int d = c.headDim();
    Vec inv(size_t(d / 2));
    for (int i = 0; i < d / 2; ++i) {
        double f = 1.0 / std::pow(c.theta, 2.0 * i / d);
        if (c.llama3) {
            const double wavelength = 2 * M_PI / f;
            const double lowWavelength = c.originalPositions / c.lowFreqFactor;
            const double highWavelength = c.originalPositions / c.highFreqFactor;
            if (wavelength > lowWavelength) {
                f /= c.factor;
            } else if (wavelength >= highWavelength) {
                const double smooth = (c.originalPositions / wavelength - c.lowFreqFactor) /
                                      (c.highFreqFactor - c.lowFreqFactor);
                f = (1 - smooth) * f / c.factor + smooth * f;
            }
        }
        inv[size_t(i)] = f;
    }
    return inv;
}

/// Rotates each head's first and second halves (HF rotate-half order) by position * frequency.
void applyRope(Vec &x, int heads, int headDim, int position, const Vec &inv) {
    const int half = headDim / 2;
    for (int h = 0; h < heads; ++h) {
        double *v = x.data() + h * headDim;
        for (int i = 0; i < half; ++i) {
            const double angle = position * inv[size_t(i)];
            const double a = v[i];
            const double b = v[i + half];
            v[i] = a * std::cos(angle) - b * std::sin(angle);
            v[i + half] = b * std::cos(angle) + a * std::sin(angle);
        }
    }
}

/// Causal attention of every position over earlier ones (within the sliding window if any).
std::vector<Vec> attend(const std::vector<Vec> &q, const std::vector<Vec> &k,
                        const std::vector<Vec> &v, const NaiveConfig &c) {
    const int d = c.headDim();
    const int group = c.heads / c.kvHeads;
    std::vector<Vec> out(q.size(), Vec(size_t(c.heads * d), 0.0));
    for (size_t t = 0; t < q.size(); ++t) {
        for (int h = 0; h < c.heads; ++h) {
            const int kvHead = h / group;
            std::vector<double> scores;
            std::vector<size_t> keys;
            for (size_t s = 0; s <= t; ++s) {
                if (c.window > 0 && t - s >= size_t(c.window))
                    continue;
                double dot = 0;
                for (int i = 0; i < d; ++i)
                    dot += q[t][size_t(h * d + i)] * k[s][size_t(kvHead * d + i)];
                scores.push_back(dot / std::sqrt(double(d)));
                keys.push_back(s);
            }
            const double top = *std::max_element(scores.begin(), scores.end());
            double total = 0;
            for (double &score : scores)
                total += (score = std::exp(score - top));
            for (size_t j = 0; j < keys.size(); ++j) {
                for (int i = 0; i < d; ++i)
                    out[t][size_t(h * d + i)] +=
                        scores[j] / total * v[keys[j]][size_t(kvHead * d + i)];
            }
        }
    }
    return out;
}

const NaiveTensor &at(const Weights &w, const QString &name) {
    const auto it = w.constFind(name);
    if (it == w.constEnd())
        qFatal("test weights lack %s", qPrintable(name));
    return it.value();
}

const NaiveTensor *optional(const Weights &w, const QString &name) {
    const auto it = w.constFind(name);
    return it == w.constEnd() ? nullptr : &it.value();
}

/// Logits [time][vocab] for `ids`, computed position by position.
std::vector<Vec> naiveLogits(const NaiveConfig &c, const Weights &w, const std::vector<int> &ids) {
    const size_t time = ids.size();
    const int h = c.hidden;
    std::vector<Vec> x(time, Vec(size_t(h)));
    const NaiveTensor &embedding = at(w, c.gpt2() ? QStringLiteral("wte.weight")
                                                  : QStringLiteral("model.embed_tokens.weight"));
    for (size_t t = 0; t < time; ++t) {
        for (int i = 0; i < h; ++i) {
            x[t][size_t(i)] = embedding.values[size_t(ids[t] * h + i)];
            if (c.gpt2())
                x[t][size_t(i)] +=
                    at(w, QStringLiteral("wpe.weight")).values[t * size_t(h) + size_t(i)];
        }
    }
    const Vec inv = inverseFrequencies(c);
    for (int l = 0; l < c.layers; ++l) {
        std::vector<Vec> q(time), k(time), v(time);
        if (c.gpt2()) {
            const QString p = QStringLiteral("h.%1.").arg(l);
            for (size_t t = 0; t < time; ++t) {
                const Vec n = layerNorm(x[t], at(w, p + QStringLiteral("ln_1.weight")),
                                        at(w, p + QStringLiteral("ln_1.bias")), c.eps);
                const Vec qkv = linear(at(w, p + QStringLiteral("attn.c_attn.weight")), n,
                                       &at(w, p + QStringLiteral("attn.c_attn.bias")), true);
                q[t] = Vec(qkv.begin(), qkv.begin() + h);
                k[t] = Vec(qkv.begin() + h, qkv.begin() + 2 * h);
                v[t] = Vec(qkv.begin() + 2 * h, qkv.end());
            }
            const std::vector<Vec> mixed = attend(q, k, v, c);
            for (size_t t = 0; t < time; ++t) {
                const Vec o = linear(at(w, p + QStringLiteral("attn.c_proj.weight")), mixed[t],
                                     &at(w, p + QStringLiteral("attn.c_proj.bias")), true);
                for (int i = 0; i < h; ++i)
                    x[t][size_t(i)] += o[size_t(i)];
                const Vec n = layerNorm(x[t], at(w, p + QStringLiteral("ln_2.weight")),
                                        at(w, p + QStringLiteral("ln_2.bias")), c.eps);
                Vec inner = linear(at(w, p + QStringLiteral("mlp.c_fc.weight")), n,
                                   &at(w, p + QStringLiteral("mlp.c_fc.bias")), true);
                for (double &value : inner)
                    value = geluNew(value);
                const Vec m = linear(at(w, p + QStringLiteral("mlp.c_proj.weight")), inner,
                                     &at(w, p + QStringLiteral("mlp.c_proj.bias")), true);
                for (int i = 0; i < h; ++i)
                    x[t][size_t(i)] += m[size_t(i)];
            }
            continue;
        }
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        for (size_t t = 0; t < time; ++t) {
            const Vec n = rmsNorm(x[t], at(w, p + QStringLiteral("input_layernorm.weight")), c.eps);
            q[t] = linear(at(w, p + QStringLiteral("self_attn.q_proj.weight")), n,
                          optional(w, p + QStringLiteral("self_attn.q_proj.bias")), false);
            k[t] = linear(at(w, p + QStringLiteral("self_attn.k_proj.weight")), n,
                          optional(w, p + QStringLiteral("self_attn.k_proj.bias")), false);
            v[t] = linear(at(w, p + QStringLiteral("self_attn.v_proj.weight")), n,
                          optional(w, p + QStringLiteral("self_attn.v_proj.bias")), false);
            applyRope(q[t], c.heads, c.headDim(), int(t), inv);
            applyRope(k[t], c.kvHeads, c.headDim(), int(t), inv);
        }
        const std::vector<Vec> mixed = attend(q, k, v, c);
        for (size_t t = 0; t < time; ++t) {
            const Vec o = linear(at(w, p + QStringLiteral("self_attn.o_proj.weight")), mixed[t],
                                 optional(w, p + QStringLiteral("self_attn.o_proj.bias")), false);
            for (int i = 0; i < h; ++i)
                x[t][size_t(i)] += o[size_t(i)];
            const Vec n =
                rmsNorm(x[t], at(w, p + QStringLiteral("post_attention_layernorm.weight")), c.eps);
            const Vec gate =
                linear(at(w, p + QStringLiteral("mlp.gate_proj.weight")), n, nullptr, false);
            const Vec up =
                linear(at(w, p + QStringLiteral("mlp.up_proj.weight")), n, nullptr, false);
            Vec inner(gate.size());
            for (size_t i = 0; i < gate.size(); ++i)
                inner[i] = silu(gate[i]) * up[i];
            const Vec m =
                linear(at(w, p + QStringLiteral("mlp.down_proj.weight")), inner, nullptr, false);
            for (int i = 0; i < h; ++i)
                x[t][size_t(i)] += m[size_t(i)];
        }
    }
    std::vector<Vec> logits(time);
    for (size_t t = 0; t < time; ++t) {
        const Vec n = c.gpt2() ? layerNorm(x[t], at(w, QStringLiteral("ln_f.weight")),
                                           at(w, QStringLiteral("ln_f.bias")), c.eps)
                               : rmsNorm(x[t], at(w, QStringLiteral("model.norm.weight")), c.eps);
        const NaiveTensor &head =
            c.tied || c.gpt2() ? embedding : at(w, QStringLiteral("lm_head.weight"));
        logits[t] = linear(head, n, nullptr, false);
    }
    return logits;
}

// ---- cases ------------------------------------------------------------------------------------

NaiveConfig caseConfig(const QString &name) {
    NaiveConfig c;
    if (name == QLatin1String("gpt2")) {
        c.architecture = QStringLiteral("GPT2LMHeadModel");
        c.heads = 4;
        c.kvHeads = 4;
        c.positions = 32;
    } else if (name == QLatin1String("qwen2")) {
        c.architecture = QStringLiteral("Qwen2ForCausalLM");
        c.kvHeads = 2;
        c.qkvBias = true;
        c.tied = true;
        c.theta = 1000000;
        c.eps = 1e-6;
    } else if (name == QLatin1String("llama3-rope")) {
        c.architecture = QStringLiteral("LlamaForCausalLM");
        c.hidden = 32;
        c.heads = 2; // head dim 16: frequencies on both sides of the llama3 thresholds
        c.kvHeads = 1;
        c.llama3 = true;
        c.theta = 10000;
        c.originalPositions = 64;
    } else if (name == QLatin1String("llama-bias")) {
        c.architecture = QStringLiteral("LlamaForCausalLM");
        c.qkvBias = true;
        c.oBias = true; // HF Llama's attention_bias covers o_proj too
    } else if (name == QLatin1String("mistral-window")) {
        c.architecture = QStringLiteral("MistralForCausalLM");
        c.kvHeads = 2;
        c.window = 4;
    }
    return c;
}

const std::vector<int> &sequence() {
    static const std::vector<int> ids{3, 17, 0, 39, 22, 5, 5, 11, 30, 8, 1, 26};
    return ids;
}

torch::Tensor idsTensor(const std::vector<int> &ids) {
    std::vector<int64_t> wide(ids.begin(), ids.end());
    return torch::tensor(wide, torch::kLong).view({1, int64_t(wide.size())});
}

double maxDifference(const torch::Tensor &logits, const std::vector<Vec> &expected) {
    double worst = 0;
    const torch::Tensor cpu = logits.to(torch::kDouble).contiguous();
    for (size_t t = 0; t < expected.size(); ++t) {
        for (size_t v = 0; v < expected[t].size(); ++v)
            worst = std::max(worst,
                             std::abs(cpu[int64_t(t)][int64_t(v)].item<double>() - expected[t][v]));
    }
    return worst;
}

} // namespace

class TestArchitectures : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesNaiveImplementation_data() {
        QTest::addColumn<QString>("name");
        for (const char *name : {"gpt2", "qwen2", "llama3-rope", "llama-bias", "mistral-window"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void matchesNaiveImplementation() {
        QFETCH(QString, name);
        const NaiveConfig c = caseConfig(name);
        const Weights weights = randomWeights(c, qHash(name));
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        writeDirectory(directory.path(), c, weights);
        const CheckpointPtr checkpoint = Checkpoint::open(directory.path());
        Transformer model(checkpoint->config());
        model->loadWeights(*checkpoint);
        model->eval();
        torch::NoGradGuard noGrad;

        const std::vector<Vec> expected = naiveLogits(c, weights, sequence());
        const torch::Tensor logits = model->forward(idsTensor(sequence()))[0];
        QCOMPARE(logits.size(1), int64_t(c.vocab));
        const double difference = maxDifference(logits, expected);
        QVERIFY2(difference < 1e-4,
                 qPrintable(QStringLiteral("max |Δlogit| = %1").arg(difference)));

        // KV cache: one token at a time, then chunks, equal the full pass.
        KvCache cache;
        for (size_t t = 0; t < sequence().size(); ++t) {
            const torch::Tensor step = model->forward(idsTensor({sequence()[t]}), &cache)[0][0];
            const double stepDifference = (step - logits[int64_t(t)]).abs().max().item<double>();
            QVERIFY2(stepDifference < 1e-5,
                     qPrintable(QStringLiteral("position %1: %2").arg(t).arg(stepDifference)));
        }
        KvCache chunked;
        const std::vector<int> first(sequence().begin(), sequence().begin() + 5);
        const std::vector<int> rest(sequence().begin() + 5, sequence().end());
        model->forward(idsTensor(first), &chunked);
        const torch::Tensor tail = model->forward(idsTensor(rest), &chunked)[0];
        QVERIFY((tail - logits.narrow(0, 5, int64_t(rest.size()))).abs().max().item<double>() <
                1e-5);
    }

    void llama3ScalingChangesLowFrequenciesOnly() {
        NaiveConfig scaled = caseConfig(QStringLiteral("llama3-rope"));
        NaiveConfig plain = scaled;
        plain.llama3 = false;
        const Vec a = inverseFrequencies(scaled);
        const Vec b = inverseFrequencies(plain);
        QCOMPARE(a[0], b[0]);                       // wavelength 6.3 < 16: unchanged
        QVERIFY(a[1] < b[1] && a[1] > b[1] / 8);    // 19.9: interpolated
        QVERIFY(std::abs(a[7] - b[7] / 8) < 1e-15); // long wavelengths: divided by the factor

        // The runtime applies it: the same weights without scaling give different logits.
        const Weights weights = randomWeights(scaled, 7);
        QTemporaryDir scaledDir;
        QTemporaryDir plainDir;
        writeDirectory(scaledDir.path(), scaled, weights);
        writeDirectory(plainDir.path(), plain, weights);
        torch::NoGradGuard noGrad;
        Transformer withScaling(Checkpoint::open(scaledDir.path())->config());
        withScaling->loadWeights(*Checkpoint::open(scaledDir.path()));
        Transformer without(Checkpoint::open(plainDir.path())->config());
        without->loadWeights(*Checkpoint::open(plainDir.path()));
        const torch::Tensor ids = idsTensor(sequence());
        QVERIFY((withScaling->forward(ids) - without->forward(ids)).abs().max().item<double>() >
                1e-3);
    }

    void exportRoundTripIsBitExact_data() { matchesNaiveImplementation_data(); }

    void exportRoundTripIsBitExact() {
        QFETCH(QString, name);
        const NaiveConfig c = caseConfig(name);
        const Weights weights = randomWeights(c, qHash(name) + 1);
        QTemporaryDir source;
        writeDirectory(source.path(), c, weights);
        const CheckpointPtr original = Checkpoint::open(source.path());
        Transformer model(original->config());
        model->loadWeights(*original);

        // Export names and layout are HF's (GPT-2 gains the "transformer." prefix).
        const auto exported = model->exportWeights();
        QCOMPARE(int(exported.size()), weights.size());
        for (const auto &entry : exported) {
            QString stored = entry.first;
            if (c.gpt2()) {
                QVERIFY(stored.startsWith(QLatin1String("transformer.")));
                stored = stored.mid(12);
            }
            QVERIFY2(weights.contains(stored), qPrintable(stored));
            const NaiveTensor &tensor = weights[stored];
            QCOMPARE(QVector<qint64>(entry.second.sizes().begin(), entry.second.sizes().end()),
                     tensor.shape);
            QVERIFY(std::equal(tensor.values.begin(), tensor.values.end(),
                               entry.second.data_ptr<float>()));
        }

        QTemporaryDir target;
        saveHuggingFaceDirectory(*model, target.path(), QString());
        const CheckpointPtr reloaded = Checkpoint::open(target.path());
        QVERIFY(reloaded->config() == original->config());
        Transformer copy(reloaded->config());
        copy->loadWeights(*reloaded);
        const auto again = copy->exportWeights();
        QCOMPARE(again.size(), exported.size());
        for (size_t i = 0; i < again.size(); ++i) {
            QCOMPARE(again[i].first, exported[i].first);
            QVERIFY(torch::equal(again[i].second, exported[i].second));
        }
        torch::NoGradGuard noGrad;
        model->eval();
        copy->eval();
        const torch::Tensor ids = idsTensor(sequence());
        QVERIFY(torch::equal(model->forward(ids), copy->forward(ids)));
    }

    void setWeightAndObserver() {
        const NaiveConfig c = caseConfig(QStringLiteral("qwen2"));
        const Weights weights = randomWeights(c, 3);
        QTemporaryDir directory;
        writeDirectory(directory.path(), c, weights);
        Transformer model(Checkpoint::open(directory.path())->config());
        model->loadWeights(*Checkpoint::open(directory.path()));
        const QString name = QStringLiteral("model.layers.1.mlp.down_proj.weight");
        QVERIFY(model->weightNames().contains(name));
        const torch::Tensor before = model->weight(name);
        model->setWeight(name, torch::zeros_like(before));
        QCOMPARE(model->weight(name).abs().sum().item<double>(), 0.0);
        QVERIFY_THROWS_EXCEPTION(Error, model->setWeight(name, torch::zeros({3, 3})));
        QVERIFY_THROWS_EXCEPTION(Error, model->weight(QStringLiteral("no.such.weight")));

        QStringList seen;
        model->setInputObserver([&](const QStringList &names, const torch::Tensor &input) {
            seen += names;
            QCOMPARE(input.size(1), int64_t(sequence().size()));
        });
        torch::NoGradGuard noGrad;
        model->forward(idsTensor(sequence()));
        QVERIFY(seen.contains(QStringLiteral("model.layers.0.self_attn.q_proj.weight")));
        QVERIFY(seen.contains(QStringLiteral("model.layers.1.self_attn.o_proj.weight")));
        QVERIFY(seen.contains(name));
        QVERIFY(seen.contains(QStringLiteral("model.embed_tokens.weight"))); // tied head
        model->setInputObserver({});
        seen.clear();
        model->forward(idsTensor(sequence()));
        QVERIFY(seen.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestArchitectures)
#include "tst_architectures.moc"
