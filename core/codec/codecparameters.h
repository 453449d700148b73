#pragma once
// A trained codec in torch-free form: what a codec file and the container's /codecs/<id> group hold
// (docs/architecture.md, Codec network; docs/formats.md, Codec files). NeuralCodec builds its
// network from it and exports back to it.

#include <QString>
#include <cstdint>
#include <utility>
#include <vector>

namespace nwc {

/// A named float32 array with its shape (row-major).
struct NamedArray {
    QString name;
    std::vector<int64_t> shape;
    std::vector<float> values;
};

/// Architecture and weights of one codec.
struct CodecParameters {
    /// Unique id, e.g. "fast-l300" (also the group name in a container).
    QString id;
    /// "identity", "fast" or "paper".
    QString preset;
    /// Chunk length, hidden width, residual blocks, quality levels.
    int32_t chunk = 16;
    int32_t hidden = 0;
    int32_t blocks = 0;
    int32_t levels = 4;
    /// Rate–distortion trade-off it was trained with.
    double lambda = 0.0;
    /// Rate weights per quality level used in training (c_q).
    std::vector<double> rateWeights;
    /// Training steps done (for --resume and for display).
    int64_t steps = 0;
    /// Bits per weight the codec reaches on its training data at latent step 1 (measured at the
    /// end of training), for choosing codecs when allocating bits.
    double nominalBitsPerWeight = 0.0;
    /// Where it was trained (model specs) — provenance shown to users.
    std::vector<QString> trainedOn;
    /// Network and entropy-model weights by name.
    std::vector<NamedArray> arrays;

    /// The array called `name`; throws nwc::Error naming the codec when it is missing.
    const NamedArray &array(const QString &name) const;
};

} // namespace nwc
