#pragma once
// Recognizes PyTorch pickle checkpoints, which are refused because unpickling runs code.

#include <QString>

namespace nwc {

/// True for files that are PyTorch pickles: pytorch_model.bin, *.pt, *.pth, *.ckpt, or a .bin
/// whose first bytes are a zip ("PK") or pickle protocol (0x80) signature.
bool isPickleCheckpoint(const QString &path);

/// Throws nwc::Error for `path` saying pickle files are not loaded for safety and how to convert
/// them to safetensors.
[[noreturn]] void refusePickleCheckpoint(const QString &path);

} // namespace nwc
