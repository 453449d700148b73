#pragma once
// Reader for the safetensors format (https://github.com/huggingface/safetensors).

#include "io/tensorinfo.h"

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QString>
#include <QVector>
#include <memory>
#include <vector>

namespace nwc {

class MappedFile;

/// One memory-mapped .safetensors file, validated on open against every rule of the format:
/// 8-byte little-endian header length, header at most 100 MB of UTF-8 JSON (an object, with an
/// optional string-to-string `__metadata__`), known dtypes, elements x width == bytes, offsets
/// inside the file, byte ranges that start at 0 and follow each other without gaps or overlaps,
/// the file ending exactly at the last tensor, and no duplicate names. Immutable after open, so
/// it may be shared between threads.
class SafetensorsFile {
public:
    /// Largest header accepted, as in the reference implementation.
    static constexpr quint64 MaxHeaderSize = 100'000'000;

    /// Opens and validates `path`. Throws nwc::Error naming the file (and tensor) and saying
    /// what is wrong when the file is missing, corrupt or incomplete.
    static std::shared_ptr<const SafetensorsFile> open(const QString &path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile &) = delete;
    SafetensorsFile &operator=(const SafetensorsFile &) = delete;

    /// The path it was opened from.
    QString path() const { return m_path; }
    /// Size of the whole file in bytes.
    qint64 fileSize() const;
    /// Tensors in file order (ascending data offset).
    const QVector<TensorInfo> &tensors() const { return m_tensors; }
    /// Null when there is no tensor of that name.
    const TensorInfo *find(const QString &name) const;
    /// First byte of the tensor's little-endian data (byteSize bytes, any alignment).
    /// Throws nwc::Error when the tensor is missing.
    const uchar *data(const QString &name) const;
    /// The tensor's bytes copied into a QByteArray. Throws nwc::Error when missing.
    QByteArray raw(const QString &name) const;
    /// The tensor converted to float32. Throws nwc::Error when missing.
    std::vector<float> readFloat32(const QString &name) const;
    /// `count` values from element `first` on, converted to float32. Throws nwc::Error when the
    /// range lies outside the tensor.
    std::vector<float> readFloat32Range(const QString &name, qint64 first, qint64 count) const;
    /// The `__metadata__` entries (empty when the header has none).
    const QMap<QString, QString> &metadata() const { return m_metadata; }

private:
    explicit SafetensorsFile(const QString &path);
    void parse();
    int indexOf(const QString &name) const;

    QString m_path;
    std::unique_ptr<MappedFile> m_file;
    QVector<TensorInfo> m_tensors;
    QVector<quint64> m_offsets; ///< absolute file offset of each tensor's data
    QHash<QString, int> m_index;
    QMap<QString, QString> m_metadata;
};

} // namespace nwc
