#include "analysis/compressionplan.h"

#include "codec/laneransstream.h"

#include "codec/codecfile.h"
#include "codec/compressibletensor.h"
#include "codec/nwctensorcoder.h"
#include "jobs/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

/// A codec is tried when its nominal rate lies within this many bits of the target.
constexpr double kCodecWindowBits = 2.5;
/// Stream rate reachable below and above a codec's nominal rate with the step grid (about one
/// bit per octave of step).
constexpr double kStepReachDown = 1.5;
constexpr double kStepReachUp = 3.0;

/// NWC: loads the codecs, refuses a target out of their reach, keeps those near the target.
std::vector<CodecParameters> nwcCodecsFor(const CompressionPlan &plan) {
    const CompressionSettings &settings = plan.settings;
    const QStringList paths = settings.codecPaths.isEmpty()
                                  ? defaultCodecFiles(settings.ladderPresets)
                                  : settings.codecPaths;
    if (paths.isEmpty())
        throw Error(QStringLiteral("no codecs found: pass --codec FILE (train one with 'nwc "
                                   "train-codec') or reinstall the default codecs"));
    double side = 0.0;
    for (const TensorJob &job : plan.jobs)
        side += 8.0 * double(nwcSideBytes(job.rows, job.columns, 16));
    double lowest = 1e9;
    double highest = 0.0;
    std::vector<CodecParameters> codecs;
    for (const QString &path : paths) {
        CodecParameters codec = loadCodecFile(path);
        lowest = std::min(lowest, codec.nominalBitsPerWeight);
        highest = std::max(highest, codec.nominalBitsPerWeight);
        codecs.push_back(std::move(codec));
    }
    const double sideBpw = side / double(plan.totalWeights);
    const double minimum = sideBpw + std::max(0.1, lowest - kStepReachDown);
    const double maximum = sideBpw + highest + kStepReachUp;
    if (settings.targetBitsPerWeight < minimum || settings.targetBitsPerWeight > maximum)
        throw Error(QStringLiteral("%1 bits per weight is out of reach for %2 with these "
                                   "codecs: the reachable range is %3 to %4 (side information "
                                   "alone costs %5)")
                        .arg(settings.targetBitsPerWeight, 0, 'f', 2)
                        .arg(plan.checkpoint->displayName())
                        .arg(minimum, 0, 'f', 2)
                        .arg(maximum, 0, 'f', 2)
                        .arg(sideBpw, 0, 'f', 3));
    const double streamTarget = settings.targetBitsPerWeight - sideBpw;
    std::vector<CodecParameters> near;
    for (CodecParameters &codec : codecs) {
        if (std::abs(codec.nominalBitsPerWeight - streamTarget) <= kCodecWindowBits)
            near.push_back(std::move(codec));
    }
    if (near.empty())
        throw Error(QStringLiteral("no codec is within %1 bits of the target rate; pass codecs "
                                   "trained for it")
                        .arg(kCodecWindowBits));
    return near;
}

/// RTN / GPTQ: the whole code width the target names.
int groupCodeBits(const CompressionSettings &settings) {
    const int bits = int(std::lround(settings.targetBitsPerWeight));
    if (std::abs(settings.targetBitsPerWeight - bits) > 1e-9 || bits < 2 || bits > 8)
        throw Error(QStringLiteral("%1 takes whole code widths from 2 to 8 bits (it reaches "
                                   "%2 + scales and zero points per group of %3); got %4")
                        .arg(compressionMethodName(settings.method).toUpper())
                        .arg(bits)
                        .arg(settings.groupSize)
                        .arg(settings.targetBitsPerWeight));
    if (settings.groupSize < 1)
        throw Error(QStringLiteral("group size must be positive"));
    return bits;
}

} // namespace

std::vector<size_t> CompressionPlan::allTensors() const {
    std::vector<size_t> indices(jobs.size());
    for (size_t t = 0; t < jobs.size(); ++t)
        indices[t] = t;
    return indices;
}

bool CompressionPlan::needsCalibration() const {
    return settings.method != CompressionMethod::Rtn;
}

CompressionPlan planCompression(const QString &modelSpec, const CompressionSettings &settings,
                                const QString &outputPath) {
    CompressionPlan plan;
    plan.modelSpec = modelSpec;
    plan.settings = settings;
    plan.checkpoint = Checkpoint::open(modelSpec);
    for (const TensorInfo &info : plan.checkpoint->tensors()) {
        if (!isCompressibleTensor(info))
            continue;
        TensorJob job;
        job.info = info;
        job.transposed = isStoredTransposed(plan.checkpoint->config(), info.name);
        job.rows = job.transposed ? info.shape[1] : info.shape[0];
        job.columns = job.transposed ? info.shape[0] : info.shape[1];
        plan.totalWeights += job.rows * job.columns;
        plan.jobs.push_back(job);
    }
    if (plan.jobs.empty())
        throw Error(QStringLiteral("%1 has no linear layers to compress").arg(modelSpec));
    plan.targetBits = settings.targetBitsPerWeight * double(plan.totalWeights);

    if (settings.method == CompressionMethod::Nwc)
        plan.codecs = nwcCodecsFor(plan);
    else
        plan.groupBits = groupCodeBits(settings);
    if (settings.compensation.any() && settings.method != CompressionMethod::Nwc)
        throw Error(QStringLiteral("error compensation (--compensate %1) applies to NWC; GPTQ "
                                   "feeds its error back by itself and RTN has none")
                        .arg(compensationName(settings.compensation)));
    if (outputPath.isEmpty())
        throw Error(QStringLiteral("no output file given"));
    if (!QFileInfo(outputPath).absoluteDir().exists())
        throw Error(QStringLiteral("%1: the folder does not exist").arg(outputPath));
    return plan;
}

int64_t nwcSideBytes(int64_t rows, int64_t columns, int32_t chunk) {
    const int64_t perStream = NwcTensorCoder::columnsPerStream(rows, chunk);
    const int64_t streams = (columns + perStream - 1) / perStream;
    // Each lane stream (.nwc v2) starts with its escape count and the lanes' 32 states.
    return CompressedTensor::kHeaderBytes + columns * 2 + (columns * 2 + 7) / 8 +
           (streams + 1) * 4 + streams * kLaneStreamHeaderBytes;
}

std::vector<float> readOrientedWeights(const Checkpoint &checkpoint, const TensorJob &job) {
    std::vector<float> values = checkpoint.readFloat32(job.info.name);
    if (job.transposed)
        values = transposed(values.data(), job.columns, job.rows);
    return values;
}

CodecBank::CodecBank(const std::vector<CodecParameters> &codecs, const ComputeOptions &options,
                     double rateWeight) {
    for (const CodecParameters &codec : codecs)
        m_coders.push_back(std::make_unique<NwcTensorCoder>(codec, options, rateWeight));
}

CodecBank::~CodecBank() = default;

NwcTensorCoder &CodecBank::coder(int codec) const {
    return *m_coders.at(size_t(codec));
}

} // namespace nwc
