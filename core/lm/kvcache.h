#pragma once
// The mutable state of incremental decoding (core-internal header: includes torch).

#include <torch/types.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace nwc {

/// Per-layer keys and values of the tokens seen so far, in preallocated buffers
/// [batch, kvHeads, capacity, headDim] that new positions are written into (no concatenation;
/// the capacity doubles when it runs out, or is set once with reserve()). A copy is a deep copy,
/// so a copied cache (a branch of a search) continues independently of the original.
class KvCache {
public:
    KvCache() = default;
    KvCache(const KvCache &other);
    KvCache &operator=(const KvCache &other);
    KvCache(KvCache &&) = default;
    KvCache &operator=(KvCache &&) = default;

    /// Positions already cached (the next token's position).
    int64_t length = 0;

    /// Forgets every position and releases the buffers.
    void clear();
    /// Makes room for `positions` positions in every layer once the first keys are known (the
    /// buffers take their batch, heads, dtype and device from them).
    void reserve(int64_t positions);
    /// Allocated positions per layer (0 before the first append()).
    int64_t capacity() const;
    /// Number of layers the cache is laid out for (0 when empty).
    size_t layerCount() const { return m_keys.size(); }
    /// Lays the cache out for `layers` layers; a cache holding positions for another layer
    /// count is refused (returns false).
    bool prepare(size_t layers);
    /// Writes `key` and `value` [batch, kvHeads, time, headDim] of `layer` at positions
    /// [length, length + time) and returns views of positions [0, length + time). `length`
    /// itself advances once all layers ran (the transformer sets it).
    std::pair<torch::Tensor, torch::Tensor> append(size_t layer, const torch::Tensor &key,
                                                   const torch::Tensor &value);
    /// Bytes held by the buffers.
    int64_t bytes() const;

private:
    void grow(size_t layer, const torch::Tensor &like, int64_t positions);
    std::vector<torch::Tensor> m_keys;
    std::vector<torch::Tensor> m_values;
    int64_t m_reserved = 0;
};

} // namespace nwc
