#pragma once
// Byte-oriented rANS entropy coder (32-bit state, frequencies of up to 16-bit precision).
// One call codes one independent stream, so column blocks can be decoded in parallel and
// partially.

#include "codec/frequencytable.h"

#include <QByteArray>
#include <cstdint>
#include <vector>

namespace nwc {

/// Encodes `symbols` (each must have a non-zero frequency in `table`); the stream is read
/// forward by ransDecode. Throws nwc::Error for a symbol the table cannot code.
QByteArray ransEncode(const std::vector<int32_t> &symbols, const FrequencyTable &table);

/// Decodes `count` symbols. Throws nwc::Error when the stream is truncated, has trailing bytes
/// or does not end in the encoder's initial state (a corrupt stream).
std::vector<int32_t> ransDecode(const QByteArray &stream, size_t count,
                                const FrequencyTable &table);

} // namespace nwc
