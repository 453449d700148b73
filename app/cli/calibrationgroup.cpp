#include "cli/calibrationgroup.h"

#include "jobs/error.h"

namespace nwc::cli {

void addCalibrationOptions(CommandOptions &options, const CalibrationSpec &spec) {
    const CalibrationOptions defaults;
    options.addValue(
        QStringLiteral("calib-text"),
        QStringLiteral("UTF-8 calibration text (default for the demo models: demo-corpus text "
                       "outside their training and held-out splits)."),
        QStringLiteral("FILE"));
    if (spec.fileOption)
        options.addValue(
            QStringLiteral("calib-file"),
            QStringLiteral("Calibration file from 'nwc calibrate' (instead of calibrating)."),
            QStringLiteral("FILE"));
    options.addValue(QStringLiteral("calib-samples"),
                     QStringLiteral("Calibration windows drawn from the text (default %1).")
                         .arg(defaults.samples),
                     QStringLiteral("N"), QString::number(defaults.samples));
    options.addValue(
        QStringLiteral("calib-length"),
        QStringLiteral("Tokens per calibration window (default %1).").arg(defaults.length),
        QStringLiteral("N"), QString::number(defaults.length));
    if (spec.oldSpellings) {
        options.addDeprecatedAlias(QStringLiteral("text"), QStringLiteral("calib-text"));
        options.addDeprecatedAlias(QStringLiteral("samples"), QStringLiteral("calib-samples"));
        options.addDeprecatedAlias(QStringLiteral("seq-len"), QStringLiteral("calib-length"));
        if (spec.fileOption)
            options.addDeprecatedAlias(QStringLiteral("calib"), QStringLiteral("calib-file"));
    }
}

CalibrationOptions readCalibrationOptions(const CommandOptions &options,
                                          const CalibrationSpec &spec) {
    CalibrationOptions calibration;
    calibration.text = options.value(QStringLiteral("calib-text"));
    if (spec.fileOption)
        calibration.file = options.value(QStringLiteral("calib-file"));
    calibration.samples = options.intValue(QStringLiteral("calib-samples"));
    calibration.length = options.intValue(QStringLiteral("calib-length"));
    if (calibration.samples < 1 || calibration.length < 2)
        throw Error(QStringLiteral("%1 must be at least 1 and %2 at least 2")
                        .arg(options.spelling(QStringLiteral("calib-samples")),
                             options.spelling(QStringLiteral("calib-length"))));
    return calibration;
}

} // namespace nwc::cli
