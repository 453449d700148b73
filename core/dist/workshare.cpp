#include "dist/workshare.h"

#include <algorithm>
#include <numeric>

namespace nwc::dist {

Share shareOf(int64_t count, int rank, int ranks) {
    const int64_t base = count / ranks;
    const int64_t extra = count % ranks;
    Share share;
    share.begin = rank * base + std::min<int64_t>(rank, extra);
    share.end = share.begin + base + (rank < extra ? 1 : 0);
    return share;
}

std::vector<int> assignByCost(const std::vector<double> &costs, int ranks) {
    std::vector<size_t> order(costs.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return costs[a] > costs[b]; });
    std::vector<double> load(size_t(std::max(1, ranks)), 0.0);
    std::vector<int> owner(costs.size(), 0);
    for (size_t item : order) {
        const auto least = std::min_element(load.begin(), load.end());
        owner[item] = int(least - load.begin());
        *least += costs[item];
    }
    return owner;
}

std::vector<size_t> itemsOf(const std::vector<int> &owner, int rank) {
    std::vector<size_t> items;
    for (size_t i = 0; i < owner.size(); ++i)
        if (owner[i] == rank)
            items.push_back(i);
    return items;
}

} // namespace nwc::dist
