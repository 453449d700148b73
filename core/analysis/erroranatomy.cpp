#include "analysis/erroranatomy.h"

#include "analysis/compressionplan.h"
#include "codec/compressedcheckpoint.h"
#include "codec/compressibletensor.h"
#include "compute/torchcompute.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

/// Least-squares slope of log(error) on log(energy) over the entries where both are positive.
double logSlope(const torch::Tensor &error, const torch::Tensor &energy) {
    const torch::Tensor usable = (error > 0) & (energy > 0);
    if (usable.sum().item<int64_t>() < 3)
        return 0.0;
    const torch::Tensor x = energy.masked_select(usable).log();
    const torch::Tensor y = error.masked_select(usable).log();
    const torch::Tensor dx = x - x.mean();
    const double variance = (dx * dx).sum().item<double>();
    if (!(variance > 0.0))
        return 0.0;
    return (dx * (y - y.mean())).sum().item<double>() / variance;
}

double median(std::vector<double> values) {
    if (values.empty())
        return 0.0;
    const size_t middle = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + long(middle), values.end());
    return values[middle];
}

/// Σ numerator(t) / Σ denominator(t) over the tensors; 0 when the denominator sums to 0.
template <typename Numerator, typename Denominator>
double ratioOfSums(const std::vector<TensorErrorAnatomy> &tensors, Numerator numerator,
                   Denominator denominator) {
    double top = 0.0;
    double bottom = 0.0;
    for (const TensorErrorAnatomy &t : tensors) {
        top += numerator(t);
        bottom += denominator(t);
    }
    return bottom > 0.0 ? top / bottom : 0.0;
}

template <typename Value>
double medianOf(const std::vector<TensorErrorAnatomy> &tensors, Value value) {
    std::vector<double> values;
    for (const TensorErrorAnatomy &t : tensors)
        values.push_back(value(t));
    return median(values);
}

} // namespace

TensorErrorAnatomy measureTensorError(const std::vector<float> &weights,
                                      const std::vector<float> &decoded, int64_t rows,
                                      int64_t columns, const std::vector<float> &hessian,
                                      const std::vector<double> &inputSum, int64_t tokens) {
    if (int64_t(weights.size()) != rows * columns || weights.size() != decoded.size())
        throw Error(QStringLiteral("%1 original and %2 decoded values for a %3 x %4 tensor")
                        .arg(weights.size())
                        .arg(decoded.size())
                        .arg(rows)
                        .arg(columns));
    if (int64_t(hessian.size()) != columns * columns)
        throw Error(QStringLiteral("input statistics of %1 values for %2 columns")
                        .arg(hessian.size())
                        .arg(columns));
    torch::NoGradGuard noGrad;
    const double perToken = 1.0 / double(std::max<int64_t>(1, tokens));
    const torch::Tensor w = hostView(weights.data(), {rows, columns}).to(torch::kFloat64);
    const torch::Tensor e = w - hostView(decoded.data(), {rows, columns}).to(torch::kFloat64);
    const torch::Tensor h =
        hostView(hessian.data(), {columns, columns}).to(torch::kFloat64) * perToken;

    TensorErrorAnatomy result;
    result.rows = rows;
    result.columns = columns;
    result.outputError = (torch::mm(e, h) * e).sum().item<double>();
    result.outputEnergy = (torch::mm(w, h) * w).sum().item<double>();
    const torch::Tensor columnError = (e * e).sum(0);
    result.diagonalError = (h.diagonal() * columnError).sum().item<double>();
    if (!inputSum.empty()) {
        if (int64_t(inputSum.size()) != columns)
            throw Error(QStringLiteral("input sum of %1 values for %2 columns")
                            .arg(inputSum.size())
                            .arg(columns));
        const torch::Tensor mean = hostView(inputSum.data(), {columns}) * perToken;
        const torch::Tensor shift = torch::mv(e, mean);
        result.meanPartError = (shift * shift).sum().item<double>();
    }
    result.weightError = (e * e).sum().item<double>();
    result.weightEnergy = (w * w).sum().item<double>();
    result.projection =
        result.weightEnergy > 0.0 ? (e * w).sum().item<double>() / result.weightEnergy : 0.0;
    result.columnExponent = logSlope(columnError, (w * w).sum(0));
    result.rowExponent = logSlope((e * e).sum(1), (w * w).sum(1));
    return result;
}

double outputEnergy(const std::vector<float> &weights, int64_t rows, int64_t columns,
                    const std::vector<float> &hessian) {
    if (int64_t(weights.size()) != rows * columns || int64_t(hessian.size()) != columns * columns)
        throw Error(QStringLiteral("output energy: %1 weights and %2 statistics for a %3 x %4 "
                                   "tensor")
                        .arg(weights.size())
                        .arg(hessian.size())
                        .arg(rows)
                        .arg(columns));
    torch::NoGradGuard noGrad;
    const torch::Tensor w = hostView(weights.data(), {rows, columns}).to(torch::kFloat64);
    const torch::Tensor h = hostView(hessian.data(), {columns, columns}).to(torch::kFloat64);
    return (torch::mm(w, h) * w).sum().item<double>();
}

double ErrorAnatomy::meanRelativeOutputError() const {
    if (tensors.empty())
        return 0.0;
    double sum = 0.0;
    for (const TensorErrorAnatomy &t : tensors)
        sum += t.relativeOutputError();
    return sum / double(tensors.size());
}

double ErrorAnatomy::meanPartShare() const {
    if (!hasMeans)
        return -1.0;
    return ratioOfSums(tensors, [](const TensorErrorAnatomy &t) { return t.meanPartError; },
                       [](const TensorErrorAnatomy &t) { return t.outputError; });
}

double ErrorAnatomy::correlationFactor() const {
    return ratioOfSums(tensors, [](const TensorErrorAnatomy &t) { return t.outputError; },
                       [](const TensorErrorAnatomy &t) { return t.diagonalError; });
}

double ErrorAnatomy::projection() const {
    return ratioOfSums(tensors,
                       [](const TensorErrorAnatomy &t) { return t.projection * t.weightEnergy; },
                       [](const TensorErrorAnatomy &t) { return t.weightEnergy; });
}

double ErrorAnatomy::sideBitsPerWeight() const {
    return ratioOfSums(
        tensors,
        [](const TensorErrorAnatomy &t) {
            return t.sideBitsPerWeight * double(t.rows) * double(t.columns);
        },
        [](const TensorErrorAnatomy &t) { return double(t.rows) * double(t.columns); });
}

double ErrorAnatomy::medianColumnExponent() const {
    return medianOf(tensors, [](const TensorErrorAnatomy &t) { return t.columnExponent; });
}

double ErrorAnatomy::medianRowExponent() const {
    return medianOf(tensors, [](const TensorErrorAnatomy &t) { return t.rowExponent; });
}

ErrorAnatomy analyseErrors(const Checkpoint &original, const CompressedCheckpoint &compressed,
                           const CalibrationData &calibration, ProgressSink *progress) {
    ErrorAnatomy anatomy;
    anatomy.container = compressed.path();
    anatomy.hasMeans = true;
    std::vector<TensorJob> jobs;
    for (const TensorInfo &info : compressed.tensors()) {
        if (!compressed.isCompressed(info.name))
            continue;
        const TensorInfo *source = original.findTensor(info.name);
        if (!source || source->shape != info.shape)
            throw Error(QStringLiteral("%1: tensor %2 is not in %3 with the same shape; the "
                                       "container was made from another model")
                            .arg(compressed.path(), info.name, original.displayName()));
        TensorJob job;
        job.info = *source;
        job.transposed = isStoredTransposed(original.config(), info.name);
        job.rows = job.transposed ? info.shape[1] : info.shape[0];
        job.columns = job.transposed ? info.shape[0] : info.shape[1];
        jobs.push_back(job);
    }
    if (jobs.empty())
        throw Error(QStringLiteral("%1 holds no compressed tensors").arg(compressed.path()));
    QStringList methods;
    double countedBytes = 0.0;
    double weightCount = 0.0;
    for (size_t i = 0; i < jobs.size(); ++i) {
        const TensorJob &job = jobs[i];
        reportProgress(progress, double(i) / double(jobs.size()),
                       QStringLiteral("error anatomy of %1").arg(job.info.name));
        if (!calibration.has(job.info.name))
            throw Error(QStringLiteral("calibration file %1 has no statistics for %2: it was "
                                       "made for another model")
                            .arg(calibration.path(), job.info.name));
        const std::vector<double> inputSum = calibration.inputSum(job.info.name);
        if (inputSum.empty())
            anatomy.hasMeans = false;
        TensorErrorAnatomy t = measureTensorError(
            readOrientedWeights(original, job), readOrientedWeights(compressed, job), job.rows,
            job.columns, calibration.hessian(job.info.name), inputSum, calibration.tokens());
        t.name = job.info.name;
        const CompressedTensor stored = compressed.compressedTensor(job.info.name);
        t.method = compressionMethodName(stored.method);
        const double count = double(stored.weightCount());
        const double payload = double(stored.bitstream.size() + stored.packedCodes.size());
        t.bitsPerWeight = 8.0 * double(stored.countedBytes()) / count;
        t.sideBitsPerWeight = 8.0 * (double(stored.countedBytes()) - payload) / count;
        if (!methods.contains(t.method))
            methods.append(t.method);
        countedBytes += double(stored.countedBytes());
        weightCount += count;
        anatomy.tensors.push_back(std::move(t));
    }
    anatomy.method = methods.join(QLatin1Char('+'));
    anatomy.bitsPerWeight = weightCount > 0.0 ? 8.0 * countedBytes / weightCount : 0.0;
    if (!anatomy.hasMeans)
        for (TensorErrorAnatomy &t : anatomy.tensors)
            t.meanPartError = -1.0;
    reportProgress(progress, 1.0, QStringLiteral("error anatomy done"));
    return anatomy;
}

} // namespace nwc
