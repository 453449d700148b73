#include "analysis/modelcompressor.h"

#include "analysis/bitallocator.h"
#include "analysis/compressioncalibration.h"
#include "analysis/compressionmemory.h"
#include "analysis/compressionplan.h"
#include "analysis/compressionsharing.h"
#include "analysis/containerassembly.h"
#include "analysis/finetuningstage.h"
#include "analysis/tensorcoding.h"
#include "analysis/tensormeasurement.h"
#include "dist/world.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <cmath>
#include <memory>

namespace nwc {
namespace {

/// Achieved rate must land within this distance of the target (issue: ±0.05 bpw).
constexpr double kTolerance = 0.05;
/// Rate attempts: the allocation aims at the target, then corrects by the measured gap between
/// the entropy model's estimate and the bytes written.
constexpr int kRateAttempts = 3;

} // namespace

QString allocationWeightingName(AllocationWeighting weighting) {
    return weighting == AllocationWeighting::Relative ? QStringLiteral("relative")
                                                      : QStringLiteral("absolute");
}

bool allocationWeightingFromName(const QString &name, AllocationWeighting *weighting) {
    if (name == QLatin1String("absolute"))
        *weighting = AllocationWeighting::Absolute;
    else if (name == QLatin1String("relative"))
        *weighting = AllocationWeighting::Relative;
    else
        return false;
    return true;
}

CompressionSummary compressModel(const QString &modelSpec, const CompressionSettings &settings,
                                 const QString &outputPath, ProgressSink *progress,
                                 const std::shared_ptr<LanguageModel> &open) {
    QElapsedTimer timer;
    timer.start();
    CompressionPlan plan = planCompression(modelSpec, settings, outputPath);
    plan.openModel = open;
    requireMemoryPlan(compressionMemoryPlan(plan, false), compressionJobName(plan));
    const CompensationSettings &compensation = settings.compensation;
    const bool nwc = settings.method == CompressionMethod::Nwc;
    const std::vector<size_t> all = plan.allTensors();
    // With a process group (docs/distributed.md) each rank measures and codes its share of the
    // tensors; every rank runs the same allocation on the shared measurements; rank 0 writes.
    dist::ProcessGroup *group = dist::world();
    const bool root = dist::isRoot();
    const std::vector<size_t> mine = tensorsOfRank(plan, group);

    CalibrationData calibration;
    {
        PhaseProgress phase(progress, 0.0, 0.25);
        calibration = calibrateForCompression(plan, &phase);
    }
    attachImportance(plan, calibration);

    CompressionSummary summary;
    std::unique_ptr<CodecBank> codecs;
    std::vector<TensorMeasurement> measurements;
    if (nwc) {
        codecs = std::make_unique<CodecBank>(plan.codecs, settings.compute, settings.rateWeight);
        PhaseProgress phase(progress, 0.25, compensation.ldlq ? 0.45 : 0.65);
        if (group) {
            measurements.resize(plan.jobs.size());
            std::vector<TensorMeasurement> measured =
                measureTensors(plan, *codecs, calibration, mine, &phase);
            for (size_t i = 0; i < mine.size(); ++i)
                measurements[mine[i]] = std::move(measured[i]);
            shareMeasurements(*group, mine, measurements);
        } else {
            measurements = measureTensors(plan, *codecs, calibration, all, &phase);
        }
        if (compensation.ldlq) {
            const BitAllocation plain = allocateBits(rateOptions(measurements), plan.targetBits);
            PhaseProgress ldlqPhase(progress, 0.45, 0.65);
            remeasureWithLdlq(plan, *codecs, calibration, plain, mine, measurements, &ldlqPhase);
            if (group)
                shareMeasurements(*group, mine, measurements);
        }
    }

    const double codingBegin = compensation.fineTune ? 0.9 : 0.65;
    if (!nwc) {
        PhaseProgress phase(progress, codingBegin, 0.96);
        PrecodedTensors none;
        std::vector<TensorCodingResult> coded =
            codeTensors(plan, nullptr, calibration, measurements, nullptr, none, mine, &phase);
        if (group)
            coded = gatherCodedTensors(*group, plan.jobs.size(), mine, coded);
        if (root) {
            summarizeCoding(plan, coded, summary);
            PhaseProgress writing(progress, 0.96, 0.98);
            writeContainer(plan, calibration, coded, ContainerExtras(), outputPath, summary,
                           &writing);
        }
    } else {
        double allocationTarget = plan.targetBits;
        bool written = false;
        for (int attempt = 0; attempt < kRateAttempts && !written; ++attempt) {
            const BitAllocation allocation =
                allocateBits(rateOptions(measurements), allocationTarget);
            ContainerExtras extras;
            extras.allocationTargetBits = allocationTarget;
            PrecodedTensors precoded;
            // Fine-tuning chains the blocks: rank 0 tunes and codes every tensor alone.
            const std::vector<size_t> coding = !group || !compensation.fineTune ? mine
                                               : root                           ? all
                                                      : std::vector<size_t>();
            if (compensation.fineTune && root) {
                const dist::LocalOnly alone;
                PhaseProgress phase(progress, 0.65, 0.9);
                FineTuneOutcome outcome =
                    fineTuneBlocks(plan, *codecs, calibration, measurements, allocation, &phase);
                precoded = std::move(outcome.precoded);
                extras.tunedNorms = std::move(outcome.tunedNorms);
                extras.compensation = std::move(outcome.report);
            }
            PhaseProgress phase(progress, codingBegin, 0.96);
            std::vector<TensorCodingResult> coded =
                codeTensors(plan, codecs.get(), calibration, measurements, &allocation, precoded,
                            coding, &phase);
            precoded.clear();
            if (group)
                coded = gatherCodedTensors(*group, plan.jobs.size(), coding, coded);
            if (root)
                summarizeCoding(plan, coded, summary);
            if (group)
                summary.achievedBitsPerWeight = shareAchievedRate(*group, summary);
            // Commit only when the rate is on target; otherwise correct by the measured gap.
            if (std::abs(summary.achievedBitsPerWeight - settings.targetBitsPerWeight) >
                kTolerance * 0.8) {
                const double achieved = summary.achievedBitsPerWeight * double(plan.totalWeights);
                allocationTarget += plan.targetBits - achieved;
                continue;
            }
            if (root) {
                PhaseProgress writing(progress, 0.96, 0.98);
                writeContainer(plan, calibration, coded, extras, outputPath, summary, &writing);
            }
            written = true;
        }
        if (!written)
            throw Error(
                QStringLiteral("could not reach %1 bits per weight within ±%2 (got %3): the "
                               "codec/step grid is too coarse for this model; try another "
                               "target or more codecs")
                    .arg(settings.targetBitsPerWeight)
                    .arg(kTolerance)
                    .arg(summary.achievedBitsPerWeight, 0, 'f', 3));
    }
    if (root)
        summary.fileBytes = QFileInfo(outputPath).size();
    summary.seconds = timer.elapsed() / 1000.0;
    summary.peakResidentBytes = peakResidentBytes();
    reportProgress(progress, 1.0, QStringLiteral("done"));
    return summary;
}

} // namespace nwc
