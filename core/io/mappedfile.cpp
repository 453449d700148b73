#include "io/mappedfile.h"

#include "jobs/error.h"

#include <sys/mman.h>
#include <unistd.h>

#include <QFileInfo>

namespace nwc {

MappedFile::MappedFile(const QString &path)
    : m_file(path) {
    if (QFileInfo(path).isDir())
        throw Error(QStringLiteral("%1: is a directory, expected a file.").arg(path));
    if (!m_file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot open for reading (%2). Check that the file exists "
                                   "and is readable.")
                        .arg(path, m_file.errorString()));
    const qint64 size = m_file.size();
    if (size > 0)
        m_mapped = m_file.map(0, size);
    if (m_mapped) {
        m_data = m_mapped;
        m_size = size;
        return;
    }
    // Not mappable (some resources, pseudo-files, pipes): read the bytes instead.
    m_buffer = m_file.readAll();
    if (m_file.error() != QFileDevice::NoError || (size > 0 && m_buffer.size() != size))
        throw Error(QStringLiteral("%1: could only read %2 of %3 bytes (%4).")
                        .arg(path)
                        .arg(m_buffer.size())
                        .arg(size)
                        .arg(m_file.errorString()));
    m_data = reinterpret_cast<const uchar *>(m_buffer.constData());
    m_size = m_buffer.size();
}

MappedFile::~MappedFile() {
    if (m_mapped)
        m_file.unmap(m_mapped);
}

void MappedFile::release(qint64 offset, qint64 length) const {
    if (!m_mapped || offset < 0 || length <= 0 || offset + length > m_size)
        return;
    const auto page = quintptr(sysconf(_SC_PAGESIZE));
    const auto begin = (quintptr(m_mapped + offset) + page - 1) / page * page;
    const auto end = quintptr(m_mapped + offset + length) / page * page;
    if (end > begin)
        madvise(reinterpret_cast<void *>(begin), end - begin, MADV_DONTNEED);
}

} // namespace nwc
