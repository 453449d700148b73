#include "io/checkpoint.h"

#include "codec/compressedcheckpoint.h"
#include "io/hfcheckpoint.h"
#include "io/llama2ccheckpoint.h"
#include "io/pickleguard.h"
#include "jobs/error.h"
#include "jobs/installpaths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

namespace nwc {

namespace {

const QLatin1String DemoPrefix("demo:");

bool isDemoDirectory(const QString &directory) {
    return QFileInfo(directory + QStringLiteral("/config.json")).isFile();
}

/// Whether `path` starts with the HDF5 signature (a .nwc container under another name).
bool isHdf5File(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.read(8) == QByteArray("\x89HDF\r\n\x1a\n", 8);
}

} // namespace

QString Checkpoint::resolveSpec(const QString &spec) {
    if (!spec.startsWith(DemoPrefix))
        return spec;
    const QString name = spec.mid(DemoPrefix.size());
    const QString known = QStringLiteral("demo:student and demo:teacher");
    if (name != QLatin1String("student") && name != QLatin1String("teacher"))
        throw Error(QStringLiteral("Unknown demo model '%1'. The built-in demo models are %2.")
                        .arg(spec, known));

    QStringList candidates;
    const QString environment = qEnvironmentVariable("NWC_DEMO_DIR");
    if (!environment.isEmpty())
        candidates.append(environment + QLatin1Char('/') + name);
    candidates.append(QStringLiteral(":/demo/") + name);
    for (const QString &folder : resourceDirectories())
        candidates.append(folder + QStringLiteral("/demo/") + name);
    for (const QString &candidate : candidates) {
        if (isDemoDirectory(candidate))
            return candidate;
    }
    throw Error(QStringLiteral("The demo model '%1' was not found; looked in %2. Reinstall NWC "
                               "Workbench or set NWC_DEMO_DIR to a folder holding %3/.")
                    .arg(spec, candidates.join(QStringLiteral(", ")), name));
}

std::shared_ptr<const Checkpoint> Checkpoint::open(const QString &spec) {
    const QString path = resolveSpec(spec);
    const QFileInfo info(path);
    if (!info.exists())
        throw Error(QStringLiteral("%1: no such file or directory.").arg(path));

    if (spec.startsWith(DemoPrefix))
        return HfCheckpoint::openDirectory(path, spec, spec.mid(DemoPrefix.size()));

    if (info.isDir()) {
        const QString name = QDir(info.absoluteFilePath()).dirName();
        return HfCheckpoint::openDirectory(info.absoluteFilePath(), spec, name);
    }

    const QString fileName = info.fileName();
    const QString suffix = info.suffix().toLower();
    if (fileName == QLatin1String("config.json"))
        return HfCheckpoint::openDirectory(info.absolutePath(), spec,
                                           QDir(info.absolutePath()).dirName());
    if (fileName.endsWith(QLatin1String(".safetensors.index.json")))
        return HfCheckpoint::openIndex(info.absoluteFilePath(), spec,
                                       QDir(info.absolutePath()).dirName());
    if (suffix == QLatin1String("safetensors")) {
        const QString base = info.completeBaseName();
        const QString name =
            base == QLatin1String("model") ? QDir(info.absolutePath()).dirName() : base;
        return HfCheckpoint::openFile(info.absoluteFilePath(), spec, name);
    }
    if (suffix == QLatin1String("nwc") || isHdf5File(path))
        return CompressedCheckpoint::open(info.absoluteFilePath(), spec);
    if (isPickleCheckpoint(path))
        refusePickleCheckpoint(path);
    if (suffix == QLatin1String("bin"))
        return Llama2cCheckpoint::open(info.absoluteFilePath(), spec, info.completeBaseName());
    throw Error(QStringLiteral("%1: unrecognized checkpoint. Open a Hugging Face model directory "
                               "(config.json + model.safetensors), a .safetensors file, a llama2.c "
                               ".bin file, a compressed .nwc file, or demo:student / "
                               "demo:teacher.")
                    .arg(path));
}

} // namespace nwc
