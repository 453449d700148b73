// CUDA kernels: lane rANS decoding (one warp per stream) and group dequantisation
// (cudakernels.h). Compiled by nvcc only; no Qt or LibTorch here.
#include "cuda/cudakernels.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>


namespace nwc::cuda {

namespace {

constexpr uint32_t kLower = 1u << 16;
constexpr int kLanes = 32;
constexpr uint64_t kHeaderBytes = 4 + 4 * kLanes;
// FrequencyTable: 16-bit precision, 2^11 buckets of 32 slots (laneransstream.cpp).
constexpr int kBucketBits = 11;
constexpr uint32_t kBucketShift = 16 - kBucketBits;
constexpr uint32_t kBucketSlots = 1u << kBucketShift;
constexpr int kWarpsPerBlock = 4;

__device__ uint32_t loadU32(const uint8_t *p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

__global__ void laneDecodeKernel(const uint2 *entries, uint64_t entryCount, uint32_t tableCount,
                                 const uint8_t *bytes, const LaneStreamSpan *spans,
                                 uint32_t streamCount, const uint16_t *tableOf,
                                 uint16_t *symbols, int32_t *status) {
    const uint32_t stream = (blockIdx.x * blockDim.x + threadIdx.x) / kLanes;
    const uint32_t lane = threadIdx.x % kLanes;
    if (stream >= streamCount)
        return; // the whole warp leaves together: all its threads share `stream`
    const LaneStreamSpan span = spans[stream];
    if (span.byteCount < kHeaderBytes) {
        if (lane == 0)
            status[stream] = kLaneStreamTruncated;
        return;
    }
    const uint8_t *data = bytes + span.byteOffset;
    const uint64_t escapeCount = loadU32(data);
    const uint64_t payload = span.byteCount - kHeaderBytes;
    if (escapeCount * 4 > payload || (payload - escapeCount * 4) % 2 != 0) {
        if (lane == 0)
            status[stream] = kLaneStreamCorrupt;
        return;
    }
    const uint8_t *words = data + kHeaderBytes;
    const uint64_t wordCount = (payload - escapeCount * 4) / 2;
    const uint16_t *tables = tableOf + span.symbolOffset;
    uint16_t *out = symbols + span.symbolOffset;

    uint32_t x = loadU32(data + 4 + 4 * lane);
    uint64_t nextWord = 0;
    bool badTable = false;
    bool truncated = false;
    for (uint64_t base = 0; base < span.symbolCount; base += kLanes) {
        const uint64_t n = base + lane;
        bool reads = false;
        if (n < span.symbolCount) {
            uint32_t table = tables[n];
            if (table >= tableCount) {
                badTable = true;
                table = 0;
            }
            const uint32_t slot = x & 0xffff;
            uint64_t entry = (uint64_t(table) << kBucketBits) + (slot >> kBucketShift);
            uint2 e = entries[entry];
            if (e.x == 0) {
                entry = uint64_t(e.y) + (slot & (kBucketSlots - 1));
                if (entry >= entryCount) {
                    badTable = true;
                    entry = 0;
                }
                e = entries[entry];
            }
            x = e.x * (x >> 16) + slot - (e.y & 0xffff);
            out[n] = uint16_t(e.y >> 16);
            reads = x < kLower;
        }
        // Lanes read their words in lane order: a lane's word is the count of reading lanes
        // below it past the round's first word.
        const uint32_t readers = __ballot_sync(0xffffffffu, reads);
        if (reads) {
            const uint64_t w = nextWord + __popc(readers & ((1u << lane) - 1u));
            if (w < wordCount)
                x = (x << 16) | uint32_t(words[2 * w]) | uint32_t(words[2 * w + 1]) << 8;
            else
                truncated = true;
        }
        nextWord += __popc(readers);
    }
    const bool anyBadTable = __any_sync(0xffffffffu, badTable);
    const bool anyTruncated = __any_sync(0xffffffffu, truncated);
    const bool allHome = __all_sync(0xffffffffu, x == kLower);
    if (lane == 0) {
        int32_t result = kLaneStreamOk;
        if (anyBadTable)
            result = kLaneStreamBadTable;
        else if (anyTruncated)
            result = kLaneStreamTruncated;
        else if (nextWord != wordCount || !allHome)
            result = kLaneStreamCorrupt;
        status[stream] = result;
    }
}

template <typename Out> __device__ void storeValue(Out *out, uint64_t i, float value);
template <> __device__ void storeValue<float>(float *out, uint64_t i, float value) {
    out[i] = value;
}
template <>
__device__ void storeValue<__nv_bfloat16>(__nv_bfloat16 *out, uint64_t i, float value) {
    out[i] = __float2bfloat16_rn(value);
}

template <typename Out>
__global__ void dequantizeKernel(const uint8_t *packed, uint64_t packedBytes, int bits,
                                 uint64_t rows, uint64_t columns, uint64_t groupSize,
                                 uint64_t groups, const uint16_t *scales, const uint16_t *zeros,
                                 Out *out) {
    const uint64_t count = rows * columns;
    const uint32_t mask = (1u << bits) - 1u;
    for (uint64_t i = uint64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
         i += uint64_t(gridDim.x) * blockDim.x) {
        const uint64_t bit = i * uint64_t(bits);
        const uint64_t byte = bit / 8;
        uint32_t window = packed[byte];
        if (byte + 1 < packedBytes)
            window |= uint32_t(packed[byte + 1]) << 8;
        const uint32_t code = (window >> (bit % 8)) & mask;
        const uint64_t row = i / columns;
        const uint64_t parameter = row * groups + (i % columns) / groupSize;
        const float scale = __half2float(__ushort_as_half(scales[parameter]));
        const float zero = __half2float(__ushort_as_half(zeros[parameter]));
        storeValue(out, i, __fmul_rn(__fsub_rn(float(code), zero), scale));
    }
}

std::string errorText(cudaError_t error) {
    return std::string(cudaGetErrorName(error)) + ": " + cudaGetErrorString(error);
}

/// Device memory freed when it goes out of scope.
struct DeviceBuffer {
    void *pointer = nullptr;
    ~DeviceBuffer() {
        if (pointer)
            cudaFree(pointer);
    }
    cudaError_t allocate(size_t bytes) { return cudaMalloc(&pointer, bytes == 0 ? 1 : bytes); }
    template <typename T> T *as() const { return static_cast<T *>(pointer); }
};

template <typename T>
cudaError_t upload(DeviceBuffer *buffer, const std::vector<T> &values) {
    cudaError_t error = buffer->allocate(values.size() * sizeof(T));
    if (error == cudaSuccess && !values.empty())
        error = cudaMemcpy(buffer->pointer, values.data(), values.size() * sizeof(T),
                           cudaMemcpyHostToDevice);
    return error;
}

} // namespace

const char *laneStreamStatusName(int32_t status) {
    switch (status) {
    case kLaneStreamOk:
        return "ok";
    case kLaneStreamTruncated:
        return "truncated";
    case kLaneStreamCorrupt:
        return "corrupt";
    case kLaneStreamBadTable:
        return "bad table index";
    }
    return "unknown status";
}

bool deviceAvailable(std::string *why) {
    int count = 0;
    const cudaError_t error = cudaGetDeviceCount(&count);
    if (error != cudaSuccess) {
        if (why)
            *why = "no CUDA device (" + errorText(error) + ")";
        return false;
    }
    if (count == 0) {
        if (why)
            *why = "no CUDA device";
        return false;
    }
    return true;
}

std::string deviceDescription(int device) {
    cudaDeviceProp properties;
    const cudaError_t error = cudaGetDeviceProperties(&properties, device);
    if (error != cudaSuccess)
        return errorText(error);
    return std::string(properties.name) + " (compute " + std::to_string(properties.major) + "." +
           std::to_string(properties.minor) + ", " +
           std::to_string(properties.totalGlobalMem >> 30) + " GiB)";
}

std::string launchLaneDecode(const uint32_t *entries, uint64_t entryCount, uint32_t tableCount,
                             const uint8_t *bytes, const LaneStreamSpan *spans,
                             uint32_t streamCount, const uint16_t *tableOf, uint16_t *symbols,
                             int32_t *status, void *cudaStream) {
    if (streamCount == 0)
        return std::string();
    const int threads = kWarpsPerBlock * kLanes;
    const unsigned blocks = (streamCount + kWarpsPerBlock - 1) / kWarpsPerBlock;
    laneDecodeKernel<<<blocks, threads, 0, static_cast<cudaStream_t>(cudaStream)>>>(
        reinterpret_cast<const uint2 *>(entries), entryCount, tableCount, bytes, spans,
        streamCount, tableOf, symbols, status);
    const cudaError_t error = cudaGetLastError();
    return error == cudaSuccess ? std::string() : errorText(error);
}

std::string launchGroupDequantize(const uint8_t *packed, int bits, int64_t rows, int64_t columns,
                                  int64_t groupSize, const uint16_t *scales, const uint16_t *zeros,
                                  DeviceFloat outType, void *out, void *cudaStream) {
    if (bits < 1 || bits > 8 || rows < 0 || columns < 0 || groupSize < 1)
        return "dequantisation needs 1 to 8 bits, a non-negative shape and groups of at least 1 "
               "column";
    const uint64_t count = uint64_t(rows) * uint64_t(columns);
    if (count == 0)
        return std::string();
    const uint64_t packedBytes = (count * uint64_t(bits) + 7) / 8;
    const uint64_t groups = (uint64_t(columns) + uint64_t(groupSize) - 1) / uint64_t(groupSize);
    const int threads = 256;
    const uint64_t wanted = (count + threads - 1) / threads;
    const unsigned blocks = unsigned(wanted < 65535u * 16u ? wanted : 65535u * 16u);
    const auto stream = static_cast<cudaStream_t>(cudaStream);
    if (outType == DeviceFloat::Float32)
        dequantizeKernel<float><<<blocks, threads, 0, stream>>>(
            packed, packedBytes, bits, uint64_t(rows), uint64_t(columns), uint64_t(groupSize),
            groups, scales, zeros, static_cast<float *>(out));
    else
        dequantizeKernel<__nv_bfloat16><<<blocks, threads, 0, stream>>>(
            packed, packedBytes, bits, uint64_t(rows), uint64_t(columns), uint64_t(groupSize),
            groups, scales, zeros, static_cast<__nv_bfloat16 *>(out));
    const cudaError_t error = cudaGetLastError();
    return error == cudaSuccess ? std::string() : errorText(error);
}

std::string decodeLaneStreamsOnDevice(const std::vector<uint32_t> &entries, uint32_t tableCount,
                                      const std::vector<uint8_t> &bytes,
                                      const std::vector<LaneStreamSpan> &spans,
                                      const std::vector<uint16_t> &tableOf,
                                      std::vector<uint16_t> *symbols,
                                      std::vector<int32_t> *status, int repeats,
                                      double *kernelSeconds) {
    DeviceBuffer dEntries, dBytes, dSpans, dTableOf, dSymbols, dStatus;
    cudaError_t error = upload(&dEntries, entries);
    if (error == cudaSuccess)
        error = upload(&dBytes, bytes);
    if (error == cudaSuccess)
        error = upload(&dSpans, spans);
    if (error == cudaSuccess)
        error = upload(&dTableOf, tableOf);
    if (error == cudaSuccess)
        error = dSymbols.allocate(tableOf.size() * sizeof(uint16_t));
    if (error == cudaSuccess)
        error = dStatus.allocate(spans.size() * sizeof(int32_t));
    if (error != cudaSuccess)
        return errorText(error);
    cudaEvent_t start = nullptr, stop = nullptr;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    cudaEventRecord(start);
    std::string failure;
    for (int r = 0; r < (repeats < 1 ? 1 : repeats) && failure.empty(); ++r)
        failure = launchLaneDecode(dEntries.as<uint32_t>(), entries.size() / 2, tableCount,
                                   dBytes.as<uint8_t>(), dSpans.as<LaneStreamSpan>(),
                                   uint32_t(spans.size()), dTableOf.as<uint16_t>(),
                                   dSymbols.as<uint16_t>(), dStatus.as<int32_t>(), nullptr);
    cudaEventRecord(stop);
    error = cudaEventSynchronize(stop);
    float milliseconds = 0;
    cudaEventElapsedTime(&milliseconds, start, stop);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    if (!failure.empty())
        return failure;
    if (error != cudaSuccess)
        return errorText(error);
    if (kernelSeconds)
        *kernelSeconds = double(milliseconds) / 1000.0 / double(repeats < 1 ? 1 : repeats);
    symbols->resize(tableOf.size());
    status->resize(spans.size());
    error = cudaMemcpy(symbols->data(), dSymbols.pointer, symbols->size() * sizeof(uint16_t),
                       cudaMemcpyDeviceToHost);
    if (error == cudaSuccess)
        error = cudaMemcpy(status->data(), dStatus.pointer, status->size() * sizeof(int32_t),
                           cudaMemcpyDeviceToHost);
    return error == cudaSuccess ? std::string() : errorText(error);
}

std::string dequantizeGroupsOnDevice(const std::vector<uint8_t> &packed, int bits, int64_t rows,
                                     int64_t columns, int64_t groupSize,
                                     const std::vector<uint16_t> &scales,
                                     const std::vector<uint16_t> &zeros,
                                     std::vector<float> *values) {
    DeviceBuffer dPacked, dScales, dZeros, dOut;
    cudaError_t error = upload(&dPacked, packed);
    if (error == cudaSuccess)
        error = upload(&dScales, scales);
    if (error == cudaSuccess)
        error = upload(&dZeros, zeros);
    const size_t count = size_t(rows) * size_t(columns);
    if (error == cudaSuccess)
        error = dOut.allocate(count * sizeof(float));
    if (error != cudaSuccess)
        return errorText(error);
    const std::string failure =
        launchGroupDequantize(dPacked.as<uint8_t>(), bits, rows, columns, groupSize,
                              dScales.as<uint16_t>(), dZeros.as<uint16_t>(),
                              DeviceFloat::Float32, dOut.pointer, nullptr);
    if (!failure.empty())
        return failure;
    values->resize(count);
    error = cudaMemcpy(values->data(), dOut.pointer, count * sizeof(float),
                       cudaMemcpyDeviceToHost);
    return error == cudaSuccess ? std::string() : errorText(error);
}

} // namespace nwc::cuda
