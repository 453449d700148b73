#include "analysis/tensorcoding.h"

#include "analysis/calibrationdata.h"
#include "analysis/compressioncalibration.h"
#include "analysis/compressionplan.h"
#include "analysis/gptqquantizer.h"
#include "analysis/importancemap.h"
#include "analysis/ldlqcoder.h"
#include "analysis/rtnquantizer.h"
#include "analysis/tensormeasurement.h"
#include "codec/columnchunks.h"
#include "codec/nwctensorcoder.h"
#include "jobs/progresssink.h"

#include <algorithm>

namespace nwc {
namespace {

/// Per input column: importance_j · Σ_rows (a − b)²; a and b are [rows, columns].
std::vector<double> columnErrors(const std::vector<float> &a, const std::vector<float> &b,
                                 int64_t rows, int64_t columns,
                                 const std::vector<double> &importance) {
    std::vector<double> errors(size_t(columns), 0.0);
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t j = 0; j < columns; ++j) {
            const double difference =
                double(a[size_t(r * columns + j)]) - double(b[size_t(r * columns + j)]);
            errors[size_t(j)] += difference * difference;
        }
    }
    for (int64_t j = 0; j < columns; ++j)
        errors[size_t(j)] *= importance.empty() ? 1.0 : importance[size_t(j)];
    return errors;
}

/// Compensation off (plain coding at the same codec and step) against `decoded` (on).
LayerCompensation layerCompensation(const CompressionPlan &plan, CodecBank &codecs,
                                    const CalibrationData &calibration,
                                    const TensorMeasurement &measurement, size_t t,
                                    const RateOption &option, const std::vector<float> &weights,
                                    const std::vector<float> &decoded) {
    const TensorJob &job = plan.jobs[t];
    NwcTensorCoder &coder = codecs.coder(option.codec);
    coder.setTensor(makeColumnChunks(weights.data(), job.rows, job.columns), measurement.levels,
                    job.importance);
    std::vector<float> plain;
    coder.evaluate(option.step, &plain);
    const std::vector<float> hessian = hessianPerToken(calibration, job.info.name);
    const std::vector<float> zeros(weights.size(), 0.0f);
    const double energy = outputErrorWithHessian(weights, zeros, job.rows, job.columns, hessian);
    const double scale = energy > 0.0 ? 1.0 / energy : 0.0;
    LayerCompensation layer;
    layer.name = job.info.name;
    layer.block = blockOfWeight(job.info.name);
    layer.relativeErrorOff =
        scale * outputErrorWithHessian(weights, plain, job.rows, job.columns, hessian);
    layer.relativeErrorOn =
        scale * outputErrorWithHessian(weights, decoded, job.rows, job.columns, hessian);
    layer.columnErrorOff = columnErrors(weights, plain, job.rows, job.columns, job.importance);
    layer.columnErrorOn = columnErrors(weights, decoded, job.rows, job.columns, job.importance);
    return layer;
}

/// The summary row of a coded tensor.
CompressedTensorSummary summaryRow(const TensorJob &job, const CompressedTensor &tensor) {
    CompressedTensorSummary row;
    row.name = job.info.name;
    row.rows = job.rows;
    row.columns = job.columns;
    row.method = tensor.method;
    row.codecId = tensor.codecId;
    row.step = tensor.step;
    row.bits = tensor.bits;
    row.countedBytes = tensor.countedBytes();
    row.bitsPerWeight = tensor.bitsPerWeight();
    row.estimatedBits = tensor.estimatedBits;
    return row;
}

} // namespace

CodedTensor codeNwcTensor(const CompressionPlan &plan, CodecBank &codecs,
                          const CalibrationData &calibration, const TensorMeasurement &measurement,
                          size_t t, const RateOption &option, const std::vector<float> &weights,
                          bool wantDecoded) {
    const TensorJob &job = plan.jobs[t];
    const CompensationSettings &compensation = plan.settings.compensation;
    NwcTensorCoder &coder = codecs.coder(option.codec);
    CodedTensor coded;
    if (compensation.ldlq) {
        const LdlqCoder ldlq(job.info.name, hessianPerToken(calibration, job.info.name),
                             job.columns, compensation.blockSize, compensation.dampening,
                             plan.settings.compute);
        LdlqCoder::Result result =
            ldlq.code(coder, weights, job.rows, measurement.levels, job.importance, option.step);
        coder.setTensor(makeColumnChunks(result.updated.data(), job.rows, job.columns),
                        measurement.levels, job.importance);
        coded.decoded = std::move(result.decoded);
    } else {
        coder.setTensor(makeColumnChunks(weights.data(), job.rows, job.columns), measurement.levels,
                        job.importance);
        if (wantDecoded)
            coder.evaluate(option.step, &coded.decoded);
    }
    coded.tensor = coder.encode(job.info.name, option.step, job.transposed, job.info.dtype);
    return coded;
}

std::vector<TensorCodingResult>
codeTensors(const CompressionPlan &plan, CodecBank *codecs, const CalibrationData &calibration,
            const std::vector<TensorMeasurement> &measurements, const BitAllocation *allocation,
            PrecodedTensors &precoded, const std::vector<size_t> &tensors, ProgressSink *progress) {
    const CompressionSettings &settings = plan.settings;
    const bool compensating = settings.compensation.any();
    std::vector<TensorCodingResult> results(tensors.size());
    for (size_t i = 0; i < tensors.size(); ++i) {
        const size_t t = tensors[i];
        const TensorJob &job = plan.jobs[t];
        throwIfCancelled(progress);
        reportProgress(progress, double(i) / double(tensors.size()),
                       QStringLiteral("coding %1").arg(job.info.name));
        const std::vector<float> weights = readOrientedWeights(*plan.checkpoint, job);
        TensorCodingResult &result = results[i];
        if (settings.method == CompressionMethod::Nwc) {
            const TensorMeasurement &measurement = measurements[t];
            result.option = measurement.rate.options[size_t(allocation->choice[t])];
            const auto found = precoded.find(job.info.name);
            CodedTensor coded = found != precoded.end()
                                    ? std::move(found->second)
                                    : codeNwcTensor(plan, *codecs, calibration, measurement, t,
                                                    result.option, weights, compensating);
            if (compensating && coded.decoded.empty())
                coded.decoded = codecs->coder(result.option.codec).decode(coded.tensor);
            result.tensor = std::move(coded.tensor);
            if (compensating) {
                result.layer = layerCompensation(plan, *codecs, calibration, measurement, t,
                                                 result.option, weights, coded.decoded);
                result.hasLayer = true;
            }
        } else if (settings.method == CompressionMethod::Rtn) {
            result.tensor = rtnCompress(job.info.name, weights.data(), job.rows, job.columns,
                                        plan.groupBits, settings.groupSize);
        } else {
            result.tensor = gptqCompress(job.info.name, weights.data(), job.rows, job.columns,
                                         calibration.hessian(job.info.name), plan.groupBits,
                                         settings.groupSize, 128, 0.01, nullptr, settings.compute);
        }
        result.tensor.transposed = job.transposed;
        result.tensor.originalDtype = job.info.dtype;
        result.row = summaryRow(job, result.tensor);
        if (settings.method == CompressionMethod::Nwc) {
            result.row.weightedError = result.option.distortion;
            result.row.levelColumns.assign(4, 0);
            for (uint8_t level : measurements[t].levels)
                ++result.row.levelColumns[std::min<size_t>(level, 3)];
        }
        releaseFreedMemory();
    }
    return results;
}

} // namespace nwc
