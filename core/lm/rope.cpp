// Rotary position embeddings: inverse frequencies (default and llama3 scaling) and rotation.
#include "lm/rope.h"

#include <torch/torch.h>

namespace nwc {

namespace {

constexpr double kPi = 3.14159265358979323846;

torch::Tensor rotateHalf(const torch::Tensor &x) {
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

} // namespace

torch::Tensor ropeInverseFrequencies(const ModelConfig &config) {
    const int64_t dim = config.headDim;
    const torch::Tensor exponents =
        torch::arange(0, dim, 2, torch::kLong).to(torch::kFloat) / double(dim);
    torch::Tensor invFreq = 1.0 / torch::pow(config.ropeTheta, exponents);
    if (config.ropeScalingType != QLatin1String("llama3"))
        return invFreq;
    const double factor = config.ropeFactor;
    const double lowFreqFactor = config.ropeLowFreqFactor;
    const double highFreqFactor = config.ropeHighFreqFactor;
    const double oldContext = config.ropeOriginalMaxPositions;
    const double lowFreqWavelen = oldContext / lowFreqFactor;
    const double highFreqWavelen = oldContext / highFreqFactor;
    const torch::Tensor wavelen = 2 * kPi / invFreq;
    torch::Tensor scaled = torch::where(wavelen > lowFreqWavelen, invFreq / factor, invFreq);
    const torch::Tensor smooth =
        (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    const torch::Tensor smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
    const torch::Tensor medium = torch::logical_not(wavelen < highFreqWavelen) &
                                 torch::logical_not(wavelen > lowFreqWavelen);
    return torch::where(medium, smoothed, scaled);
}

RopeAngles ropeAngles(const torch::Tensor &invFreq, int64_t start, int64_t time,
                      torch::ScalarType dtype) {
    const torch::Tensor positions =
        torch::arange(start, start + time,
                      torch::TensorOptions().dtype(torch::kLong).device(invFreq.device()))
            .to(torch::kFloat);
    const torch::Tensor freqs = positions.unsqueeze(1) * invFreq.unsqueeze(0);
    const torch::Tensor angles = torch::cat({freqs, freqs}, -1);
    return {angles.cos().to(dtype), angles.sin().to(dtype)};
}

torch::Tensor applyRope(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin) {
    return x * cos + rotateHalf(x) * sin;
}

} // namespace nwc
