#pragma once
// Element types of tensors on disk and conversion to float32 for compute.

#include <QString>
#include <cstddef>
#include <cstdint>

namespace nwc {

/// Element type as stored on disk (safetensors names in comments).
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

/// Bytes per element.
int dtypeSize(DType type);
/// Safetensors spelling ("F32", "BF16", ...).
QString dtypeName(DType type);
/// Parses a safetensors dtype string; returns false for unknown or unsupported ones.
bool dtypeFromName(const QString &name, DType *type);
/// True for F64/F32/F16/BF16.
bool dtypeIsFloat(DType type);

/// IEEE half -> float.
float halfToFloat(uint16_t bits);
/// float -> IEEE half, round to nearest even.
uint16_t floatToHalf(float value);
/// bfloat16 -> float.
float bf16ToFloat(uint16_t bits);
/// float -> bfloat16, round to nearest even.
uint16_t floatToBf16(float value);

/// Converts count elements of type `type` at src (little-endian, any alignment) to float32.
void convertToFloat32(const void *src, DType type, std::size_t count, float *dst);
/// Converts count float32 values to `type` (F64/F32/F16/BF16, little-endian, rounded to nearest
/// even) at dst, which holds count × dtypeSize(type) bytes. Returns false, writing nothing, for
/// a type that is not a float type.
bool convertFromFloat32(const float *src, std::size_t count, DType type, void *dst);

} // namespace nwc
