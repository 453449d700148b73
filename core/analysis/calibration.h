#pragma once
// Calibration (docs/architecture.md, Data flow and Importance): runs a model on calibration text
// one decoder block at a time and stores, per linear-layer input x, H = Σ x xᵀ and importance =
// diag(H) in an HDF5 file keyed by model hash + data hash. The job behind `nwc calibrate`.
// Torch-free header.

#include "analysis/calibrationdata.h"

#include <QString>

namespace nwc {

class Checkpoint;
class LanguageModel;
class ProgressSink;

/// Computes the statistics of `model` on windows of `textPath` (empty: the demo corpus, demo
/// models only; see calibrationWindows()) and writes them atomically to `outputPath` (empty:
/// defaultCalibrationCachePath()). When the file there — or, for another outputPath, the one in
/// the cache folder — already holds the same model and data hash it is reused (copied to
/// outputPath) without running the model, and fromCache() is true.
///
/// The model runs block by block: all windows are embedded, then each block runs on the
/// previous block's outputs in mini-batches while the inputs of its linear layers are summed
/// into H (float64 on the model's device); each block's H is written and freed before the next block, so
/// memory does not grow with depth. The final norm's output is the input of lm_head (or of the
/// tied embedding). Installs an input observer on the model's runtime for the duration of the
/// call (removed on return, also on errors): do not run the same LanguageModel on another
/// thread meanwhile. Reports per block ("block 3/12") and checks cancellation per block and
/// mini-batch; cancellation and errors leave no file behind. Throws nwc::Error.
CalibrationData calibrate(const LanguageModel &model, const QString &textPath,
                          const CalibrationSettings &settings, const QString &outputPath,
                          ProgressSink *progress);

/// Where calibrate() caches the statistics of `model` on this text with these settings:
/// <QStandardPaths::GenericCacheLocation>/nwc-workbench/calibration/<model hash>-<data hash>.h5
/// (16-digit hash prefixes; shared by nwc and nwc-workbench).
/// Hashes the checkpoint and tokenizes the text, so it costs a read of both. Throws nwc::Error
/// as calibrationWindows() does.
QString defaultCalibrationCachePath(const LanguageModel &model, const QString &textPath,
                                    const CalibrationSettings &settings);

/// SHA-256 (hex) of a checkpoint's config.json and every tensor's name, dtype, shape and stored
/// bytes: equal for checkpoints with identical content wherever they live. Reads every tensor
/// once; reports and checks cancellation per tensor.
QString modelHash(const Checkpoint &checkpoint, ProgressSink *progress = nullptr);

} // namespace nwc
