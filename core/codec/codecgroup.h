#pragma once
// Reads and writes one codec as an HDF5 group (the layout shared by codec files and the
// container's /codecs/<id>): attributes preset, chunk, hidden, blocks, levels, lambda, steps,
// nominal_bpw; datasets rate_weights (f64), trained_on and array_order (strings),
// arrays/<name> (f32 with its shape). Core-internal header: includes H5Cpp.h.

#include "codec/codecparameters.h"

#include <H5Cpp.h>

namespace nwc {

/// Writes `codec` into the (empty) group. Throws nwc::Error naming `context`.
void writeCodecGroup(H5::Group &group, const CodecParameters &codec, const QString &context);
/// Reads the codec stored in `group` under id `id`. Throws nwc::Error naming `context`.
CodecParameters readCodecGroup(const H5::Group &group, const QString &id, const QString &context);

} // namespace nwc
