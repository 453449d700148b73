#pragma once
// The mutable state of incremental decoding (core-internal header: includes torch).

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace nwc {

/// Per-layer keys and values of the tokens seen so far: [batch, kvHeads, length, headDim].
struct KvCache {
    std::vector<torch::Tensor> keys;
    std::vector<torch::Tensor> values;
    int64_t length = 0;
    void clear() {
        keys.clear();
        values.clear();
        length = 0;
    }
};

} // namespace nwc
