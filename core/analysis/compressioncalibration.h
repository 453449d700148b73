#pragma once
// Stage 1 of compression (docs/architecture.md, "Compression stages"): the calibration
// statistics a method needs — per-column importance for NWC, the input second moments H for
// GPTQ, LDLQ and the allocator's distortion. Torch-free header.

#include "analysis/calibrationdata.h"

#include <QString>
#include <vector>

namespace nwc {

class ProgressSink;
struct CompressionPlan;

/// Loads the plan's calibration file, or runs the model over the calibration text (the demo
/// corpus for demo models). Returns an empty CalibrationData for methods that need none (RTN).
/// Throws nwc::Error when a method needs calibration text and none was given.
CalibrationData calibrateForCompression(const CompressionPlan &plan, ProgressSink *progress);

/// Sets each job's importance (mean x_j² per input column) from `calibration`; checks the
/// statistics belong to this model (columns match, every tensor present when the method needs
/// it). A job without statistics keeps uniform importance.
void attachImportance(CompressionPlan &plan, const CalibrationData &calibration);

/// H of a tensor's input per calibration token, row-major [in, in]: the distortion metric of
/// the allocator and of LDLQ.
std::vector<float> hessianPerToken(const CalibrationData &calibration, const QString &name);

/// The calibration text the fine-tuning windows are cut from: the plan's text when given, else
/// the text the calibration file was made from when it still exists ("" = the demo corpus).
QString calibrationTextFor(const CompressionPlan &plan, const CalibrationData &calibration);

} // namespace nwc
