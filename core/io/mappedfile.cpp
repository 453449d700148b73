#include "io/mappedfile.h"

#include "jobs/error.h"

#include <QFileInfo>

namespace nwc {

MappedFile::MappedFile(const QString &path)
    : m_file(path)
{
    if (QFileInfo(path).isDir())
        throw Error(QStringLiteral("%1: is a directory, expected a file.").arg(path));
    if (!m_file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot open for reading (%2). Check that the file exists "
                                   "and is readable.")
                        .arg(path, m_file.errorString()));
    m_size = m_file.size();
    if (m_size > 0)
        m_mapped = m_file.map(0, m_size);
    if (m_mapped) {
        m_data = m_mapped;
        return;
    }
    m_buffer = m_file.readAll();
    if (m_buffer.size() != m_size)
        throw Error(QStringLiteral("%1: could only read %2 of %3 bytes (%4).")
                        .arg(path)
                        .arg(m_buffer.size())
                        .arg(m_size)
                        .arg(m_file.errorString()));
    m_data = reinterpret_cast<const uchar *>(m_buffer.constData());
}

MappedFile::~MappedFile()
{
    if (m_mapped)
        m_file.unmap(m_mapped);
}

} // namespace nwc
