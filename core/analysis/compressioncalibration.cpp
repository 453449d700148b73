#include "analysis/compressioncalibration.h"

#include "analysis/calibration.h"
#include "analysis/calibrationwindows.h"
#include "analysis/compressionplan.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"

#include <QFileInfo>

#include <algorithm>

namespace nwc {

CalibrationData calibrateForCompression(const CompressionPlan &plan, ProgressSink *progress) {
    const CompressionSettings &settings = plan.settings;
    if (!plan.needsCalibration())
        return CalibrationData();
    if (!settings.calibrationFile.isEmpty())
        return CalibrationData::load(settings.calibrationFile);
    if (settings.calibrationText.isEmpty() && !isDemoModel(*plan.checkpoint))
        throw Error(QStringLiteral("%1 needs calibration text for %2: pass --calib-text FILE "
                                   "(or --calib-file FILE from 'nwc calibrate')")
                        .arg(plan.checkpoint->displayName(),
                             compressionMethodName(settings.method).toUpper()));
    LanguageModelPtr model = plan.openModel;
    if (!model) {
        reportProgress(progress, 0.0, QStringLiteral("loading the model for calibration"));
        model = LanguageModel::load(plan.modelSpec, QString(), progress, settings.compute);
    }
    CalibrationSettings calibrationSettings;
    calibrationSettings.samples = settings.calibrationSamples;
    calibrationSettings.sequenceLength = settings.calibrationLength;
    return calibrate(*model, settings.calibrationText, calibrationSettings, QString(), progress);
}

void attachImportance(CompressionPlan &plan, const CalibrationData &calibration) {
    if (!plan.needsCalibration())
        return;
    const double tokens = double(std::max<int64_t>(1, calibration.tokens()));
    const bool required =
        plan.settings.method == CompressionMethod::Gptq || plan.settings.compensation.any();
    for (TensorJob &job : plan.jobs) {
        if (!calibration.has(job.info.name)) {
            if (required)
                throw Error(QStringLiteral("calibration file %1 has no statistics for %2: it "
                                           "was made for another model")
                                .arg(calibration.path(), job.info.name));
            continue;
        }
        job.importance = calibration.importance(job.info.name);
        if (int64_t(job.importance.size()) != job.columns)
            throw Error(QStringLiteral("calibration file %1: %2 has %3 columns of statistics, "
                                       "the tensor has %4")
                            .arg(calibration.path(), job.info.name)
                            .arg(job.importance.size())
                            .arg(job.columns));
        for (double &value : job.importance)
            value /= tokens;
    }
}

std::vector<float> hessianPerToken(const CalibrationData &calibration, const QString &name) {
    std::vector<float> hessian = calibration.hessian(name);
    const float perToken = float(1.0 / double(std::max<int64_t>(1, calibration.tokens())));
    for (float &value : hessian)
        value *= perToken;
    return hessian;
}

QString calibrationTextFor(const CompressionPlan &plan, const CalibrationData &calibration) {
    // The text named in the settings wins: a calibration file found in the cache by its
    // content hash may record the relative name another folder used for the same bytes.
    if (!plan.settings.calibrationText.isEmpty())
        return plan.settings.calibrationText;
    if (plan.settings.calibrationFile.isEmpty())
        return QString();
    return QFileInfo::exists(calibration.textSource()) ? calibration.textSource() : QString();
}

} // namespace nwc
