#pragma once
// The expected squared output error of a linear layer, tr(E H Eᵀ), for many candidate errors E
// of one weight matrix against one input statistic H. Measuring an NWC tensor probes ~19 latent
// steps, each needing this trace: with H = L Lᵀ factored once it is ‖Lᵀ Eᵀ‖², a product with a
// triangle (about half the multiply-adds of H Eᵀ) that runs in float32 (twice the SIMD width of
// float64) while the sum of squares is accumulated in float64.

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace nwc {

class OutputErrorMeter {
public:
    /// `hessian` [n, n], symmetric, any floating dtype and device. When it is not positive
    /// definite (a dead input makes it singular) the meter falls back to the float64 product
    /// tr(E H Eᵀ) = Σ (H Eᵀ) ∘ Eᵀ, exact up to float64 rounding.
    explicit OutputErrorMeter(const torch::Tensor &hessian);
    /// From H in host memory ([columns, columns] row-major float32), factored on `device`.
    /// Throws nwc::Error when the size does not match.
    static std::shared_ptr<const OutputErrorMeter>
    fromHost(const std::vector<float> &hessian, int64_t columns, const torch::Device &device);

    /// tr(E H Eᵀ) for `errorsT` = Eᵀ [n, rows] (any floating dtype and device; moved to H's).
    double operator()(const torch::Tensor &errorsT) const;

    /// Columns the meter was made for (n).
    int64_t columns() const { return columns_; }
    /// True when H was factored (the fast path); false on the float64 fallback.
    bool factored() const { return !upperBlocks_.empty(); }

private:
    int64_t columns_ = 0;
    torch::Device device_ = torch::kCPU;
    /// Row blocks of Lᵀ: block b holds rows [starts_[b], starts_[b+1]) and only the columns from
    /// starts_[b] on (the rest of an upper triangle's rows is zero). float32.
    std::vector<torch::Tensor> upperBlocks_;
    std::vector<int64_t> starts_;
    torch::Tensor hessian64_; // fallback only
};

} // namespace nwc
