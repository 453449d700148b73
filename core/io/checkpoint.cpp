#include "io/checkpoint.h"

#include "io/checkpointregistry.h"
#include "io/hfcheckpoint.h"
#include "io/nwcsignature.h"
#include "io/pickleguard.h"
#include "jobs/error.h"
#include "jobs/installpaths.h"

#include <QFileInfo>
#include <QStringList>

namespace nwc {

namespace {

const QLatin1String DemoPrefix("demo:");

bool isDemoDirectory(const QString &directory) {
    return QFileInfo(directory + QStringLiteral("/config.json")).isFile();
}

/// The error for a path no registered format recognizes.
[[noreturn]] void refuseUnrecognized(const QFileInfo &info, const QString &path) {
    if (recognizeNwcContainer(info) != Recognition::No)
        throw Error(QStringLiteral("%1: this is a compressed .nwc container, and this program was "
                                   "built without the NWC codec that reads it. Open it with nwc "
                                   "or nwc-workbench (programs that link nwc_core_codec do).")
                        .arg(path));
    if (isPickleCheckpoint(path))
        refusePickleCheckpoint(path);
    QStringList choices;
    for (const CheckpointOpener *opener : CheckpointRegistry::instance().formats())
        choices.append(opener->description());
    choices.append(QStringLiteral("demo:student / demo:teacher"));
    const QString last = choices.takeLast();
    throw Error(QStringLiteral("%1: unrecognized checkpoint. Open %2, or %3.")
                    .arg(path, choices.join(QStringLiteral(", ")), last));
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

std::vector<float> Checkpoint::readFloat32Range(const QString &name, qint64 first,
                                                qint64 count) const {
    const TensorInfo *info = findTensor(name);
    if (!info)
        throw Error(QStringLiteral("%1 has no tensor named %2").arg(source(), name));
    requireElementRange(*info, first, count, source());
    const std::vector<float> all = readFloat32(name);
    return std::vector<float>(all.begin() + first, all.begin() + first + count);
}

std::shared_ptr<const Checkpoint> Checkpoint::open(const QString &spec) {
    const QString path = resolveSpec(spec);
    const QFileInfo info(path);
    if (!info.exists())
        throw Error(QStringLiteral("%1: no such file or directory.").arg(path));

    if (spec.startsWith(DemoPrefix))
        return HfCheckpoint::openDirectory(path, spec, spec.mid(DemoPrefix.size()));

    const CheckpointOpener *opener = CheckpointRegistry::instance().formatFor(info);
    if (!opener)
        refuseUnrecognized(info, path);
    return opener->open(info, spec);
}

} // namespace nwc
