#pragma once
// Versions of the libraries the core runs on, for the About dialog and bug reports.
// Torch-free header.

#include <QList>
#include <QPair>
#include <QString>

namespace nwc {

/// (library, version) for LibTorch, HDF5 and Qt, as compiled in and as loaded where the
/// library reports it.
QList<QPair<QString, QString>> coreLibraryVersions();

} // namespace nwc
