#include "codec/groupquantization.h"

#include "io/dtype.h"
#include "jobs/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nwc {

namespace {

Error corrupt(const CompressedTensor &tensor, const QString &detail) {
    return Error(QStringLiteral("Compressed tensor '%1' is inconsistent or corrupt: %2. "
                                "Use an intact file or compress the model again.")
                     .arg(tensor.name, detail));
}

void checkBits(int bits) {
    if (bits < kMinGroupBits || bits > kMaxGroupBits)
        throw Error(QStringLiteral("group quantization supports %1 to %2 bits, got %3")
                        .arg(kMinGroupBits)
                        .arg(kMaxGroupBits)
                        .arg(bits));
}

} // namespace

GroupParameters groupParameters(float minimum, float maximum, int bits) {
    double low = std::min(double(minimum), 0.0);
    double high = std::max(double(maximum), 0.0);
    if (low == 0.0 && high == 0.0) {
        low = -1.0;
        high = 1.0;
    }
    const double exactScale = (high - low) / double(maxGroupCode(bits));
    GroupParameters parameters;
    parameters.scaleBits = floatToHalf(float(exactScale));
    // Round up so that the stored grid covers the whole range: no value is clipped by more than
    // scale / 2. Stepping the bit pattern moves to the next larger half (or to infinity).
    if (std::isfinite(exactScale) && double(halfToFloat(parameters.scaleBits)) < exactScale)
        ++parameters.scaleBits;
    parameters.scale = halfToFloat(parameters.scaleBits);
    if (!std::isfinite(parameters.scale) || parameters.scale <= 0.0f) {
        parameters.scale = std::numeric_limits<float>::quiet_NaN();
        return parameters;
    }
    const double zero = std::nearbyint(-low / double(parameters.scale));
    // "> 0" also turns -0 (from low == 0) into +0.
    parameters.zero = zero > 0.0 ? float(std::min(zero, double(maxGroupCode(bits)))) : 0.0f;
    parameters.zeroBits = floatToHalf(parameters.zero);
    return parameters;
}

GroupParameters checkedGroupParameters(const QString &name, const float *values, int64_t count,
                                       int bits, int64_t row, int64_t firstColumn) {
    float minimum = 0.0f;
    float maximum = 0.0f;
    for (int64_t i = 0; i < count; ++i) {
        minimum = std::min(minimum, values[i]);
        maximum = std::max(maximum, values[i]);
    }
    const GroupParameters parameters = groupParameters(minimum, maximum, bits);
    if (!std::isfinite(parameters.scale))
        throw Error(QStringLiteral("Cannot quantize tensor '%1': the weights of row %2, columns "
                                   "%3 to %4 span [%5, %6], too wide for fp16 group scales.")
                        .arg(name)
                        .arg(row)
                        .arg(firstColumn)
                        .arg(firstColumn + count - 1)
                        .arg(double(minimum))
                        .arg(double(maximum)));
    return parameters;
}

void checkGroupQuantizerInput(const QString &name, const float *weights, int64_t rows,
                              int64_t columns, int bits, int groupSize) {
    const auto fail = [&](const QString &detail) {
        return Error(QStringLiteral("Cannot quantize tensor '%1': %2.").arg(name, detail));
    };
    if (bits < kMinGroupBits || bits > kMaxGroupBits)
        throw fail(QStringLiteral("%1 bits requested, group quantization supports %2 to %3")
                       .arg(bits)
                       .arg(kMinGroupBits)
                       .arg(kMaxGroupBits));
    if (groupSize < 1)
        throw fail(QStringLiteral("group size %1 (it must be at least 1)").arg(groupSize));
    if (rows < 0 || columns < 0)
        throw fail(QStringLiteral("shape [%1, %2]").arg(rows).arg(columns));
    if (rows > 0 && columns > std::numeric_limits<int64_t>::max() / 8 / rows)
        throw fail(QStringLiteral("shape [%1, %2] is too large").arg(rows).arg(columns));
    const int64_t count = rows * columns;
    if (count > 0 && !weights)
        throw fail(QStringLiteral("no weights given"));
    for (int64_t i = 0; i < count; ++i) {
        if (!std::isfinite(weights[i]))
            throw fail(QStringLiteral("weight [%1, %2] is %3; the checkpoint holds non-finite "
                                      "values")
                           .arg(i / columns)
                           .arg(i % columns)
                           .arg(double(weights[i])));
    }
}

int64_t packedCodeBytes(int64_t count, int bits) {
    return (count * bits + 7) / 8;
}

QByteArray packCodes(const uint8_t *codes, int64_t count, int bits) {
    checkBits(bits);
    QByteArray packed(qsizetype(packedCodeBytes(count, bits)), '\0');
    auto *out = reinterpret_cast<uint8_t *>(packed.data());
    const unsigned limit = unsigned(maxGroupCode(bits));
    uint64_t buffer = 0;
    int filled = 0;
    for (int64_t i = 0; i < count; ++i) {
        if (codes[i] > limit)
            throw Error(QStringLiteral("code %1 at position %2 does not fit in %3 bits")
                            .arg(codes[i])
                            .arg(i)
                            .arg(bits));
        buffer |= uint64_t(codes[i]) << filled;
        filled += bits;
        while (filled >= 8) {
            *out++ = uint8_t(buffer);
            buffer >>= 8;
            filled -= 8;
        }
    }
    if (filled > 0)
        *out = uint8_t(buffer);
    return packed;
}

std::vector<uint8_t> unpackCodes(const QByteArray &packed, int64_t count, int bits) {
    checkBits(bits);
    const int64_t needed = packedCodeBytes(count, bits);
    if (int64_t(packed.size()) < needed)
        throw Error(QStringLiteral("%1 codes of %2 bits need %3 bytes, got %4")
                        .arg(count)
                        .arg(bits)
                        .arg(needed)
                        .arg(packed.size()));
    std::vector<uint8_t> codes(static_cast<size_t>(count));
    const auto *in = reinterpret_cast<const uint8_t *>(packed.constData());
    const uint64_t mask = uint64_t(maxGroupCode(bits));
    uint64_t buffer = 0;
    int filled = 0;
    for (int64_t i = 0; i < count; ++i) {
        if (filled < bits) {
            buffer |= uint64_t(*in++) << filled;
            filled += 8;
        }
        codes[size_t(i)] = uint8_t(buffer & mask);
        buffer >>= bits;
        filled -= bits;
    }
    return codes;
}

CompressedTensor makeGroupQuantized(const QString &name, CompressionMethod method, int64_t rows,
                                    int64_t columns, int bits, int groupSize,
                                    const std::vector<uint8_t> &codes,
                                    const std::vector<GroupParameters> &parameters) {
    CompressedTensor tensor;
    tensor.name = name;
    tensor.rows = rows;
    tensor.columns = columns;
    tensor.method = method;
    tensor.bits = bits;
    tensor.groupSize = groupSize;
    tensor.packedCodes = packCodes(codes, bits);
    tensor.groupScales.reserve(parameters.size());
    tensor.groupZeros.reserve(parameters.size());
    for (const GroupParameters &group : parameters) {
        tensor.groupScales.push_back(group.scaleBits);
        tensor.groupZeros.push_back(group.zeroBits);
    }
    validateGroupQuantized(tensor);
    return tensor;
}

void validateGroupQuantized(const CompressedTensor &tensor) {
    if (tensor.method != CompressionMethod::Rtn && tensor.method != CompressionMethod::Gptq)
        throw corrupt(tensor, QStringLiteral("method '%1' is not a group-quantization method")
                                  .arg(compressionMethodName(tensor.method)));
    if (tensor.bits < kMinGroupBits || tensor.bits > kMaxGroupBits)
        throw corrupt(tensor, QStringLiteral("%1 bits per code (supported: %2 to %3)")
                                  .arg(tensor.bits)
                                  .arg(kMinGroupBits)
                                  .arg(kMaxGroupBits));
    if (tensor.groupSize < 1)
        throw corrupt(tensor, QStringLiteral("group size %1").arg(tensor.groupSize));
    // Bounds that keep every product below stay far from int64 overflow.
    constexpr int64_t kMaxDimension = int64_t(1) << 31;
    if (tensor.rows < 0 || tensor.columns < 0 || tensor.rows > kMaxDimension ||
        tensor.columns > kMaxDimension)
        throw corrupt(tensor,
                      QStringLiteral("shape [%1, %2]").arg(tensor.rows).arg(tensor.columns));
    const int64_t weights = tensor.rows * tensor.columns;
    if (weights > std::numeric_limits<int64_t>::max() / 8)
        throw corrupt(tensor,
                      QStringLiteral("shape [%1, %2]").arg(tensor.rows).arg(tensor.columns));
    const int64_t parameterCount = tensor.rows * groupCount(tensor.columns, tensor.groupSize);
    if (int64_t(tensor.groupScales.size()) != parameterCount ||
        int64_t(tensor.groupZeros.size()) != parameterCount)
        throw corrupt(tensor, QStringLiteral("%1 scales and %2 zero points for %3 rows x %4 "
                                             "groups of %5 columns (expected %6 each)")
                                  .arg(tensor.groupScales.size())
                                  .arg(tensor.groupZeros.size())
                                  .arg(tensor.rows)
                                  .arg(groupCount(tensor.columns, tensor.groupSize))
                                  .arg(tensor.groupSize)
                                  .arg(parameterCount));
    const int64_t codeBytes = packedCodeBytes(weights, tensor.bits);
    if (int64_t(tensor.packedCodes.size()) != codeBytes)
        throw corrupt(tensor, QStringLiteral("%1 bytes of packed codes, expected %2 for %3 "
                                             "weights of %4 bits")
                                  .arg(tensor.packedCodes.size())
                                  .arg(codeBytes)
                                  .arg(weights)
                                  .arg(tensor.bits));
    const int paddingBits = int(codeBytes * 8 - weights * tensor.bits);
    if (paddingBits > 0 && (uint8_t(tensor.packedCodes.back()) >> (8 - paddingBits)) != 0)
        throw corrupt(tensor, QStringLiteral("the unused bits after the last code are not zero"));
    const float maxCode = float(maxGroupCode(tensor.bits));
    const int64_t groups = groupCount(tensor.columns, tensor.groupSize);
    for (size_t i = 0; i < tensor.groupScales.size(); ++i) {
        const float scale = halfToFloat(tensor.groupScales[i]);
        if (!std::isfinite(scale) || scale < 0.0f)
            throw corrupt(tensor, QStringLiteral("row %1, group %2 has scale %3")
                                      .arg(int64_t(i) / groups)
                                      .arg(int64_t(i) % groups)
                                      .arg(scale));
        const float zero = halfToFloat(tensor.groupZeros[i]);
        if (!(zero >= 0.0f && zero <= maxCode) || zero != std::floor(zero))
            throw corrupt(tensor, QStringLiteral("row %1, group %2 has zero point %3 (expected "
                                                 "an integer from 0 to %4)")
                                      .arg(int64_t(i) / groups)
                                      .arg(int64_t(i) % groups)
                                      .arg(zero)
                                      .arg(maxCode));
    }
}

std::vector<float> dequantizeGroups(const CompressedTensor &tensor) {
    validateGroupQuantized(tensor);
    const std::vector<uint8_t> codes =
        unpackCodes(tensor.packedCodes, tensor.weightCount(), tensor.bits);
    std::vector<float> values(codes.size());
    const int64_t groups = groupCount(tensor.columns, tensor.groupSize);
    for (int64_t row = 0; row < tensor.rows; ++row) {
        for (int64_t group = 0; group < groups; ++group) {
            const size_t parameter = size_t(row * groups + group);
            const float scale = halfToFloat(tensor.groupScales[parameter]);
            const float zero = halfToFloat(tensor.groupZeros[parameter]);
            const int64_t begin = group * tensor.groupSize;
            const int64_t end = std::min(begin + tensor.groupSize, tensor.columns);
            for (int64_t column = begin; column < end; ++column) {
                const size_t index = size_t(row * tensor.columns + column);
                values[index] = (float(codes[index]) - zero) * scale;
            }
        }
    }
    return values;
}

} // namespace nwc
