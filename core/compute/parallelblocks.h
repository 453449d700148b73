#pragma once
// Loops over many independent items on LibTorch's intra-op threads, cut into blocks that do
// not depend on the thread count. Core-internal.

#include <cstdint>
#include <functional>

namespace nwc {

/// Runs fn(first, last) for the blocks [0, block), [block, 2·block), … of [0, count) (the last
/// may be shorter), on at::get_num_threads() threads; on one thread in block order. Because the
/// cut is fixed, values summed per block and then over the blocks in order are the same with
/// any thread count. `fn` must not throw.
void forEachBlock(int64_t count, int64_t block,
                  const std::function<void(int64_t first, int64_t last)> &fn);

} // namespace nwc
