#pragma once
// Per-column importance of every linear layer (docs/architecture.md, Importance and GUI): what the
// Importance view shows. Plain value types, read from a calibration file or from a .nwc container's
// /analysis. Torch-free header.

#include <QString>
#include <cstdint>
#include <vector>

namespace nwc {

class CalibrationData;

/// One linear layer's input columns.
struct LayerImportance {
    /// HF weight name.
    QString name;
    /// Decoder block (-1 outside the blocks, e.g. lm_head).
    int block = -1;
    /// Mean x_j² per input column over the calibration tokens (diag H / tokens).
    std::vector<double> importance;
    /// Quality level 0..3 per column (qualityLevels() of `importance`).
    std::vector<uint8_t> levels;
    /// levelThresholds[k - 1]: the smallest importance among columns of level ≥ k, k = 1..3
    /// (NaN when no column has that level).
    std::vector<double> levelThresholds;
};

/// Importance of a whole model, layers in model order.
struct ImportanceMap {
    /// Where it came from (calibration file or container path) and the calibration settings in
    /// words, shown next to the plot.
    QString source;
    QString settingsText;
    std::vector<LayerImportance> layers;

    /// Index of the layer called `name`, -1 when absent.
    int indexOf(const QString &name) const;
    /// Largest column count over the layers (width of the heat map).
    int64_t maxColumns() const;
};

/// Fills levels and thresholds of `layer` from its importance.
void assignQualityLevels(LayerImportance &layer);

/// Every weight of the calibration data (each weight of a shared input gets its own row).
ImportanceMap importanceFromCalibration(const CalibrationData &calibration);
/// The importance arrays ("importance:<name>") a container was written with. Throws nwc::Error
/// naming the file when it cannot be read or has no importance (RTN containers, for example).
ImportanceMap importanceFromContainer(const QString &path);

/// Decoder block index from an HF weight name ("model.layers.3.mlp.up_proj.weight" → 3,
/// "transformer.h.2.attn.c_attn.weight" → 2), -1 when it names none.
int blockOfWeight(const QString &name);

} // namespace nwc
