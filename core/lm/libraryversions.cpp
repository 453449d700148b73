#include "lm/libraryversions.h"

#include <H5public.h>
#include <torch/version.h>

#include <QtGlobal>

namespace nwc {

QList<QPair<QString, QString>> coreLibraryVersions() {
    unsigned major = 0;
    unsigned minor = 0;
    unsigned release = 0;
    H5get_libversion(&major, &minor, &release);
    return {
        {QStringLiteral("Qt"), QString::fromLatin1(qVersion())},
        {QStringLiteral("LibTorch"), QStringLiteral(TORCH_VERSION)},
        {QStringLiteral("HDF5"), QStringLiteral("%1.%2.%3").arg(major).arg(minor).arg(release)},
    };
}

} // namespace nwc
