// Fuzz target: llama2.c checkpoint headers (core/io/llama2ccheckpoint). The input is a whole
// .bin file (header, then float32 weights); a checkpoint that opens has every tensor read.

#include "fuzzsupport.h"

#include "io/llama2ccheckpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > nwc::fuzz::kMaxCheckpointInputBytes)
        return 0;
    const QString path = nwc::fuzz::writeInput(data, size, QStringLiteral("model.bin"));
    nwc::fuzz::expectOnlyNwcErrors([&] {
        const auto checkpoint = nwc::Llama2cCheckpoint::open(path, path, QStringLiteral("model"));
        for (const nwc::TensorInfo &info : checkpoint->tensors()) {
            const std::vector<float> values = checkpoint->readFloat32(info.name);
            nwc::fuzz::require(qint64(values.size()) == info.elementCount(),
                               "readFloat32() size differs from the element count");
            nwc::fuzz::require(quint64(checkpoint->readRaw(info.name).size()) == info.byteSize,
                               "readRaw() size differs from the tensor's byte size");
        }
        nwc::fuzz::require(checkpoint->config().hiddenSize > 0, "no hidden size");
    });
    return 0;
}
