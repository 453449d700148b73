#pragma once
// The work behind the analysis docks: reading a file's analysis (sweep session, calibration
// file, .nwc container) and computing a model's importance. Torch-free; runs on a JobRunner
// worker with the job's ProgressSink.

#include "analysis/calibrationdata.h"
#include "analysis/compensation.h"
#include "analysis/importancemap.h"
#include "analysis/sweepsession.h"
#include "lm/languagemodel.h"

#include <QString>

namespace nwc {

class ProgressSink;

/// What an analysis file held.
struct AnalysisData {
    enum class Kind { SweepSession, Calibration, Container };
    Kind kind = Kind::Container;
    QString path;
    /// Kind::SweepSession.
    SweepSession session;
    /// Kind::Calibration and Kind::Container (empty for a container written without
    /// calibration, e.g. RTN; `importanceNote` says so then).
    ImportanceMap importance;
    QString importanceNote;
    /// Kind::Container (empty when it was compressed without compensation).
    CompensationReport compensation;

    /// True when nothing in it can be shown.
    bool empty() const {
        return session.points.empty() && !session.hasReference && importance.layers.empty() &&
               compensation.empty();
    }
};

/// The importance and compensation report of the .nwc container at `path`. A container
/// without importance arrays gives an empty map and a note, not an error. Throws nwc::Error
/// naming the file when it cannot be read.
AnalysisData containerAnalysis(const QString &path, ProgressSink *progress);

/// Opens `path` as a sweep session, a calibration file or a .nwc container, trying them in
/// that order. Throws nwc::Error naming the file, with each reader's reason, when none fits.
AnalysisData loadAnalysisFile(const QString &path, ProgressSink *progress);

/// Runs calibrate() on `textPath` (empty: the demo corpus, demo models only) with `open` (the
/// model the workbench shows, when it is `modelSpec`) or else a model loaded from `modelSpec`
/// on the device of `options`; the result is cached, so a second run is quick. Throws
/// nwc::Error and nwc::Cancelled.
ImportanceMap computeImportance(const QString &modelSpec, const QString &textPath,
                                const CalibrationSettings &settings, ProgressSink *progress,
                                const LanguageModelPtr &open = {},
                                const ComputeOptions &options = {});

} // namespace nwc
