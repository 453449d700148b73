#include "analysis/rtnquantizer.h"

#include "codec/groupquantization.h"

#include <algorithm>

namespace nwc {

CompressedTensor rtnCompress(const QString &name, const float *weights, int64_t rows,
                             int64_t columns, int bits, int groupSize) {
    checkGroupQuantizerInput(name, weights, rows, columns, bits, groupSize);
    const int64_t groups = groupCount(columns, groupSize);
    std::vector<uint8_t> codes(size_t(rows * columns));
    std::vector<GroupParameters> parameters(size_t(rows * groups));
    for (int64_t row = 0; row < rows; ++row) {
        for (int64_t group = 0; group < groups; ++group) {
            const int64_t begin = group * groupSize;
            const int64_t end = std::min(begin + groupSize, columns);
            const float *values = weights + row * columns + begin;
            GroupParameters &stored = parameters[size_t(row * groups + group)];
            stored = checkedGroupParameters(name, values, end - begin, bits, row, begin);
            uint8_t *groupCodes = codes.data() + row * columns + begin;
            for (int64_t i = 0; i < end - begin; ++i)
                groupCodes[i] = quantizeToCode(values[i], stored, bits);
        }
    }
    return makeGroupQuantized(name, CompressionMethod::Rtn, rows, columns, bits, groupSize, codes,
                              parameters);
}

} // namespace nwc
