#include "codec/codecformats.h"

#include "codec/compressedcheckpoint.h"
#include "io/checkpointregistry.h"
#include "io/nwcsignature.h"

#include <QFileInfo>

namespace nwc {

namespace {

/// A compressed .nwc container (HDF5), opened as a CompressedCheckpoint.
class NwcOpener : public CheckpointOpener {
public:
    QString id() const override { return QStringLiteral("nwc"); }
    QString description() const override { return QStringLiteral("a compressed .nwc file"); }
    Recognition recognize(const QFileInfo &path) const override {
        return recognizeNwcContainer(path);
    }
    CheckpointPtr open(const QFileInfo &path, const QString &spec) const override {
        return CompressedCheckpoint::open(path.absoluteFilePath(), spec);
    }
};

/// Registers the codec's formats while the program starts. The linker keeps this object only
/// because nwc_core_codec's link interface names nwcCodecFormatsAnchor (see core/CMakeLists.txt).
[[maybe_unused]] const bool registeredAtStartup = (registerCodecFormats(), true);

} // namespace

void registerCodecFormats() {
    CheckpointRegistry::instance().add(std::make_unique<NwcOpener>());
}

} // namespace nwc

/// Referenced from the link line (-Wl,--undefined) so that static linking keeps this object
/// and its start-up registration in every program that links nwc_core_codec.
extern "C" void nwcCodecFormatsAnchor() {}
