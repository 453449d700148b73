#pragma once
// Stage 0 of compression (docs/architecture.md, "Compression stages"): which tensors are
// compressed, in which orientation, with which codecs, and every check that can be made before
// any work. The plan is a plain value every later stage reads. Torch-free header.

#include "analysis/modelcompressor.h"
#include "codec/codecparameters.h"
#include "io/checkpoint.h"
#include "jobs/computeoptions.h"
#include "jobs/memorybudget.h"

#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace nwc {

class NwcTensorCoder;

/// One linear weight to compress, in coding orientation [rows = out, columns = in].
struct TensorJob {
    TensorInfo info;
    /// Stored as [in, out] (GPT-2 Conv1D): transposed on read and flagged in the container.
    bool transposed = false;
    int64_t rows = 0;
    int64_t columns = 0;
    /// Per input column: mean x_j² over the calibration tokens; empty = uniform.
    std::vector<double> importance;
};

/// What to compress and how; filled by planCompression, importance added by the calibration
/// stage.
struct CompressionPlan {
    QString modelSpec;
    CheckpointPtr checkpoint;
    CompressionSettings settings;
    /// The compressible tensors in checkpoint order.
    std::vector<TensorJob> jobs;
    int64_t totalWeights = 0;
    /// Counted bits the whole model may use (target bpw × weights).
    double targetBits = 0.0;
    /// RTN / GPTQ code width.
    int groupBits = 0;
    /// NWC: the codecs whose nominal rate lies near the target.
    std::vector<CodecParameters> codecs;
    /// The model already loaded by the caller, if any: calibration runs on it.
    std::shared_ptr<LanguageModel> openModel;

    /// Indices of every job: the subset a single process works on.
    std::vector<size_t> allTensors() const;
    /// The calibration statistics (importance, H) are needed.
    bool needsCalibration() const;
};

/// Reads the checkpoint's tensor table and checks the settings (method, reachable rate, codecs,
/// compensation, output folder) before any work. Throws nwc::Error with the reachable range or
/// the setting to change.
CompressionPlan planCompression(const QString &modelSpec, const CompressionSettings &settings,
                                const QString &outputPath);

/// Side-information bytes NWC writes for a [rows, columns] tensor coded in chunks of `chunk`.
int64_t nwcSideBytes(int64_t rows, int64_t columns, int32_t chunk);

/// The tensor's weights in coding orientation [rows, columns].
std::vector<float> readOrientedWeights(const Checkpoint &checkpoint, const TensorJob &job);

/// One NwcTensorCoder per codec of a plan. Coders keep per-tensor state, so each thread or
/// process that codes tensors holds its own bank.
class CodecBank {
public:
    /// One coder per codec, all with the same index-choice rate weight (NwcTensorCoder).
    CodecBank(const std::vector<CodecParameters> &codecs, const ComputeOptions &options,
              double rateWeight = 0.0);
    ~CodecBank();
    CodecBank(const CodecBank &) = delete;
    CodecBank &operator=(const CodecBank &) = delete;

    size_t size() const { return m_coders.size(); }
    NwcTensorCoder &coder(int codec) const;

private:
    std::vector<std::unique_ptr<NwcTensorCoder>> m_coders;
};

} // namespace nwc
