#pragma once
// An opened model checkpoint: immutable, shareable between threads. Tensors stay in the
// memory-mapped files until read. Torch-free so widgets can browse it.

#include "io/modelconfig.h"
#include "io/tensorinfo.h"

#include <QByteArray>
#include <QString>
#include <QVector>
#include <memory>
#include <vector>

namespace nwc {

/// Where a checkpoint came from (Nwc: a compressed .nwc container, decoded on demand).
enum class CheckpointFormat { HuggingFace, Llama2c, Nwc };

/// A model on disk: config + named tensors (+ where its tokenizer lives).
///
/// `open` accepts
///  - a Hugging Face directory (config.json + model.safetensors or a sharded
///    model.safetensors.index.json),
///  - a single .safetensors file whose directory holds config.json,
///  - a llama2.c checkpoint (.bin, legacy version 0 or version 1/2 with "ak42" magic);
///    its tensors are exposed under Hugging Face Llama names (q/k rows permuted to HF order),
///  - `demo:student` / `demo:teacher`, the built-in demo models,
///  - a compressed .nwc container (tensors are decoded when read), in programs that link
///    core/codec, which registers that format.
/// The formats other than demo: specs are chosen through CheckpointRegistry (see
/// docs/architecture.md, Checkpoint formats). Pickle checkpoints (pytorch_model.bin, *.pt) are
/// refused with a message saying how to convert them to safetensors. All errors are nwc::Error
/// naming the file and the problem.
class Checkpoint {
public:
    virtual ~Checkpoint() = default;

    /// Opens `spec` (see class comment). Throws nwc::Error.
    static std::shared_ptr<const Checkpoint> open(const QString &spec);
    /// Resolves `demo:NAME` to a directory or resource path; returns `spec` unchanged otherwise.
    static QString resolveSpec(const QString &spec);

    virtual CheckpointFormat format() const = 0;
    /// The path or spec it was opened from.
    virtual QString source() const = 0;
    /// Short name for titles ("teacher", "stories260K").
    virtual QString displayName() const = 0;
    virtual const ModelConfig &config() const = 0;
    /// Original config.json bytes (synthesized for llama2.c checkpoints).
    virtual QByteArray configJson() const = 0;

    /// All tensors in file order.
    virtual const QVector<TensorInfo> &tensors() const = 0;
    /// Null when absent.
    virtual const TensorInfo *findTensor(const QString &name) const = 0;
    /// Reads a tensor converted to float32 (row-major, shape as in TensorInfo).
    /// Throws nwc::Error if the tensor is missing.
    virtual std::vector<float> readFloat32(const QString &name) const = 0;
    /// Raw little-endian bytes as stored (for verbatim copies).
    virtual QByteArray readRaw(const QString &name) const = 0;
    /// `count` values from element `first` on (row-major), converted to float32. Formats that
    /// map their file convert only that range (readsRangesDirectly()); the others read the whole
    /// tensor and copy the range out. Throws nwc::Error if the tensor is missing or the range
    /// lies outside it.
    virtual std::vector<float> readFloat32Range(const QString &name, qint64 first,
                                                qint64 count) const;
    /// True when readFloat32Range() reads only the range (a streaming pass over a tensor then
    /// needs no full copy).
    virtual bool readsRangesDirectly() const { return false; }

    /// The tokenizer file found for this checkpoint (tokenizer.json, tokenizer.model,
    /// vocab.json, tok*.bin); empty when none was found.
    virtual QString tokenizerPath() const = 0;
};

using CheckpointPtr = std::shared_ptr<const Checkpoint>;

} // namespace nwc
