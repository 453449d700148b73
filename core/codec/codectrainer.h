#pragma once
// Trains an NWC codec on the weights of one or more checkpoints (docs/architecture.md, Training
// loss): normalized column chunks with random quality levels, additive-noise quantization, loss λ ·
// MSE + Σ_q c_q · R_q. The job behind `nwc train-codec`. Torch-free header.

#include "codec/codecparameters.h"
#include "jobs/computeoptions.h"

#include <QString>
#include <QStringList>
#include <cstdint>

namespace nwc {

class ProgressSink;

struct CodecTrainingSettings {
    /// Checkpoint specs whose block linear weights form the training set.
    QStringList models;
    /// "identity", "fast" or "paper".
    QString preset = QStringLiteral("fast");
    double lambda = 400.0;
    int64_t steps = 2000;
    /// Chunks per training step.
    int64_t batchChunks = 4096;
    /// Training chunks held in memory at most (16 values each: 256 MB at the default). When the
    /// models have more, whole columns are sampled from the seed, every tensor in proportion to
    /// its columns; below it every chunk is used.
    int64_t maxChunks = int64_t(1) << 22;
    double learningRate = 1e-3;
    uint64_t seed = 1;
    /// Codec id (empty: "<preset>-l<lambda>").
    QString id;
    /// Codec file written every `checkpointEvery` steps and at the end (atomically).
    QString outputPath;
    int64_t checkpointEvery = 250;
    /// Continue from the codec file at outputPath (its step count and weights).
    bool resume = false;
};

struct CodecTrainingReport {
    CodecParameters codec;
    /// Measured at the end on held-out chunks with real quantization at step 1.
    double bitsPerWeight = 0.0;
    double meanSquaredError = 0.0;
    int64_t trainingChunks = 0;
    /// Full chunks the models have (more than trainingChunks when columns were sampled).
    int64_t availableChunks = 0;
    double seconds = 0.0;
};

/// Trains (or resumes) and writes the codec file. The network trains on the options' device in
/// float32; samples, levels and noise are drawn in host memory from the seed, so a seed gives the
/// same training data on every device. Sets the intra-op threads (applyComputeThreads). Throws
/// nwc::Error for unreadable models, models without compressible tensors or unusable options;
/// nwc::Cancelled keeps the last periodic checkpoint.
CodecTrainingReport trainCodec(const CodecTrainingSettings &settings,
                               ProgressSink *progress = nullptr,
                               const ComputeOptions &options = {});

} // namespace nwc
