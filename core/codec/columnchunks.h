#pragma once
// Column normalization and chunking (docs/architecture.md, Columns and chunks): each column W[:, j]
// of a [rows, columns] matrix is divided by its standard deviation (kept as IEEE half) and cut into
// chunks of d values, the last one zero-padded. Torch-free.

#include <cstdint>
#include <vector>

namespace nwc {

/// Normalized chunks of one matrix, column-major: values[(j · chunksPerColumn + c) · d + i].
struct ColumnChunks {
    int64_t rows = 0;
    int64_t columns = 0;
    int32_t chunk = 16;
    int64_t chunksPerColumn = 0;
    /// Column standard deviations as half bits, and the float value they decode to (what
    /// normalization divides by, so the decoder multiplies by exactly the same number).
    std::vector<uint16_t> scaleBits;
    std::vector<float> scales;
    std::vector<float> values;

    int64_t chunkCount() const { return columns * chunksPerColumn; }
};

/// Normalizes and chunks `weights` ([rows, columns] row-major). A column whose deviation
/// rounds to zero in half precision is stored as zeros with scale 0.
ColumnChunks makeColumnChunks(const float *weights, int64_t rows, int64_t columns,
                              int32_t chunk = 16);

/// Quality level per column from importance ranks: the top `fractions[0]` of columns get level
/// fractions.size(), the next `fractions[1]` one less, and so on; the rest level 0
/// (docs/architecture.md, Importance; default: 0.1 % → 3, next 1 % → 2, next 10 % → 1). Counts are
/// rounded up, so a layer with few columns still has one column at each level. Ties keep column
/// order.
std::vector<uint8_t> qualityLevels(const std::vector<double> &importance,
                                   const std::vector<double> &fractions = {0.001, 0.01, 0.1});

/// [rows, columns] → [columns, rows].
std::vector<float> transposed(const float *values, int64_t rows, int64_t columns);

} // namespace nwc
