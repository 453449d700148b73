#pragma once
// What a .nwc container looks like from outside, so io can recognize one without the codec.

#include "io/checkpointopener.h"

class QFileInfo;

namespace nwc {

/// Certain when `path` is a file starting with the HDF5 signature (a .nwc container, whatever
/// its name), Likely when only its suffix is .nwc, No otherwise. core/codec's .nwc opener uses
/// it; Checkpoint::open uses it to explain that a program without the codec cannot open it.
Recognition recognizeNwcContainer(const QFileInfo &path);

} // namespace nwc
