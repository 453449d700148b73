#include "codec/columnchunks.h"

#include "io/dtype.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nwc {

ColumnChunks makeColumnChunks(const float *weights, int64_t rows, int64_t columns, int32_t chunk) {
    ColumnChunks result;
    result.rows = rows;
    result.columns = columns;
    result.chunk = chunk;
    result.chunksPerColumn = (rows + chunk - 1) / chunk;
    result.scaleBits.resize(size_t(columns));
    result.scales.resize(size_t(columns));
    result.values.assign(size_t(result.chunkCount() * chunk), 0.0f);
    // Column statistics in one pass over the rows (memory order).
    std::vector<double> sums(static_cast<size_t>(columns), 0.0);
    std::vector<double> squares(static_cast<size_t>(columns), 0.0);
    for (int64_t r = 0; r < rows; ++r) {
        const float *row = weights + r * columns;
        for (int64_t j = 0; j < columns; ++j) {
            const double w = row[j];
            sums[size_t(j)] += w;
            squares[size_t(j)] += w * w;
        }
    }
    for (int64_t j = 0; j < columns; ++j) {
        const double mean = sums[size_t(j)] / double(rows);
        const double meanSquare = squares[size_t(j)] / double(rows);
        const double deviation = std::sqrt(std::max(0.0, meanSquare - mean * mean));
        // A constant non-zero column has no deviation: its root mean square scales it instead.
        const uint16_t bits = floatToHalf(float(deviation > 0 ? deviation : std::sqrt(meanSquare)));
        result.scaleBits[size_t(j)] = bits;
        const float scale = halfToFloat(bits);
        result.scales[size_t(j)] = std::isfinite(scale) ? scale : 0.0f;
    }
    // Normalize and transpose to column-major in tiles (cache-friendly for large matrices).
    const int64_t perColumn = result.chunksPerColumn * chunk;
    constexpr int64_t kTile = 64;
    for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
        const int64_t r1 = std::min(rows, r0 + kTile);
        for (int64_t j0 = 0; j0 < columns; j0 += kTile) {
            const int64_t j1 = std::min(columns, j0 + kTile);
            for (int64_t j = j0; j < j1; ++j) {
                const float scale = result.scales[size_t(j)];
                if (!(scale > 0.0f))
                    continue;
                float *out = result.values.data() + j * perColumn;
                for (int64_t r = r0; r < r1; ++r)
                    out[r] = weights[r * columns + j] / scale;
            }
        }
    }
    return result;
}

std::vector<uint8_t> qualityLevels(const std::vector<double> &importance,
                                   const std::vector<double> &fractions) {
    const size_t n = importance.size();
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return importance[a] > importance[b]; });
    std::vector<uint8_t> levels(n, 0);
    size_t position = 0;
    for (size_t f = 0; f < fractions.size() && position < n; ++f) {
        const size_t count = size_t(std::ceil(fractions[f] * double(n)));
        const uint8_t level = uint8_t(fractions.size() - f);
        for (size_t i = 0; i < count && position < n; ++i)
            levels[order[position++]] = level;
    }
    return levels;
}

std::vector<float> transposed(const float *values, int64_t rows, int64_t columns) {
    std::vector<float> result(size_t(rows * columns));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < columns; ++c)
            result[size_t(c * rows + r)] = values[r * columns + c];
    return result;
}

} // namespace nwc
