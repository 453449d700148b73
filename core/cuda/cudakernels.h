#pragma once
// CUDA Toolkit kernels of the workbench (built when CMake finds a CUDA compiler; see
// docs/gpu.md): lane rANS decoding of .nwc v2 streams and RTN/GPTQ dequantisation, straight
// into device memory. Plain C++ interface — no CUDA, Qt or LibTorch types — so the kernels
// build with nvcc alone and any LibTorch (CPU or CUDA) can call them with device pointers.

#include <cstdint>
#include <string>
#include <vector>

namespace nwc::cuda {

/// Where one lane rANS stream (laneransstream.h) and its symbols are in a batch: bytes
/// [byteOffset, byteOffset + byteCount) of the batch's stream bytes, symbols [symbolOffset,
/// symbolOffset + symbolCount) of its symbol and table-index arrays.
struct LaneStreamSpan {
    uint64_t byteOffset = 0;
    uint64_t byteCount = 0;
    uint64_t symbolOffset = 0;
    uint64_t symbolCount = 0;
};

/// Per-stream outcome written by the decode kernel.
enum LaneStreamStatus : int32_t {
    kLaneStreamOk = 0,
    kLaneStreamTruncated = 1, ///< fewer bytes than the header, or the words ran out
    kLaneStreamCorrupt = 2,   ///< escapes do not fit, words left over, a lane not back at 2^16
    kLaneStreamBadTable = 3,  ///< a table index at or above the table count
};

/// "ok", "truncated", "corrupt", "bad table index".
const char *laneStreamStatusName(int32_t status);

/// Whether a CUDA device is usable; `why` (may be null) says why not.
bool deviceAvailable(std::string *why);

/// "NVIDIA H200 (compute 9.0, 141 GiB)" for device `device`, or the CUDA error text.
std::string deviceDescription(int device = 0);

/// Launches the decode of `streamCount` streams on `cudaStream` (a cudaStream_t; null for the
/// default stream), asynchronously; every pointer is device memory. `entries` are the
/// LaneDecodeTables entries (u32 pairs, `entryCount` of them) of `tableCount` tables. One warp
/// decodes one stream, one lane per rANS state, so the symbols equal the scalar decoder's.
/// `status[s]` receives a LaneStreamStatus per stream. Returns "" or the CUDA launch error.
std::string launchLaneDecode(const uint32_t *entries, uint64_t entryCount, uint32_t tableCount,
                             const uint8_t *bytes, const LaneStreamSpan *spans,
                             uint32_t streamCount, const uint16_t *tableOf, uint16_t *symbols,
                             int32_t *status, void *cudaStream);

/// The output type of dequantisation.
enum class DeviceFloat { Float32, BFloat16 };

/// Launches RTN/GPTQ dequantisation (groupquantization.h) on `cudaStream`: `rows` × `columns`
/// codes of `bits` bits packed little-endian row-major in `packed`, value = (code − zero) ·
/// scale with half-precision scale and zero per (row, group of `groupSize` columns), written
/// row-major to `out` as float32 or bfloat16 (round to nearest even). Device pointers; returns
/// "" or the CUDA launch error.
std::string launchGroupDequantize(const uint8_t *packed, int bits, int64_t rows, int64_t columns,
                                  int64_t groupSize, const uint16_t *scales, const uint16_t *zeros,
                                  DeviceFloat outType, void *out, void *cudaStream);

/// Host-side convenience for tests and benchmarks: copies a batch of streams to device 0,
/// decodes it, copies symbols and statuses back. `kernelSeconds` (may be null) receives the
/// kernel time measured with CUDA events over `repeats` launches (mean). Returns "" or the
/// CUDA error text.
std::string decodeLaneStreamsOnDevice(const std::vector<uint32_t> &entries, uint32_t tableCount,
                                      const std::vector<uint8_t> &bytes,
                                      const std::vector<LaneStreamSpan> &spans,
                                      const std::vector<uint16_t> &tableOf,
                                      std::vector<uint16_t> *symbols,
                                      std::vector<int32_t> *status, int repeats = 1,
                                      double *kernelSeconds = nullptr);

/// Host-side convenience: dequantises on device 0 and copies float32 values back.
std::string dequantizeGroupsOnDevice(const std::vector<uint8_t> &packed, int bits, int64_t rows,
                                     int64_t columns, int64_t groupSize,
                                     const std::vector<uint16_t> &scales,
                                     const std::vector<uint16_t> &zeros,
                                     std::vector<float> *values);

} // namespace nwc::cuda
