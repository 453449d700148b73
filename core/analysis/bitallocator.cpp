#include "analysis/bitallocator.h"

#include "jobs/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nwc {
namespace {

// Indices of the lower convex hull of (bits, distortion), by increasing bits.
std::vector<int> lowerHull(const std::vector<RateOption> &options) {
    std::vector<int> order(options.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        if (options[size_t(a)].bits != options[size_t(b)].bits)
            return options[size_t(a)].bits < options[size_t(b)].bits;
        return options[size_t(a)].distortion < options[size_t(b)].distortion;
    });
    std::vector<int> hull;
    for (int index : order) {
        const RateOption &p = options[size_t(index)];
        if (!hull.empty() && p.distortion >= options[size_t(hull.back())].distortion)
            continue; // dominated: more bits, no less distortion
        while (hull.size() >= 2) {
            const RateOption &a = options[size_t(hull[hull.size() - 2])];
            const RateOption &b = options[size_t(hull.back())];
            // Remove b when it lies on or above the segment a–p.
            const double cross = (b.bits - a.bits) * (p.distortion - a.distortion) -
                                 (b.distortion - a.distortion) * (p.bits - a.bits);
            if (cross <= 0.0)
                hull.pop_back();
            else
                break;
        }
        hull.push_back(index);
    }
    return hull;
}

} // namespace

BitAllocation allocateBits(const std::vector<TensorRateOptions> &tensors, double targetBits) {
    const size_t n = tensors.size();
    std::vector<std::vector<int>> hulls(n);
    double fixed = 0.0;
    for (size_t t = 0; t < n; ++t) {
        if (tensors[t].options.empty())
            throw Error(QStringLiteral("bit allocation: tensor %1 has no options").arg(t));
        hulls[t] = lowerHull(tensors[t].options);
        fixed += tensors[t].fixedBits;
    }
    // Position on each hull for slope mu: the point minimizing D + mu * R.
    const auto choose = [&](double mu, std::vector<size_t> *positions) {
        double total = fixed;
        for (size_t t = 0; t < n; ++t) {
            size_t best = 0;
            double bestCost = std::numeric_limits<double>::infinity();
            for (size_t i = 0; i < hulls[t].size(); ++i) {
                const RateOption &o = tensors[t].options[size_t(hulls[t][i])];
                const double cost = o.distortion + mu * o.bits;
                if (cost < bestCost) {
                    bestCost = cost;
                    best = i;
                }
            }
            (*positions)[t] = best;
            total += tensors[t].options[size_t(hulls[t][best])].bits;
        }
        return total;
    };
    std::vector<size_t> positions(n);
    // Total bits fall as mu grows: find the smallest mu whose total fits.
    double low = -60.0;
    double high = 60.0; // log2(mu)
    if (choose(std::exp2(high), &positions) <= targetBits) {
        for (int iteration = 0; iteration < 80; ++iteration) {
            const double middle = 0.5 * (low + high);
            if (choose(std::exp2(middle), &positions) <= targetBits)
                high = middle;
            else
                low = middle;
        }
    }
    double total = choose(std::exp2(high), &positions);
    // Greedy fill: take the next hull point with the best distortion drop per bit that fits.
    while (true) {
        double bestGain = 0.0;
        size_t bestTensor = n;
        for (size_t t = 0; t < n; ++t) {
            if (positions[t] + 1 >= hulls[t].size())
                continue;
            const RateOption &now = tensors[t].options[size_t(hulls[t][positions[t]])];
            const RateOption &next = tensors[t].options[size_t(hulls[t][positions[t] + 1])];
            const double extra = next.bits - now.bits;
            if (total + extra > targetBits)
                continue;
            const double gain = (now.distortion - next.distortion) / std::max(extra, 1e-9);
            if (gain > bestGain) {
                bestGain = gain;
                bestTensor = t;
            }
        }
        if (bestTensor == n)
            break;
        const RateOption &now =
            tensors[bestTensor].options[size_t(hulls[bestTensor][positions[bestTensor]])];
        ++positions[bestTensor];
        total +=
            tensors[bestTensor].options[size_t(hulls[bestTensor][positions[bestTensor]])].bits -
            now.bits;
    }
    // Last pass over all options (not only hull points) to use leftover bits.
    BitAllocation result;
    result.choice.resize(n);
    for (size_t t = 0; t < n; ++t)
        result.choice[t] = hulls[t][positions[t]];
    bool improved = true;
    while (improved) {
        improved = false;
        for (size_t t = 0; t < n; ++t) {
            const RateOption &now = tensors[t].options[size_t(result.choice[t])];
            for (size_t i = 0; i < tensors[t].options.size(); ++i) {
                const RateOption &o = tensors[t].options[i];
                if (o.distortion < now.distortion && total - now.bits + o.bits <= targetBits) {
                    total += o.bits - now.bits;
                    result.choice[t] = int(i);
                    improved = true;
                    break;
                }
            }
        }
    }
    result.totalBits = fixed;
    for (size_t t = 0; t < n; ++t) {
        result.totalBits += tensors[t].options[size_t(result.choice[t])].bits;
        result.totalDistortion += tensors[t].options[size_t(result.choice[t])].distortion;
    }
    return result;
}

} // namespace nwc
