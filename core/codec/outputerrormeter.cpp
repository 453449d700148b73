#include "codec/outputerrormeter.h"

#include "jobs/error.h"

#include <algorithm>

namespace nwc {
namespace {

/// Rows of Lᵀ per block. Narrow blocks skip more of the zero triangle (a fraction 1/(2B) of the
/// full product stays), wide ones keep the products large enough to run at GEMM speed.
int64_t blockRows(int64_t n) {
    return std::max<int64_t>(128, (n + 7) / 8);
}

} // namespace

OutputErrorMeter::OutputErrorMeter(const torch::Tensor &hessian) {
    if (hessian.dim() != 2 || hessian.size(0) != hessian.size(1))
        throw Error(QStringLiteral("input statistics must be a square matrix"));
    columns_ = hessian.size(0);
    device_ = hessian.device();
    torch::NoGradGuard noGrad;
    torch::Tensor upper; // Lᵀ in float32; the float64 copies go before the blocks are cut
    {
        const torch::Tensor h64 = hessian.to(torch::kFloat64);
        const auto [lower, info] = torch::linalg_cholesky_ex(h64);
        if (columns_ == 0 || info.item<int64_t>() != 0) {
            hessian64_ = h64;
            return;
        }
        upper = lower.transpose(0, 1).to(torch::kFloat32);
    }
    const int64_t step = blockRows(columns_);
    for (int64_t start = 0; start < columns_; start += step) {
        const int64_t end = std::min(columns_, start + step);
        starts_.push_back(start);
        upperBlocks_.push_back(upper.slice(0, start, end).slice(1, start).contiguous());
    }
    starts_.push_back(columns_);
}

std::shared_ptr<const OutputErrorMeter>
OutputErrorMeter::fromHost(const std::vector<float> &hessian, int64_t columns,
                           const torch::Device &device) {
    if (columns < 0 || int64_t(hessian.size()) != columns * columns)
        throw Error(QStringLiteral("input statistics of %1 values for %2 columns")
                        .arg(hessian.size())
                        .arg(columns));
    // from_blob does not copy: the conversion in the constructor does, before `hessian` goes.
    const torch::Tensor view = torch::from_blob(const_cast<float *>(hessian.data()),
                                                {columns, columns}, torch::kFloat32);
    return std::make_shared<const OutputErrorMeter>(view.to(device));
}

double OutputErrorMeter::operator()(const torch::Tensor &errorsT) const {
    if (errorsT.dim() != 2 || errorsT.size(0) != columns_)
        throw Error(QStringLiteral("an error of %1 columns measured against input statistics of "
                                   "%2 columns")
                        .arg(errorsT.dim() == 2 ? errorsT.size(0) : -1)
                        .arg(columns_));
    torch::NoGradGuard noGrad;
    if (!factored()) {
        const torch::Tensor e = errorsT.to(device_, torch::kFloat64);
        return (torch::mm(hessian64_, e) * e).sum().item<double>();
    }
    const torch::Tensor e = errorsT.to(device_, torch::kFloat32);
    double total = 0.0;
    for (size_t b = 0; b < upperBlocks_.size(); ++b) {
        const torch::Tensor y = torch::mm(upperBlocks_[b], e.slice(0, starts_[b]));
        total += y.square().sum(torch::kFloat64).item<double>();
    }
    return total;
}

} // namespace nwc
