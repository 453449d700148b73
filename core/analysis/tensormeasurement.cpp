#include "analysis/tensormeasurement.h"

#include "analysis/compressioncalibration.h"
#include "analysis/compressionplan.h"
#include "analysis/erroranatomy.h"
#include "analysis/ldlqcoder.h"
#include "codec/columnchunks.h"
#include "codec/nwctensorcoder.h"
#include "codec/outputerrormeter.h"
#include "compute/torchcompute.h"
#include "jobs/progresssink.h"

#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

/// LDLQ options are measured at steps within this many grid points of the step chosen
/// without feedback.
constexpr int kLdlqStepWindow = 4;

/// The grid index nearest (in octaves) to `step`.
int nearestStepIndex(const std::vector<double> &steps, double step) {
    const auto nearest = std::min_element(steps.begin(), steps.end(), [&](double a, double b) {
        return std::abs(std::log2(a / step)) < std::abs(std::log2(b / step));
    });
    return int(nearest - steps.begin());
}

} // namespace

std::vector<NwcTensorCoder::Trial> probeRateBand(NwcTensorCoder &coder,
                                                 const std::vector<double> &steps, double weights,
                                                 double target, ProgressSink *progress) {
    const int coarsest = int(steps.size()) - 1;
    std::vector<NwcTensorCoder::Trial> trials(steps.size());
    std::vector<bool> probed(steps.size(), false);
    const auto rate = [&](int s) {
        if (!probed[size_t(s)]) {
            throwIfCancelled(progress);
            trials[size_t(s)] = coder.evaluate(steps[size_t(s)]);
            probed[size_t(s)] = true;
        }
        return trials[size_t(s)].estimatedBits / weights;
    };
    const double below = target - kRateBandBelow;
    const double above = target + kRateBandAbove;
    int s = coarsest;
    const double coarsestRate = rate(coarsest);
    if (coarsestRate < below) {
        double predicted = coarsestRate;
        while (s > 0) {
            const double next = predicted + std::log2(steps[size_t(s)] / steps[size_t(s - 1)]);
            if (next >= below)
                break;
            predicted = next;
            --s;
        }
        rate(s);
        while (s < coarsest && rate(s) >= below)
            rate(++s);
    }
    for (int finer = s - 1; finer >= 0 && rate(finer + 1) <= above; --finer)
        rate(finer);
    std::vector<NwcTensorCoder::Trial> result;
    for (size_t i = 0; i < steps.size(); ++i)
        if (probed[i])
            result.push_back(trials[i]);
    return result;
}

double distortionWeight(const CompressionPlan &plan, const TensorJob &job,
                        const std::vector<float> &weights, const std::vector<float> &hessian) {
    if (plan.settings.allocation != AllocationWeighting::Relative)
        return 1.0;
    double energy = 0.0;
    if (!hessian.empty()) {
        energy = outputEnergy(weights, job.rows, job.columns, hessian);
    } else {
        // Without H: the diagonal (or uniform) proxy the distortion uses.
        for (int64_t k = 0; k < job.rows; ++k)
            for (int64_t j = 0; j < job.columns; ++j) {
                const double w = weights[size_t(k * job.columns + j)];
                energy += (job.importance.empty() ? 1.0 : job.importance[size_t(j)]) * w * w;
            }
    }
    return energy > 0.0 ? 1.0 / energy : 1.0;
}

std::vector<double> latentStepGrid() {
    std::vector<double> steps;
    for (int e = -12; e <= 6; ++e)
        steps.push_back(std::exp2(double(e) / 4.0));
    return steps;
}

std::vector<TensorMeasurement> measureTensors(const CompressionPlan &plan, CodecBank &codecs,
                                              const CalibrationData &calibration,
                                              const std::vector<size_t> &tensors,
                                              ProgressSink *progress) {
    const std::vector<double> steps = latentStepGrid();
    std::vector<TensorMeasurement> measurements(tensors.size());
    for (size_t i = 0; i < tensors.size(); ++i) {
        const TensorJob &job = plan.jobs[tensors[i]];
        throwIfCancelled(progress);
        reportProgress(progress, double(i) / double(tensors.size()),
                       QStringLiteral("measuring %1").arg(job.info.name));
        const std::vector<float> weights = readOrientedWeights(*plan.checkpoint, job);
        const ColumnChunks chunks = makeColumnChunks(weights.data(), job.rows, job.columns);
        TensorMeasurement &measurement = measurements[i];
        measurement.levels = job.importance.empty() ? std::vector<uint8_t>(size_t(job.columns), 0)
                                                    : qualityLevels(job.importance);
        measurement.rate.fixedBits = 8.0 * double(nwcSideBytes(job.rows, job.columns, 16));
        // The full input statistics make the distortion the layer's expected output error
        // (a diagonal proxy misjudges transforms whose errors are correlated across columns).
        const std::vector<float> hessian = job.importance.empty()
                                               ? std::vector<float>()
                                               : hessianPerToken(calibration, job.info.name);
        measurement.distortionWeight = distortionWeight(plan, job, weights, hessian);
        // Factored once, shared by every codec's probes.
        const std::shared_ptr<const OutputErrorMeter> outputError =
            hessian.empty() ? nullptr
                            : OutputErrorMeter::fromHost(hessian, job.columns,
                                                         torchDevice(plan.settings.compute));
        for (size_t c = 0; c < codecs.size(); ++c) {
            NwcTensorCoder &coder = codecs.coder(int(c));
            coder.setTensor(chunks, measurement.levels, job.importance, outputError);
            for (const NwcTensorCoder::Trial &trial :
                 probeRateBand(coder, steps, double(job.rows * job.columns),
                               plan.settings.targetBitsPerWeight, progress))
                measurement.rate.options.push_back(
                    {int(c), trial.step, trial.estimatedBits,
                     trial.weightedError * measurement.distortionWeight});
        }
        releaseFreedMemory();
    }
    return measurements;
}

void remeasureWithLdlq(const CompressionPlan &plan, CodecBank &codecs,
                       const CalibrationData &calibration, const BitAllocation &plain,
                       const std::vector<size_t> &tensors,
                       std::vector<TensorMeasurement> &measurements, ProgressSink *progress) {
    const CompensationSettings &compensation = plan.settings.compensation;
    const std::vector<double> steps = latentStepGrid();
    for (size_t i = 0; i < tensors.size(); ++i) {
        const size_t t = tensors[i];
        const TensorJob &job = plan.jobs[t];
        TensorMeasurement &measurement = measurements[t];
        throwIfCancelled(progress);
        reportProgress(progress, double(i) / double(tensors.size()),
                       QStringLiteral("measuring %1 with LDLQ").arg(job.info.name));
        const std::vector<float> weights = readOrientedWeights(*plan.checkpoint, job);
        const LdlqCoder ldlq(job.info.name, hessianPerToken(calibration, job.info.name),
                             job.columns, compensation.blockSize, compensation.dampening,
                             plan.settings.compute);
        const RateOption &chosen = measurement.rate.options[size_t(plain.choice[t])];
        const int centre = nearestStepIndex(steps, chosen.step);
        // Options whose rate without feedback lies outside the band (or was not probed for
        // that reason) are not chosen with feedback either: feedback moves rates only a little.
        const double weightCount = double(job.rows * job.columns);
        const auto inBand = [&](int codec, double step) {
            if (codec == chosen.codec && step == chosen.step)
                return true;
            for (const RateOption &option : measurement.rate.options)
                if (option.codec == codec && option.step == step) {
                    const double rate = option.bits / weightCount;
                    return rate >= plan.settings.targetBitsPerWeight - kRateBandBelow &&
                           rate <= plan.settings.targetBitsPerWeight + kRateBandAbove;
                }
            return false;
        };
        TensorRateOptions compensated;
        compensated.fixedBits = measurement.rate.fixedBits;
        for (size_t c = 0; c < codecs.size(); ++c) {
            for (int s = std::max(0, centre - kLdlqStepWindow);
                 s <= std::min(int(steps.size()) - 1, centre + kLdlqStepWindow); ++s) {
                if (!inBand(int(c), steps[size_t(s)]))
                    continue;
                throwIfCancelled(progress);
                const LdlqCoder::Result result =
                    ldlq.code(codecs.coder(int(c)), weights, job.rows, measurement.levels,
                              job.importance, steps[size_t(s)]);
                compensated.options.push_back(
                    {int(c), steps[size_t(s)], result.estimatedBits,
                     result.weightedError * measurement.distortionWeight});
            }
        }
        measurement.rate = std::move(compensated);
        releaseFreedMemory();
    }
}

std::vector<TensorRateOptions> rateOptions(const std::vector<TensorMeasurement> &measurements) {
    std::vector<TensorRateOptions> options;
    options.reserve(measurements.size());
    for (const TensorMeasurement &measurement : measurements)
        options.push_back(measurement.rate);
    return options;
}

} // namespace nwc
