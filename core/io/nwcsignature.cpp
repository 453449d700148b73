#include "io/nwcsignature.h"

#include <QByteArray>
#include <QFile>
#include <QFileInfo>

namespace nwc {

namespace {

/// Whether `path` starts with the HDF5 signature.
bool isHdf5File(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.read(8) == QByteArray("\x89HDF\r\n\x1a\n", 8);
}

} // namespace

Recognition recognizeNwcContainer(const QFileInfo &path) {
    if (!path.isFile())
        return Recognition::No;
    if (isHdf5File(path.filePath()))
        return Recognition::Certain;
    if (path.suffix().toLower() == QLatin1String("nwc"))
        return Recognition::Likely;
    return Recognition::No;
}

} // namespace nwc
