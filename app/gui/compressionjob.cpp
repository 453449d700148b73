#include "compressionjob.h"

#include "analysis/compressedevaluation.h"
#include "analysis/compressionmemory.h"
#include "analysis/compressionplan.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <algorithm>
#include <new>
#include <utility>

namespace nwc {
namespace {

// The translation context of this file's messages (lupdate reads it from the macro).
struct CompressionJobText {
    Q_DECLARE_TR_FUNCTIONS(nwc::CompressionJob)
};

QByteArray readText(const QString &path) {
    if (path.isEmpty())
        throw Error(
            CompressionJobText::tr("no evaluation text was given: choose a calibration text, or "
                                   "compress without evaluation"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(CompressionJobText::tr("cannot read the evaluation text %1: %2")
                        .arg(describeTextPath(path), file.errorString()));
    return file.readAll();
}

CompressionEvaluation evaluate(const CompressionJobSettings &settings,
                               const LanguageModelPtr &loadedReference, ProgressSink *progress) {
    QElapsedTimer timer;
    timer.start();
    CompressionEvaluation evaluation;
    evaluation.textPath = settings.evaluation.textPath;
    const QByteArray text = readText(settings.evaluation.textPath);

    LanguageModelPtr reference = loadedReference;
    if (!reference) {
        PhaseProgress phase(progress, 0.0, 0.1,
                            CompressionJobText::tr("loading the original model"));
        reference = LanguageModel::load(settings.modelSpec, QString(), &phase,
                                        settings.compression.compute);
    }
    PerplexitySettings windows;
    windows.contextLength =
        std::max(2, std::min(settings.evaluation.contextLength, reference->config().maxPositions));
    windows.stride = std::clamp(settings.evaluation.stride, 1, windows.contextLength - 1);
    windows.addBos = true;
    windows.maxBytes = settings.evaluation.maxBytes;
    EvaluationPhaseNames names;
    names.loading = CompressionJobText::tr("loading the compressed model");
    names.original = CompressionJobText::tr("perplexity of the original");
    names.compressed = CompressionJobText::tr("perplexity of the compressed model");
    names.divergence = CompressionJobText::tr("KL divergence");
    PhaseProgress phase(progress, 0.1, 1.0);
    const CompressedModelEvaluation measured = evaluateCompressedModel(
        *reference, settings.outputPath, text, windows, true, &phase, names);
    evaluation.original = measured.original;
    evaluation.compressed = measured.compressed;
    evaluation.comparison = measured.comparison;
    evaluation.seconds = timer.elapsed() / 1000.0;
    return evaluation;
}

} // namespace

CompressionJobResult runCompressionJob(const CompressionJobSettings &settings,
                                       ProgressSink *progress, const LanguageModelPtr &reference) {
    CompressionJobResult result;
    result.settings = settings;
    const double compressionShare = settings.evaluate ? 0.6 : 1.0;
    if (settings.evaluate) {
        // Up front: compression and the evaluation of its result (compressModel checks
        // compression alone).
        CompressionPlan plan =
            planCompression(settings.modelSpec, settings.compression, settings.outputPath);
        plan.openModel = reference;
        requireMemoryPlan(compressionMemoryPlan(plan, true),
                          compressionJobName(plan) + QStringLiteral(" and evaluating the result"));
    }
    {
        PhaseProgress phase(progress, 0.0, compressionShare);
        result.summary = compressModel(settings.modelSpec, settings.compression,
                                       settings.outputPath, &phase, reference);
    }
    if (!settings.evaluate)
        return result;

    PhaseProgress phase(progress, compressionShare, 1.0);
    try {
        result.evaluation = evaluate(settings, reference, &phase);
        result.evaluated = true;
    } catch (const Cancelled &) {
        // The whole job is cancelled: take back the file it wrote.
        QFile::remove(settings.outputPath);
        throw;
    } catch (const Error &error) {
        result.evaluationError = error.message();
    } catch (const std::bad_alloc &) {
        result.evaluationError = CompressionJobText::tr(
            "the original and the compressed model do not both fit in memory");
    } catch (const std::exception &error) {
        result.evaluationError = QString::fromLocal8Bit(error.what());
    }
    throwIfCancelled(progress);
    reportProgress(progress, 1.0, CompressionJobText::tr("done"));
    return result;
}

QString demoHeldoutTextPath() {
    try {
        const QString teacher = Checkpoint::resolveSpec(QStringLiteral("demo:teacher"));
        const QString path = QFileInfo(teacher).path() + QStringLiteral("/heldout.txt");
        return QFileInfo::exists(path) ? path : QString();
    } catch (const Error &) {
        return QString(); // the demo models are not installed
    }
}

QString describeTextPath(const QString &path) {
    if (path.isEmpty())
        return QString();
    const QString demo = demoHeldoutTextPath();
    if (!demo.isEmpty() && QFileInfo(path).absoluteFilePath() == QFileInfo(demo).absoluteFilePath())
        return CompressionJobText::tr("heldout.txt (built-in demo held-out text)");
    return path.startsWith(QLatin1Char(':')) ? QFileInfo(path).fileName() : path;
}

qint64 copyCompressedCheckpoint(const QString &source, const QString &destination,
                                ProgressSink *progress) {
    QFile input(source);
    if (!input.open(QIODevice::ReadOnly))
        throw Error(CompressionJobText::tr("cannot read %1: %2").arg(source, input.errorString()));
    if (QFileInfo(source).absoluteFilePath() == QFileInfo(destination).absoluteFilePath())
        throw Error(CompressionJobText::tr("%1 is the file being exported; choose another name")
                        .arg(source));
    QSaveFile output(destination);
    if (!output.open(QIODevice::WriteOnly))
        throw Error(
            CompressionJobText::tr("cannot write %1: %2").arg(destination, output.errorString()));
    const qint64 total = input.size();
    constexpr qint64 kChunk = qint64(8) << 20;
    qint64 copied = 0;
    while (!input.atEnd()) {
        if (progress && progress->cancelled()) {
            output.cancelWriting();
            throw Cancelled();
        }
        const QByteArray chunk = input.read(kChunk);
        if (chunk.isEmpty() && input.error() != QFileDevice::NoError)
            throw Error(
                CompressionJobText::tr("cannot read %1: %2").arg(source, input.errorString()));
        if (output.write(chunk) != chunk.size())
            throw Error(CompressionJobText::tr("cannot write %1: %2")
                            .arg(destination, output.errorString()));
        copied += chunk.size();
        reportProgress(progress, total > 0 ? double(copied) / double(total) : 1.0,
                       CompressionJobText::tr("copying %1").arg(QFileInfo(source).fileName()));
    }
    if (!output.commit())
        throw Error(
            CompressionJobText::tr("cannot write %1: %2").arg(destination, output.errorString()));
    return copied;
}

} // namespace nwc
