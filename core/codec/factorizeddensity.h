#pragma once
// The codec's learned entropy model evaluated in plain double precision (no torch), so encoder
// and decoder derive identical coding tables from the stored parameters. One non-parametric
// cumulative density per latent channel (Ballé et al. 2018, "factorized prior"): a monotone
// chain of 1→3→3→3→1 maps with softplus-positive matrices and tanh gates.

#include "codec/codecparameters.h"

#include <vector>

namespace nwc {

/// Cumulative densities of all latent channels of one codec.
class FactorizedDensity {
public:
    /// Filter widths of the chain between input and output (input and output width 1).
    static constexpr int kFilters[3] = {3, 3, 3};
    /// Number of maps in the chain.
    static constexpr int kLayers = 4;

    /// Reads entropy_matrix{i}, entropy_bias{i}, entropy_factor{i} from `codec`; the channel
    /// count is codec.levels × codec.chunk. Throws nwc::Error when an array is missing or has the
    /// wrong size.
    explicit FactorizedDensity(const CodecParameters &codec);

    int channels() const { return m_channels; }
    /// Logit of the cumulative density of channel `channel` at `value`.
    double logit(int channel, double value) const;
    /// Probability mass of [lower, upper] (computed on the side of the median where it is
    /// numerically accurate).
    double mass(int channel, double lower, double upper) const;
    /// The channel's median (logit = 0), found by bisection.
    double median(int channel) const { return m_medians[size_t(channel)]; }

private:
    struct Layer {
        int in = 1;
        int out = 1;
        std::vector<double> matrix; // [channels][out][in], softplus applied
        std::vector<double> bias;   // [channels][out]
        std::vector<double> factor; // [channels][out], tanh applied (empty for the last layer)
    };
    int m_channels = 0;
    std::vector<Layer> m_layers;
    std::vector<double> m_medians;
};

} // namespace nwc
