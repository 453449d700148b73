#pragma once
// Turns a CompressedTensor back into dense float32 weights. Torch-free header.

#include "codec/codecparameters.h"
#include "codec/compressedtensor.h"

#include <vector>

namespace nwc {

/// Dense float32 values in the layout of the original checkpoint tensor ([rows, columns], or
/// [columns, rows] when the tensor was transposed for coding). `codec` is required for NWC
/// tensors (the codec named by tensor.codecId) and ignored otherwise. Throws nwc::Error naming
/// the tensor when its data is inconsistent or a stream is corrupt.
std::vector<float> decodeCompressedTensor(const CompressedTensor &tensor,
                                          const CodecParameters *codec);

} // namespace nwc
