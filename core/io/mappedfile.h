#pragma once
// Read-only view of a whole file: memory-mapped when possible, read into memory otherwise.

#include <QByteArray>
#include <QFile>
#include <QString>

namespace nwc {

/// A read-only memory map of one file. When the file cannot be mapped (for example a
/// compressed Qt resource such as ":/demo/teacher/model.safetensors") its bytes are read into
/// memory instead, so callers always see one contiguous block. Non-copyable; the bytes stay
/// valid for the object's lifetime.
class MappedFile {
public:
    /// Opens and maps `path`. Throws nwc::Error naming the file when it cannot be read.
    explicit MappedFile(const QString &path);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    /// First byte of the file (never null, even for an empty file).
    const uchar *data() const { return m_data; }
    /// File size in bytes.
    qint64 size() const { return m_size; }
    /// The path it was opened from.
    QString path() const { return m_file.fileName(); }
    /// True when the bytes come from a memory map rather than a copy in memory.
    bool isMapped() const { return m_mapped != nullptr; }
    /// Tells the kernel that the pages inside [offset, offset + length) are not needed now
    /// (madvise DONTNEED on the whole pages in the range): they leave this process's resident
    /// set and are read again from the file on the next access. Used after a tensor has been
    /// copied out, so reading a model tensor by tensor does not keep the whole file resident.
    void release(qint64 offset, qint64 length) const;

private:
    QFile m_file;
    uchar *m_mapped = nullptr;
    QByteArray m_buffer;
    const uchar *m_data = nullptr;
    qint64 m_size = 0;
};

} // namespace nwc
