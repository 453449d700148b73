#include "codec/codecfile.h"

#include "codec/codecgroup.h"
#include "io/h5util.h"
#include "jobs/installpaths.h"
#include "jobs/mismatcherror.h"

#include <QDir>
#include <QFileInfo>

namespace nwc {
namespace {

constexpr int64_t kCodecFileVersion = 1;

} // namespace

void saveCodecFile(const QString &path, const CodecParameters &codec) {
    if (codec.id.isEmpty() || codec.id.contains(QLatin1Char('/')))
        throw Error(QStringLiteral("%1: invalid codec id '%2'").arg(path, codec.id));
    h5::AtomicFile file(path);
    try {
        H5::Group root = file.file().openGroup("/");
        h5::setAttribute(root, QStringLiteral("format"), QStringLiteral("nwc-codec"));
        h5::setAttribute(root, QStringLiteral("format_version"), kCodecFileVersion);
        h5::setAttribute(root, QStringLiteral("tool_version"), QStringLiteral(NWC_VERSION));
        H5::Group group = h5::ensureGroup(root, QStringLiteral("codecs/") + codec.id);
        writeCodecGroup(group, codec, path);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot write: %2").arg(path, h5::errorText(error)));
    }
    file.commit();
}

CodecParameters loadCodecFile(const QString &path) {
    H5::H5File file = h5::openReadOnly(path);
    try {
        const H5::Group root = file.openGroup("/");
        if (!h5::hasAttribute(root, QStringLiteral("format")) ||
            h5::stringAttribute(root, QStringLiteral("format"), path) != QLatin1String("nwc-codec"))
            throw Error(QStringLiteral("%1: not an NWC codec file").arg(path));
        const int64_t version = h5::intAttribute(root, QStringLiteral("format_version"), path);
        if (version > kCodecFileVersion)
            throw MismatchError(
                MismatchKind::NewerFormat,
                QStringLiteral("%1: codec file format version %2 is newer than this build reads "
                               "(%3); update NWC Workbench")
                    .arg(path)
                    .arg(version)
                    .arg(kCodecFileVersion),
                QStringLiteral("file: %1\ncodec file format version: %2\nthis build: NWC "
                               "Workbench %3, reads codec file format versions 1 to %4")
                    .arg(path)
                    .arg(version)
                    .arg(QStringLiteral(NWC_VERSION))
                    .arg(kCodecFileVersion));
        if (!h5::exists(root, QStringLiteral("codecs")))
            throw Error(QStringLiteral("%1: holds no codec (the file is damaged)").arg(path));
        const H5::Group codecs = root.openGroup("codecs");
        const std::vector<QString> ids = h5::childNames(codecs);
        if (ids.size() != 1)
            throw Error(
                QStringLiteral("%1: expected one codec, found %2").arg(path).arg(ids.size()));
        return readCodecGroup(codecs.openGroup(ids.front().toStdString()), ids.front(),
                              path + QStringLiteral(": codec '") + ids.front() + QLatin1Char('\''));
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot read: %2 (the file is damaged)")
                        .arg(path, h5::errorText(error)));
    }
}

QStringList defaultCodecFiles(const QStringList &presets) {
    QStringList folders;
    const QString fromEnvironment = qEnvironmentVariable("NWC_CODEC_DIR");
    if (!fromEnvironment.isEmpty())
        folders << fromEnvironment;
    for (const QString &folder : resourceDirectories())
        folders << folder + QStringLiteral("/codecs");
    for (const QString &folder : folders) {
        const QDir dir(folder);
        const QStringList files = dir.entryList({QStringLiteral("*.h5")}, QDir::Files, QDir::Name);
        if (files.isEmpty())
            continue;
        QStringList paths;
        for (const QString &file : files) {
            const QString path = dir.absoluteFilePath(file);
            if (presets.isEmpty() || presets.contains(loadCodecFile(path).preset))
                paths << path;
        }
        return paths;
    }
    return {};
}

} // namespace nwc
