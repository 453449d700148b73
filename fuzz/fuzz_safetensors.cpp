// Fuzz target: the safetensors reader (core/io/safetensorsfile). The input is a whole
// .safetensors file; a file that opens has every tensor read back raw and as float32.

#include "fuzzsupport.h"

#include "io/safetensorsfile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > nwc::fuzz::kMaxCheckpointInputBytes)
        return 0;
    const QString path = nwc::fuzz::writeInput(data, size, QStringLiteral("model.safetensors"));
    nwc::fuzz::expectOnlyNwcErrors([&] {
        const auto file = nwc::SafetensorsFile::open(path);
        quint64 total = 0;
        for (const nwc::TensorInfo &info : file->tensors()) {
            nwc::fuzz::require(file->find(info.name) != nullptr, "a listed tensor is not found");
            const QByteArray raw = file->raw(info.name);
            nwc::fuzz::require(quint64(raw.size()) == info.byteSize,
                               "raw() size differs from the tensor's byte size");
            const std::vector<float> values = file->readFloat32(info.name);
            nwc::fuzz::require(qint64(values.size()) == info.elementCount(),
                               "readFloat32() size differs from the element count");
            total += info.byteSize;
        }
        nwc::fuzz::require(total <= quint64(file->fileSize()), "tensors exceed the file");
        (void)file->metadata().size();
    });
    return 0;
}
