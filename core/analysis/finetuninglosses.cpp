#include "analysis/finetuninglosses.h"

#include <algorithm>

namespace nwc {
namespace {

/// Values of a 16-bit weight widened at once when a gradient flows back through it.
constexpr int64_t kWidenChunkValues = int64_t(1) << 22;

} // namespace

void accumulateGradient(torch::Tensor &tensor, const torch::Tensor &gradient) {
    torch::NoGradGuard noGrad;
    const torch::Tensor value = gradient.to(tensor.scalar_type());
    if (tensor.grad().defined())
        tensor.mutable_grad().add_(value);
    else
        tensor.mutable_grad() = value.clone();
}

torch::Tensor gradientThroughWeight(const torch::Tensor &g, const torch::Tensor &weight) {
    torch::NoGradGuard noGrad;
    if (weight.scalar_type() == g.scalar_type())
        return g.mm(weight);
    torch::Tensor result = torch::zeros({g.size(0), weight.size(1)}, g.options());
    const int64_t rows =
        std::max<int64_t>(1, kWidenChunkValues / std::max<int64_t>(1, weight.size(1)));
    for (int64_t start = 0; start < weight.size(0); start += rows) {
        const int64_t size = std::min(rows, weight.size(0) - start);
        result.addmm_(g.narrow(1, start, size), weight.narrow(0, start, size).to(g.scalar_type()));
    }
    return result;
}

torch::Tensor klSum(const torch::Tensor &logP, const torch::Tensor &logQ) {
    return (logP.exp() * (logP - logQ)).sum();
}

ReferencePredictions ReferencePredictions::rows(int64_t start, int64_t size) const {
    ReferencePredictions part;
    part.logP = logP.narrow(0, start, size);
    if (indices.defined()) {
        part.indices = indices.narrow(0, start, size);
        part.logRest = logRest.narrow(0, start, size);
    }
    return part;
}

torch::Tensor klSum(const ReferencePredictions &p, const torch::Tensor &logQ) {
    if (!p.indices.defined())
        return klSum(p.logP, logQ);
    const torch::Tensor q = logQ.gather(-1, p.indices);
    const torch::Tensor qRest = torch::log(torch::clamp(1.0 - q.exp().sum(-1), 1e-30));
    const torch::Tensor top = (p.logP.exp() * (p.logP - q)).sum(-1);
    const torch::Tensor rest = p.logRest.exp() * (p.logRest - qRest);
    return (top + rest).sum();
}

double relativeError(const torch::Tensor &output, const torch::Tensor &target) {
    const double energy = target.to(torch::kFloat64).pow(2).sum().item<double>();
    const double error = (output - target).to(torch::kFloat64).pow(2).sum().item<double>();
    return energy > 0.0 ? error / energy : 0.0;
}

} // namespace nwc
