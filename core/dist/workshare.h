#pragma once
// How work is split among ranks (docs/distributed.md): contiguous shares of a sequence
// (calibration windows) and items assigned by cost (tensors, sweep points). Pure, torch-free;
// every rank computes the same split.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nwc::dist {

/// Items [begin, end) of `count` that rank `rank` of `ranks` takes: contiguous, sizes differ by
/// at most one, lower ranks first.
struct Share {
    int64_t begin = 0;
    int64_t end = 0;
    int64_t size() const { return end - begin; }
};
Share shareOf(int64_t count, int rank, int ranks);

/// The rank of each item: largest cost first to the least-loaded rank (ties: lower item index,
/// lower rank), so the loads differ by at most the largest cost.
std::vector<int> assignByCost(const std::vector<double> &costs, int ranks);

/// Indices of the items `owner` assigns to `rank`, in ascending order.
std::vector<size_t> itemsOf(const std::vector<int> &owner, int rank);

} // namespace nwc::dist
