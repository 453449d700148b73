#pragma once
// Option group "calibration": the text calibration windows are drawn from, or a file made by
// `nwc calibrate`, and the windows (--calib-text, --calib-file, --calib-samples, --calib-length).

#include "cli/commandoptions.h"

namespace nwc::cli {

/// Which options of the group a command offers.
struct CalibrationSpec {
    /// --calib-file FILE (a calibration file from `nwc calibrate`).
    bool fileOption = false;
    /// Reads the spellings compress and calibrate used before 0.2 as deprecated aliases:
    /// --text (of --calib-text), --samples, --seq-len and, with the file option, --calib.
    bool oldSpellings = false;
};

/// What the calibration group read.
struct CalibrationOptions {
    /// --calib-text; empty: none given (demo models use their corpus).
    QString text;
    /// --calib-file; empty: none given.
    QString file;
    int samples = 32;
    int length = 256;
};

void addCalibrationOptions(CommandOptions &options, const CalibrationSpec &spec = {});
/// Reads and checks the group (at least one window of at least 2 tokens).
CalibrationOptions readCalibrationOptions(const CommandOptions &options,
                                          const CalibrationSpec &spec = {});
/// Copies `calibration` into `settings`' calibrationText, calibrationSamples and
/// calibrationLength (CompressionSettings, SweepSettings).
template <typename Settings>
void applyCalibration(const CalibrationOptions &calibration, Settings &settings) {
    settings.calibrationText = calibration.text;
    settings.calibrationSamples = calibration.samples;
    settings.calibrationLength = calibration.length;
}

} // namespace nwc::cli
