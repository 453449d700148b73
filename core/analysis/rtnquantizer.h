#pragma once
// Round-to-nearest baseline (docs/architecture.md, Baselines): asymmetric integer codes per group
// of input columns within each row, no calibration. Torch-free header.

#include "codec/compressedtensor.h"

#include <QString>
#include <cstdint>

namespace nwc {

/// Quantizes `weights` ([rows, columns] row-major, rows = outputs) to `bits`-bit codes (2..8)
/// with one fp16 scale and zero point per row and group of `groupSize` consecutive columns
/// (see groupParameters). Returns a CompressionMethod::Rtn tensor; dequantizeGroups decodes it.
/// Throws nwc::Error naming the tensor for bad arguments or non-finite weights.
CompressedTensor rtnCompress(const QString &name, const float *weights, int64_t rows,
                             int64_t columns, int bits, int groupSize = 128);

} // namespace nwc
