#pragma once
// The .nwc container (docs/formats.md, The .nwc container): one HDF5 file holding everything needed
// to rebuild a model — header, config.json, tokenizer files, codecs, compressed tensors,
// passthrough tensors and optional analysis results. Torch-free and HDF5-free header.
//
// Layout (format_version 1):
//   /                      attributes format="nwc", format_version, tool_version, source_model,
//                          method, target_bpw, achieved_bpw, created (ISO 8601, UTC),
//                          settings_json, tokenizer_file (the main tokenizer file's name)
//   /config_json           u8: config.json bytes (attribute crc32)
//   /order                 every tensor name (compressed and passthrough) in the order added
//   /tokenizer/<file>      u8: the file's bytes (attribute crc32)
//   /codecs/<id>           attributes preset, chunk, hidden, blocks, levels, lambda, steps,
//                          nominal_bpw; datasets rate_weights (f64), trained_on (strings),
//                          array_order (strings), arrays/<name> (f32, with its shape)
//   /tensors/<name>        attributes rows, columns, transposed, original_dtype, method,
//                          codec_id, step, columns_per_stream, estimated_bits,
//                          table_checksum, bits, group_size, level_count, checksum (CRC-32
//                          of the payload);
//                          NWC datasets levels (u8, 2 bits per column), column_scales (u16),
//                          bitstream (u8), stream_offsets (u32);
//                          RTN/GPTQ datasets packed_codes (u8), group_scales, group_zeros (u16)
//   /passthrough/<name>    attributes dtype, checksum; datasets shape (i64), data (u8, raw
//                          little-endian bytes)
//   /analysis              optional: arrays/<name> (f64, with shape), json (u8)

#include "codec/codecparameters.h"
#include "codec/compressedtensor.h"
#include "io/dtype.h"

#include <QByteArray>
#include <QString>
#include <QVector>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace nwc {

/// The container format version this build writes and the newest it reads. Version 2: NWC
/// tensors in lane streams (laneransstream.h) and every attribute under a checksum; version 1
/// files still load.
constexpr int64_t kNwcFormatVersion = 2;

/// Throws MismatchError(CodecMissing): the container at `path` lacks codec `codecId`, which
/// `tensor` (may be empty) is coded with; `codecsInFile` lists those it does hold.
[[noreturn]] void throwMissingCodec(const QString &path, const QString &tensor,
                                    const QString &codecId,
                                    const std::vector<QString> &codecsInFile);

/// Root attributes of a container.
struct NwcHeader {
    /// Model spec or path the container was compressed from.
    QString sourceModel;
    /// "nwc", "rtn", "gptq" (or "mixed").
    QString method;
    double targetBitsPerWeight = 0.0;
    double achievedBitsPerWeight = 0.0;
    /// Free-form JSON of the settings the run used.
    QString settingsJson;
    /// Filled by the writer; read back by the reader.
    int64_t formatVersion = kNwcFormatVersion;
    QString toolVersion;
    QString created;
};

/// A tensor kept as it was in the source checkpoint.
struct PassthroughTensor {
    QString name;
    DType dtype = DType::F32;
    QVector<qint64> shape;
    /// Raw little-endian bytes, elements × dtypeSize(dtype).
    QByteArray bytes;
};

/// Per-tensor facts for `nwc inspect` and the GUI, read without decoding the payload.
struct NwcTensorSummary {
    QString name;
    int64_t rows = 0;
    int64_t columns = 0;
    bool transposed = false;
    DType originalDtype = DType::F32;
    CompressionMethod method = CompressionMethod::Nwc;
    QString codecId;
    double step = 0.0;
    int32_t bits = 0;
    int32_t groupSize = 0;
    int32_t columnsPerStream = 0;
    double estimatedBits = 0.0;
    /// Bytes of the bitstream (NWC) or the packed codes (RTN/GPTQ).
    int64_t payloadBytes = 0;
    /// Bytes of the bitstream that hold no coded symbols (lane stream headers;
    /// streamHeaderBytes()).
    int64_t streamHeaderBytes = 0;
    /// CompressedTensor::countedBytes() of the stored tensor.
    int64_t countedBytes = 0;
    /// Columns per quality level 0..3 (NWC; empty otherwise).
    std::vector<int64_t> levelColumns;

    int64_t weightCount() const { return rows * columns; }
    /// 8 × countedBytes / weightCount.
    double bitsPerWeight() const;
};

/// Everything `nwc inspect` shows, totals included.
struct NwcSummary {
    QString path;
    NwcHeader header;
    std::vector<NwcTensorSummary> tensors;
    int64_t compressedWeights = 0;
    int64_t countedBytes = 0;
    /// 8 × countedBytes / compressedWeights.
    double bitsPerWeight = 0.0;
    /// Entropy-model estimate vs. bits written, over the NWC bitstreams.
    double estimatedBitstreamBits = 0.0;
    double actualBitstreamBits = 0.0;
    int64_t passthroughCount = 0;
    int64_t passthroughBytes = 0;
    int64_t passthroughWeights = 0;
    /// Bytes of the codec parameters (float arrays at 4 bytes, rate weights at 8).
    int64_t codecBytes = 0;
    int64_t fileBytes = 0;
};

/// Writes a .nwc container. The file is built under a temporary name beside `path` and renamed
/// into place by commit(); destroyed without commit(), the writer leaves no file behind and an
/// existing file at `path` untouched. Tensors are written as they are added, so the writer does
/// not hold the model in memory. Every method throws nwc::Error naming the file and the object.
class NwcWriter {
public:
    explicit NwcWriter(const QString &path);
    ~NwcWriter();
    NwcWriter(const NwcWriter &) = delete;
    NwcWriter &operator=(const NwcWriter &) = delete;

    /// Root attributes, written at commit (so achieved_bpw may be set last). formatVersion,
    /// toolVersion and created are filled in by the writer, and achievedBitsPerWeight when it
    /// is 0 (from the counted bytes of the tensors added).
    void setHeader(const NwcHeader &header);
    /// Writes format version `version` (1 or 2, default kNwcFormatVersion): 1 is for checking
    /// that old files still load; it takes only single-state NWC streams. Call before adding
    /// anything.
    void setFormatVersion(int64_t version);
    /// The source model's config.json, verbatim. Required before commit().
    void setConfigJson(const QByteArray &json);
    /// A tokenizer file stored under its file name (no folders). `primary` marks the file the
    /// tokenizer is loaded from (default: the first of tokenizer.json, tokenizer.model,
    /// vocab.json, encoder.json, tok*.bin that was added).
    void addTokenizerFile(const QString &fileName, const QByteArray &bytes, bool primary = false);
    /// Stores a codec under /codecs/<codec.id>; ids must be unique.
    void addCodec(const CodecParameters &codec);
    /// Checks the tensor's sizes (see validateCompressedTensor) and writes it with its checksum.
    void addTensor(const CompressedTensor &tensor);
    /// Stores a tensor as it was; bytes.size() must be elements × dtypeSize(dtype).
    void addPassthrough(const QString &name, DType dtype, const QVector<qint64> &shape,
                        const QByteArray &bytes);
    /// Optional analysis results: a named float64 array (row-major, product of shape = size;
    /// empty shape = one dimension) and a JSON document.
    void addAnalysisArray(const QString &name, const std::vector<double> &values,
                          const std::vector<int64_t> &shape = {});
    void setAnalysisJson(const QByteArray &json);
    /// Writes the header and the tensor order, flushes and renames the file into place.
    void commit();

    /// Names of the tensors added so far (compressed and passthrough), in order.
    const std::vector<QString> &order() const;
    QString path() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Reads a .nwc container. Opening checks that the file is an NWC container of a version this
/// build reads; every read checks types and sizes, and tensor reads verify the checksum. All
/// failures (damaged, truncated or foreign files) are nwc::Error naming the file and the object.
/// Safe to use from several threads (reads are serialized).
class NwcReader {
public:
    explicit NwcReader(const QString &path);
    ~NwcReader();
    NwcReader(const NwcReader &) = delete;
    NwcReader &operator=(const NwcReader &) = delete;

    QString path() const;
    const NwcHeader &header() const;
    QByteArray configJson() const;

    /// Tokenizer file names, sorted.
    std::vector<QString> tokenizerFileNames() const;
    /// The file the tokenizer loads from; empty when the container has no tokenizer.
    QString primaryTokenizerFile() const;
    QByteArray tokenizerFile(const QString &fileName) const;

    /// Codec ids, sorted.
    std::vector<QString> codecIds() const;
    CodecParameters codec(const QString &id) const;

    /// Every tensor (compressed and passthrough) in the order the writer added them.
    const std::vector<QString> &order() const;
    /// Compressed tensor names, in order.
    std::vector<QString> tensorNames() const;
    bool hasTensor(const QString &name) const;
    /// Reads a compressed tensor; verifies sizes and checksum.
    CompressedTensor tensor(const QString &name) const;
    /// Reads what `nwc inspect` shows of a tensor without its bitstream or codes.
    NwcTensorSummary tensorSummary(const QString &name) const;

    /// Passthrough tensor names, in order.
    std::vector<QString> passthroughNames() const;
    bool hasPassthrough(const QString &name) const;
    /// Dtype and shape only (bytes left empty).
    PassthroughTensor passthroughInfo(const QString &name) const;
    /// Reads a passthrough tensor; verifies size and checksum.
    PassthroughTensor passthrough(const QString &name) const;

    /// Analysis array names, sorted (empty when the container has no analysis).
    std::vector<QString> analysisArrayNames() const;
    std::vector<double> analysisArray(const QString &name,
                                      std::vector<int64_t> *shape = nullptr) const;
    /// Empty when absent.
    QByteArray analysisJson() const;

    /// Header, per-tensor summaries and totals.
    NwcSummary summary() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Throws nwc::Error naming `context` and the tensor when its fields do not fit together:
/// shape, a float original dtype, levels 0..3 (one per column), one scale per column, stream
/// offsets (ceil(columns / columnsPerStream) + 1, from 0 to the bitstream size), or for
/// RTN/GPTQ bits 1..16, packed code bytes ceil(rows × columns × bits / 8) and one scale and zero
/// per (row, group).
void validateCompressedTensor(const CompressedTensor &tensor, const QString &context);

/// CRC-32 (zlib) of a tensor as stored. Format version 1: its payload (bitstream, levels packed
/// 2 bits per column, column scales, stream offsets (uint32), packed codes, group scales, group
/// zeros, each as little-endian bytes). Version 2: its name and every attribute too.
uint32_t compressedTensorChecksum(const CompressedTensor &tensor, int64_t formatVersion = 1);
/// CRC-32 of a passthrough tensor: its bytes (version 1); name, dtype, shape and bytes (2).
uint32_t passthroughChecksum(const PassthroughTensor &tensor, int64_t formatVersion = 1);
/// CRC-32 of every field of a codec as a container stores it (format version 2).
uint32_t codecChecksum(const CodecParameters &codec);
/// CRC-32 of an analysis array: name, shape and values (format version 2).
uint32_t analysisArrayChecksum(const QString &name, const std::vector<double> &values,
                               const std::vector<int64_t> &shape);
/// CRC-32 of a container's root attributes, tensor order and other members (format version
/// 2): `members` names every codec, tokenizer file and analysis entry (containerMembers()).
uint32_t headerChecksum(const NwcHeader &header, const QString &tokenizerFile,
                        const std::vector<QString> &order, const std::vector<QString> &members);
/// The sorted member list headerChecksum covers: "codec:ID", "tokenizer:FILE",
/// "analysis-array:NAME" and "analysis-json" (when present).
std::vector<QString> containerMembers(const std::vector<QString> &codecIds,
                                      const std::vector<QString> &tokenizerFiles,
                                      const std::vector<QString> &analysisArrays,
                                      bool hasAnalysisJson);

/// The tokenizer files that travel with a model whose tokenizer is `tokenizerPath`: that file
/// and the companions beside it that exist (tokenizer.json, tokenizer_config.json,
/// special_tokens_map.json, tokenizer.model, vocab.json, merges.txt, encoder.json, vocab.bpe).
/// Returns (file name, bytes) pairs, the tokenizer file first; empty for an empty path.
/// Throws nwc::Error when a file cannot be read.
std::vector<std::pair<QString, QByteArray>> collectTokenizerFiles(const QString &tokenizerPath);

} // namespace nwc
