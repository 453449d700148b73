#pragma once
// Test and benchmark fixtures for the codec: untrained codecs (coding works the same, speed
// does not depend on training) and Gaussian weight matrices with varied column scales.
#include "codec/codectrainer.h"
#include "codec/neuralcodec.h"

#include <cmath>
#include <random>
#include <vector>

namespace nwc::test {

/// Fresh parameters of `preset` with id "<preset>-test".
inline CodecParameters freshCodec(const QString &preset, uint64_t seed = 3) {
    CodecParameters architecture = codecPreset(preset);
    architecture.id = preset + QStringLiteral("-test");
    NeuralCodec network(architecture, seed);
    CodecParameters parameters = network->parameters();
    parameters.id = architecture.id;
    return parameters;
}

/// Training an identity codec (λ 441) on demo:student for `steps` steps of `batch` chunks,
/// written to `output`.
inline CodecTrainingSettings studentIdentityTraining(int64_t steps, int64_t batch,
                                                     const QString &output) {
    CodecTrainingSettings settings;
    settings.models = {QStringLiteral("demo:student")};
    settings.preset = QStringLiteral("identity");
    settings.lambda = 441.0;
    settings.steps = steps;
    settings.batchChunks = batch;
    settings.outputPath = output;
    return settings;
}

/// Gaussian weights [rows, columns] with column scales spread over two orders of magnitude.
inline std::vector<float> randomWeights(int64_t rows, int64_t columns, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> scales(static_cast<size_t>(columns));
    for (float &scale : scales)
        scale = std::pow(10.0f, std::uniform_real_distribution<float>(-2.0f, 0.0f)(rng));
    std::vector<float> weights(static_cast<size_t>(rows * columns));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < columns; ++c)
            weights[size_t(r * columns + c)] = normal(rng) * scales[size_t(c)];
    return weights;
}

} // namespace nwc::test
