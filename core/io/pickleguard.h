#pragma once
// Recognizes PyTorch pickle checkpoints, which are refused because unpickling runs code.

#include <QByteArray>
#include <QString>

namespace nwc {

/// True for files that are PyTorch pickles: pytorch_model.bin, *.pt, *.pth, *.ckpt, or a .bin
/// whose first bytes have the structure of one (hasPickleSignature).
bool isPickleCheckpoint(const QString &path);

/// True when `start` (a file's first 4 bytes) is a zip local header or a pickle PROTO opcode
/// (protocol 2–5) followed by an opcode torch.save writes first. A llama2.c header whose dim
/// begins with the byte 0x80 (dim 128, 384, 640, …) is not.
bool hasPickleSignature(const QByteArray &start);

/// Throws nwc::Error for `path` saying pickle files are not loaded for safety and how to convert
/// them to safetensors.
[[noreturn]] void refusePickleCheckpoint(const QString &path);

} // namespace nwc
