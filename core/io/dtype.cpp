#include "io/dtype.h"

#include <QtEndian>
#include <cstring>

namespace nwc {

namespace {

uint32_t floatBits(float value) {
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

float bitsToFloat(uint32_t bits) {
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

template <typename T> void convertLittleEndian(const uchar *src, std::size_t count, float *dst) {
    for (std::size_t i = 0; i < count; ++i)
        dst[i] = static_cast<float>(qFromLittleEndian<T>(src + i * sizeof(T)));
}

} // namespace

int dtypeSize(DType type) {
    switch (type) {
    case DType::F64:
    case DType::I64:
        return 8;
    case DType::F32:
    case DType::I32:
        return 4;
    case DType::F16:
    case DType::BF16:
    case DType::I16:
        return 2;
    case DType::I8:
    case DType::U8:
    case DType::Bool:
        return 1;
    }
    return 1;
}

QString dtypeName(DType type) {
    switch (type) {
    case DType::F64:
        return QStringLiteral("F64");
    case DType::F32:
        return QStringLiteral("F32");
    case DType::F16:
        return QStringLiteral("F16");
    case DType::BF16:
        return QStringLiteral("BF16");
    case DType::I64:
        return QStringLiteral("I64");
    case DType::I32:
        return QStringLiteral("I32");
    case DType::I16:
        return QStringLiteral("I16");
    case DType::I8:
        return QStringLiteral("I8");
    case DType::U8:
        return QStringLiteral("U8");
    case DType::Bool:
        return QStringLiteral("BOOL");
    }
    return QString();
}

bool dtypeFromName(const QString &name, DType *type) {
    static const DType all[] = {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64,
                                DType::I32, DType::I16, DType::I8,  DType::U8,   DType::Bool};
    for (DType candidate : all) {
        if (dtypeName(candidate) == name) {
            if (type)
                *type = candidate;
            return true;
        }
    }
    return false;
}

bool dtypeIsFloat(DType type) {
    return type == DType::F64 || type == DType::F32 || type == DType::F16 || type == DType::BF16;
}

float halfToFloat(uint16_t bits) {
    const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
    const uint32_t exponent = (bits >> 10) & 0x1fu;
    uint32_t mantissa = bits & 0x3ffu;
    if (exponent == 0x1f) // infinity or NaN (payload kept)
        return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
    if (exponent != 0)
        return bitsToFloat(sign | ((exponent + 112u) << 23) | (mantissa << 13));
    if (mantissa == 0)
        return bitsToFloat(sign);
    // Subnormal half: normalize into a float exponent.
    int shift = 0;
    while ((mantissa & 0x400u) == 0) {
        mantissa <<= 1;
        ++shift;
    }
    mantissa &= 0x3ffu;
    return bitsToFloat(sign | (static_cast<uint32_t>(113 - shift) << 23) | (mantissa << 13));
}

uint16_t floatToHalf(float value) {
    const uint32_t bits = floatBits(value);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u) // NaN: keep it quiet, keep the top payload bits
        return sign | 0x7e00u | static_cast<uint16_t>((magnitude >> 13) & 0x3ffu);
    if (magnitude >= 0x477ff000u) // >= 65520 rounds to infinity (also +-inf itself)
        return sign | 0x7c00u;
    if (magnitude < 0x38800000u) {    // below the smallest normal half (2^-14)
        if (magnitude <= 0x33000000u) // <= 2^-25: rounds to (even) zero
            return sign;
        const uint32_t exponent = magnitude >> 23;
        const uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
        const uint32_t shift = 126u - exponent; // 14..24
        uint32_t result = mantissa >> shift;
        const uint32_t rest = mantissa & ((1u << shift) - 1u);
        const uint32_t halfway = 1u << (shift - 1u);
        if (rest > halfway || (rest == halfway && (result & 1u)))
            ++result;
        return sign | static_cast<uint16_t>(result);
    }
    uint32_t result = (magnitude - 0x38000000u) >> 13; // rebias exponent 127 -> 15
    const uint32_t rest = magnitude & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (result & 1u)))
        ++result;
    return sign | static_cast<uint16_t>(result);
}

float bf16ToFloat(uint16_t bits) {
    return bitsToFloat(static_cast<uint32_t>(bits) << 16);
}

uint16_t floatToBf16(float value) {
    const uint32_t bits = floatBits(value);
    if ((bits & 0x7fffffffu) > 0x7f800000u) // NaN: truncate and force quiet
        return static_cast<uint16_t>((bits >> 16) | 0x0040u);
    const uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
    return static_cast<uint16_t>((bits + rounding) >> 16);
}

void convertToFloat32(const void *src, DType type, std::size_t count, float *dst) {
    const auto *bytes = static_cast<const uchar *>(src);
    switch (type) {
    case DType::F32:
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
        // An empty tensor may come with null pointers, which memcpy must not see.
        if (count > 0)
            std::memcpy(dst, bytes, count * sizeof(float));
#else
        for (std::size_t i = 0; i < count; ++i)
            dst[i] = bitsToFloat(qFromLittleEndian<quint32>(bytes + 4 * i));
#endif
        return;
    case DType::F64:
        for (std::size_t i = 0; i < count; ++i) {
            const quint64 raw = qFromLittleEndian<quint64>(bytes + 8 * i);
            double value;
            std::memcpy(&value, &raw, sizeof value);
            dst[i] = static_cast<float>(value);
        }
        return;
    case DType::F16:
        for (std::size_t i = 0; i < count; ++i)
            dst[i] = halfToFloat(qFromLittleEndian<quint16>(bytes + 2 * i));
        return;
    case DType::BF16:
        for (std::size_t i = 0; i < count; ++i)
            dst[i] = bf16ToFloat(qFromLittleEndian<quint16>(bytes + 2 * i));
        return;
    case DType::I64:
        convertLittleEndian<qint64>(bytes, count, dst);
        return;
    case DType::I32:
        convertLittleEndian<qint32>(bytes, count, dst);
        return;
    case DType::I16:
        convertLittleEndian<qint16>(bytes, count, dst);
        return;
    case DType::I8:
        for (std::size_t i = 0; i < count; ++i)
            dst[i] = static_cast<float>(static_cast<qint8>(bytes[i]));
        return;
    case DType::U8:
        for (std::size_t i = 0; i < count; ++i)
            dst[i] = static_cast<float>(bytes[i]);
        return;
    case DType::Bool:
        for (std::size_t i = 0; i < count; ++i)
            dst[i] = bytes[i] ? 1.0f : 0.0f;
        return;
    }
}

bool convertFromFloat32(const float *src, std::size_t count, DType type, void *dst) {
    auto *out = static_cast<uchar *>(dst);
    switch (type) {
    case DType::F32:
        for (std::size_t i = 0; i < count; ++i)
            qToLittleEndian<quint32>(floatBits(src[i]), out + 4 * i);
        return true;
    case DType::F16:
        for (std::size_t i = 0; i < count; ++i)
            qToLittleEndian<quint16>(floatToHalf(src[i]), out + 2 * i);
        return true;
    case DType::BF16:
        for (std::size_t i = 0; i < count; ++i)
            qToLittleEndian<quint16>(floatToBf16(src[i]), out + 2 * i);
        return true;
    case DType::F64:
        for (std::size_t i = 0; i < count; ++i) {
            const double value = src[i];
            quint64 bits;
            std::memcpy(&bits, &value, sizeof bits);
            qToLittleEndian<quint64>(bits, out + 8 * i);
        }
        return true;
    default:
        return false;
    }
}

} // namespace nwc
