#include "io/pickleguard.h"

#include "jobs/error.h"

#include <QFile>
#include <QFileInfo>

namespace nwc {

bool isPickleCheckpoint(const QString &path) {
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    if (info.fileName() == QLatin1String("pytorch_model.bin") || suffix == QLatin1String("pt") ||
        suffix == QLatin1String("pth") || suffix == QLatin1String("ckpt"))
        return true;
    if (suffix != QLatin1String("bin"))
        return false;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    return hasPickleSignature(file.read(4));
}

bool hasPickleSignature(const QByteArray &start) {
    // torch.save since PyTorch 1.6: a zip archive (local file header "PK\3\4").
    if (start.startsWith(QByteArrayLiteral("PK\x03\x04")))
        return true;
    // A raw pickle: PROTO (0x80) with protocol 2–5, then the opcode torch.save begins with:
    // LONG1 (0x8a, the legacy magic number), FRAME (0x95), EMPTY_DICT '}', EMPTY_LIST ']', MARK
    // '(', GLOBAL 'c' or SHORT_BINUNICODE (0x8c). A llama2.c header can start with 0x80 too (dim
    // 128, 384, 640, 896 … as a little-endian int32), but its third byte is a high byte of dim,
    // 0 for every dim below 65536.
    if (start.size() < 3 || static_cast<unsigned char>(start.at(0)) != 0x80)
        return false;
    const int protocol = static_cast<unsigned char>(start.at(1));
    const unsigned char opcode = static_cast<unsigned char>(start.at(2));
    const bool knownOpcode = opcode == 0x8a || opcode == 0x95 || opcode == '}' || opcode == ']' ||
                             opcode == '(' || opcode == 'c' || opcode == 0x8c;
    return protocol >= 2 && protocol <= 5 && knownOpcode;
}

void refusePickleCheckpoint(const QString &path) {
    throw Error(QStringLiteral(
                    "%1: this is a PyTorch pickle checkpoint. Pickle files can run arbitrary code "
                    "when loaded, so they are not loaded, for safety. Convert it to safetensors "
                    "first, for example in Python:\n"
                    "  import torch; from safetensors.torch import save_file\n"
                    "  save_file(torch.load(p), \"model.safetensors\")\n"
                    "or with transformers: model.save_pretrained(dir, safe_serialization=True).")
                    .arg(path));
}

} // namespace nwc
