#include "codec/neuralcodec.h"

#include "codec/factorizeddensity.h"
#include "compute/torchcompute.h"
#include "jobs/error.h"

#include <cmath>

namespace nwc {
namespace {

std::string key(const QString &name) {
    return name.toStdString();
}

} // namespace

CodecParameters codecPreset(const QString &preset) {
    CodecParameters p;
    p.preset = preset;
    p.chunk = 16;
    p.levels = 4;
    p.rateWeights = {3.4, 1.2, 0.1, 0.05};
    if (preset == QLatin1String("identity")) {
        p.hidden = 0;
        p.blocks = 0;
    } else if (preset == QLatin1String("fast")) {
        p.hidden = 64;
        p.blocks = 2;
    } else if (preset == QLatin1String("paper")) {
        p.hidden = 512;
        p.blocks = 4;
    } else {
        throw Error(
            QStringLiteral("unknown codec preset '%1' (use identity, fast or paper)").arg(preset));
    }
    return p;
}

NeuralCodecImpl::NeuralCodecImpl(const CodecParameters &architecture, uint64_t seed,
                                 const ComputeOptions &options)
    : m_architecture(architecture) {
    const torch::Device device = torchDevice(options);
    m_architecture.arrays.clear();
    torch::manual_seed(seed);
    const int64_t d = architecture.chunk;
    const int64_t h = architecture.hidden;
    const int64_t q = architecture.levels;
    const int64_t channels = q * d;
    register_parameter("level_log_scale", torch::zeros({q}));
    if (h > 0) {
        for (const char *side : {"encoder", "decoder"}) {
            const std::string s(side);
            const double inBound = 1.0 / std::sqrt(double(d));
            const double hiddenBound = 1.0 / std::sqrt(double(h));
            register_parameter(s + "_in_weight", torch::empty({h, d}).uniform_(-inBound, inBound));
            register_parameter(s + "_in_bias", torch::zeros({h}));
            for (int k = 0; k < architecture.blocks; ++k) {
                const std::string b = s + "_block" + std::to_string(k);
                register_parameter(b + "_weight",
                                   torch::empty({h, h}).uniform_(-hiddenBound, hiddenBound));
                register_parameter(b + "_bias", torch::zeros({h}));
                register_parameter(b + "_norm_weight", torch::ones({h}));
                register_parameter(b + "_norm_bias", torch::zeros({h}));
                register_parameter(b + "_quality", torch::ones({q, h}));
            }
            register_parameter(s + "_out_weight", torch::zeros({d, h}));
            register_parameter(s + "_out_bias", torch::zeros({d}));
        }
    }
    // Factorized density (CompressAI's initialisation, init scale 10).
    const int widths[5] = {1, FactorizedDensity::kFilters[0], FactorizedDensity::kFilters[1],
                           FactorizedDensity::kFilters[2], 1};
    const double scale = std::pow(10.0, 1.0 / 4.0);
    for (int i = 0; i < FactorizedDensity::kLayers; ++i) {
        const int in = widths[i];
        const int out = widths[i + 1];
        const double init = std::log(std::expm1(1.0 / scale / out));
        register_parameter("entropy_matrix" + std::to_string(i),
                           torch::full({channels, out, in}, init));
        register_parameter("entropy_bias" + std::to_string(i),
                           torch::empty({channels, out, 1}).uniform_(-0.5, 0.5));
        if (i + 1 < FactorizedDensity::kLayers)
            register_parameter("entropy_factor" + std::to_string(i),
                               torch::zeros({channels, out, 1}));
    }
    if (!device.is_cpu())
        to(device);
}

torch::Tensor NeuralCodecImpl::param(const QString &name) const {
    const auto parameters = named_parameters(false);
    const torch::Tensor *found = parameters.find(key(name));
    if (!found)
        throw Error(QStringLiteral("codec has no parameter '%1'").arg(name));
    return *found;
}

void NeuralCodecImpl::load(const CodecParameters &parameters) {
    torch::NoGradGuard noGrad;
    for (auto &item : named_parameters(false)) {
        const QString name = QString::fromStdString(item.key());
        const NamedArray &array = parameters.array(name);
        if (int64_t(array.values.size()) != item.value().numel())
            throw Error(QStringLiteral("codec '%1': parameter '%2' has %3 values, expected %4")
                            .arg(parameters.id, name)
                            .arg(array.values.size())
                            .arg(item.value().numel()));
        item.value().copy_(hostView(array.values.data(), item.value().sizes()));
    }
    const QString id = parameters.id;
    m_architecture = parameters;
    m_architecture.arrays.clear();
    m_architecture.id = id;
}

CodecParameters NeuralCodecImpl::parameters() const {
    CodecParameters result = m_architecture;
    result.arrays.clear();
    for (const auto &item : named_parameters(false)) {
        NamedArray array;
        array.name = QString::fromStdString(item.key());
        const torch::Tensor value = toHost(item.value(), torch::kFloat32);
        for (int64_t size : value.sizes())
            array.shape.push_back(size);
        array.values.assign(value.data_ptr<float>(), value.data_ptr<float>() + value.numel());
        result.arrays.push_back(std::move(array));
    }
    return result;
}

torch::Tensor NeuralCodecImpl::transform(const QString &side, const torch::Tensor &input,
                                         const torch::Tensor &levels) {
    torch::Tensor z =
        torch::nn::functional::linear(input, param(side + QStringLiteral("_in_weight")),
                                      param(side + QStringLiteral("_in_bias")));
    const int64_t h = m_architecture.hidden;
    for (int k = 0; k < m_architecture.blocks; ++k) {
        const QString b = side + QStringLiteral("_block") + QString::number(k);
        torch::Tensor t = torch::nn::functional::linear(z, param(b + QStringLiteral("_weight")),
                                                        param(b + QStringLiteral("_bias")));
        t = torch::layer_norm(t, {h}, param(b + QStringLiteral("_norm_weight")),
                              param(b + QStringLiteral("_norm_bias")));
        z = (z + torch::relu(t)) * param(b + QStringLiteral("_quality")).index_select(0, levels);
    }
    return input + torch::nn::functional::linear(z, param(side + QStringLiteral("_out_weight")),
                                                 param(side + QStringLiteral("_out_bias")));
}

torch::Tensor NeuralCodecImpl::encode(const torch::Tensor &x, const torch::Tensor &levels) {
    const torch::Tensor gain =
        param(QStringLiteral("level_log_scale")).index_select(0, levels).exp();
    const torch::Tensor y = hasNetwork() ? transform(QStringLiteral("encoder"), x, levels) : x;
    return y * gain.unsqueeze(1);
}

torch::Tensor NeuralCodecImpl::decode(const torch::Tensor &latents, const torch::Tensor &levels) {
    const torch::Tensor gain =
        (-param(QStringLiteral("level_log_scale")).index_select(0, levels)).exp();
    const torch::Tensor y = latents * gain.unsqueeze(1);
    return hasNetwork() ? transform(QStringLiteral("decoder"), y, levels) : y;
}

torch::Tensor NeuralCodecImpl::logitsCumulative(const torch::Tensor &values,
                                                const torch::Tensor &channels) {
    // values [M], channels [M] → logits [M].
    torch::Tensor logits = values.reshape({-1, 1, 1});
    for (int i = 0; i < FactorizedDensity::kLayers; ++i) {
        const std::string n = std::to_string(i);
        const torch::Tensor matrix = torch::nn::functional::softplus(
            param(QStringLiteral("entropy_matrix") + QString::number(i)).index_select(0, channels));
        logits =
            torch::bmm(matrix, logits) +
            param(QStringLiteral("entropy_bias") + QString::number(i)).index_select(0, channels);
        if (i + 1 < FactorizedDensity::kLayers)
            logits =
                logits + torch::tanh(param(QStringLiteral("entropy_factor") + QString::number(i))
                                         .index_select(0, channels)) *
                             torch::tanh(logits);
    }
    return logits.reshape({-1});
}

torch::Tensor NeuralCodecImpl::likelihood(const torch::Tensor &latents,
                                          const torch::Tensor &levels) {
    const int64_t d = m_architecture.chunk;
    const torch::Tensor channels =
        (levels.unsqueeze(1) * d + torch::arange(d, levels.options()).unsqueeze(0)).reshape({-1});
    const torch::Tensor values = latents.reshape({-1});
    const torch::Tensor lower = logitsCumulative(values - 0.5, channels);
    const torch::Tensor upper = logitsCumulative(values + 0.5, channels);
    const torch::Tensor sign = -torch::sign(lower + upper).detach();
    const torch::Tensor p = torch::abs(torch::sigmoid(sign * upper) - torch::sigmoid(sign * lower));
    return p.clamp_min(1e-9).reshape(latents.sizes());
}

} // namespace nwc
