#include "analysisjob.h"

#include "analysis/calibration.h"
#include "codec/nwccontainer.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <algorithm>

namespace nwc {
namespace {

// The translation context of this file's messages (lupdate reads it from the macro).
struct AnalysisJobText {
    Q_DECLARE_TR_FUNCTIONS(nwc::AnalysisJob)
};

bool hasImportanceArrays(const NwcReader &reader) {
    const std::vector<QString> names = reader.analysisArrayNames();
    return std::any_of(names.begin(), names.end(), [](const QString &name) {
        return name.startsWith(QLatin1String("importance:"));
    });
}

} // namespace

AnalysisData containerAnalysis(const QString &path, ProgressSink *progress) {
    AnalysisData data;
    data.kind = AnalysisData::Kind::Container;
    data.path = QFileInfo(path).absoluteFilePath();
    reportProgress(progress, 0.0, AnalysisJobText::tr("reading the analysis of %1").arg(path));
    bool importance = false;
    {
        const NwcReader reader(path); // throws with the file's name when it is no container
        importance = hasImportanceArrays(reader);
    }
    throwIfCancelled(progress);
    if (importance) {
        data.importance = importanceFromContainer(path);
    } else {
        data.importanceNote =
            AnalysisJobText::tr(
                "%1 holds no importance: only containers compressed with calibration "
                "(NWC or GPTQ) have it.")
                .arg(QFileInfo(path).fileName());
    }
    reportProgress(progress, 0.6, AnalysisJobText::tr("reading the compensation report"));
    throwIfCancelled(progress);
    data.compensation = readCompensationReport(path);
    reportProgress(progress, 1.0, AnalysisJobText::tr("done"));
    return data;
}

AnalysisData loadAnalysisFile(const QString &path, ProgressSink *progress) {
    if (!QFileInfo(path).isFile())
        throw Error(AnalysisJobText::tr("%1 does not exist or is not a file.").arg(path));
    QStringList reasons;
    reportProgress(progress, 0.0,
                   AnalysisJobText::tr("reading %1").arg(QFileInfo(path).fileName()));
    try {
        AnalysisData data;
        data.kind = AnalysisData::Kind::SweepSession;
        data.path = QFileInfo(path).absoluteFilePath();
        data.session = loadSweepSession(path);
        reportProgress(progress, 1.0, AnalysisJobText::tr("done"));
        return data;
    } catch (const Error &error) {
        reasons.append(AnalysisJobText::tr("as a sweep session: %1").arg(error.message()));
    }
    throwIfCancelled(progress);
    try {
        const CalibrationData calibration = CalibrationData::load(path);
        AnalysisData data;
        data.kind = AnalysisData::Kind::Calibration;
        data.path = QFileInfo(path).absoluteFilePath();
        reportProgress(progress, 0.3, AnalysisJobText::tr("reading the importance"));
        data.importance = importanceFromCalibration(calibration);
        reportProgress(progress, 1.0, AnalysisJobText::tr("done"));
        return data;
    } catch (const Error &error) {
        reasons.append(AnalysisJobText::tr("as a calibration file: %1").arg(error.message()));
    }
    throwIfCancelled(progress);
    try {
        { const NwcReader probe(path); }
    } catch (const Error &error) {
        reasons.append(AnalysisJobText::tr("as a .nwc container: %1").arg(error.message()));
        throw Error(
            AnalysisJobText::tr("%1 is not a sweep session (nwc sweep), a calibration file (nwc "
                                "calibrate) or a compressed .nwc model.\n\n%2")
                .arg(QFileInfo(path).fileName(), reasons.join(QLatin1Char('\n'))));
    }
    return containerAnalysis(path, progress);
}

ImportanceMap computeImportance(const QString &modelSpec, const QString &textPath,
                                const CalibrationSettings &settings, ProgressSink *progress,
                                const LanguageModelPtr &open, const ComputeOptions &options) {
    LanguageModelPtr model = open;
    if (!model) {
        PhaseProgress part(progress, 0.0, 0.1, AnalysisJobText::tr("loading the model"));
        model = LanguageModel::load(modelSpec, QString(), &part, options);
    }
    PhaseProgress part(progress, 0.1, 1.0, AnalysisJobText::tr("calibration"));
    const CalibrationData calibration = calibrate(*model, textPath, settings, QString(), &part);
    throwIfCancelled(progress);
    return importanceFromCalibration(calibration);
}

} // namespace nwc
