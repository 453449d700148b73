#pragma once
// One compressed weight matrix as stored in a .nwc container (docs/formats.md, The .nwc container).
// Torch-free value type: the codec fills it, the container writes and reads it,
// CompressedCheckpoint decodes it.

#include "io/dtype.h"

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <vector>

namespace nwc {

/// How a tensor was compressed.
enum class CompressionMethod { Nwc, Rtn, Gptq };

/// "nwc", "rtn", "gptq".
QString compressionMethodName(CompressionMethod method);
/// Parses a method name; returns false for an unknown one.
bool compressionMethodFromName(const QString &name, CompressionMethod *method);

/// A weight matrix in the codec's orientation: rows = outputs, columns = inputs (a column holds
/// every weight fed by one input channel). Checkpoint tensors stored [in, out] (GPT-2 Conv1D)
/// are transposed before coding and marked `transposed`, so decoding restores the file layout.
struct CompressedTensor {
    QString name;
    int64_t rows = 0;
    int64_t columns = 0;
    bool transposed = false;
    DType originalDtype = DType::F32;
    CompressionMethod method = CompressionMethod::Nwc;

    // --- NWC: columns normalized by their standard deviation, cut into chunks of d values,
    // coded with codec `codecId` at latent quantization step `step`.
    QString codecId;
    double step = 1.0;
    /// Quality level (0..Q-1) per column.
    std::vector<uint8_t> levels;
    /// Column standard deviations as IEEE half bits.
    std::vector<uint16_t> columnScales;
    /// Layout of the rANS streams: kLaneStreams (.nwc v2: 32 interleaved states per stream,
    /// laneransstream.h) or kSingleStateStreams (.nwc v1: one state, byte renormalization).
    int32_t streamFormat = 2;
    static constexpr int32_t kSingleStateStreams = 1;
    static constexpr int32_t kLaneStreams = 2;
    /// Concatenated rANS streams, one per block of `columnsPerStream` columns.
    QByteArray bitstream;
    /// Byte offset of each stream in `bitstream`, plus the total size at the end
    /// (streamCount + 1 entries).
    std::vector<uint64_t> streamOffsets;
    int32_t columnsPerStream = 0;
    /// Code length the entropy model predicts for the symbols (bits), for the estimate-vs-real
    /// comparison.
    double estimatedBits = 0.0;
    /// CRC-32 of the frequency tables the coder used (derived from the codec and the step).
    /// The decoder recomputes the tables and refuses to decode when they differ, e.g. on a
    /// machine whose math library rounds differently.
    uint32_t tableChecksum = 0;

    // --- RTN / GPTQ: asymmetric integer codes per group of `groupSize` input columns within a
    // row; value = (code - zero) * scale.
    int32_t bits = 0;
    int32_t groupSize = 0;
    /// Codes packed little-endian, `bits` bits each, row-major.
    QByteArray packedCodes;
    /// Per (row, group) scale and zero point as IEEE half bits, row-major [rows, groups].
    std::vector<uint16_t> groupScales;
    std::vector<uint16_t> groupZeros;

    int64_t weightCount() const { return rows * columns; }
    /// Bytes that count toward bits per weight: bitstream or packed codes, side information
    /// (column scales, levels packed 2 bits per column, stream offsets as 4 bytes each, group
    /// scales and zeros) and a fixed per-tensor header allowance (kHeaderBytes).
    int64_t countedBytes() const;
    /// 8 x countedBytes() / weightCount().
    double bitsPerWeight() const;
    /// Header allowance counted per tensor: shape, method, codec id index, step, checksum.
    static constexpr int64_t kHeaderBytes = 32;
};

} // namespace nwc
