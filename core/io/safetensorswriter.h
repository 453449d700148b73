#pragma once
// Writer for the safetensors format.

#include "io/dtype.h"
#include "io/tensorinfo.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QVector>
#include <utility>
#include <vector>

namespace nwc {

/// The safetensors JSON header for `tensors` stored back to back in this order (each
/// info.byteSize bytes), with `metadata` as `__metadata__`, padded with spaces to a multiple of
/// 8 bytes. For writers that stream tensor data after the header.
QByteArray safetensorsHeader(const QVector<TensorInfo> &tensors,
                             const std::vector<std::pair<QString, QString>> &metadata);

/// Collects tensors (name, dtype, shape, little-endian bytes) and `__metadata__` entries, then
/// writes them as one .safetensors file: header padded with spaces to a multiple of 8 bytes,
/// tensors in insertion order. The file is written atomically (QSaveFile), so a failed write
/// leaves any existing file untouched and no partial file behind.
class SafetensorsWriter {
public:
    /// Adds a `__metadata__` entry (replacing an earlier value of the same key).
    void setMetadata(const QString &key, const QString &value);
    /// Adds a tensor. Throws nwc::Error if the name is taken or empty, the shape has a negative
    /// dimension, or bytes.size() != elements x dtypeSize(dtype).
    void addTensor(const QString &name, DType dtype, const QVector<qint64> &shape,
                   const QByteArray &bytes);
    /// Adds float32 values, stored as `dtype` (F32, F16 or BF16; rounded to nearest even).
    void addFloat32(const QString &name, const QVector<qint64> &shape,
                    const std::vector<float> &values, DType dtype = DType::F32);
    /// Number of tensors added so far.
    int tensorCount() const { return m_tensors.size(); }
    /// The JSON header as it will be written, padding included.
    QByteArray header() const;
    /// Writes the file atomically. Throws nwc::Error naming `path` on failure.
    void write(const QString &path) const;

private:
    struct Pending {
        QString name;
        DType dtype;
        QVector<qint64> shape;
        QByteArray bytes;
    };
    QVector<Pending> m_tensors;
    QHash<QString, int> m_names;
    QVector<std::pair<QString, QString>> m_metadata;
};

} // namespace nwc
