#include "compute/parallelblocks.h"

#include <ATen/Parallel.h>

#include <algorithm>

namespace nwc {

void forEachBlock(int64_t count, int64_t block,
                  const std::function<void(int64_t first, int64_t last)> &fn) {
    if (count <= 0)
        return;
    block = std::max<int64_t>(1, block);
    const int64_t blocks = (count + block - 1) / block;
    const auto run = [&](int64_t firstBlock, int64_t lastBlock) {
        for (int64_t b = firstBlock; b < lastBlock; ++b)
            fn(b * block, std::min(count, (b + 1) * block));
    };
    if (blocks == 1 || at::get_num_threads() <= 1) {
        run(0, blocks);
        return;
    }
    at::parallel_for(0, blocks, 1, run);
}

} // namespace nwc
