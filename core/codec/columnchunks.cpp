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
    for (int64_t j = 0; j < columns; ++j) {
        double sum = 0.0;
        double squares = 0.0;
        for (int64_t r = 0; r < rows; ++r) {
            const double w = weights[r * columns + j];
            sum += w;
            squares += w * w;
        }
        const double mean = sum / double(rows);
        const double deviation = std::sqrt(std::max(0.0, squares / double(rows) - mean * mean));
        // Normalizing by the root mean square would also work; the standard deviation is what
        // the paper uses. A column with a large mean still reconstructs exactly up to coding
        // error because the mean is carried by the normalized values themselves.
        const uint16_t bits = floatToHalf(float(deviation > 0 ? deviation : std::sqrt(squares / double(rows))));
        result.scaleBits[size_t(j)] = bits;
        const float scale = halfToFloat(bits);
        result.scales[size_t(j)] = std::isfinite(scale) ? scale : 0.0f;
        float *out = result.values.data() + j * result.chunksPerColumn * chunk;
        if (result.scales[size_t(j)] > 0.0f) {
            for (int64_t r = 0; r < rows; ++r)
                out[r] = weights[r * columns + j] / result.scales[size_t(j)];
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
