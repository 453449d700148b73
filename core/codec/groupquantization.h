#pragma once
// Asymmetric integer group quantization shared by the RTN and GPTQ baselines: b-bit code
// packing, per-group scale/zero parameters as stored (IEEE half), and the decoder. Torch-free.

#include "codec/compressedtensor.h"

#include <QByteArray>
#include <QString>
#include <cmath>
#include <cstdint>
#include <vector>

namespace nwc {

/// Smallest and largest supported code width.
constexpr int kMinGroupBits = 2;
constexpr int kMaxGroupBits = 8;

/// Scale and zero point of one group exactly as the decoder sees them: `scaleBits` and
/// `zeroBits` are what is stored, `scale` and `zero` their float values.
struct GroupParameters {
    uint16_t scaleBits = 0;
    uint16_t zeroBits = 0;
    float scale = 0.0f;
    float zero = 0.0f;
};

/// Largest code for `bits`: 2^bits - 1.
inline int maxGroupCode(int bits) {
    return (1 << bits) - 1;
}

/// Number of groups of `groupSize` columns in a row of `columns` (the last may be shorter).
inline int64_t groupCount(int64_t columns, int groupSize) {
    return (columns + groupSize - 1) / groupSize;
}

/// Parameters for a group whose values lie in [minimum, maximum]. The range is widened to
/// include 0 (as GPTQ's reference quantizer does), so the zero point lies in [0, 2^bits - 1]
/// and 0 is coded exactly; an all-zero group gets the range [-1, 1]. scale = range /
/// (2^bits - 1) rounded *up* to fp16, zero = round(-minimum / scale): with these stored values
/// every value of the range is coded within scale / 2. Non-finite input or a range beyond
/// fp16 gives a non-finite `scale`; callers check it.
GroupParameters groupParameters(float minimum, float maximum, int bits);

/// Code of `value`: clamp(round(value / scale) + zero, 0, 2^bits - 1), ties to even like
/// torch.round (NaN gives 0).
inline uint8_t quantizeToCode(float value, const GroupParameters &parameters, int bits) {
    const float code = std::nearbyint(value / parameters.scale) + parameters.zero;
    const float top = float(maxGroupCode(bits));
    if (!(code > 0.0f))
        return 0;
    return uint8_t(code < top ? code : top);
}
/// (code - zero) * scale.
inline float dequantizeCode(int code, const GroupParameters &parameters) {
    return (float(code) - parameters.zero) * parameters.scale;
}

/// Bytes that hold `count` codes of `bits` bits: ceil(count * bits / 8).
int64_t packedCodeBytes(int64_t count, int bits);
/// Packs codes (each < 2^bits) densely: code i occupies stream bits [i*bits, (i+1)*bits),
/// stream bit k being bit k % 8 of byte k / 8 (little-endian bit order); unused high bits of
/// the last byte are zero. Throws nwc::Error for a code that does not fit or bits outside 2..8.
QByteArray packCodes(const uint8_t *codes, int64_t count, int bits);
inline QByteArray packCodes(const std::vector<uint8_t> &codes, int bits) {
    return packCodes(codes.data(), int64_t(codes.size()), bits);
}
/// Inverse of packCodes; extra bytes are ignored. Throws nwc::Error when `packed` is shorter
/// than packedCodeBytes(count, bits) (validateGroupQuantized checks the exact size).
std::vector<uint8_t> unpackCodes(const QByteArray &packed, int64_t count, int bits);

/// Checks the arguments of a group quantizer for tensor `name`: bits 2..8, group size >= 1,
/// non-negative shape, finite weights. Throws nwc::Error naming the tensor.
void checkGroupQuantizerInput(const QString &name, const float *weights, int64_t rows,
                              int64_t columns, int bits, int groupSize);

/// Parameters for weights[0..count) (a group), checked: throws nwc::Error naming tensor `name`
/// and the group when the range does not fit fp16 scales.
GroupParameters checkedGroupParameters(const QString &name, const float *values, int64_t count,
                                       int bits, int64_t row, int64_t firstColumn);

/// Assembles an RTN/GPTQ tensor from codes [rows, columns] row-major and per (row, group)
/// parameters [rows, groups] row-major.
CompressedTensor makeGroupQuantized(const QString &name, CompressionMethod method, int64_t rows,
                                    int64_t columns, int bits, int groupSize,
                                    const std::vector<uint8_t> &codes,
                                    const std::vector<GroupParameters> &parameters);

/// Checks that an RTN/GPTQ tensor is self-consistent (bits 2..8, group size >= 1, sizes of the
/// packed codes, scales and zeros, finite scales, integer zero points in range, zero padding).
/// Throws nwc::Error naming the tensor and saying its data is inconsistent or corrupt.
void validateGroupQuantized(const CompressedTensor &tensor);

/// Decodes an RTN/GPTQ tensor to [rows, columns] row-major floats: (code - zero) * scale per row
/// and group of `groupSize` consecutive columns. Validates first (see validateGroupQuantized).
std::vector<float> dequantizeGroups(const CompressedTensor &tensor);

} // namespace nwc
