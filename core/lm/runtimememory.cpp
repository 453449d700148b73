#include "lm/runtimememory.h"

#include "compute/torchcompute.h"
#include "lm/transformer.h"

#include <algorithm>

namespace nwc {

int64_t parameterCount(const Checkpoint &checkpoint) {
    int64_t count = 0;
    for (const TensorInfo &tensor : checkpoint.tensors())
        count += tensor.elementCount();
    return count;
}

int64_t runtimeBytes(const Checkpoint &checkpoint, const ComputeOptions &options) {
    const int64_t matrixBytes = int64_t(c10::elementSize(matrixStorageType(checkpoint, options)));
    const int64_t otherBytes = int64_t(c10::elementSize(torchComputeType(options)));
    int64_t largest = 0;
    int64_t total = 0;
    for (const TensorInfo &tensor : checkpoint.tensors()) {
        largest = std::max<int64_t>(largest, tensor.elementCount());
        total += tensor.elementCount() * (tensor.shape.size() == 2 ? matrixBytes : otherBytes);
    }
    return total + 2 * largest * int64_t(sizeof(float));
}

} // namespace nwc
