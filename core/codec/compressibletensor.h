#pragma once
// Which checkpoint tensors the compressor codes, and in which orientation. Torch-free.

#include "io/modelconfig.h"
#include "io/tensorinfo.h"

namespace nwc {

/// A 2-D floating-point weight inside a decoder block (model.layers.N.…, transformer.h.N.…,
/// h.N.…): the linear layers. Embeddings, the output head, norms and biases are kept as they
/// are (passthrough).
bool isCompressibleTensor(const TensorInfo &info);

/// Whether the checkpoint stores the weight as [in, out] (GPT-2's Conv1D layers), so it is
/// transposed to [out, in] for coding and back when decoded.
bool isStoredTransposed(const ModelConfig &config, const QString &name);

} // namespace nwc
