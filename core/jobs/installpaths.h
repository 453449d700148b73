#pragma once
// Where NWC Workbench finds the files it ships beside its programs (demo models, default codecs,
// the SentencePiece bridge module). An installation is relocatable: the folders are looked up
// relative to the running program first, so a package extracted anywhere (dpkg-deb -x) or an
// install tree that was moved still finds its own files.

#include <QStringList>

namespace nwc {

/// Folders that may hold the shipped resources (`demo/`, `codecs/`), best first, without
/// duplicates: the installed data folder beside the running program
/// (<bin>/../share/nwc-workbench), the source tree's `resources/` (programs run from the build
/// tree), then the data folder configured at build time (<prefix>/share/nwc-workbench).
/// Folders are listed whether or not they exist.
QStringList resourceDirectories();

/// Folders that may hold NWC Workbench's private modules (lib/nwc-workbench), best first,
/// without duplicates: the one beside the running program (<bin>/../lib/nwc-workbench), then the
/// one configured at build time.
QStringList moduleDirectories();

} // namespace nwc
