#pragma once
// Error compensation settings and what it measured (docs/architecture.md, Error compensation).
// Plain value types: the compressor fills them in, the container stores them under /analysis, the
// Compensation view shows them. Torch-free header.

#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <vector>

namespace nwc {

class NwcWriter;

/// Which compensation parts run while compressing with NWC.
struct CompensationSettings {
    /// Inside a layer: feed each coded column block's error onto the later columns through the
    /// LDL factor of the damped H (LDLQ).
    bool ldlq = false;
    /// Across layers: after each decoder block, tune norm weights, column scales and the block's
    /// not-yet-coded weights so its output matches the original model's (Adam, early stop).
    bool fineTune = false;
    /// LDLQ column block.
    int blockSize = 128;
    /// Damping of H: H / mean(diag H) + dampening · I.
    double dampening = 0.01;
    /// Fine-tuning: at most this many passes over the calibration windows, Adam learning rate,
    /// and the number of passes without improvement on the held-out windows that stops it.
    int fineTuneEpochs = 20;
    double learningRate = 3e-3;
    int patience = 2;
    /// After the blocks: tune all column scales and norm weights end to end so the model's
    /// next-token distributions match the original's (KL divergence on the calibration
    /// windows).
    bool endToEnd = true;
    /// The original's next-token log-probabilities are kept whole up to this many values
    /// (windows × length × vocabulary); above it, each position's 64 most likely tokens and the
    /// rest of the mass as one bucket (CompensationReport::endToEndTopTokens says which).
    int64_t endToEndWholeValues = int64_t(1) << 27;

    bool any() const { return ldlq || fineTune; }
};

/// "none", "ldlq", "finetune" or "all".
QString compensationName(const CompensationSettings &settings);
/// Parses "none", "ldlq", "finetune" or "all" into `settings` (other fields kept). Throws
/// nwc::Error listing the accepted names.
void parseCompensation(const QString &name, CompensationSettings *settings);

/// One linear layer, with compensation off and on. Errors are relative output errors on the
/// calibration inputs: tr(E H Eᵀ) / tr(W H Wᵀ), E = W − Ŵ.
struct LayerCompensation {
    QString name;
    /// Decoder block of the layer (-1 for lm_head and other layers outside blocks).
    int block = -1;
    double relativeErrorOff = 0.0;
    double relativeErrorOn = 0.0;
    /// Per input column j: importance_j · Σ_rows E_rj² (what column j adds to the diagonal
    /// error proxy), off and on. Same length as the layer's columns.
    std::vector<double> columnErrorOff;
    std::vector<double> columnErrorOn;
};

/// One decoder block: ‖Y − Ŷ‖² / ‖Y‖² of the block's output on held-out calibration windows,
/// Y from the original model, Ŷ from the compressed model up to and including the block, with
/// compensation off (the same codes without fine-tuning) and on.
struct BlockCompensation {
    int block = 0;
    double relativeErrorOff = 0.0;
    double relativeErrorOn = 0.0;
};

/// Everything a compression run measured about compensation.
struct CompensationReport {
    /// The compensation that ran (compensationName()).
    QString mode;
    std::vector<LayerCompensation> layers;
    /// Empty unless fine-tuning ran (block outputs are only computed then).
    std::vector<BlockCompensation> blocks;
    /// Calibration windows used to tune and windows held out to measure the block errors.
    int tuneWindows = 0;
    int heldOutWindows = 0;
    /// Mean KL(original ‖ compressed) on the held-out calibration windows before and after the
    /// end-to-end stage (negative when it did not run).
    double endToEndKlBefore = -1.0;
    double endToEndKlAfter = -1.0;
    /// 0: the end-to-end KL covers the whole vocabulary; K: each position's K most likely tokens
    /// of the original plus one bucket for the rest (BlockFineTuner::endToEndTopTokens()).
    int endToEndTopTokens = 0;

    bool empty() const { return layers.empty() && blocks.empty(); }
};

/// Stores `report` in the container's /analysis: arrays "compensation_column_off:<layer>" and
/// "compensation_column_on:<layer>", and returns the JSON object (layers and blocks with their
/// relative errors) the caller puts under the key "compensation" of the analysis JSON.
QJsonObject compensationReportJson(const CompensationReport &report);
void addCompensationArrays(NwcWriter &writer, const CompensationReport &report);

/// Reads the report of the container at `path`. Returns an empty report when the container was
/// written without compensation; throws nwc::Error naming the file when it cannot be read.
CompensationReport readCompensationReport(const QString &path);

} // namespace nwc
