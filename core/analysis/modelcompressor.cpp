#include "analysis/modelcompressor.h"

#include "analysis/bitallocator.h"
#include "analysis/blockfinetuner.h"
#include "analysis/calibration.h"
#include "analysis/calibrationdata.h"
#include "analysis/calibrationwindows.h"
#include "analysis/gptqquantizer.h"
#include "analysis/importancemap.h"
#include "analysis/ldlqcoder.h"
#include "analysis/rtnquantizer.h"
#include "codec/codecfile.h"
#include "codec/columnchunks.h"
#include "codec/compressibletensor.h"
#include "codec/nwccontainer.h"
#include "codec/nwctensorcoder.h"
#include "io/checkpoint.h"
#include "io/dtype.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <memory>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace nwc {
namespace {

/// Latent steps tried per codec: quarter octaves from 2^-3 to 2^1.5.
std::vector<double> stepGrid() {
    std::vector<double> steps;
    for (int e = -12; e <= 6; ++e)
        steps.push_back(std::exp2(double(e) / 4.0));
    return steps;
}

/// A codec is tried when its nominal rate lies within this many bits of the target.
constexpr double kCodecWindowBits = 2.5;
/// Stream rate reachable below and above a codec's nominal rate with the step grid (about one
/// bit per octave of step).
constexpr double kStepReachDown = 1.5;
constexpr double kStepReachUp = 3.0;
/// Achieved rate must land within this distance of the target (issue: ±0.05 bpw).
constexpr double kTolerance = 0.05;

struct TensorJob {
    TensorInfo info;
    bool transposed = false;
    int64_t rows = 0;
    int64_t columns = 0;
    std::vector<double> importance; // per input column (mean x_j²); empty = uniform
};

/// The tensor's weights in coding orientation [out, in].
std::vector<float> readOriented(const Checkpoint &checkpoint, const TensorJob &job) {
    std::vector<float> values = checkpoint.readFloat32(job.info.name);
    if (job.transposed)
        values = transposed(values.data(), job.columns, job.rows);
    return values;
}

int64_t sideBytes(int64_t rows, int64_t columns, int32_t chunk) {
    const int64_t streams = (columns + NwcTensorCoder::columnsPerStream(rows, chunk) - 1) /
                            NwcTensorCoder::columnsPerStream(rows, chunk);
    return CompressedTensor::kHeaderBytes + columns * 2 + (columns * 2 + 7) / 8 + (streams + 1) * 4;
}

/// Returns freed heap memory to the system after each tensor: glibc otherwise keeps the holes
/// left by tensor-sized buffers resident, and peak memory would grow with the number of layers
/// (measured with tests/bench/bench_compress_memory).
void releaseFreedMemory() {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

int64_t peakResidentBytes() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return 0;
}

struct LoadedCodec {
    CodecParameters parameters;
    std::unique_ptr<NwcTensorCoder> coder;
};

/// LDLQ options are measured at steps within this many grid points of the step chosen
/// without feedback (feedback changes the rate of a step only a little).
constexpr int kLdlqStepWindow = 4;

/// A coded tensor and its decoded weights (coding orientation).
struct CodedTensor {
    CompressedTensor tensor;
    std::vector<float> decoded;
};

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

/// The calibration text a calibration file was made from ("" for the demo corpus).
QString calibrationTextOf(const CalibrationData &calibration, const CompressionSettings &settings) {
    if (settings.calibrationFile.isEmpty())
        return settings.calibrationText;
    return QFileInfo::exists(calibration.textSource()) ? calibration.textSource() : QString();
}

} // namespace

CompressionSummary compressModel(const QString &modelSpec, const CompressionSettings &settings,
                                 const QString &outputPath, ProgressSink *progress) {
    QElapsedTimer timer;
    timer.start();
    const CheckpointPtr checkpoint = Checkpoint::open(modelSpec);
    std::vector<TensorJob> jobs;
    int64_t totalWeights = 0;
    for (const TensorInfo &info : checkpoint->tensors()) {
        if (!isCompressibleTensor(info))
            continue;
        TensorJob job;
        job.info = info;
        job.transposed = isStoredTransposed(checkpoint->config(), info.name);
        job.rows = job.transposed ? info.shape[1] : info.shape[0];
        job.columns = job.transposed ? info.shape[0] : info.shape[1];
        totalWeights += job.rows * job.columns;
        jobs.push_back(job);
    }
    if (jobs.empty())
        throw Error(QStringLiteral("%1 has no linear layers to compress").arg(modelSpec));
    const double targetBits = settings.targetBitsPerWeight * double(totalWeights);

    // Everything that can be checked before any work.
    int groupBits = 0;
    std::vector<LoadedCodec> codecs;
    if (settings.method == CompressionMethod::Nwc) {
        const QStringList paths = settings.codecPaths.isEmpty()
                                      ? defaultCodecFiles(settings.ladderPresets)
                                      : settings.codecPaths;
        if (paths.isEmpty())
            throw Error(QStringLiteral("no codecs found: pass --codec FILE (train one with 'nwc "
                                       "train-codec') or reinstall the default codecs"));
        double side = 0.0;
        for (const TensorJob &job : jobs)
            side += 8.0 * double(sideBytes(job.rows, job.columns, 16));
        double lowest = 1e9;
        double highest = 0.0;
        for (const QString &path : paths) {
            LoadedCodec codec;
            codec.parameters = loadCodecFile(path);
            lowest = std::min(lowest, codec.parameters.nominalBitsPerWeight);
            highest = std::max(highest, codec.parameters.nominalBitsPerWeight);
            codecs.push_back(std::move(codec));
        }
        const double sideBpw = side / double(totalWeights);
        const double minimum = sideBpw + std::max(0.1, lowest - kStepReachDown);
        const double maximum = sideBpw + highest + kStepReachUp;
        if (settings.targetBitsPerWeight < minimum || settings.targetBitsPerWeight > maximum)
            throw Error(QStringLiteral("%1 bits per weight is out of reach for %2 with these "
                                       "codecs: the reachable range is %3 to %4 (side information "
                                       "alone costs %5)")
                            .arg(settings.targetBitsPerWeight, 0, 'f', 2)
                            .arg(checkpoint->displayName())
                            .arg(minimum, 0, 'f', 2)
                            .arg(maximum, 0, 'f', 2)
                            .arg(sideBpw, 0, 'f', 3));
        // Keep the codecs near the target.
        const double streamTarget = settings.targetBitsPerWeight - sideBpw;
        std::vector<LoadedCodec> near;
        for (LoadedCodec &codec : codecs) {
            if (std::abs(codec.parameters.nominalBitsPerWeight - streamTarget) <= kCodecWindowBits)
                near.push_back(std::move(codec));
        }
        if (near.empty())
            throw Error(QStringLiteral("no codec is within %1 bits of the target rate; pass codecs "
                                       "trained for it")
                            .arg(kCodecWindowBits));
        codecs = std::move(near);
    } else {
        groupBits = int(std::lround(settings.targetBitsPerWeight));
        if (std::abs(settings.targetBitsPerWeight - groupBits) > 1e-9 || groupBits < 2 ||
            groupBits > 8)
            throw Error(QStringLiteral("%1 takes whole code widths from 2 to 8 bits (it reaches "
                                       "%2 + scales and zero points per group of %3); got %4")
                            .arg(compressionMethodName(settings.method).toUpper())
                            .arg(groupBits)
                            .arg(settings.groupSize)
                            .arg(settings.targetBitsPerWeight));
        if (settings.groupSize < 1)
            throw Error(QStringLiteral("group size must be positive"));
    }
    const CompensationSettings &compensation = settings.compensation;
    if (compensation.any() && settings.method != CompressionMethod::Nwc)
        throw Error(QStringLiteral("error compensation (--compensate %1) applies to NWC; GPTQ "
                                   "feeds its error back by itself and RTN has none")
                        .arg(compensationName(compensation)));
    if (outputPath.isEmpty())
        throw Error(QStringLiteral("no output file given"));
    if (!QFileInfo(outputPath).absoluteDir().exists())
        throw Error(QStringLiteral("%1: the folder does not exist").arg(outputPath));

    // Calibration (importance for NWC, H for GPTQ).
    CalibrationData calibration;
    const bool needsCalibration = settings.method != CompressionMethod::Rtn;
    if (needsCalibration) {
        if (!settings.calibrationFile.isEmpty()) {
            calibration = CalibrationData::load(settings.calibrationFile);
        } else {
            if (settings.calibrationText.isEmpty() && !isDemoModel(*checkpoint))
                throw Error(QStringLiteral("%1 needs calibration text for %2: pass --text FILE "
                                           "(or --calib FILE from 'nwc calibrate')")
                                .arg(checkpoint->displayName(),
                                     compressionMethodName(settings.method).toUpper()));
            PhaseProgress sub(progress, 0.0, 0.25);
            reportProgress(&sub, 0.0, QStringLiteral("loading the model for calibration"));
            const LanguageModelPtr model = LanguageModel::load(modelSpec, QString(), &sub);
            CalibrationSettings calibrationSettings;
            calibrationSettings.samples = settings.calibrationSamples;
            calibrationSettings.sequenceLength = settings.calibrationLength;
            calibration =
                calibrate(*model, settings.calibrationText, calibrationSettings, QString(), &sub);
        }
        const double tokens = double(std::max<int64_t>(1, calibration.tokens()));
        for (TensorJob &job : jobs) {
            if (!calibration.has(job.info.name)) {
                if (settings.method == CompressionMethod::Gptq || compensation.any())
                    throw Error(QStringLiteral("calibration file %1 has no statistics for %2: it "
                                               "was made for another model")
                                    .arg(calibration.path(), job.info.name));
                continue;
            }
            job.importance = calibration.importance(job.info.name);
            if (int64_t(job.importance.size()) != job.columns)
                throw Error(QStringLiteral("calibration file %1: %2 has %3 columns of statistics, "
                                           "the tensor has %4")
                                .arg(calibration.path(), job.info.name)
                                .arg(job.importance.size())
                                .arg(job.columns));
            for (double &value : job.importance)
                value /= tokens;
        }
    }

    // H per token of a tensor's input (the distortion of the allocator and of LDLQ).
    const auto hessianPerToken = [&](const QString &name) {
        std::vector<float> hessian = calibration.hessian(name);
        const float perToken = float(1.0 / double(std::max<int64_t>(1, calibration.tokens())));
        for (float &value : hessian)
            value *= perToken;
        return hessian;
    };

    CompressionSummary summary;
    summary.outputPath = outputPath;
    summary.sourceModel = modelSpec;
    summary.method = settings.method;
    summary.targetBitsPerWeight = settings.targetBitsPerWeight;
    summary.compressedWeights = totalWeights;

    // NWC: measure every (codec, step) option per tensor, then allocate.
    std::vector<TensorRateOptions> options(jobs.size());
    std::vector<std::vector<uint8_t>> levels(jobs.size());
    if (settings.method == CompressionMethod::Nwc) {
        for (LoadedCodec &codec : codecs)
            codec.coder = std::make_unique<NwcTensorCoder>(codec.parameters);
        const std::vector<double> steps = stepGrid();
        PhaseProgress sub(progress, 0.25, compensation.ldlq ? 0.45 : 0.65);
        for (size_t t = 0; t < jobs.size(); ++t) {
            throwIfCancelled(progress);
            reportProgress(&sub, double(t) / double(jobs.size()),
                           QStringLiteral("measuring %1").arg(jobs[t].info.name));
            const std::vector<float> weights = readOriented(*checkpoint, jobs[t]);
            const ColumnChunks chunks =
                makeColumnChunks(weights.data(), jobs[t].rows, jobs[t].columns);
            levels[t] = jobs[t].importance.empty()
                            ? std::vector<uint8_t>(size_t(jobs[t].columns), 0)
                            : qualityLevels(jobs[t].importance);
            options[t].fixedBits = 8.0 * double(sideBytes(jobs[t].rows, jobs[t].columns, 16));
            // The full input statistics make the distortion the layer's expected output error
            // (a diagonal proxy misjudges transforms whose errors are correlated across columns).
            const std::vector<float> hessian = jobs[t].importance.empty()
                                                   ? std::vector<float>()
                                                   : hessianPerToken(jobs[t].info.name);
            for (size_t c = 0; c < codecs.size(); ++c) {
                codecs[c].coder->setTensor(chunks, levels[t], jobs[t].importance, hessian);
                for (double step : steps) {
                    throwIfCancelled(progress);
                    const NwcTensorCoder::Trial trial = codecs[c].coder->evaluate(step);
                    options[t].options.push_back(
                        {int(c), step, trial.estimatedBits, trial.weightedError});
                }
            }
            releaseFreedMemory();
        }
        if (compensation.ldlq) {
            // Feedback changes what each step costs and gives: measure it around the steps the
            // allocation without feedback chose.
            const BitAllocation plain = allocateBits(options, targetBits);
            PhaseProgress ldlqProgress(progress, 0.45, 0.65);
            for (size_t t = 0; t < jobs.size(); ++t) {
                throwIfCancelled(progress);
                reportProgress(&ldlqProgress, double(t) / double(jobs.size()),
                               QStringLiteral("measuring %1 with LDLQ").arg(jobs[t].info.name));
                const std::vector<float> weights = readOriented(*checkpoint, jobs[t]);
                const LdlqCoder ldlq(jobs[t].info.name, hessianPerToken(jobs[t].info.name),
                                     jobs[t].columns, compensation.blockSize,
                                     compensation.dampening);
                const double chosen = options[t].options[size_t(plain.choice[t])].step;
                const auto chosenIndex =
                    std::min_element(steps.begin(), steps.end(), [&](double a, double b) {
                        return std::abs(std::log2(a / chosen)) < std::abs(std::log2(b / chosen));
                    });
                const int centre = int(chosenIndex - steps.begin());
                TensorRateOptions compensated;
                compensated.fixedBits = options[t].fixedBits;
                for (size_t c = 0; c < codecs.size(); ++c) {
                    for (int i = std::max(0, centre - kLdlqStepWindow);
                         i <= std::min(int(steps.size()) - 1, centre + kLdlqStepWindow); ++i) {
                        throwIfCancelled(progress);
                        const LdlqCoder::Result result =
                            ldlq.code(*codecs[c].coder, weights, jobs[t].rows, levels[t],
                                      jobs[t].importance, steps[size_t(i)]);
                        compensated.options.push_back(
                            {int(c), steps[size_t(i)], result.estimatedBits, result.weightedError});
                    }
                }
                options[t] = std::move(compensated);
                releaseFreedMemory();
            }
        }
    }

    // Codes tensor t with `option` from `weights` (coding orientation), with LDLQ when on; the
    // decoded weights come back when asked for or when LDLQ computed them anyway.
    const auto codeTensor = [&](size_t t, const RateOption &option,
                                const std::vector<float> &weights, bool wantDecoded) {
        const TensorJob &job = jobs[t];
        NwcTensorCoder &coder = *codecs[size_t(option.codec)].coder;
        CodedTensor coded;
        if (compensation.ldlq) {
            const LdlqCoder ldlq(job.info.name, hessianPerToken(job.info.name), job.columns,
                                 compensation.blockSize, compensation.dampening);
            LdlqCoder::Result result =
                ldlq.code(coder, weights, job.rows, levels[t], job.importance, option.step);
            coder.setTensor(makeColumnChunks(result.updated.data(), job.rows, job.columns),
                            levels[t], job.importance);
            coded.decoded = std::move(result.decoded);
        } else {
            coder.setTensor(makeColumnChunks(weights.data(), job.rows, job.columns), levels[t],
                            job.importance);
            if (wantDecoded)
                coder.evaluate(option.step, &coded.decoded);
        }
        coded.tensor = coder.encode(job.info.name, option.step, job.transposed, job.info.dtype);
        return coded;
    };

    // Compensation off (plain coding at the same codec and step) against `decoded` (on).
    const auto layerCompensation = [&](size_t t, const RateOption &option,
                                       const std::vector<float> &weights,
                                       const std::vector<float> &decoded) {
        const TensorJob &job = jobs[t];
        NwcTensorCoder &coder = *codecs[size_t(option.codec)].coder;
        coder.setTensor(makeColumnChunks(weights.data(), job.rows, job.columns), levels[t],
                        job.importance);
        std::vector<float> plain;
        coder.evaluate(option.step, &plain);
        const std::vector<float> hessian = hessianPerToken(job.info.name);
        const std::vector<float> zeros(weights.size(), 0.0f);
        const double energy =
            outputErrorWithHessian(weights, zeros, job.rows, job.columns, hessian);
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
    };

    // Fine-tuning codes the whole model block by block before anything is written.
    std::map<QString, CodedTensor> precoded;
    std::map<QString, std::vector<float>> tunedNorms;
    CompensationReport report;
    const auto fineTune = [&](const BitAllocation &allocation) {
        precoded.clear();
        tunedNorms.clear();
        PhaseProgress sub(progress, 0.65, 0.9);
        reportProgress(&sub, 0.0, QStringLiteral("loading the model for fine-tuning"));
        PhaseProgress loading(&sub, 0.0, 0.02);
        const LanguageModelPtr model = LanguageModel::load(modelSpec, QString(), &loading);
        CalibrationSettings windowSettings = calibration.settings();
        windowSettings.samples = std::max(windowSettings.samples, calibration.requestedSamples());
        const CalibrationWindows windows =
            calibrationWindows(*model, calibrationTextOf(calibration, settings), windowSettings);
        throwIfCancelled(progress);
        BlockFineTuner tuner(*model, windows, compensation);
        std::map<QString, size_t> indexOf;
        QStringList names;
        for (size_t t = 0; t < jobs.size(); ++t) {
            indexOf[jobs[t].info.name] = t;
            names.append(jobs[t].info.name);
        }
        const auto optionOf = [&](const QString &name) {
            const size_t t = indexOf.at(name);
            return options[t].options[size_t(allocation.choice[t])];
        };
        BlockFineTuner::Callbacks callbacks;
        callbacks.code = [&](const QString &name, const std::vector<float> &weights) {
            CodedTensor coded = codeTensor(indexOf.at(name), optionOf(name), weights, true);
            std::vector<float> decoded = coded.decoded;
            precoded[name] = std::move(coded);
            return decoded;
        };
        callbacks.codeReference = [&](const QString &name, const std::vector<float> &weights) {
            return codeTensor(indexOf.at(name), optionOf(name), weights, true).decoded;
        };
        callbacks.rescale = [&](const QString &name, const std::vector<double> &factors) {
            CodedTensor &coded = precoded.at(name);
            for (size_t j = 0; j < coded.tensor.columnScales.size(); ++j) {
                const float scale = halfToFloat(coded.tensor.columnScales[j]);
                coded.tensor.columnScales[j] = floatToHalf(float(double(scale) * factors[j]));
            }
            coded.decoded = codecs[size_t(optionOf(name).codec)].coder->decode(coded.tensor);
            return coded.decoded;
        };
        PhaseProgress tuning(&sub, 0.02, 1.0);
        tuner.run(names, callbacks, &tuning);
        tunedNorms = tuner.tunedNorms();
        report.blocks = tuner.blocks();
        report.tuneWindows = tuner.tuneWindows();
        report.heldOutWindows = tuner.heldOutWindows();
        report.endToEndKlBefore = tuner.endToEndKlBefore();
        report.endToEndKlAfter = tuner.endToEndKlAfter();
    };

    // Writes the container; returns the achieved counted bits (NWC may retry).
    const auto writeContainer = [&](const BitAllocation *allocation, double allocationTarget) {
        NwcWriter writer(outputPath);
        summary.tensors.clear();
        summary.countedBytes = 0;
        summary.estimatedBitstreamBits = 0.0;
        summary.actualBitstreamBits = 0.0;
        summary.passthroughBytes = 0;
        summary.codecBytes = 0;
        report.mode = compensationName(compensation);
        report.layers.clear();
        writer.setConfigJson(checkpoint->configJson());
        const auto tokenizerFiles = collectTokenizerFiles(checkpoint->tokenizerPath());
        for (size_t i = 0; i < tokenizerFiles.size(); ++i)
            writer.addTokenizerFile(tokenizerFiles[i].first, tokenizerFiles[i].second, i == 0);
        std::vector<bool> codecUsed(codecs.size(), false);
        PhaseProgress sub(progress, compensation.fineTune ? 0.9 : 0.65, 0.98);
        QJsonArray allocationJson;
        // Tensors go into the container in the checkpoint's order.
        size_t t = 0;
        for (const TensorInfo &info : checkpoint->tensors()) {
            throwIfCancelled(progress);
            if (!isCompressibleTensor(info)) {
                QByteArray raw = checkpoint->readRaw(info.name);
                const auto tuned = tunedNorms.find(info.name);
                if (tuned != tunedNorms.end()) {
                    if (qsizetype(tuned->second.size()) * dtypeSize(info.dtype) != raw.size() ||
                        !convertFromFloat32(tuned->second.data(), tuned->second.size(), info.dtype,
                                            raw.data()))
                        throw Error(QStringLiteral("fine-tuned %1 does not fit its stored "
                                                   "dtype %2 and shape")
                                        .arg(info.name, dtypeName(info.dtype)));
                }
                writer.addPassthrough(info.name, info.dtype, info.shape, raw);
                summary.passthroughBytes += raw.size();
                continue;
            }
            reportProgress(&sub, double(t) / double(jobs.size()),
                           QStringLiteral("coding %1").arg(jobs[t].info.name));
            const TensorJob &job = jobs[t];
            const std::vector<float> weights = readOriented(*checkpoint, job);
            CompressedTensor tensor;
            CompressedTensorSummary row;
            if (settings.method == CompressionMethod::Nwc) {
                const RateOption &option = options[t].options[size_t(allocation->choice[t])];
                LoadedCodec &codec = codecs[size_t(option.codec)];
                codecUsed[size_t(option.codec)] = true;
                CodedTensor coded;
                const auto found = precoded.find(job.info.name);
                if (found != precoded.end())
                    coded = found->second;
                else
                    coded = codeTensor(t, option, weights, compensation.any());
                tensor = std::move(coded.tensor);
                row.weightedError = option.distortion;
                if (compensation.any())
                    report.layers.push_back(layerCompensation(t, option, weights, coded.decoded));
                row.levelColumns.assign(4, 0);
                for (uint8_t level : levels[t])
                    ++row.levelColumns[std::min<size_t>(level, 3)];
                summary.estimatedBitstreamBits += tensor.estimatedBits;
                summary.actualBitstreamBits += 8.0 * double(tensor.bitstream.size());
                QJsonObject entry;
                entry.insert(QStringLiteral("tensor"), job.info.name);
                entry.insert(QStringLiteral("codec"), codec.parameters.id);
                entry.insert(QStringLiteral("step"), option.step);
                entry.insert(QStringLiteral("estimated_bits"), option.bits);
                entry.insert(QStringLiteral("weighted_error"), option.distortion);
                allocationJson.append(entry);
            } else if (settings.method == CompressionMethod::Rtn) {
                tensor = rtnCompress(job.info.name, weights.data(), job.rows, job.columns,
                                     groupBits, settings.groupSize);
            } else {
                tensor = gptqCompress(job.info.name, weights.data(), job.rows, job.columns,
                                      calibration.hessian(job.info.name), groupBits,
                                      settings.groupSize, 128, 0.01, nullptr);
            }
            tensor.transposed = job.transposed;
            tensor.originalDtype = job.info.dtype;
            writer.addTensor(tensor);
            if (!job.importance.empty())
                writer.addAnalysisArray(QStringLiteral("importance:") + job.info.name,
                                        job.importance);
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
            summary.countedBytes += row.countedBytes;
            summary.tensors.push_back(row);
            ++t;
            releaseFreedMemory();
        }
        for (size_t c = 0; c < codecs.size(); ++c) {
            if (!codecUsed[c])
                continue;
            writer.addCodec(codecs[c].parameters);
            for (const NamedArray &array : codecs[c].parameters.arrays)
                summary.codecBytes += int64_t(array.values.size()) * 4;
        }
        summary.achievedBitsPerWeight = 8.0 * double(summary.countedBytes) / double(totalWeights);
        NwcHeader header;
        header.sourceModel = modelSpec;
        header.method = compressionMethodName(settings.method);
        header.targetBitsPerWeight = settings.targetBitsPerWeight;
        header.achievedBitsPerWeight = summary.achievedBitsPerWeight;
        QJsonObject settingsJson;
        settingsJson.insert(QStringLiteral("method"), header.method);
        settingsJson.insert(QStringLiteral("target_bpw"), settings.targetBitsPerWeight);
        settingsJson.insert(QStringLiteral("group_size"), settings.groupSize);
        if (needsCalibration) {
            settingsJson.insert(QStringLiteral("calibration_source"), calibration.textSource());
            settingsJson.insert(QStringLiteral("calibration_samples"),
                                calibration.settings().samples);
            settingsJson.insert(QStringLiteral("calibration_length"),
                                calibration.settings().sequenceLength);
            settingsJson.insert(QStringLiteral("calibration_data_hash"), calibration.dataHash());
        }
        settingsJson.insert(QStringLiteral("allocation_target_bits"), allocationTarget);
        header.settingsJson =
            QString::fromUtf8(QJsonDocument(settingsJson).toJson(QJsonDocument::Compact));
        writer.setHeader(header);
        if (!allocationJson.isEmpty()) {
            QJsonObject analysis;
            analysis.insert(QStringLiteral("allocation"), allocationJson);
            if (compensation.any()) {
                analysis.insert(QStringLiteral("compensation"), compensationReportJson(report));
                addCompensationArrays(writer, report);
            }
            writer.setAnalysisJson(QJsonDocument(analysis).toJson(QJsonDocument::Compact));
        }
        // Commit only when the rate is on target (NWC); otherwise the caller retries.
        if (settings.method != CompressionMethod::Nwc ||
            std::abs(summary.achievedBitsPerWeight - settings.targetBitsPerWeight) <=
                kTolerance * 0.8)
            writer.commit();
        else
            return false;
        return true;
    };

    if (settings.method == CompressionMethod::Nwc) {
        double allocationTarget = targetBits;
        bool written = false;
        for (int attempt = 0; attempt < 3 && !written; ++attempt) {
            const BitAllocation allocation = allocateBits(options, allocationTarget);
            if (compensation.fineTune)
                fineTune(allocation);
            written = writeContainer(&allocation, allocationTarget);
            if (!written) {
                // Correct by the measured gap between estimate and bytes written.
                const double achieved = summary.achievedBitsPerWeight * double(totalWeights);
                allocationTarget += targetBits - achieved;
            }
        }
        if (!written)
            throw Error(
                QStringLiteral("could not reach %1 bits per weight within ±%2 (got %3): the "
                               "codec/step grid is too coarse for this model; try another "
                               "target or more codecs")
                    .arg(settings.targetBitsPerWeight)
                    .arg(kTolerance)
                    .arg(summary.achievedBitsPerWeight, 0, 'f', 3));
    } else {
        writeContainer(nullptr, 0.0);
    }
    if (compensation.any())
        summary.compensation = report;
    summary.fileBytes = QFileInfo(outputPath).size();
    summary.seconds = timer.elapsed() / 1000.0;
    summary.peakResidentBytes = peakResidentBytes();
    reportProgress(progress, 1.0, QStringLiteral("done"));
    return summary;
}

} // namespace nwc
