#include "analysis/containerassembly.h"

#include "analysis/calibrationdata.h"
#include "analysis/compressionplan.h"
#include "analysis/tensorcoding.h"
#include "codec/compressibletensor.h"
#include "codec/laneransstream.h"
#include "codec/nwccontainer.h"
#include "io/dtype.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace nwc {
namespace {

/// The settings the run used, as stored in the container's header.
QString settingsJson(const CompressionPlan &plan, const CalibrationData &calibration,
                     double allocationTargetBits) {
    const CompressionSettings &settings = plan.settings;
    QJsonObject json;
    json.insert(QStringLiteral("method"), compressionMethodName(settings.method));
    json.insert(QStringLiteral("target_bpw"), settings.targetBitsPerWeight);
    json.insert(QStringLiteral("group_size"), settings.groupSize);
    if (settings.method == CompressionMethod::Nwc) {
        json.insert(QStringLiteral("allocation"), allocationWeightingName(settings.allocation));
        json.insert(QStringLiteral("rate_weight"), settings.rateWeight);
    }
    if (plan.needsCalibration()) {
        json.insert(QStringLiteral("calibration_source"), calibration.textSource());
        json.insert(QStringLiteral("calibration_samples"), calibration.settings().samples);
        json.insert(QStringLiteral("calibration_length"), calibration.settings().sequenceLength);
        json.insert(QStringLiteral("calibration_data_hash"), calibration.dataHash());
    }
    json.insert(QStringLiteral("allocation_target_bits"), allocationTargetBits);
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

/// The allocator's choice per NWC tensor, for /analysis.
QJsonArray allocationJson(const CompressionPlan &plan,
                          const std::vector<TensorCodingResult> &coded) {
    QJsonArray entries;
    if (plan.settings.method != CompressionMethod::Nwc)
        return entries;
    for (size_t t = 0; t < coded.size(); ++t) {
        QJsonObject entry;
        entry.insert(QStringLiteral("tensor"), plan.jobs[t].info.name);
        entry.insert(QStringLiteral("codec"), plan.codecs[size_t(coded[t].option.codec)].id);
        entry.insert(QStringLiteral("step"), coded[t].option.step);
        entry.insert(QStringLiteral("estimated_bits"), coded[t].option.bits);
        entry.insert(QStringLiteral("weighted_error"), coded[t].option.distortion);
        entries.append(entry);
    }
    return entries;
}

/// The raw bytes of a passthrough tensor, with fine-tuned values when there are any.
QByteArray passthroughBytes(const Checkpoint &checkpoint, const TensorInfo &info,
                            const std::map<QString, std::vector<float>> &tunedNorms) {
    QByteArray raw = checkpoint.readRaw(info.name);
    const auto tuned = tunedNorms.find(info.name);
    if (tuned == tunedNorms.end())
        return raw;
    if (qsizetype(tuned->second.size()) * dtypeSize(info.dtype) != raw.size() ||
        !convertFromFloat32(tuned->second.data(), tuned->second.size(), info.dtype, raw.data()))
        throw Error(QStringLiteral("fine-tuned %1 does not fit its stored dtype %2 and shape")
                        .arg(info.name, dtypeName(info.dtype)));
    return raw;
}

} // namespace

void summarizeCoding(const CompressionPlan &plan, const std::vector<TensorCodingResult> &coded,
                     CompressionSummary &summary) {
    summary.sourceModel = plan.modelSpec;
    summary.method = plan.settings.method;
    summary.targetBitsPerWeight = plan.settings.targetBitsPerWeight;
    summary.compressedWeights = plan.totalWeights;
    summary.tensors.clear();
    summary.countedBytes = 0;
    summary.estimatedBitstreamBits = 0.0;
    summary.actualBitstreamBits = 0.0;
    for (const TensorCodingResult &result : coded) {
        if (plan.settings.method == CompressionMethod::Nwc) {
            summary.estimatedBitstreamBits += result.tensor.estimatedBits;
            // Symbols only: the lane streams' headers are side information.
            const CompressedTensor &t = result.tensor;
            summary.actualBitstreamBits +=
                8.0 *
                double(t.bitstream.size() -
                       streamHeaderBytes(t.streamFormat, int64_t(t.streamOffsets.size()) - 1));
        }
        summary.countedBytes += result.row.countedBytes;
        summary.tensors.push_back(result.row);
    }
    summary.achievedBitsPerWeight = 8.0 * double(summary.countedBytes) / double(plan.totalWeights);
}

void writeContainer(const CompressionPlan &plan, const CalibrationData &calibration,
                    const std::vector<TensorCodingResult> &coded, const ContainerExtras &extras,
                    const QString &outputPath, CompressionSummary &summary,
                    ProgressSink *progress) {
    const Checkpoint &checkpoint = *plan.checkpoint;
    const bool compensating = plan.settings.compensation.any();
    NwcWriter writer(outputPath);
    summary.outputPath = outputPath;
    summary.passthroughBytes = 0;
    summary.codecBytes = 0;
    writer.setConfigJson(checkpoint.configJson());
    const auto tokenizerFiles = collectTokenizerFiles(checkpoint.tokenizerPath());
    for (size_t i = 0; i < tokenizerFiles.size(); ++i)
        writer.addTokenizerFile(tokenizerFiles[i].first, tokenizerFiles[i].second, i == 0);
    std::vector<bool> codecUsed(plan.codecs.size(), false);
    CompensationReport report = extras.compensation;
    report.mode = compensationName(plan.settings.compensation);
    report.layers.clear();
    // Tensors go into the container in the checkpoint's order.
    size_t t = 0;
    for (const TensorInfo &info : checkpoint.tensors()) {
        throwIfCancelled(progress);
        if (!isCompressibleTensor(info)) {
            const QByteArray raw = passthroughBytes(checkpoint, info, extras.tunedNorms);
            writer.addPassthrough(info.name, info.dtype, info.shape, raw);
            summary.passthroughBytes += raw.size();
            continue;
        }
        reportProgress(progress, double(t) / double(plan.jobs.size()),
                       QStringLiteral("writing %1").arg(info.name));
        const TensorCodingResult &result = coded[t];
        if (plan.settings.method == CompressionMethod::Nwc)
            codecUsed[size_t(result.option.codec)] = true;
        if (result.hasLayer)
            report.layers.push_back(result.layer);
        writer.addTensor(result.tensor);
        if (!plan.jobs[t].importance.empty())
            writer.addAnalysisArray(QStringLiteral("importance:") + info.name,
                                    plan.jobs[t].importance);
        ++t;
    }
    for (size_t c = 0; c < plan.codecs.size(); ++c) {
        if (!codecUsed[c])
            continue;
        writer.addCodec(plan.codecs[c]);
        for (const NamedArray &array : plan.codecs[c].arrays)
            summary.codecBytes += int64_t(array.values.size()) * 4;
    }
    NwcHeader header;
    header.sourceModel = plan.modelSpec;
    header.method = compressionMethodName(plan.settings.method);
    header.targetBitsPerWeight = plan.settings.targetBitsPerWeight;
    header.achievedBitsPerWeight = summary.achievedBitsPerWeight;
    header.settingsJson = settingsJson(plan, calibration, extras.allocationTargetBits);
    writer.setHeader(header);
    const QJsonArray allocation = allocationJson(plan, coded);
    if (!allocation.isEmpty()) {
        QJsonObject analysis;
        analysis.insert(QStringLiteral("allocation"), allocation);
        if (compensating) {
            analysis.insert(QStringLiteral("compensation"), compensationReportJson(report));
            addCompensationArrays(writer, report);
        }
        writer.setAnalysisJson(QJsonDocument(analysis).toJson(QJsonDocument::Compact));
    }
    writer.commit();
    if (compensating)
        summary.compensation = report;
}

} // namespace nwc
