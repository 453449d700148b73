#include "codec/factorizeddensity.h"

#include "jobs/error.h"

#include <array>
#include <cmath>

namespace nwc {
namespace {

double softplus(double x) {
    return x > 30.0 ? x : std::log1p(std::exp(x));
}
double sigmoid(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}

} // namespace

FactorizedDensity::FactorizedDensity(const CodecParameters &codec) {
    m_channels = codec.levels * codec.chunk;
    const std::array<int, 5> widths = {1, kFilters[0], kFilters[1], kFilters[2], 1};
    for (int i = 0; i < kLayers; ++i) {
        Layer layer;
        layer.in = widths[size_t(i)];
        layer.out = widths[size_t(i) + 1];
        const auto load = [&](const QString &name, size_t expected) {
            const NamedArray &array = codec.array(name);
            if (array.values.size() != expected)
                throw Error(QStringLiteral("codec '%1': parameter '%2' has %3 values, expected %4")
                                .arg(codec.id, name)
                                .arg(array.values.size())
                                .arg(expected));
            return std::vector<double>(array.values.begin(), array.values.end());
        };
        const size_t c = size_t(m_channels);
        layer.matrix =
            load(QStringLiteral("entropy_matrix%1").arg(i), c * size_t(layer.out * layer.in));
        for (double &value : layer.matrix)
            value = softplus(value);
        layer.bias = load(QStringLiteral("entropy_bias%1").arg(i), c * size_t(layer.out));
        if (i + 1 < kLayers) {
            layer.factor = load(QStringLiteral("entropy_factor%1").arg(i), c * size_t(layer.out));
            for (double &value : layer.factor)
                value = std::tanh(value);
        }
        m_layers.push_back(std::move(layer));
    }
    m_medians.resize(size_t(m_channels));
    for (int channel = 0; channel < m_channels; ++channel) {
        double low = -1.0;
        double high = 1.0;
        while (logit(channel, low) > 0.0 && low > -1e9)
            low *= 2.0;
        while (logit(channel, high) < 0.0 && high < 1e9)
            high *= 2.0;
        for (int iteration = 0; iteration < 100; ++iteration) {
            const double middle = 0.5 * (low + high);
            if (logit(channel, middle) < 0.0)
                low = middle;
            else
                high = middle;
        }
        m_medians[size_t(channel)] = 0.5 * (low + high);
    }
}

double FactorizedDensity::logit(int channel, double value) const {
    std::array<double, 3> current = {value, 0.0, 0.0};
    std::array<double, 3> next = {};
    for (const Layer &layer : m_layers) {
        const size_t matrixBase = size_t(channel) * size_t(layer.out * layer.in);
        const size_t vectorBase = size_t(channel) * size_t(layer.out);
        for (int o = 0; o < layer.out; ++o) {
            double sum = layer.bias[vectorBase + size_t(o)];
            for (int i = 0; i < layer.in; ++i)
                sum += layer.matrix[matrixBase + size_t(o * layer.in + i)] * current[size_t(i)];
            if (!layer.factor.empty())
                sum += layer.factor[vectorBase + size_t(o)] * std::tanh(sum);
            next[size_t(o)] = sum;
        }
        current = next;
    }
    return current[0];
}

double FactorizedDensity::mass(int channel, double lower, double upper) const {
    const double a = logit(channel, lower);
    const double b = logit(channel, upper);
    // Above the median use the upper tail (1 - cdf) to avoid cancellation.
    const double sign = (a + b) > 0.0 ? -1.0 : 1.0;
    return std::abs(sigmoid(sign * b) - sigmoid(sign * a));
}

} // namespace nwc
