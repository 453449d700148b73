#pragma once
// Output-guided fine-tuning across layers (docs/architecture.md, Across layers): the model is coded
// one decoder block at a time; after a block's attention layers are coded, the block's norm
// weights, the coded layers' column scales and its not-yet-coded MLP weights are tuned so the
// block's output on calibration windows matches the original model's; then the MLP layers are coded
// from the tuned weights and the norms and all column scales are tuned once more (Adam, early stop
// on held-out windows). The next block sees the compressed model's outputs. A last, end-to-end
// stage tunes every column scale and norm weight so the whole model's next-token distributions
// match the original's (KL divergence). Torch-free header.

#include "analysis/compensation.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace nwc {

class LanguageModel;
class ProgressSink;
struct CalibrationWindows;

/// Drives the block-by-block coding; the caller does the coding through callbacks. Weights in
/// the callbacks are [out, in] row-major (the coding orientation of Llama-family models).
class BlockFineTuner {
public:
    struct Callbacks {
        /// Codes tensor `name` from `weights` and keeps the result for the container; returns
        /// the decoded weights.
        std::function<std::vector<float>(const QString &name, const std::vector<float> &weights)>
            code;
        /// Codes `name` from `weights` without keeping it (the reference without fine-tuning);
        /// returns the decoded weights.
        std::function<std::vector<float>(const QString &name, const std::vector<float> &weights)>
            codeReference;
        /// Multiplies the kept tensor's column scales by `factors` (one per input column) as
        /// stored (half precision); returns the decoded weights afterwards.
        std::function<std::vector<float>(const QString &name, const std::vector<double> &factors)>
            rescale;
    };

    /// `model` is a private copy: its weights are changed. Throws nwc::Error for architectures
    /// whose stored layout differs from the runtime's (GPT-2) and for too few windows.
    BlockFineTuner(LanguageModel &model, const CalibrationWindows &windows,
                   const CompensationSettings &settings);
    ~BlockFineTuner();
    BlockFineTuner(const BlockFineTuner &) = delete;
    BlockFineTuner &operator=(const BlockFineTuner &) = delete;

    /// Codes every tensor of `tensors` (HF names of compressible weights) through `callbacks`,
    /// block by block with tuning; tensors outside the decoder blocks are coded last from their
    /// original weights. Reports per block; honours cancellation.
    void run(const QStringList &tensors, const Callbacks &callbacks, ProgressSink *progress);

    /// Tuned values of the norm weights (HF name → values), after run().
    const std::map<QString, std::vector<float>> &tunedNorms() const;
    /// Block output errors off (the same codes without fine-tuning) and on, after run().
    const std::vector<BlockCompensation> &blocks() const;
    int tuneWindows() const;
    int heldOutWindows() const;
    /// Mean KL(original ‖ compressed) on the held-out windows before and after the end-to-end
    /// stage; negative when it did not run.
    double endToEndKlBefore() const;
    double endToEndKlAfter() const;
    /// 0 when the end-to-end KL covers the whole vocabulary; K when the vocabulary was too large
    /// to keep the original's predictions whole, so the KL is over each position's K most likely
    /// tokens of the original plus one bucket for the rest (a lower bound of the full KL).
    int endToEndTopTokens() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace nwc
