#include "codec/compressedtensor.h"

namespace nwc {

QString compressionMethodName(CompressionMethod method) {
    switch (method) {
    case CompressionMethod::Nwc:
        return QStringLiteral("nwc");
    case CompressionMethod::Rtn:
        return QStringLiteral("rtn");
    case CompressionMethod::Gptq:
        return QStringLiteral("gptq");
    }
    return QString();
}

bool compressionMethodFromName(const QString &name, CompressionMethod *method) {
    for (CompressionMethod candidate :
         {CompressionMethod::Nwc, CompressionMethod::Rtn, CompressionMethod::Gptq}) {
        if (name == compressionMethodName(candidate)) {
            *method = candidate;
            return true;
        }
    }
    return false;
}

int64_t CompressedTensor::countedBytes() const {
    int64_t bytes = kHeaderBytes;
    if (method == CompressionMethod::Nwc) {
        bytes += bitstream.size();
        bytes += int64_t(columnScales.size()) * 2;
        bytes += (int64_t(levels.size()) * 2 + 7) / 8;
        bytes += int64_t(streamOffsets.size()) * 4;
    } else {
        bytes += packedCodes.size();
        bytes += int64_t(groupScales.size() + groupZeros.size()) * 2;
    }
    return bytes;
}

double CompressedTensor::bitsPerWeight() const {
    const int64_t weights = weightCount();
    return weights > 0 ? 8.0 * double(countedBytes()) / double(weights) : 0.0;
}

} // namespace nwc
