#include "analysis/compressionmemory.h"

#include "analysis/compressionplan.h"
#include "lm/runtimememory.h"

#include <algorithm>

namespace nwc {
namespace {

constexpr int64_t kFloat = 4;
constexpr int64_t kDouble = 8;
/// Tokens calibration runs through a block at once (calibration.cpp).
constexpr int64_t kBatchTokens = 2048;

/// The largest [in, in] H of one tensor and the largest tensor, over the plan's jobs.
struct LargestJob {
    int64_t weights = 0;
    int64_t columns = 0;
};

LargestJob largestJob(const CompressionPlan &plan) {
    LargestJob largest;
    for (const TensorJob &job : plan.jobs) {
        largest.weights = std::max(largest.weights, job.rows * job.columns);
        largest.columns = std::max(largest.columns, job.columns);
    }
    return largest;
}

/// The coded container as it grows: the target rate with a margin for side information.
MemoryItem codedContainer(const CompressionPlan &plan) {
    return {QStringLiteral("coded tensors (%1 bits per weight + side information)")
                .arg(plan.settings.targetBitsPerWeight),
            int64_t(plan.targetBits / 8.0 * 1.25)};
}

/// Tokens of the calibration windows.
int64_t calibrationTokens(const CompressionPlan &plan) {
    return int64_t(std::max(1, plan.settings.calibrationSamples)) *
           int64_t(std::max(1, plan.settings.calibrationLength));
}

} // namespace

MemoryPlan compressionMemoryPlan(const CompressionPlan &plan, bool evaluateResult) {
    MemoryPlan memory;
    const ModelConfig &config = plan.checkpoint->config();
    const ComputeOptions &compute = plan.settings.compute;
    const int64_t hidden = config.hiddenSize;
    const int64_t attention = int64_t(config.numHeads) * int64_t(config.headDim);
    const int64_t intermediate = config.intermediateSize;
    const int64_t tokens = calibrationTokens(plan);
    const int64_t length = std::max(1, plan.settings.calibrationLength);
    const int64_t runtime = runtimeBytes(*plan.checkpoint, compute);
    const QString runtimeName = QStringLiteral("runtime of %1").arg(plan.checkpoint->displayName());
    const bool nwc = plan.settings.method == CompressionMethod::Nwc;

    if (plan.needsCalibration() && plan.settings.calibrationFile.isEmpty()) {
        MemoryPhase &phase = memory.addPhase(QStringLiteral("calibrating"));
        if (!plan.openModel)
            phase.items.push_back({runtimeName, runtime});
        phase.items.push_back(
            {QStringLiteral("hidden states of %1 tokens (two copies)").arg(tokens),
             2 * tokens * hidden * kFloat});
        const int64_t batch = std::min(tokens, kBatchTokens);
        phase.items.push_back(
            {QStringLiteral("activations of %1 tokens in one block").arg(batch),
             batch * (3 * intermediate + 8 * hidden + int64_t(config.numHeads) * length) * kFloat +
                 batch * std::max(intermediate, hidden) * kDouble});
        phase.items.push_back(
            {QStringLiteral("float64 H of one block's inputs"),
             (2 * hidden * hidden + attention * attention + intermediate * intermediate) *
                 kDouble});
    }

    const LargestJob largest = largestJob(plan);
    const bool usesH =
        plan.settings.method == CompressionMethod::Gptq || (nwc && plan.needsCalibration());
    MemoryPhase &coding =
        memory.addPhase(nwc ? QStringLiteral("measuring and coding") : QStringLiteral("coding"));
    coding.items.push_back(codedContainer(plan));
    coding.items.push_back(
        {QStringLiteral("one tensor's working copies (%1 weights)").arg(largest.weights),
         4 * largest.weights * kFloat});
    if (usesH)
        coding.items.push_back(
            {QStringLiteral("one tensor's H and its factor (%1 columns)").arg(largest.columns),
             largest.columns * largest.columns * (kFloat + 2 * kDouble)});

    if (nwc && plan.settings.compensation.fineTune) {
        // BlockFineTuner: a private runtime as the checkpoint is held; one block at a time in
        // float32 with its coded copies, gradients, Adam state and best state.
        MemoryPhase &phase = memory.addPhase(QStringLiteral("fine-tuning"));
        phase.items.push_back({QStringLiteral("private %1").arg(runtimeName), runtime});
        const int64_t blockWeights = 4 * hidden * attention + 3 * hidden * intermediate;
        phase.items.push_back({QStringLiteral("one block in float32 with its gradients and "
                                              "optimizer state"),
                               6 * blockWeights * kFloat});
        phase.items.push_back({QStringLiteral("block inputs and targets of %1 tokens").arg(tokens),
                               4 * tokens * hidden * kFloat});
        phase.items.push_back(
            {QStringLiteral("activations and gradients of one block"),
             std::min(tokens, kBatchTokens) * (6 * intermediate + 16 * hidden) * kFloat});
        if (plan.settings.compensation.endToEnd) {
            // The original's predictions (whole up to 2^27 values, else the top 64 tokens per
            // position), each block's input for 4 windows, and the logits of a few positions at
            // a time (2^23 values) with their gradients.
            const int64_t vocabulary = config.vocabSize;
            const int64_t whole = tokens * vocabulary;
            phase.items.push_back(
                {QStringLiteral("the original's predictions at %1 positions").arg(tokens),
                 whole <= plan.settings.compensation.endToEndWholeValues
                     ? whole * kFloat
                     : tokens * 64 * (kFloat + 8)});
            phase.items.push_back({QStringLiteral("every block's input for 4 windows"),
                                   int64_t(config.numLayers) * 4 * length * hidden * kFloat});
            phase.items.push_back(
                {QStringLiteral("logits of a few positions and their gradients"),
                 5 * std::min(int64_t(1) << 23, 4 * length * vocabulary) * kFloat});
        }
        phase.items.push_back(codedContainer(plan));
    }

    if (evaluateResult) {
        MemoryPhase &phase = memory.addPhase(QStringLiteral("evaluating the result"));
        phase.items.push_back({QStringLiteral("runtime of the compressed model (float32)"),
                               parameterCount(*plan.checkpoint) * kFloat});
        if (!plan.openModel)
            phase.items.push_back({runtimeName, runtime});
    }
    return memory;
}

QString compressionJobName(const CompressionPlan &plan) {
    return QStringLiteral("compressing %1 with %2 to %3 bits per weight")
        .arg(plan.checkpoint->displayName(), compressionMethodName(plan.settings.method).toUpper())
        .arg(plan.settings.targetBitsPerWeight);
}

} // namespace nwc
