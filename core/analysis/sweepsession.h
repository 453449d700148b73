#pragma once
// Rate–distortion sweep (`nwc sweep`, Compress › Sweep…; docs/formats.md, Sweep sessions): one
// compression + evaluation per (method, bit rate), results kept in an HDF5 session file so a
// stopped sweep resumes where it left off. Plain value types for the RD and Compensation views;
// torch-free header.

#include "analysis/modelcompressor.h"
#include "jobs/computeoptions.h"

#include <QJsonDocument>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace nwc {

class LanguageModel;
class ProgressSink;
struct CompressionSettings;

/// What to sweep and how to measure it.
struct SweepSettings {
    /// Model spec (anything Checkpoint::open accepts).
    QString model;
    /// Target bits per weight: NWC targets these rates (side information included); RTN and
    /// GPTQ use them as code widths (whole numbers 2..8; others are skipped with a note).
    std::vector<double> bits = {2, 3, 4, 5, 6, 8};
    /// "nwc", "nwc+ldlq", "nwc+finetune", "nwc+comp" (both parts), "rtn", "gptq".
    QStringList methods = {QStringLiteral("nwc"), QStringLiteral("nwc+comp"), QStringLiteral("rtn"),
                           QStringLiteral("gptq")};
    /// Evaluation text and windowing (perplexity and the comparison with the original).
    QString textPath;
    int contextLength = 256;
    int stride = 128;
    qint64 maxBytes = -1;
    /// Calibration text (empty: the evaluation text is not used for calibration; demo models
    /// use their corpus), windows and their length.
    QString calibrationText;
    int calibrationSamples = 32;
    int calibrationLength = 256;
    /// RTN / GPTQ group size.
    int groupSize = 128;
    /// What NWC's bit allocation balances (CompressionSettings::allocation). Sessions written
    /// before it was stored were made with the absolute rule and read as such.
    AllocationWeighting allocation = AllocationWeighting::Relative;
    /// Rate weight of NWC's index choice (CompressionSettings::rateWeight); 0 in sessions
    /// written before it was stored.
    double rateWeight = kDefaultRateWeight;
    /// Keep each point's .nwc container in this folder (empty: containers are deleted after
    /// measuring).
    QString containerFolder;
    /// Where and how the points are computed (not stored in the session: a sweep may resume on
    /// another device).
    ComputeOptions compute;
};

/// One measured point.
struct SweepPoint {
    QString method;
    double targetBits = 0.0;
    /// 8 × counted bytes / compressed weights.
    double bitsPerWeight = 0.0;
    /// Size of the .nwc file and the counted bytes of the compressed tensors.
    int64_t fileBytes = 0;
    int64_t countedBytes = 0;
    /// Σ_layers Σ_j importance_j Σ_rows (w − ŵ)² / Σ_layers Σ_j importance_j Σ_rows w²
    /// (relative, importance-weighted squared error of the decoded weights).
    double weightedMse = 0.0;
    double perplexity = 0.0;
    double bitsPerByte = 0.0;
    /// KL(original ‖ compressed) per scored position, nats.
    double klMean = 0.0;
    double klP99 = 0.0;
    double sameTopRate = 0.0;
    /// Wall time of compression + evaluation.
    double seconds = 0.0;
    /// The kept container ("" when not kept).
    QString containerPath;
};

/// The uncompressed model on the same text and windows.
struct SweepReference {
    double perplexity = 0.0;
    double bitsPerByte = 0.0;
    /// Weights the methods compress, and their size at 16 bits (the FP16 reference's bytes).
    int64_t compressedWeights = 0;
    int64_t fp16Bytes = 0;
    int64_t tokensScored = 0;
};

/// A sweep's settings, reference and finished points.
struct SweepSession {
    SweepSettings settings;
    SweepReference reference;
    bool hasReference = false;
    std::vector<SweepPoint> points;
    /// Points that could not be measured, one line each: "<method> @ <bits>: <why>" (a rate
    /// out of the codecs' reach, a code width RTN/GPTQ do not have). A resumed sweep does not
    /// retry them.
    QStringList skipped;

    /// The finished point for (method, target), or nullptr.
    const SweepPoint *find(const QString &method, double targetBits) const;
    /// Methods in the order they first appear in `points`.
    QStringList methods() const;
};

/// "<method> @ <bits>" (bits as QString::number writes them): how a point is named in
/// progress messages and in SweepSession::skipped.
QString sweepPointName(const QString &method, double targetBits);

/// One line describing what a sweep measures on (model, text and windows, calibration, group
/// size), shown above its table and in the CSV's comment line.
QString sweepSettingsText(const SweepSettings &settings);

/// HDF5 session file: attributes format="nwc-sweep", format_version, settings (JSON);
/// /reference attributes; /points a compound-free table of columns (method strings, float64 and
/// int64 arrays); /skipped (strings). Written atomically (temporary file + rename).
void saveSweepSession(const SweepSession &session, const QString &path);
/// Throws nwc::Error naming the file when it is missing, not a sweep session or damaged.
SweepSession loadSweepSession(const QString &path);

/// One row per point with the settings and the reference in a leading comment line; header row
/// of column names; perplexity_ratio is the point's perplexity over the reference's.
QString sweepCsv(const SweepSession &session);
QJsonDocument sweepJson(const SweepSession &session);

/// Called after every finished point (and once for the reference, or once for the loaded session
/// when a sweep resumes) with the session so far.
using SweepObserver = std::function<void(const SweepSession &)>;

/// Whether `name` is a sweep method; fills `settings` (method and compensation) when it is.
bool sweepMethodSettings(const QString &name, CompressionSettings *settings);

/// Runs every (method, bits) point of `settings` that `sessionPath` does not already hold,
/// saving the session after each point (a rerun with the same settings resumes; a session
/// made with different model, text, windows or calibration is refused with a message saying
/// which setting differs). Progress messages carry the point and an ETA from the points
/// measured so far. Unreachable points (a rate out of the codecs' range, a code width RTN/GPTQ
/// do not have) are reported and listed in `skipped`, not failures. The original model is
/// loaded and measured once; calibrate() runs once (its cached file serves every point). The
/// returned and saved session holds this run's settings and every point measured so far, also
/// those of earlier runs. Throws nwc::Error, nwc::Cancelled (the session file keeps the
/// finished points). `open`, when given, is `settings.model` already loaded (the GUI's open
/// model): it serves as the original instead of a second copy.
SweepSession runSweep(const SweepSettings &settings, const QString &sessionPath,
                      ProgressSink *progress = nullptr, const SweepObserver &observer = {},
                      const std::shared_ptr<LanguageModel> &open = {});

} // namespace nwc
