#include "codec/tensordecoder.h"

#include "codec/columnchunks.h"
#include "codec/groupquantization.h"
#include "codec/nwctensorcoder.h"
#include "jobs/error.h"

namespace nwc {

std::vector<float> decodeCompressedTensor(const CompressedTensor &tensor,
                                          const CodecParameters *codec) {
    std::vector<float> values;
    if (tensor.method == CompressionMethod::Nwc) {
        if (!codec)
            throw Error(QStringLiteral("tensor %1 needs codec '%2', which is not available")
                            .arg(tensor.name, tensor.codecId));
        values = NwcTensorCoder(*codec).decode(tensor);
    } else {
        values = dequantizeGroups(tensor);
    }
    if (tensor.transposed)
        return transposed(values.data(), tensor.rows, tensor.columns);
    return values;
}

} // namespace nwc
