#pragma once
// The table that maps Hugging Face checkpoint names onto the runtime's parameters, and the
// copies in and out through it. Core-internal header (includes torch).

#include "lm/transformerlayers.h"

#include <QString>
#include <vector>

namespace nwc {

class Checkpoint;
class ProgressSink;

/// One checkpoint tensor and the parameters it fills: HF layout rows are split over `parts`
/// (GPT-2's fused c_attn feeds q, k and v), transposed first for GPT-2's Conv1D [in, out].
struct WeightBinding {
    QString name;
    std::vector<torch::Tensor> parts;
    bool transposed = false;

    /// The tensor's shape in HF layout.
    std::vector<int64_t> hfShape() const;
};

/// The modules whose parameters a checkpoint fills.
struct BoundModules {
    QString prefix; ///< "model." or "transformer."
    Embedding embed{nullptr};
    Embedding positions{nullptr}; ///< GPT-2 only
    std::vector<Block> blocks;
    Norm finalNorm{nullptr};
    Projection lmHead{nullptr}; ///< absent when tied
};

/// The bindings of every weight, in checkpoint order (embeddings, blocks, final norm, lm_head).
std::vector<WeightBinding> bindWeights(const ModelConfig &config, const BoundModules &modules);

/// "[2, 3]".
QString shapeText(const std::vector<int64_t> &shape);

/// The binding named `name`; throws nwc::Error for an unknown name.
const WeightBinding &findBinding(const std::vector<WeightBinding> &bindings, const QString &name);

/// Copies `hfValue` (HF layout, any device and floating dtype) into the binding's parameters,
/// converting to their device and dtype. Throws nwc::Error for a wrong shape.
void assignBinding(const WeightBinding &binding, const torch::Tensor &hfValue);

/// The binding's parameters joined in HF layout: a detached float32 copy in host memory.
torch::Tensor readBinding(const WeightBinding &binding);

/// Fills every binding from `checkpoint`: parameters held in a 16-bit type that the tensor is
/// stored in get its bytes as they are; the others get them converted to float32 in host
/// memory, then copied to the parameters' device and dtype. GPT-2 names are accepted with or
/// without `prefix`. Throws nwc::Error naming a missing tensor or a shape mismatch; reports per
/// tensor and honours cancellation.
void loadBindings(const std::vector<WeightBinding> &bindings, const Checkpoint &checkpoint,
                  const ModelConfig &config, const QString &prefix, ProgressSink *progress);

} // namespace nwc
