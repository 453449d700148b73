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
    const QByteArray start = file.read(2);
    return start == QByteArrayLiteral("PK") ||
           (!start.isEmpty() && static_cast<unsigned char>(start.at(0)) == 0x80);
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
