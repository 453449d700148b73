// The rate–distortion sweep (runSweep): one compression + evaluation per (method, bit rate),
// saved to the session file after every point so a stopped sweep resumes.
#include "analysis/sweepsession.h"

#include "analysis/calibration.h"
#include "analysis/calibrationdata.h"
#include "analysis/calibrationwindows.h"
#include "analysis/compressedevaluation.h"
#include "analysis/compressionmemory.h"
#include "analysis/compressionplan.h"
#include "analysis/modelcompressor.h"
#include "analysis/sweepsharing.h"
#include "codec/compressedcheckpoint.h"
#include "codec/compressibletensor.h"
#include "dist/world.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/evaluator.h"
#include "lm/languagemodel.h"
#include "lm/runtimememory.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace nwc {
namespace {

/// Whether two model or file specs name the same thing (demo specs and resource paths by
/// their text, files by their absolute path).
bool sameSpec(const QString &a, const QString &b) {
    if (a == b)
        return true;
    if (a.isEmpty() || b.isEmpty() || a.startsWith(QLatin1Char(':')) ||
        b.startsWith(QLatin1Char(':')) || a.startsWith(QLatin1String("demo:")) ||
        b.startsWith(QLatin1String("demo:")))
        return false;
    const QFileInfo first(a);
    const QFileInfo second(b);
    if (first.exists() && second.exists())
        return first.canonicalFilePath() == second.canonicalFilePath();
    return first.absoluteFilePath() == second.absoluteFilePath();
}

QString shown(const QString &text) {
    return text.isEmpty() ? QStringLiteral("(none)") : text;
}

/// Refuses to resume a session measured on other terms.
void checkResumable(const SweepSettings &stored, const SweepSettings &wanted,
                    const QString &sessionPath) {
    struct Difference {
        QString what;
        QString before;
        QString now;
    };
    std::vector<Difference> differences;
    if (!sameSpec(stored.model, wanted.model))
        differences.push_back({QStringLiteral("model"), stored.model, wanted.model});
    if (!sameSpec(stored.textPath, wanted.textPath))
        differences.push_back(
            {QStringLiteral("evaluation text"), shown(stored.textPath), shown(wanted.textPath)});
    if (stored.contextLength != wanted.contextLength)
        differences.push_back({QStringLiteral("context length"),
                               QString::number(stored.contextLength),
                               QString::number(wanted.contextLength)});
    if (stored.stride != wanted.stride)
        differences.push_back({QStringLiteral("stride"), QString::number(stored.stride),
                               QString::number(wanted.stride)});
    if (stored.maxBytes != wanted.maxBytes)
        differences.push_back({QStringLiteral("maximum bytes of text"),
                               QString::number(stored.maxBytes), QString::number(wanted.maxBytes)});
    if (!sameSpec(stored.calibrationText, wanted.calibrationText))
        differences.push_back({QStringLiteral("calibration text"), shown(stored.calibrationText),
                               shown(wanted.calibrationText)});
    if (stored.calibrationSamples != wanted.calibrationSamples)
        differences.push_back({QStringLiteral("calibration samples"),
                               QString::number(stored.calibrationSamples),
                               QString::number(wanted.calibrationSamples)});
    if (stored.calibrationLength != wanted.calibrationLength)
        differences.push_back({QStringLiteral("calibration length"),
                               QString::number(stored.calibrationLength),
                               QString::number(wanted.calibrationLength)});
    if (stored.allocation != wanted.allocation)
        differences.push_back({QStringLiteral("NWC allocation"),
                               allocationWeightingName(stored.allocation),
                               allocationWeightingName(wanted.allocation)});
    if (stored.rateWeight != wanted.rateWeight)
        differences.push_back({QStringLiteral("NWC rate weight"),
                               QString::number(stored.rateWeight),
                               QString::number(wanted.rateWeight)});
    if (stored.groupSize != wanted.groupSize)
        differences.push_back({QStringLiteral("group size"), QString::number(stored.groupSize),
                               QString::number(wanted.groupSize)});
    if (differences.empty())
        return;
    QStringList parts;
    for (const Difference &d : differences)
        parts.append(QStringLiteral("%1 %2 (this run: %3)").arg(d.what, d.before, d.now));
    throw Error(QStringLiteral("%1 holds a sweep measured with other settings: %2. Resume it "
                               "with the same settings, or choose another session file")
                    .arg(sessionPath, parts.join(QStringLiteral("; "))));
}

QString durationText(double seconds) {
    const qint64 total = qint64(std::llround(std::max(0.0, seconds)));
    if (total < 60)
        return QStringLiteral("%1 s").arg(total);
    if (total < 3600)
        return QStringLiteral("%1 min %2 s")
            .arg(total / 60)
            .arg(total % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min")
        .arg(total / 3600)
        .arg((total % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QByteArray readText(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(
            QStringLiteral("cannot read the evaluation text %1: %2").arg(path, file.errorString()));
    return file.readAll();
}

/// A point the codecs or code widths cannot reach (compressModel refuses those before work, or
/// finds the step grid too coarse).
bool isUnreachable(const Error &error) {
    const QString message = error.message();
    return message.contains(QLatin1String("out of reach")) ||
           message.contains(QLatin1String("could not reach")) ||
           message.contains(QLatin1String("no codec is within"));
}

/// Σ_j imp_j Σ_rows (w − ŵ)² / Σ_j imp_j Σ_rows w² over the compressed tensors.
double weightedSquaredError(const Checkpoint &original, const Checkpoint &compressed,
                            const CalibrationData *calibration, ProgressSink *progress) {
    const auto *container = dynamic_cast<const CompressedCheckpoint *>(&compressed);
    const double tokens = calibration ? double(std::max<int64_t>(1, calibration->tokens())) : 1.0;
    std::vector<const TensorInfo *> tensors;
    for (const TensorInfo &info : original.tensors()) {
        if (isCompressibleTensor(info) && (!container || container->isCompressed(info.name)))
            tensors.push_back(&info);
    }
    double error = 0.0;
    double energy = 0.0;
    for (size_t t = 0; t < tensors.size(); ++t) {
        throwIfCancelled(progress);
        const TensorInfo &info = *tensors[t];
        reportProgress(progress, double(t) / double(tensors.size()),
                       QStringLiteral("weighted error of %1").arg(info.name));
        const std::vector<float> weights = original.readFloat32(info.name);
        const std::vector<float> decoded = compressed.readFloat32(info.name);
        if (weights.size() != decoded.size())
            throw Error(QStringLiteral("%1: %2 decodes to %3 values, the original has %4")
                            .arg(compressed.source(), info.name)
                            .arg(decoded.size())
                            .arg(weights.size()));
        const int64_t rows = info.shape[0];
        const int64_t columns = info.shape[1];
        // Importance is per input column; GPT-2's Conv1D weights are stored [in, out].
        const bool transposed = isStoredTransposed(original.config(), info.name);
        const int64_t inputs = transposed ? rows : columns;
        std::vector<double> importance;
        if (calibration && calibration->has(info.name)) {
            importance = calibration->importance(info.name);
            if (int64_t(importance.size()) != inputs)
                throw Error(QStringLiteral("calibration file %1: %2 has %3 columns of "
                                           "statistics, the tensor has %4 inputs")
                                .arg(calibration->path(), info.name)
                                .arg(importance.size())
                                .arg(inputs));
            for (double &value : importance)
                value /= tokens;
        } else {
            importance.assign(size_t(inputs), 1.0);
        }
        for (int64_t r = 0; r < rows; ++r) {
            const float *w = weights.data() + r * columns;
            const float *q = decoded.data() + r * columns;
            if (transposed) {
                const double imp = importance[size_t(r)];
                double rowError = 0.0;
                double rowEnergy = 0.0;
                for (int64_t c = 0; c < columns; ++c) {
                    const double d = double(w[c]) - double(q[c]);
                    rowError += d * d;
                    rowEnergy += double(w[c]) * double(w[c]);
                }
                error += imp * rowError;
                energy += imp * rowEnergy;
            } else {
                for (int64_t c = 0; c < columns; ++c) {
                    const double d = double(w[c]) - double(q[c]);
                    error += importance[size_t(c)] * d * d;
                    energy += importance[size_t(c)] * double(w[c]) * double(w[c]);
                }
            }
        }
    }
    return energy > 0.0 ? error / energy : 0.0;
}

} // namespace

bool sweepMethodSettings(const QString &name, CompressionSettings *settings) {
    CompressionMethod method = CompressionMethod::Nwc;
    bool ldlq = false;
    bool fineTune = false;
    if (name == QLatin1String("nwc")) {
    } else if (name == QLatin1String("nwc+ldlq")) {
        ldlq = true;
    } else if (name == QLatin1String("nwc+finetune")) {
        fineTune = true;
    } else if (name == QLatin1String("nwc+comp")) {
        ldlq = true;
        fineTune = true;
    } else if (name == QLatin1String("rtn")) {
        method = CompressionMethod::Rtn;
    } else if (name == QLatin1String("gptq")) {
        method = CompressionMethod::Gptq;
    } else {
        return false;
    }
    if (settings) {
        settings->method = method;
        settings->compensation.ldlq = ldlq;
        settings->compensation.fineTune = fineTune;
    }
    return true;
}

/// The compression settings of one point; `calibrationFile` is the calibration every point
/// shares (empty before it exists).
CompressionSettings pointSettings(const SweepSettings &settings, const PlannedPoint &point,
                                  const QString &calibrationFile) {
    CompressionSettings compression;
    sweepMethodSettings(point.method, &compression);
    compression.targetBitsPerWeight = point.bits;
    compression.calibrationText = settings.calibrationText;
    compression.calibrationFile = calibrationFile;
    compression.calibrationSamples = settings.calibrationSamples;
    compression.calibrationLength = settings.calibrationLength;
    compression.groupSize = settings.groupSize;
    compression.allocation = settings.allocation;
    compression.rateWeight = settings.rateWeight;
    compression.compute = settings.compute;
    return compression;
}

/// The memory guard of a sweep, before anything is loaded: every method at its highest planned
/// rate, compressed and evaluated while the original stays loaded (the open model, or the
/// sweep's own copy, counted in every phase). Points whose rate is out of range are left to
/// the loop, which skips them.
void requireSweepMemory(const SweepSettings &settings, const std::vector<PlannedPoint> &planned,
                        const QString &sessionPath, const std::shared_ptr<LanguageModel> &open) {
    std::map<QString, PlannedPoint> highest;
    for (const PlannedPoint &point : planned) {
        const auto found = highest.find(point.method);
        if (found == highest.end() || found->second.bits < point.bits)
            highest[point.method] = point;
    }
    for (const auto &entry : highest) {
        CompressionPlan plan;
        try {
            // The session's folder stands in for the containers' (it was checked to exist).
            plan = planCompression(settings.model, pointSettings(settings, entry.second, QString()),
                                   sessionPath);
        } catch (const Error &) {
            continue; // an unreachable point (or model): reported by the loop
        }
        plan.openModel = open;
        MemoryPlan memory = compressionMemoryPlan(plan, true);
        if (!open) {
            const MemoryItem original{
                QStringLiteral("runtime of the original %1").arg(plan.checkpoint->displayName()),
                runtimeBytes(*plan.checkpoint, settings.compute)};
            for (MemoryPhase &phase : memory.phases)
                if (phase.name != QStringLiteral("calibrating"))
                    phase.items.push_back(original);
        }
        requireMemoryPlan(memory, QStringLiteral("sweeping %1 (%2)")
                                      .arg(plan.checkpoint->displayName(),
                                           sweepPointName(entry.first, entry.second.bits)));
    }
}

SweepSession runSweep(const SweepSettings &settings, const QString &sessionPath,
                      ProgressSink *progress, const SweepObserver &observer,
                      const std::shared_ptr<LanguageModel> &open) {
    // Everything that can be checked before any work.
    if (settings.model.isEmpty())
        throw Error(QStringLiteral("no model to sweep was given"));
    if (sessionPath.isEmpty())
        throw Error(QStringLiteral("no session file was given"));
    if (settings.bits.empty())
        throw Error(QStringLiteral("no bit rates to sweep were given"));
    if (settings.methods.isEmpty())
        throw Error(QStringLiteral("no methods to sweep were given"));
    for (const QString &method : settings.methods) {
        if (!sweepMethodSettings(method, nullptr))
            throw Error(QStringLiteral("unknown sweep method '%1' (use nwc, nwc+ldlq, "
                                       "nwc+finetune, nwc+comp, rtn or gptq)")
                            .arg(method));
    }
    for (double bits : settings.bits) {
        if (!std::isfinite(bits) || bits <= 0.0)
            throw Error(QStringLiteral("bit rates must be positive; got %1").arg(bits));
    }
    if (settings.textPath.isEmpty())
        throw Error(QStringLiteral("no evaluation text was given"));
    if (!QFileInfo(sessionPath).absoluteDir().exists())
        throw Error(QStringLiteral("%1: the folder does not exist").arg(sessionPath));

    // With a process group (docs/distributed.md) rank 0 owns the session file: it reads it and
    // says which points remain; the points are dealt to the ranks in rounds.
    dist::ProcessGroup *group = dist::world();
    const bool root = dist::isRoot();
    SweepSession session;
    bool resumed = false;
    if (root && QFileInfo::exists(sessionPath)) {
        session = loadSweepSession(sessionPath);
        checkResumable(session.settings, settings, sessionPath);
        resumed = true;
    }
    session.settings = settings;

    // The points still to measure, methods in the order given.
    std::vector<PlannedPoint> planned;
    for (const QString &method : settings.methods) {
        for (double bits : settings.bits) {
            const bool duplicate =
                std::any_of(planned.begin(), planned.end(), [&](const PlannedPoint &p) {
                    return p.method == method && std::abs(p.bits - bits) < 1e-9;
                });
            if (duplicate || session.find(method, bits))
                continue;
            const QString prefix = sweepPointName(method, bits) + QLatin1Char(':');
            const bool skippedBefore =
                std::any_of(session.skipped.cbegin(), session.skipped.cend(),
                            [&](const QString &line) { return line.startsWith(prefix); });
            if (skippedBefore) {
                reportProgress(progress, 0.0,
                               QStringLiteral("%1 was skipped before; not retried")
                                   .arg(sweepPointName(method, bits)));
                continue;
            }
            planned.push_back({method, bits});
        }
    }
    if (group)
        sharePlan(*group, planned, session.hasReference);
    if (planned.empty() && session.hasReference) {
        if (observer)
            observer(session);
        reportProgress(progress, 1.0, QStringLiteral("every point is already measured"));
        return session;
    }

    requireSweepMemory(settings, planned, sessionPath, open);
    const double units = double(planned.size() + 1);
    const QByteArray text = readText(settings.textPath);
    PerplexitySettings windows;
    windows.contextLength = settings.contextLength;
    windows.stride = settings.stride;
    windows.addBos = true;
    windows.maxBytes = settings.maxBytes;

    // The original model, calibration and the reference: loaded and measured once.
    LanguageModelPtr original;
    CalibrationData calibration;
    bool calibrated = false;
    {
        PhaseProgress setup(progress, 0.0, 1.0 / units);
        {
            PhaseProgress phase(&setup, 0.0, 0.2, QStringLiteral("loading the original model"));
            original =
                open ? open
                     : LanguageModel::load(settings.model, QString(), &phase, settings.compute);
        }
        const bool demo = isDemoModel(*original->checkpoint());
        if (!settings.calibrationText.isEmpty() || demo) {
            PhaseProgress phase(&setup, 0.2, 0.6, QStringLiteral("calibration"));
            CalibrationSettings calibrationSettings;
            calibrationSettings.samples = settings.calibrationSamples;
            calibrationSettings.sequenceLength = settings.calibrationLength;
            calibration = calibrate(*original, settings.calibrationText, calibrationSettings,
                                    QString(), &phase);
            calibrated = true;
        } else {
            for (const PlannedPoint &point : planned) {
                if (point.method != QLatin1String("rtn"))
                    throw Error(QStringLiteral("%1 needs a calibration text for %2: give one "
                                               "(--calib-text FILE)")
                                    .arg(settings.model, point.method));
            }
            reportProgress(&setup, 0.6,
                           QStringLiteral("no calibration text: the weighted MSE weighs every "
                                          "input column equally"));
        }
        if (!session.hasReference && !root) {
            session.hasReference = true; // rank 0 measures it
        } else if (!session.hasReference) {
            int64_t compressedWeights = 0;
            for (const TensorInfo &info : original->checkpoint()->tensors()) {
                if (isCompressibleTensor(info))
                    compressedWeights += info.elementCount();
            }
            PhaseProgress phase(&setup, 0.6, 1.0,
                                QStringLiteral("perplexity of the original model"));
            const PerplexityResult result = evaluatePerplexity(*original, text, windows, &phase);
            session.reference.perplexity = result.perplexity;
            session.reference.bitsPerByte = result.bitsPerByte;
            session.reference.compressedWeights = compressedWeights;
            session.reference.fp16Bytes = 2 * compressedWeights;
            session.reference.tokensScored = result.tokensScored;
            session.hasReference = true;
            saveSweepSession(session, sessionPath);
            if (observer)
                observer(session);
        } else if (resumed && observer) {
            observer(session);
        }
    }

    // Containers go to the kept folder or to a temporary one.
    QTemporaryDir temporary;
    QString folder = settings.containerFolder;
    const bool keep = !folder.isEmpty();
    if (keep) {
        if (!QDir().mkpath(folder))
            throw Error(QStringLiteral("cannot create the container folder %1").arg(folder));
    } else {
        if (!temporary.isValid())
            throw Error(QStringLiteral("cannot create a temporary folder for the containers: %1")
                            .arg(temporary.errorString()));
        folder = temporary.path();
    }

    double measuredSeconds = 0.0;
    int measured = 0;
    // Measures planned point `i` in this process: its outcome (a point, or why it was skipped).
    const auto measurePoint = [&](const PlannedPoint &planPoint, size_t i) -> PointOutcome {
        const QString name = sweepPointName(planPoint.method, planPoint.bits);
        QString label = QStringLiteral("%1 (%2/%3").arg(name).arg(i + 1).arg(planned.size());
        if (measured > 0)
            label +=
                QStringLiteral(", about %1 left")
                    .arg(durationText(measuredSeconds / measured * double(planned.size() - i)));
        label += QLatin1Char(')');
        PhaseProgress pointProgress(progress, double(i + 1) / units, double(i + 2) / units, label);
        const auto skip = [&](const QString &reason) {
            reportProgress(&pointProgress, 1.0, QStringLiteral("skipped: ") + reason);
            PointOutcome skipped;
            skipped.skipped = true;
            skipped.skipLine = name + QStringLiteral(": ") + reason;
            return skipped;
        };

        CompressionSettings compression =
            pointSettings(settings, planPoint, calibrated ? calibration.path() : QString());
        if (compression.method != CompressionMethod::Nwc) {
            const long width = std::lround(planPoint.bits);
            if (std::abs(planPoint.bits - double(width)) > 1e-9 || width < 2 || width > 8) {
                return skip(QStringLiteral("%1 takes whole code widths from 2 to 8 bits")
                                .arg(planPoint.method.toUpper()));
            }
        }

        const QString containerPath =
            QDir(folder).filePath(planPoint.method + QLatin1Char('-') +
                                  QString::number(planPoint.bits) + QStringLiteral(".nwc"));
        QElapsedTimer timer;
        timer.start();
        CompressionSummary summary;
        try {
            PhaseProgress phase(&pointProgress, 0.0, 0.6);
            summary = compressModel(settings.model, compression, containerPath, &phase, original);
        } catch (const Cancelled &) {
            throw;
        } catch (const Error &error) {
            if (!isUnreachable(error))
                throw;
            return skip(error.message());
        }

        SweepPoint point;
        point.method = planPoint.method;
        point.targetBits = planPoint.bits;
        point.bitsPerWeight = summary.achievedBitsPerWeight;
        point.fileBytes = summary.fileBytes;
        point.countedBytes = summary.countedBytes;
        {
            PhaseProgress phase(&pointProgress, 0.6, 0.95);
            const CompressedModelEvaluation evaluation =
                evaluateCompressedModel(*original, containerPath, text, windows, false, &phase);
            point.perplexity = evaluation.compressed.perplexity;
            point.bitsPerByte = evaluation.compressed.bitsPerByte;
            point.klMean = evaluation.comparison.meanKl;
            point.klP99 = evaluation.comparison.p99Kl;
            point.sameTopRate = evaluation.comparison.sameTopRate;
            PhaseProgress mse(&pointProgress, 0.95, 1.0, QStringLiteral("weighted MSE"));
            point.weightedMse = weightedSquaredError(*original->checkpoint(),
                                                     *evaluation.compressedModel->checkpoint(),
                                                     calibrated ? &calibration : nullptr, &mse);
        }
        point.seconds = double(timer.elapsed()) / 1000.0;
        if (keep)
            point.containerPath = QFileInfo(containerPath).absoluteFilePath();
        else
            QFile::remove(containerPath);
        reportProgress(&pointProgress, 1.0,
                       QStringLiteral("%1 bits per weight, perplexity %2")
                           .arg(point.bitsPerWeight, 0, 'f', 3)
                           .arg(point.perplexity, 0, 'f', 3));
        PointOutcome measuredPoint;
        measuredPoint.point = point;
        return measuredPoint;
    };
    const size_t ranks = group ? size_t(group->size()) : 1;
    const size_t rank = group ? size_t(group->rank()) : 0;
    for (size_t roundStart = 0; roundStart < planned.size(); roundStart += ranks) {
        throwIfCancelled(progress);
        // This round: point roundStart + r goes to rank r (one point per round in one process).
        const size_t i = roundStart + rank;
        std::optional<PointOutcome> outcome;
        if (i < planned.size()) {
            const dist::LocalOnly alone; // each rank measures its point on its own
            outcome = measurePoint(planned[i], i);
        }
        std::vector<PointOutcome> outcomes;
        if (group)
            outcomes = shareRound(*group, outcome, int(roundStart / ranks));
        else if (outcome)
            outcomes.push_back(*outcome);
        bool newPoints = false;
        for (const PointOutcome &done : outcomes) {
            if (done.skipped) {
                session.skipped.append(done.skipLine);
                continue;
            }
            session.points.push_back(done.point);
            measuredSeconds += done.point.seconds;
            ++measured;
            newPoints = true;
        }
        if (root)
            saveSweepSession(session, sessionPath);
        if (observer && root && newPoints)
            observer(session);
    }
    reportProgress(progress, 1.0, QStringLiteral("done"));
    return session;
}

} // namespace nwc
