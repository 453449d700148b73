#include "analysis/ldlqcoder.h"

#include "analysis/gptqinternal.h"
#include "codec/columnchunks.h"
#include "codec/nwctensorcoder.h"
#include "codec/outputerrormeter.h"
#include "compute/torchcompute.h"
#include "jobs/error.h"

#include <torch/torch.h>

#include <algorithm>

namespace nwc {
namespace {

/// Layers are cut into at least this many column blocks.
constexpr int64_t kMinBlocks = 8;

/// A host buffer [rows, columns] (no copy on the host; only read).
torch::Tensor wrap(const float *data, int64_t rows, int64_t columns) {
    return hostView(data, {rows, columns});
}

/// tr(E H Eᵀ) in float64 (outputErrorWithHessian's one-off product).
double traceError(const torch::Tensor &error, const torch::Tensor &hessian) {
    const torch::Tensor e = error.to(hessian.device(), torch::kFloat64);
    return (torch::mm(e, hessian) * e).sum().item<double>();
}

} // namespace

struct LdlqCoder::Private {
    QString name;
    int64_t columns = 0;
    int blockSize = 128;
    torch::Device device = torch::kCPU;
    /// tr(E H Eᵀ) of the undamped H, as the plain measurement computes it (the float32
    /// product with H's triangular factor; float64 when H is singular).
    std::unique_ptr<OutputErrorMeter> outputError;
    torch::Tensor dead; // bool [n]
    /// Per block starting at b · blockSize: U_BB⁻¹ U_B,rest (float32 [count, n − end]).
    std::vector<torch::Tensor> feedback;
};

LdlqCoder::LdlqCoder(const QString &name, const std::vector<float> &hessian, int64_t columns,
                     int blockSize, double dampening, const ComputeOptions &options)
    : d(std::make_unique<Private>()) {
    if (columns <= 0 || int64_t(hessian.size()) != columns * columns)
        throw Error(QStringLiteral("Cannot compensate tensor '%1': its input statistics have %2 "
                                   "values, expected %3 x %3; recompute the calibration")
                        .arg(name)
                        .arg(hessian.size())
                        .arg(columns));
    if (blockSize < 1)
        throw Error(QStringLiteral("LDLQ block size must be at least 1 (got %1)").arg(blockSize));
    torch::NoGradGuard noGrad;
    d->name = name;
    d->columns = columns;
    // Feedback needs several blocks per layer: narrow layers get narrower blocks.
    d->blockSize = int(std::max<int64_t>(1, std::min<int64_t>(blockSize, columns / kMinBlocks)));
    d->device = torchDevice(options);
    const torch::Tensor h = wrap(hessian.data(), columns, columns).to(d->device);
    d->outputError = std::make_unique<OutputErrorMeter>(h);
    const TorchInverseHessianFactor factor = inverseHessianFactorTensor(name, h, dampening);
    d->dead = factor.dead;
    for (int64_t first = 0; first < columns; first += d->blockSize) {
        const int64_t end = std::min(columns, first + int64_t(d->blockSize));
        if (end == columns) {
            d->feedback.push_back(torch::Tensor());
            continue;
        }
        const torch::Tensor ubb = factor.upper.slice(0, first, end).slice(1, first, end);
        const torch::Tensor ubr = factor.upper.slice(0, first, end).slice(1, end, columns);
        // Solves U_BB X = U_B,rest (U_BB upper triangular).
        const torch::Tensor solved =
            torch::linalg_solve_triangular(ubb, ubr, /*upper=*/true, /*left=*/true);
        d->feedback.push_back(solved.to(torch::kFloat32).contiguous());
    }
}

LdlqCoder::~LdlqCoder() = default;

LdlqCoder::Result LdlqCoder::code(NwcTensorCoder &coder, const std::vector<float> &weights,
                                  int64_t rows, const std::vector<uint8_t> &levels,
                                  const std::vector<double> &importance, double step) const {
    const int64_t n = d->columns;
    if (rows <= 0 || int64_t(weights.size()) != rows * n || int64_t(levels.size()) != n ||
        (!importance.empty() && int64_t(importance.size()) != n))
        throw Error(QStringLiteral("Cannot compensate tensor '%1': %2 weights, %3 levels and %4 "
                                   "importances for %5 columns")
                        .arg(d->name)
                        .arg(weights.size())
                        .arg(levels.size())
                        .arg(importance.size())
                        .arg(n));
    torch::NoGradGuard noGrad;
    torch::Tensor current = wrap(weights.data(), rows, n).to(d->device).clone();
    current.masked_fill_(d->dead.unsqueeze(0), 0.0);
    Result result;
    result.decoded.assign(size_t(rows * n), 0.0f);
    torch::Tensor decoded = wrap(result.decoded.data(), rows, n);
    std::vector<float> blockDecoded;
    size_t blockIndex = 0;
    for (int64_t first = 0; first < n; first += d->blockSize, ++blockIndex) {
        const int64_t end = std::min(n, first + int64_t(d->blockSize));
        const int64_t count = end - first;
        const torch::Tensor block = current.slice(1, first, end).contiguous();
        const torch::Tensor blockOnHost = toHost(block);
        const ColumnChunks chunks =
            makeColumnChunks(blockOnHost.data_ptr<float>(), rows, count, coder.codec().chunk);
        const std::vector<uint8_t> blockLevels(levels.begin() + first, levels.begin() + end);
        const std::vector<double> blockImportance =
            importance.empty()
                ? std::vector<double>()
                : std::vector<double>(importance.begin() + first, importance.begin() + end);
        coder.setTensor(chunks, blockLevels, blockImportance);
        result.estimatedBits += coder.evaluate(step, &blockDecoded).estimatedBits;
        const torch::Tensor blockResult = wrap(blockDecoded.data(), rows, count);
        decoded.slice(1, first, end).copy_(blockResult);
        const torch::Tensor &feedback = d->feedback[blockIndex];
        if (feedback.defined())
            current.slice(1, end, n).sub_(torch::mm(block - blockResult.to(d->device), feedback));
    }
    const torch::Tensor updated = toHost(current);
    result.updated.assign(updated.data_ptr<float>(), updated.data_ptr<float>() + rows * n);
    result.weightedError = (*d->outputError)((wrap(weights.data(), rows, n) - decoded).t());
    return result;
}

double LdlqCoder::outputError(const std::vector<float> &a, const std::vector<float> &b,
                              int64_t rows) const {
    torch::NoGradGuard noGrad;
    return (*d->outputError)(
        (wrap(a.data(), rows, d->columns) - wrap(b.data(), rows, d->columns)).t());
}

double outputErrorWithHessian(const std::vector<float> &a, const std::vector<float> &b,
                              int64_t rows, int64_t columns, const std::vector<float> &hessian) {
    torch::NoGradGuard noGrad;
    if (int64_t(a.size()) != rows * columns || a.size() != b.size() ||
        int64_t(hessian.size()) != columns * columns)
        throw Error(QStringLiteral("output error: sizes do not match (%1, %2 values for %3 x %4; "
                                   "H has %5)")
                        .arg(a.size())
                        .arg(b.size())
                        .arg(rows)
                        .arg(columns)
                        .arg(hessian.size()));
    // A one-off on host buffers: computed in host memory, in float64 by design.
    return traceError(wrap(a.data(), rows, columns) - wrap(b.data(), rows, columns),
                      wrap(hessian.data(), columns, columns).to(torch::kFloat64));
}

} // namespace nwc
