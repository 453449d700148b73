// Preallocated KV cache buffers.
#include "lm/kvcache.h"

#include <algorithm>

namespace nwc {

namespace {

/// Smallest buffer a layer gets (so short prompts do not grow it at every token).
constexpr int64_t kMinimumPositions = 64;

std::vector<torch::Tensor> clones(const std::vector<torch::Tensor> &tensors) {
    std::vector<torch::Tensor> copies;
    copies.reserve(tensors.size());
    for (const torch::Tensor &tensor : tensors)
        copies.push_back(tensor.defined() ? tensor.clone() : tensor);
    return copies;
}

} // namespace

KvCache::KvCache(const KvCache &other)
    : length(other.length)
    , m_keys(clones(other.m_keys))
    , m_values(clones(other.m_values))
    , m_reserved(other.m_reserved) {}

KvCache &KvCache::operator=(const KvCache &other) {
    if (this != &other) {
        KvCache copy(other);
        *this = std::move(copy);
    }
    return *this;
}

void KvCache::clear() {
    m_keys.clear();
    m_values.clear();
    length = 0;
}

void KvCache::reserve(int64_t positions) {
    m_reserved = std::max(m_reserved, positions);
    for (size_t layer = 0; layer < m_keys.size(); ++layer) {
        if (m_keys[layer].defined() && m_keys[layer].size(2) < positions)
            grow(layer, m_keys[layer], positions);
    }
}

int64_t KvCache::capacity() const {
    return m_keys.empty() || !m_keys.front().defined() ? 0 : m_keys.front().size(2);
}

bool KvCache::prepare(size_t layers) {
    if (m_keys.size() == layers)
        return true;
    if (length != 0)
        return false;
    m_keys.assign(layers, torch::Tensor());
    m_values.assign(layers, torch::Tensor());
    return true;
}

void KvCache::grow(size_t layer, const torch::Tensor &like, int64_t positions) {
    std::vector<int64_t> sizes = like.sizes().vec();
    sizes[2] = positions;
    torch::Tensor keys = torch::empty(sizes, like.options());
    torch::Tensor values = torch::empty(sizes, like.options());
    if (m_keys[layer].defined() && length > 0) {
        keys.narrow(2, 0, length).copy_(m_keys[layer].narrow(2, 0, length));
        values.narrow(2, 0, length).copy_(m_values[layer].narrow(2, 0, length));
    }
    m_keys[layer] = keys;
    m_values[layer] = values;
}

std::pair<torch::Tensor, torch::Tensor> KvCache::append(size_t layer, const torch::Tensor &key,
                                                        const torch::Tensor &value) {
    const int64_t time = key.size(2);
    const int64_t end = length + time;
    const torch::Tensor &buffer = m_keys[layer];
    if (!buffer.defined() || buffer.size(2) < end) {
        const int64_t current = buffer.defined() ? buffer.size(2) : 0;
        grow(layer, key, std::max({end, 2 * current, m_reserved, kMinimumPositions}));
    }
    m_keys[layer].narrow(2, length, time).copy_(key);
    m_values[layer].narrow(2, length, time).copy_(value);
    return {m_keys[layer].narrow(2, 0, end), m_values[layer].narrow(2, 0, end)};
}

int64_t KvCache::bytes() const {
    int64_t total = 0;
    for (const std::vector<torch::Tensor> *tensors : {&m_keys, &m_values})
        for (const torch::Tensor &tensor : *tensors)
            if (tensor.defined())
                total += tensor.numel() * int64_t(tensor.element_size());
    return total;
}

} // namespace nwc
