// Cancelling any long job stops it within a second and frees its memory (issue 6, "Release
// quality"). Every kind of long job the workbench runs is started through nwc::JobRunner (the
// GUI's path) on the built-in demo models with settings that keep it busy for seconds, cancelled
// once it has made progress, and checked for (a) the latency from cancel() to the runner
// reporting it Cancelled, (b) heap in use back at its value before the job, and (c) no
// half-written file left behind.
#include "analysis/calibration.h"
#include "analysis/modelcompressor.h"
#include "analysis/sweepsession.h"
#include "codec/codecfile.h"
#include "codec/codectrainer.h"
#include "codec/compressedcheckpoint.h"
#include "decode/collabbenchmark.h"
#include "decode/collaborativedecoder.h"
#include "jobs/error.h"
#include "jobs/jobrunner.h"
#include "lm/evaluator.h"
#include "lm/generator.h"
#include "lm/languagemodel.h"
#include "lm/qabenchmark.h"
#include "lm/trainer.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <malloc.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define NWC_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NWC_TEST_ASAN 1
#endif
#endif
#ifdef NWC_TEST_ASAN
// From the sanitizer runtime (GCC does not install <sanitizer/allocator_interface.h>).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

using namespace nwc;

namespace {

/// The issue's requirement: a cancelled job has ended this long after cancel() at the latest.
constexpr qint64 kMaxLatencyMs = 1000;

/// Heap growth tolerated between "before the job" and "after the job ended and was dropped".
/// A leak this test must catch is at least one model tensor: the teacher's MLP matrices are
/// 688 KiB each (688 × 256 float32), its embedding 1 MiB, the student's runtime 1.5 MB and the
/// teacher's 12.7 MB; a leak per window, step or tensor adds up beyond that. What legitimately
/// stays is small and does not grow with the job: glibc's per-thread tcache, Qt's and LibTorch's
/// per-thread state of a pool thread that had not run this kind of job before (the warm-up run
/// usually ran on the same thread, but QThreadPool does not promise it), the runner's bookkeeping.
/// Measured over all jobs: -210 to +239 KiB (glibc), -16 to +157 KiB (ASan's counter).
constexpr qint64 kHeapToleranceBytes = 512 * 1024;

/// Bytes the allocator has handed out and not got back: under ASan its own counter (glibc's
/// mallinfo2 does not see ASan's allocator), otherwise glibc's arenas plus mmapped chunks
/// (large tensors).
qint64 heapInUse() {
#ifdef NWC_TEST_ASAN
    return qint64(__sanitizer_get_current_allocated_bytes());
#else
    const struct mallinfo2 info = mallinfo2();
    return qint64(info.uordblks) + qint64(info.hblkhd);
#endif
}

/// Resident set size from /proc/self/statm (for information: it includes mapped files).
qint64 residentBytes() {
    QFile file(QStringLiteral("/proc/self/statm"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = file.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * sysconf(_SC_PAGESIZE) : -1;
}

QString demoFile(const char *name) {
    return QStringLiteral(NWC_SOURCE_RESOURCES "/demo/") + QLatin1String(name);
}

QByteArray readAll(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read %1").arg(path));
    return file.readAll();
}

/// Every file below `folder` (hidden ones included), as absolute paths.
QSet<QString> filesBelow(const QString &folder) {
    QSet<QString> files;
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files.insert(it.next());
    return files;
}

/// One job, as the GUI would start it: a title and a call that starts it on the runner.
struct JobScenario {
    /// Starts the job on `runner`, results delivered to `receiver`; returns the job id.
    std::function<quint64(JobRunner &runner, QObject *receiver)> start;
    /// Files the job may legitimately leave after a cancel, each with a check that it is
    /// complete (a resumable session saved after each finished unit, a periodic checkpoint,
    /// a finished calibration cached for later). Anything else new is half-written.
    std::function<bool(const QString &path)> mayLeave;
};

/// What happened to one started job.
struct Outcome {
    bool cancelled = false;   ///< the receiver got onCancelled
    bool otherResult = false; ///< it got a result or an error instead
    JobState state = JobState::Queued;
    qint64 latencyMs = -1;
    double fractionAtCancel = -1;
    QString messageAtCancel;
    qint64 runningMsAtCancel = 0;
    QString error;
};

/// Starts a job that returns T with handlers that record what the receiver got.
template <typename Work>
quint64 startRecorded(JobRunner &runner, QObject *receiver, const QString &title, Work work,
                      Outcome *outcome) {
    using T = JobRunner::ResultOf<Work>;
    return runner.start(title, QString(), receiver, std::move(work),
                        JobHandlers<T>{[outcome](const T &) { outcome->otherResult = true; },
                                       [outcome](const QString &message) {
                                           outcome->otherResult = true;
                                           outcome->error = message;
                                       },
                                       [outcome] { outcome->cancelled = true; }});
}

} // namespace

class TestCancellation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cancelStopsAndFrees_data();
    void cancelStopsAndFrees();
    void cleanupTestCase();

private:
    JobScenario scenario(const QString &kind, const QString &folder, Outcome *outcome);
    /// Runs one job until it reaches the cancel point, cancels it and waits for its end.
    void runAndCancel(const JobScenario &job, Outcome *outcome);
    /// Waits for every worker, drops ended jobs and deferred deletes (watchers), so that what
    /// a finished job held can be freed.
    void settle();

    QTemporaryDir m_dir;
    QString m_cacheDir;
    LanguageModelPtr m_teacher;
    LanguageModelPtr m_student;
    QString m_teacherNwc;
    std::shared_ptr<const CompressedCheckpoint> m_compressed;
    QByteArray m_heldout;
    std::vector<int32_t> m_heldoutTokens;
    QVector<QaItem> m_questions;
    std::unique_ptr<JobRunner> m_runner;
    // When the running job is cancelled (see cancelStopsAndFrees_data()).
    QString m_marker;
    double m_fraction = 0;
    int m_delayMs = 0;
    int m_scenarioCount = 0;
};

void TestCancellation::initTestCase() {
    QVERIFY(m_dir.isValid());
    // Calibration files are cached under the generic cache folder: keep them in this test's
    // folder, so that neither an earlier run nor the user's cache decides what a job does.
    m_cacheDir = m_dir.filePath(QStringLiteral("cache"));
    QVERIFY(QDir().mkpath(m_cacheDir));
    qputenv("XDG_CACHE_HOME", QFile::encodeName(m_cacheDir));

    m_teacher = LanguageModel::load(QStringLiteral("demo:teacher"));
    m_student = LanguageModel::load(QStringLiteral("demo:student"));
    m_heldout = readAll(demoFile("heldout.txt"));
    m_heldoutTokens = m_teacher->tokenizer().encode(m_heldout);
    m_questions = loadQaSet(demoFile("arithmetic_qa.jsonl"));

    // Both models' calibration with the compressor's default settings, cached as a compression
    // would leave it: compress jobs then go straight to measuring and coding.
    calibrate(*m_teacher, QString(), CalibrationSettings(), QString(), nullptr);
    calibrate(*m_student, QString(), CalibrationSettings(), QString(), nullptr);

    // The teacher compressed with the learned `fast` codecs (decoded through the codec network
    // when read), for the open and decompress jobs.
    CompressionSettings compression;
    compression.ladderPresets = {QStringLiteral("fast")};
    compression.targetBitsPerWeight = 4.0;
    m_teacherNwc = m_dir.filePath(QStringLiteral("teacher-fast.nwc"));
    compressModel(QStringLiteral("demo:teacher"), compression, m_teacherNwc);
    m_compressed = CompressedCheckpoint::open(m_teacherNwc);
    m_runner = std::make_unique<JobRunner>();
}

void TestCancellation::cleanupTestCase() {
    m_runner.reset();
}

void TestCancellation::settle() {
    QVERIFY(m_runner->waitForDone(60000));
    // The tracker watchers deliver finishJob(); let them run, then drop the ended jobs.
    QCoreApplication::processEvents();
    m_runner->clearFinished();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QCoreApplication::processEvents();
    QCOMPARE(m_runner->jobs().size(), 0);
}

JobScenario TestCancellation::scenario(const QString &kind, const QString &folder,
                                       Outcome *outcome) {
    const QDir dir(folder);
    const LanguageModelPtr teacher = m_teacher;
    const LanguageModelPtr student = m_student;
    const QByteArray heldout = m_heldout;
    JobScenario job;
    job.mayLeave = [](const QString &) { return false; };
    const auto cachedCalibration = [this](const QString &path) {
        if (!path.startsWith(m_cacheDir) || !path.endsWith(QLatin1String(".h5")))
            return false;
        try {
            return CalibrationData::load(path).tokens() > 0;
        } catch (const Error &) {
            return false;
        }
    };

    if (kind == QLatin1String("open")) {
        const QString path = m_teacherNwc;
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Open teacher-fast.nwc"),
                [path](JobContext &context) {
                    return LanguageModel::load(path, QString(), &context);
                },
                outcome);
        };
    } else if (kind == QLatin1String("perplexity")) {
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Perplexity"),
                [teacher, heldout](JobContext &context) {
                    PerplexitySettings settings;
                    settings.contextLength = 256;
                    settings.stride = 128;
                    return evaluatePerplexity(*teacher, heldout, settings, &context);
                },
                outcome);
        };
    } else if (kind == QLatin1String("kl")) {
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("KL divergence"),
                [teacher, student, heldout](JobContext &context) {
                    PerplexitySettings settings;
                    settings.contextLength = 256;
                    settings.stride = 128;
                    return compareWithReference(*student, *teacher, heldout, settings, &context);
                },
                outcome);
        };
    } else if (kind == QLatin1String("generate")) {
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Generate"),
                [teacher](JobContext &context) {
                    SamplingSettings settings;
                    settings.maxTokens = 4096; // to the end of the context
                    settings.stopAtEos = false;
                    return generate(*teacher, QStringLiteral("Once upon a time"), settings, {},
                                    &context);
                },
                outcome);
        };
    } else if (kind == QLatin1String("qa")) {
        const QVector<QaItem> questions = m_questions;
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Arithmetic questions"),
                [teacher, questions](JobContext &context) {
                    return evaluateQa(*teacher, questions,
                                      QStringLiteral("Question: {question}\nAnswer:"), 64,
                                      &context);
                },
                outcome);
        };
    } else if (kind == QLatin1String("collaborate")) {
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Collaborative generation"),
                [teacher, student](JobContext &context) {
                    CollaborativeSettings settings;
                    settings.steeredTokens = 1000;
                    settings.maxTokens = 4096;
                    settings.stopAtEos = false;
                    CollaborativeDecoder decoder(student, teacher, settings);
                    return decoder.run(QStringLiteral("Once upon a time"), {}, &context);
                },
                outcome);
        };
    } else if (kind == QLatin1String("calibrate")) {
        const QString output = dir.filePath(QStringLiteral("calibration.h5"));
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Importance"),
                [teacher, output](JobContext &context) {
                    CalibrationSettings settings;
                    settings.seed = 99; // not the cached default windows
                    return calibrate(*teacher, QString(), settings, output, &context);
                },
                outcome);
        };
    } else if (kind == QLatin1String("train-codec")) {
        const QString output = dir.filePath(QStringLiteral("codec.h5"));
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Train codec"),
                [output](JobContext &context) {
                    CodecTrainingSettings settings;
                    settings.models = {QStringLiteral("demo:teacher")};
                    settings.preset = QStringLiteral("fast");
                    settings.outputPath = output;
                    return trainCodec(settings, &context);
                },
                outcome);
        };
        // A periodic checkpoint is kept by design; it must be a whole codec file.
        job.mayLeave = [output](const QString &path) {
            if (path != output)
                return false;
            try {
                loadCodecFile(path);
                return true;
            } catch (const Error &) {
                return false;
            }
        };
    } else if (kind.startsWith(QLatin1String("compress"))) {
        CompressionSettings settings;
        settings.targetBitsPerWeight = 4.0;
        // Compensation is cancelled in its own phase, after every tensor was measured: one
        // codec instead of the ladder's three gets there three times sooner, and fine-tuning
        // runs on the student (its blocks are tuned like the teacher's, on the same windows).
        QString model = QStringLiteral("demo:teacher");
        const QString oneCodec = QStringLiteral(NWC_SOURCE_RESOURCES "/codecs/identity-l1765.h5");
        if (kind == QLatin1String("compress-ldlq")) {
            settings.compensation.ldlq = true;
            settings.codecPaths = {oneCodec};
        }
        if (kind == QLatin1String("compress-finetune")) {
            settings.compensation.fineTune = true;
            settings.codecPaths = {oneCodec};
            model = QStringLiteral("demo:student");
        }
        if (kind == QLatin1String("compress-gptq"))
            settings.method = CompressionMethod::Gptq;
        if (kind == QLatin1String("compress-rtn"))
            settings.method = CompressionMethod::Rtn;
        const QString output = dir.filePath(QStringLiteral("teacher.nwc"));
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Compress to teacher.nwc"),
                [model, settings, output](JobContext &context) {
                    return compressModel(model, settings, output, &context);
                },
                outcome);
        };
        job.mayLeave = cachedCalibration;
    } else if (kind == QLatin1String("decompress")) {
        const std::shared_ptr<const CompressedCheckpoint> compressed = m_compressed;
        const QString output = dir.filePath(QStringLiteral("decompressed"));
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Decompress teacher-fast.nwc"),
                [compressed, output](JobContext &context) {
                    decompressToDirectory(*compressed, output, false, &context);
                    return output;
                },
                outcome);
        };
    } else if (kind == QLatin1String("sweep")) {
        const QString session = dir.filePath(QStringLiteral("sweep.h5"));
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Sweep"),
                [session](JobContext &context) {
                    SweepSettings settings;
                    settings.model = QStringLiteral("demo:teacher");
                    settings.bits = {3, 4};
                    settings.methods = {QStringLiteral("nwc"), QStringLiteral("gptq")};
                    settings.textPath = demoFile("heldout.txt");
                    settings.maxBytes = 20000;
                    return runSweep(settings, session, &context);
                },
                outcome);
        };
        // The session is saved after the reference and after each point: resumable, whole.
        job.mayLeave = [session, cachedCalibration](const QString &path) {
            if (path != session)
                return cachedCalibration(path);
            try {
                loadSweepSession(path);
                return true;
            } catch (const Error &) {
                return false;
            }
        };
    } else if (kind == QLatin1String("collab-bench")) {
        const QString session = dir.filePath(QStringLiteral("collab.h5"));
        const QVector<QaItem> questions = m_questions;
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Collaborative benchmark"),
                [teacher, student, questions, session](JobContext &context) {
                    CollabBenchSettings settings;
                    settings.studentName = QStringLiteral("demo:student");
                    settings.teacherName = QStringLiteral("demo:teacher");
                    settings.dataName = demoFile("arithmetic_qa.jsonl");
                    return runCollabBenchmark(*student, *teacher, questions, settings, session,
                                              &context);
                },
                outcome);
        };
        job.mayLeave = [session](const QString &path) {
            if (path != session)
                return false;
            try {
                loadCollabBench(path);
                return true;
            } catch (const Error &) {
                return false;
            }
        };
    } else if (kind == QLatin1String("train-demo")) {
        const std::vector<int32_t> tokens = m_heldoutTokens;
        const ModelConfig config = m_teacher->config();
        job.start = [=](JobRunner &runner, QObject *receiver) {
            return startRecorded(
                runner, receiver, QStringLiteral("Train the demo teacher"),
                [tokens, config](JobContext &context) {
                    // The teacher's recipe in `nwc train-demo`.
                    TrainerSettings settings;
                    settings.steps = 2000;
                    settings.batchSize = 16;
                    settings.sequenceLength = 256;
                    settings.learningRate = 1.5e-3;
                    settings.warmupSteps = 150;
                    settings.evalInterval = 100;
                    Trainer trainer(config, settings);
                    return trainer.train(tokens, tokens, &context);
                },
                outcome);
        };
    }
    return job;
}

void TestCancellation::runAndCancel(const JobScenario &job, Outcome *outcome) {
    QObject receiver;
    QElapsedTimer sinceCancel;
    quint64 id = 0;
    const QMetaObject::Connection connection =
        connect(m_runner.get(), &JobRunner::jobUpdated, &receiver, [&](const JobInfo &info) {
            if (info.id == id && !info.isActive() && sinceCancel.isValid() &&
                outcome->latencyMs < 0)
                outcome->latencyMs = sinceCancel.elapsed();
        });
    id = job.start(*m_runner, &receiver);
    QVERIFY(id != 0);
    QElapsedTimer running;
    const bool ready = QTest::qWaitFor(
        [&] {
            const JobInfo info = m_runner->job(id);
            if (!info.isActive())
                return true;
            if (info.state != JobState::Running)
                return false;
            if (!running.isValid())
                running.start();
            return info.message.contains(m_marker) && info.fraction >= m_fraction &&
                   running.elapsed() >= m_delayMs;
        },
        120000);
    const JobInfo before = m_runner->job(id);
    QVERIFY2(ready, "the job never reached the point where it is cancelled");
    QVERIFY2(before.isActive(),
             qPrintable(QStringLiteral("the job ended (%1 %2) before it could be cancelled; "
                                       "give it more work")
                            .arg(JobInfo::stateName(before.state), before.error)));
    outcome->fractionAtCancel = before.fraction;
    outcome->messageAtCancel = before.message;
    outcome->runningMsAtCancel = running.elapsed();
    sinceCancel.start();
    m_runner->cancel(id);
    QVERIFY2(QTest::qWaitFor([&] { return !m_runner->job(id).isActive(); }, 60000),
             "the job did not stop within a minute of cancel()");
    // The receiver's handler comes through its own watcher, right after the runner's.
    QVERIFY(QTest::qWaitFor([&] { return outcome->cancelled || outcome->otherResult; }, 5000));
    outcome->state = m_runner->job(id).state;
    disconnect(connection);
}

void TestCancellation::cancelStopsAndFrees_data() {
    QTest::addColumn<QString>("kind");
    // Cancelled once the job runs, its progress message contains `marker` and its fraction is
    // at least `fraction` (-1: also before its first report), and it has been running `delayMs`:
    // well inside its main loop.
    QTest::addColumn<QString>("marker");
    QTest::addColumn<double>("fraction");
    QTest::addColumn<int>("delayMs");

    // clang-format off
    QTest::newRow("open .nwc (decode)") << "open" << "loading model.layers.1" << 0.0 << 0;
    QTest::newRow("perplexity") << "perplexity" << "" << 0.0 << 500;
    QTest::newRow("KL vs reference") << "kl" << "" << 0.0 << 500;
    QTest::newRow("generation") << "generate" << "" << 0.05 << 0;
    QTest::newRow("QA evaluation") << "qa" << "" << 0.0 << 500;
    QTest::newRow("collaborative decode") << "collaborate" << "" << 0.05 << 0;
    QTest::newRow("calibration") << "calibrate" << "block" << 0.0 << 500;
    QTest::newRow("codec training") << "train-codec" << "step" << 0.0 << 500;
    QTest::newRow("compress nwc") << "compress-nwc" << "" << 0.3 << 0;
    QTest::newRow("compress nwc+ldlq") << "compress-ldlq" << "LDLQ" << 0.0 << 300;
    QTest::newRow("compress nwc+finetune") << "compress-finetune" << "fine-tuning block" << 0.0 << 0;
    QTest::newRow("compress gptq") << "compress-gptq" << "coding" << 0.0 << 0;
    QTest::newRow("compress rtn") << "compress-rtn" << "" << 0.0 << 0;
    QTest::newRow("decompress") << "decompress" << "" << 0.1 << 0;
    QTest::newRow("sweep") << "sweep" << "@" << 0.0 << 0;
    QTest::newRow("collaborative benchmark") << "collab-bench" << "" << 0.0 << 500;
    QTest::newRow("demo training") << "train-demo" << "" << -1.0 << 500;
    // clang-format on
}

void TestCancellation::cancelStopsAndFrees() {
    QFETCH(QString, kind);
    QFETCH(QString, marker);
    QFETCH(double, fraction);
    QFETCH(int, delayMs);
    m_marker = marker;
    m_fraction = fraction;
    m_delayMs = delayMs;
    const QSet<QString> filesBefore = filesBelow(m_dir.path());

    // Warm-up: the same job, cancelled the same way, so that what a first run allocates once
    // (thread-local state of the pool thread, OpenBLAS buffers, codec caches) is in place.
    const QString warmFolder = m_dir.filePath(QStringLiteral("warm-%1").arg(++m_scenarioCount));
    QVERIFY(QDir().mkpath(warmFolder));
    Outcome warm;
    const JobScenario warmJob = scenario(kind, warmFolder, &warm);
    runAndCancel(warmJob, &warm);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(warm.state, JobState::Cancelled);
    QVERIFY(warm.latencyMs >= 0);
    settle();
    if (QTest::currentTestFailed())
        return;

    const QString folder = m_dir.filePath(QStringLiteral("job-%1").arg(m_scenarioCount));
    QVERIFY(QDir().mkpath(folder));
    malloc_trim(0);
    const qint64 heapBefore = heapInUse();
    const qint64 residentBefore = residentBytes();

    Outcome outcome;
    const JobScenario job = scenario(kind, folder, &outcome);
    runAndCancel(job, &outcome);
    if (QTest::currentTestFailed())
        return;
    settle();
    if (QTest::currentTestFailed())
        return;
    malloc_trim(0);
    const qint64 heapDelta = heapInUse() - heapBefore;
    const qint64 residentDelta = residentBytes() - residentBefore;

    qInfo("%s: cancelled after %lld ms running at %.1f %% (\"%s\"); stopped %lld ms after "
          "cancel (warm-up run: %lld ms); heap %+lld KiB, RSS %+lld KiB",
          qPrintable(kind), outcome.runningMsAtCancel, 100.0 * outcome.fractionAtCancel,
          qPrintable(outcome.messageAtCancel.left(60)), outcome.latencyMs, warm.latencyMs,
          heapDelta / 1024, residentDelta / 1024);

    // (a) it stopped, as Cancelled, within the limit, and the receiver heard so.
    QVERIFY2(!outcome.otherResult,
             qPrintable(QStringLiteral("the job delivered a result or error: ") + outcome.error));
    QCOMPARE(outcome.state, JobState::Cancelled);
    QVERIFY(outcome.cancelled);
    QVERIFY(outcome.latencyMs >= 0);
    // Both runs are timed; the faster one must meet the limit. A job without a check in its
    // inner loop misses it every time, while one run of a job that checks often enough can
    // still miss it when the machine is oversubscribed (other test processes, OpenBLAS
    // threads waiting for a core).
    const qint64 latency = std::min(warm.latencyMs, outcome.latencyMs);
    QVERIFY2(latency <= kMaxLatencyMs,
             qPrintable(QStringLiteral("%1 stopped %2 and %3 ms after cancel(); at most %4 ms")
                            .arg(kind)
                            .arg(warm.latencyMs)
                            .arg(outcome.latencyMs)
                            .arg(kMaxLatencyMs)));
    // (b) what it allocated is freed.
    QVERIFY2(heapDelta <= kHeapToleranceBytes,
             qPrintable(QStringLiteral("%1 KiB still allocated after the cancelled job ended "
                                       "(tolerance %2 KiB)")
                            .arg(heapDelta / 1024)
                            .arg(kHeapToleranceBytes / 1024)));
    // (c) nothing half-written, by either run.
    const QSet<QString> filesAfter = filesBelow(m_dir.path());
    for (const QString &path : filesAfter) {
        if (filesBefore.contains(path))
            continue;
        const bool allowed = path.startsWith(folder + QLatin1Char('/')) ? job.mayLeave(path)
                                                                        : warmJob.mayLeave(path);
        QVERIFY2(allowed, qPrintable(QStringLiteral("left behind: ") + path));
    }
}

QTEST_GUILESS_MAIN(TestCancellation)
#include "tst_cancellation.moc"
