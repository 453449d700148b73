// Fuzz target: the .nwc container (core/codec/nwcreader, compressedcheckpoint and the decoders
// behind them). The input is a whole HDF5 file, opened the way `nwc inspect --verify` and the
// workbench do: NwcReader reads the header, summary, codecs, every compressed and passthrough
// tensor (checksums verified) and the analysis; Checkpoint::open then decodes every tensor.

#include "fuzzsupport.h"

#include "codec/nwccontainer.h"
#include "io/checkpoint.h"

namespace {

/// HDF5 parsing is slow; the seeds are a few KB, so larger inputs add little.
constexpr size_t kMaxInputBytes = 1 << 17;

void readContainer(const QString &path) {
    const nwc::NwcReader reader(path);
    (void)reader.configJson();
    const nwc::NwcSummary summary = reader.summary();
    nwc::fuzz::require(summary.tensors.size() == reader.tensorNames().size(),
                       "the summary lists another number of tensors");
    for (const QString &name : reader.tokenizerFileNames())
        (void)reader.tokenizerFile(name);
    for (const QString &id : reader.codecIds())
        (void)reader.codec(id);
    for (const QString &name : reader.tensorNames())
        (void)reader.tensor(name);
    for (const QString &name : reader.passthroughNames())
        (void)reader.passthrough(name);
    for (const QString &name : reader.analysisArrayNames())
        (void)reader.analysisArray(name);
    (void)reader.analysisJson();
}

void decodeCheckpoint(const QString &path) {
    const nwc::CheckpointPtr checkpoint = nwc::Checkpoint::open(path);
    for (const nwc::TensorInfo &info : checkpoint->tensors()) {
        const std::vector<float> values = checkpoint->readFloat32(info.name);
        nwc::fuzz::require(qint64(values.size()) == info.elementCount(),
                           "readFloat32() size differs from the element count");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > kMaxInputBytes)
        return 0;
    const QString path = nwc::fuzz::writeInput(data, size, QStringLiteral("model.nwc"));
    nwc::fuzz::expectOnlyNwcErrors([&] { readContainer(path); });
    nwc::fuzz::expectOnlyNwcErrors([&] { decodeCheckpoint(path); });
    return 0;
}
