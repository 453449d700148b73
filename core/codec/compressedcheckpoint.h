#pragma once
// A .nwc container opened as a Checkpoint: every tensor of the original model, compressed ones
// decoded when read. Torch-free header.

#include "codec/nwccontainer.h"
#include "io/storedcheckpoint.h"

#include <map>
#include <memory>
#include <mutex>

class QTemporaryDir;

namespace nwc {

class ProgressSink;

/// A compressed checkpoint. tensors() lists the original model's tensors in the container's
/// order, compressed ones with their original dtype and shape. readFloat32() decodes a
/// compressed tensor on demand (values rounded to the original dtype, so they equal what
/// `nwc decompress` writes); passthrough tensors are converted as stored. The tokenizer files
/// are extracted into a private temporary folder that lives as long as the checkpoint.
/// Immutable and safe to share between threads.
class CompressedCheckpoint : public StoredCheckpoint {
public:
    /// Opens `path`; `source` is the spec shown to users (default: the path). Reads the header,
    /// config and summary and checks that every NWC tensor's codec is present; nothing is
    /// decoded. Throws nwc::Error naming the file.
    static std::shared_ptr<const CompressedCheckpoint> open(const QString &path,
                                                            const QString &source = QString());
    ~CompressedCheckpoint() override;

    CheckpointFormat format() const override { return CheckpointFormat::Nwc; }
    std::vector<float> readFloat32(const QString &name) const override;
    /// Bytes in the original dtype (compressed tensors are decoded and converted back).
    QByteArray readRaw(const QString &name) const override;

    /// The container file.
    QString path() const { return m_reader->path(); }
    const NwcHeader &header() const { return m_reader->header(); }
    /// Per-tensor method, codec, bits per weight, counted bytes, step, and the totals.
    const NwcSummary &summary() const { return m_summary; }
    /// Whether `name` is stored compressed (false for passthrough and unknown names).
    bool isCompressed(const QString &name) const { return m_reader->hasTensor(name); }
    /// The stored compressed form of a tensor (checksum verified). Throws nwc::Error.
    CompressedTensor compressedTensor(const QString &name) const;
    /// The container reader (tokenizer files, codecs, analysis).
    const NwcReader &reader() const { return *m_reader; }

private:
    CompressedCheckpoint(const QString &path, const QString &source);
    std::vector<float> decode(const QString &name) const;
    std::shared_ptr<const CodecParameters> codecFor(const QString &id) const;
    void extractTokenizer();

    std::unique_ptr<NwcReader> m_reader;
    std::unique_ptr<QTemporaryDir> m_tokenizerDirectory;
    NwcSummary m_summary;
    mutable std::mutex m_codecMutex;
    mutable std::map<QString, std::shared_ptr<const CodecParameters>> m_codecs;
};

/// Writes `checkpoint` as a Hugging Face directory: model.safetensors with every tensor under
/// its name in its original dtype and layout, config.json and the tokenizer files verbatim,
/// each file written atomically. `directory` is created when missing; a non-empty one is
/// refused unless `overwrite`, and one holding other .safetensors files or an index (which
/// would shadow the new model) is always refused. Reports and checks cancellation per tensor.
/// Throws nwc::Error (nwc::Cancelled when cancelled; nothing is written then).
void decompressToDirectory(const CompressedCheckpoint &checkpoint, const QString &directory,
                           bool overwrite, ProgressSink *progress = nullptr);

} // namespace nwc
