#pragma once
// Codec files (HDF5): what `nwc train-codec` writes and the default ladder in
// resources/codecs. Root attributes format="nwc-codec", format_version; one group
// /codecs/<id> in the layout of codec/codecgroup.h. Torch-free.

#include "codec/codecparameters.h"

#include <QString>
#include <QStringList>

namespace nwc {

/// Writes `codec` atomically to `path`. Throws nwc::Error naming the path.
void saveCodecFile(const QString &path, const CodecParameters &codec);
/// Reads a codec file. Throws nwc::Error naming the path when it is missing, not a codec file,
/// from a newer version or damaged.
CodecParameters loadCodecFile(const QString &path);
/// The default ladder: every *.h5 file in the first codec folder found (NWC_CODEC_DIR, the
/// source tree's resources/codecs, the installed share/nwc-workbench/codecs) whose preset is in
/// `presets` (empty: all). Empty when none. Throws nwc::Error for an unreadable codec file when
/// presets are given (they are read to know their preset).
QStringList defaultCodecFiles(const QStringList &presets = {});

} // namespace nwc
