#pragma once
// llama2.c checkpoint (.bin), exposed under Hugging Face Llama tensor names.

#include "io/storedcheckpoint.h"

namespace nwc {

class MappedFile;

/// A float32 llama2.c checkpoint: legacy version 0 (7 int32 header) or version 1 ("ak42"
/// magic, 256-byte header). Tensors are exposed under Hugging Face Llama names as F32, in the
/// order of a Hugging Face Llama state dict (embeddings, then layer by layer, norm, lm_head).
/// q_proj/k_proj rows are permuted from llama2.c's interleaved RoPE pairs to Hugging Face's
/// rotate-half order (those two are converted copies; all other tensors stay in the map).
/// A config.json is synthesized from the header.
class Llama2cCheckpoint : public StoredCheckpoint {
public:
    /// "ak42" read as a little-endian uint32.
    static constexpr quint32 Magic = 0x616b3432;

    /// Opens `path`. Throws nwc::Error when the header is invalid, the size does not match the
    /// header, or the file is a quantized (version 2) export.
    static std::shared_ptr<const Llama2cCheckpoint> open(const QString &path, const QString &source,
                                                         const QString &displayName);
    ~Llama2cCheckpoint() override;

    CheckpointFormat format() const override { return CheckpointFormat::Llama2c; }
    std::vector<float> readFloat32(const QString &name) const override;
    std::vector<float> readFloat32Range(const QString &name, qint64 first,
                                        qint64 count) const override;
    bool readsRangesDirectly() const override { return true; }
    QByteArray readRaw(const QString &name) const override;

    /// 0 or 1.
    int version() const { return m_version; }

private:
    /// Header fields as stored, with vocabSize made positive.
    struct Header {
        qint32 dim = 0;
        qint32 hiddenDim = 0;
        qint32 numLayers = 0;
        qint32 numHeads = 0;
        qint32 numKvHeads = 0;
        qint32 vocabSize = 0;
        qint32 seqLen = 0;
        bool sharedClassifier = true;
    };
    /// Where a tensor's bytes are: a range of the map or an owned converted copy.
    struct Storage {
        quint64 offset = 0;
        QByteArray owned;
    };

    /// File offsets of the float32 blocks (each holds all layers of one kind).
    struct Offsets {
        quint64 embed = 0;
        quint64 rmsAtt = 0;
        quint64 wq = 0;
        quint64 wk = 0;
        quint64 wv = 0;
        quint64 wo = 0;
        quint64 rmsFfn = 0;
        quint64 w1 = 0;
        quint64 w2 = 0;
        quint64 w3 = 0;
        quint64 rmsFinal = 0;
        quint64 wcls = 0;
    };

    Llama2cCheckpoint(const QString &path, const QString &source, const QString &displayName);
    void readHeader();
    void validateHeader() const;
    Offsets layoutOffsets() const;
    void addTensors(const Offsets &offsets);
    void addTensor(const QString &name, const QVector<qint64> &shape, quint64 offset);
    void addPermuted(const QString &name, qint64 rows, qint64 heads, quint64 offset);
    void synthesizeConfig();
    void findTokenizer();
    const uchar *bytesOf(int index) const;

    QString m_path;
    std::unique_ptr<MappedFile> m_file;
    int m_version = 0;
    Header m_header;
    quint64 m_dataStart = 0;
    QVector<Storage> m_storage;
};

} // namespace nwc
