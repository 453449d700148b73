// bench_compress_memory: does the peak memory of `nwc compress` and `nwc decompress` grow with
// the number of layers? (issue 3, deliverable 5: tensors are processed one at a time from the
// mmap, so peak memory must not scale with the model.)
//
// Builds random-initialized Llama models (hidden 512, intermediate 1376, 8 heads, vocab 1024,
// the demo tokenizer) of 2, 8 and 24 layers in a temporary folder, calibrates each once with
// `nwc calibrate`, then runs every measured command in a fresh child process:
//   nwc info DIR                                      (baseline: process + libraries)
//   nwc compress DIR --bits 4 --method rtn  -o rtn.nwc --json
//   nwc compress DIR --bits 4 --method nwc  --calib calib.h5 [--codec …] -o nwc.nwc --json
//   nwc compress DIR --bits 4 --method gptq --calib calib.h5 -o gptq.nwc --json
//   nwc decompress nwc.nwc -o decompressed
// Peak RSS: for compress the `peak_resident_bytes` the child reads from its own VmHWM; for
// every command also the kernel's ru_maxrss of the child (wait4) and the largest anonymous and
// file-backed RSS seen while polling /proc/PID/status every 10 ms, so growth can be attributed
// to heap allocations or to touched pages of memory-mapped files. The polling and wait4 happen
// in `bench_memory_probe`, this file built with NWC_MEASURE_PROBE: a tiny process without
// LibTorch or Qt, so that the fork()ed child's RSS before exec() (which counts in its
// ru_maxrss) is negligible.
//
// Usage: bench_compress_memory [--layers 2,8,24] [--work DIR] [--codec FILE …] [--bits B]
// Not a CTest test: run it with `cmake --build --preset dev --target bench-memory`.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef NWC_MEASURE_PROBE
#include "codec/codecfile.h"
#include "io/modelconfig.h"
#include "jobs/error.h"
#include "lm/transformer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTextStream>

#include <map>
#include <memory>
#endif

namespace {

#ifdef NWC_MEASURE_PROBE
// --- the probe: bench_memory_probe RESULT PROGRAM ARGS… ---

struct StatusSample {
    long long anonKiB = 0;
    long long fileKiB = 0;
    long long shmemKiB = 0;
    long long hwmKiB = 0;
};

bool readStatus(pid_t pid, StatusSample *sample) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", int(pid));
    FILE *file = std::fopen(path, "r");
    if (!file)
        return false;
    char line[256];
    bool any = false;
    while (std::fgets(line, sizeof line, file)) {
        long long value = 0;
        if (std::sscanf(line, "RssAnon: %lld", &value) == 1) {
            sample->anonKiB = value;
            any = true;
        } else if (std::sscanf(line, "RssFile: %lld", &value) == 1) {
            sample->fileKiB = value;
        } else if (std::sscanf(line, "RssShmem: %lld", &value) == 1) {
            sample->shmemKiB = value;
        } else if (std::sscanf(line, "VmHWM: %lld", &value) == 1) {
            sample->hwmKiB = value;
        }
    }
    std::fclose(file);
    return any;
}

/// argv: PROBE RESULT PROGRAM ARGS… — fork()s and exec()s PROGRAM (a plain fork, not
/// vfork: the child's ru_maxrss must not include this process), polls its RSS, waits for it
/// with wait4() and writes the measurement to RESULT as JSON. Returns the child's exit code.
int measureChild(int argc, char **argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s RESULT PROGRAM [ARGS...]\n", argv[0]);
        return 2;
    }
    const char *resultPath = argv[1];
    const pid_t pid = fork();
    if (pid < 0) {
        std::perror("fork");
        return 127;
    }
    if (pid == 0) {
        execv(argv[2], argv + 2);
        std::perror("execv");
        _exit(127);
    }
    StatusSample peak;
    int status = 0;
    struct rusage usage;
    std::memset(&usage, 0, sizeof usage);
    for (;;) {
        const pid_t done = wait4(pid, &status, WNOHANG, &usage);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR) {
            std::perror("wait4");
            return 127;
        }
        StatusSample sample;
        if (readStatus(pid, &sample)) {
            peak.anonKiB = std::max(peak.anonKiB, sample.anonKiB);
            peak.fileKiB = std::max(peak.fileKiB, sample.fileKiB);
            peak.shmemKiB = std::max(peak.shmemKiB, sample.shmemKiB);
            peak.hwmKiB = std::max(peak.hwmKiB, sample.hwmKiB);
        }
        usleep(10000);
    }
    const int exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *result = std::fopen(resultPath, "w");
    if (!result) {
        std::perror(resultPath);
        return 127;
    }
    std::fprintf(result,
                 "{\"exit_code\":%d,\"maxrss_kib\":%ld,\"sampled_hwm_kib\":%lld,"
                 "\"anon_kib\":%lld,\"file_kib\":%lld,\"shmem_kib\":%lld,"
                 "\"user_seconds\":%.3f,\"system_seconds\":%.3f}\n",
                 exitCode, usage.ru_maxrss, peak.hwmKiB, peak.anonKiB, peak.fileKiB,
                 peak.shmemKiB, double(usage.ru_utime.tv_sec) + usage.ru_utime.tv_usec / 1e6,
                 double(usage.ru_stime.tv_sec) + usage.ru_stime.tv_usec / 1e6);
    std::fclose(result);
    return exitCode;
}

#else
// --- the benchmark ---

constexpr double kMiB = 1024.0 * 1024.0;

struct Run {
    bool ok = false;
    QString error;
    double seconds = 0.0;          ///< wall clock of the child process
    double jobSeconds = -1.0;      ///< "seconds" of --json output (compress)
    double reportedPeakMiB = -1.0; ///< "peak_resident_bytes" of --json output (compress)
    double maxRssMiB = 0.0;        ///< wait4 ru_maxrss
    double anonMiB = 0.0;          ///< largest sampled RssAnon
    double fileMiB = 0.0;          ///< largest sampled RssFile
    double achievedBpw = -1.0;
    double fileBytes = -1.0;

    /// The figure the table shows: the child's own VmHWM when it reported one.
    double peakMiB() const { return reportedPeakMiB >= 0 ? reportedPeakMiB : maxRssMiB; }
};

QTextStream &err() {
    static QTextStream stream(stderr);
    return stream;
}

/// Runs `nwc ARGS` under the measuring wrapper.
Run runMeasured(const QString &label, const QStringList &args, const QString &workDirectory) {
    err() << "  " << label << ": nwc " << args.join(QLatin1Char(' ')) << Qt::endl;
    const QString resultPath = QDir(workDirectory).filePath(QStringLiteral("measure.json"));
    QFile::remove(resultPath);
    QProcess process;
    process.setProgram(QStringLiteral(NWC_MEASURE_PROBE_PATH));
    process.setArguments(QStringList{resultPath, QStringLiteral(NWC_CLI_PATH)} + args);
    QElapsedTimer timer;
    timer.start();
    process.start();
    Run run;
    if (!process.waitForStarted(-1)) {
        run.error = process.errorString();
        return run;
    }
    process.waitForFinished(-1);
    run.seconds = double(timer.elapsed()) / 1000.0;
    const QByteArray out = process.readAllStandardOutput();
    const QByteArray errors = process.readAllStandardError();

    QFile resultFile(resultPath);
    if (!resultFile.open(QIODevice::ReadOnly)) {
        run.error = QStringLiteral("the wrapper wrote no measurement: ") +
                    QString::fromLocal8Bit(errors.right(2000));
        return run;
    }
    const QJsonObject measured = QJsonDocument::fromJson(resultFile.readAll()).object();
    run.maxRssMiB = measured.value(QStringLiteral("maxrss_kib")).toDouble() * 1024.0 / kMiB;
    run.anonMiB = measured.value(QStringLiteral("anon_kib")).toDouble() * 1024.0 / kMiB;
    run.fileMiB = measured.value(QStringLiteral("file_kib")).toDouble() * 1024.0 / kMiB;
    const int exitCode = measured.value(QStringLiteral("exit_code")).toInt(-1);
    if (process.exitStatus() != QProcess::NormalExit || exitCode != 0) {
        run.error = QStringLiteral("exit code %1: %2")
                        .arg(exitCode)
                        .arg(QString::fromLocal8Bit(errors.right(2000)).trimmed());
        return run;
    }
    const QJsonDocument json = QJsonDocument::fromJson(out);
    if (json.isObject()) {
        const QJsonObject object = json.object();
        if (object.contains(QStringLiteral("peak_resident_bytes")))
            run.reportedPeakMiB =
                object.value(QStringLiteral("peak_resident_bytes")).toDouble() / kMiB;
        if (object.contains(QStringLiteral("seconds")))
            run.jobSeconds = object.value(QStringLiteral("seconds")).toDouble();
        if (object.contains(QStringLiteral("achieved_bpw")))
            run.achievedBpw = object.value(QStringLiteral("achieved_bpw")).toDouble();
        if (object.contains(QStringLiteral("file_bytes")))
            run.fileBytes = object.value(QStringLiteral("file_bytes")).toDouble();
    }
    run.ok = true;
    err() << "    " << QString::number(run.seconds, 'f', 1) << " s, peak "
          << QString::number(run.peakMiB(), 'f', 0) << " MiB (ru_maxrss "
          << QString::number(run.maxRssMiB, 'f', 0) << ", anon "
          << QString::number(run.anonMiB, 'f', 0) << ", file "
          << QString::number(run.fileMiB, 'f', 0) << ")" << Qt::endl;
    return run;
}

/// Runs `nwc ARGS` plainly (setup steps); throws nwc::Error when it fails.
void runSetup(const QStringList &args) {
    err() << "  setup: nwc " << args.join(QLatin1Char(' ')) << Qt::endl;
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(QStringLiteral(NWC_CLI_PATH), args);
    if (!process.waitForStarted(-1))
        throw nwc::Error(QStringLiteral("cannot start %1: %2")
                             .arg(QStringLiteral(NWC_CLI_PATH), process.errorString()));
    process.waitForFinished(-1);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        throw nwc::Error(QStringLiteral("nwc %1 failed (exit code %2)")
                             .arg(args.join(QLatin1Char(' ')))
                             .arg(process.exitCode()));
}

nwc::ModelConfig benchConfig(int layers) {
    nwc::ModelConfig config = nwc::ModelConfig::withShape({512, 1376, layers, 8, 8, 1024, 512});
    config.bosTokenId = 0;
    config.eosTokenId = 1;
    return config;
}

/// Writes a random-initialized model as a HF folder; returns its parameter count.
qint64 createModel(int layers, const QString &directory, const QString &tokenizer) {
    torch::manual_seed(uint64_t(1000 + layers));
    const nwc::ModelConfig config = benchConfig(layers);
    const nwc::Transformer model(config);
    nwc::saveHuggingFaceDirectory(*model, directory, tokenizer);
    return config.parameterCount();
}

QString cell(const Run &run, double value, int decimals = 0) {
    return run.ok ? QString::number(value, 'f', decimals) : QStringLiteral("failed");
}

struct Row {
    int layers = 0;
    qint64 parameters = 0;
    double modelMiB = 0.0;
    double calibMiB = 0.0;
    std::map<QString, Run> runs; ///< info, rtn, nwc, gptq, decompress
};

const QStringList kCommands = {QStringLiteral("info"), QStringLiteral("rtn"),
                               QStringLiteral("nwc"), QStringLiteral("gptq"),
                               QStringLiteral("decompress")};

int runBenchmark() {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Peak resident memory of nwc compress/decompress against the number of layers."));
    parser.addHelpOption();
    const QCommandLineOption layersOption(QStringLiteral("layers"),
                                          QStringLiteral("Layer counts (default 2,8,24)."),
                                          QStringLiteral("LIST"), QStringLiteral("2,8,24"));
    const QCommandLineOption workOption(
        QStringLiteral("work"),
        QStringLiteral("Folder for the models and outputs, kept afterwards (default: a "
                       "temporary folder, removed)."),
        QStringLiteral("DIR"));
    const QCommandLineOption codecOption(
        QStringLiteral("codec"),
        QStringLiteral("Codec for --method nwc (repeatable; default: the shipped ladder as it "
                       "is at start, else a tiny identity codec trained here)."),
        QStringLiteral("FILE"));
    const QCommandLineOption bitsOption(QStringLiteral("bits"),
                                        QStringLiteral("Target bits per weight (default 4)."),
                                        QStringLiteral("B"), QStringLiteral("4"));
    parser.addOptions({layersOption, workOption, codecOption, bitsOption});
    parser.process(*QCoreApplication::instance());

    QList<int> layerCounts;
    for (const QString &part : parser.value(layersOption).split(QLatin1Char(','))) {
        bool ok = false;
        const int value = part.trimmed().toInt(&ok);
        if (!ok || value < 1)
            throw nwc::Error(QStringLiteral("--layers: '%1' is not a layer count").arg(part));
        layerCounts << value;
    }
    std::unique_ptr<QTemporaryDir> temporary;
    QString work = parser.value(workOption);
    if (work.isEmpty()) {
        temporary = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                                    QStringLiteral("/nwc-bench-memory-XXXXXX"));
        if (!temporary->isValid())
            throw nwc::Error(QStringLiteral("cannot create a temporary folder"));
        work = temporary->path();
    } else if (!QDir().mkpath(work)) {
        throw nwc::Error(QStringLiteral("%1: cannot create the folder").arg(work));
    }
    const QDir workDir(work);
    const QString resources = QStringLiteral(NWC_SOURCE_RESOURCES);
    const QString tokenizer = resources + QStringLiteral("/demo/student/tokenizer.json");
    const QString text = resources + QStringLiteral("/demo/heldout.txt");
    const QString bits = parser.value(bitsOption);

    // The codec set is fixed at start (the ladder may be regenerated while this runs).
    QStringList codecs = parser.values(codecOption);
    bool trainCodec = false;
    if (codecs.isEmpty()) {
        codecs = nwc::defaultCodecFiles();
        trainCodec = codecs.isEmpty();
    }
    QStringList codecArgs;
    for (const QString &codec : codecs)
        codecArgs << QStringLiteral("--codec") << codec;

    err() << "nwc: " << QStringLiteral(NWC_CLI_PATH) << Qt::endl << "work folder: " << work
          << Qt::endl;
    std::vector<Row> rows;
    for (int layers : layerCounts) {
        Row row;
        row.layers = layers;
        const QString dir = workDir.filePath(QStringLiteral("llama-%1L").arg(layers));
        const QString calib = workDir.filePath(QStringLiteral("calib-%1L.h5").arg(layers));
        QDir(dir).removeRecursively();
        QFile::remove(calib);
        err() << layers << " layers" << Qt::endl << "  creating " << dir << Qt::endl;
        row.parameters = createModel(layers, dir, tokenizer);
        row.modelMiB = double(QFileInfo(QDir(dir).filePath(QStringLiteral("model.safetensors")))
                                  .size()) /
                       kMiB;
        runSetup({QStringLiteral("calibrate"), dir, QStringLiteral("--text"), text,
                  QStringLiteral("--samples"), QStringLiteral("8"), QStringLiteral("--seq-len"),
                  QStringLiteral("128"), QStringLiteral("-o"), calib});
        row.calibMiB = double(QFileInfo(calib).size()) / kMiB;
        if (trainCodec) {
            const QString codec = workDir.filePath(QStringLiteral("codec.h5"));
            runSetup({QStringLiteral("train-codec"), QStringLiteral("--models"), dir,
                      QStringLiteral("--preset"), QStringLiteral("identity"),
                      QStringLiteral("--lambda"), QStringLiteral("441"), QStringLiteral("--steps"),
                      QStringLiteral("100"), QStringLiteral("-o"), codec});
            codecs = {codec};
            codecArgs = {QStringLiteral("--codec"), codec};
            trainCodec = false;
        }

        const auto output = [&](const QString &name) {
            const QString path = workDir.filePath(QStringLiteral("%1-%2L.nwc").arg(name).arg(layers));
            QFile::remove(path);
            return path;
        };
        row.runs[QStringLiteral("info")] = runMeasured(QStringLiteral("info"), {QStringLiteral("info"), dir}, work);
        row.runs[QStringLiteral("rtn")] = runMeasured(
            QStringLiteral("rtn"),
            {QStringLiteral("compress"), dir, QStringLiteral("--bits"), bits,
             QStringLiteral("--method"), QStringLiteral("rtn"), QStringLiteral("-o"),
             output(QStringLiteral("rtn")), QStringLiteral("--json")},
            work);
        const QString nwcOutput = output(QStringLiteral("nwc"));
        row.runs[QStringLiteral("nwc")] = runMeasured(
            QStringLiteral("nwc"),
            QStringList{QStringLiteral("compress"), dir, QStringLiteral("--bits"), bits,
                        QStringLiteral("--method"), QStringLiteral("nwc"),
                        QStringLiteral("--calib"), calib, QStringLiteral("-o"), nwcOutput,
                        QStringLiteral("--json")} +
                codecArgs,
            work);
        row.runs[QStringLiteral("gptq")] = runMeasured(
            QStringLiteral("gptq"),
            {QStringLiteral("compress"), dir, QStringLiteral("--bits"), bits,
             QStringLiteral("--method"), QStringLiteral("gptq"), QStringLiteral("--calib"), calib,
             QStringLiteral("-o"), output(QStringLiteral("gptq")), QStringLiteral("--json")},
            work);
        // Decompress the NWC container (the costliest decoder); RTN's when NWC failed.
        const QString source = row.runs[QStringLiteral("nwc")].ok
                                   ? nwcOutput
                                   : workDir.filePath(QStringLiteral("rtn-%1L.nwc").arg(layers));
        const QString decompressed = workDir.filePath(QStringLiteral("decompressed-%1L").arg(layers));
        QDir(decompressed).removeRecursively();
        row.runs[QStringLiteral("decompress")] = runMeasured(
            QStringLiteral("decompress"),
            {QStringLiteral("decompress"), source, QStringLiteral("-o"), decompressed}, work);
        for (const QString &name : kCommands) {
            if (!row.runs[name].ok)
                err() << "  " << name << " FAILED: " << row.runs[name].error << Qt::endl;
        }
        rows.push_back(row);
        if (temporary) { // keep the disk use to one model at a time
            QDir(dir).removeRecursively();
            QDir(decompressed).removeRecursively();
        }
    }

    QTextStream out(stdout);
    out << "\n### Peak resident memory against model depth (" << bits
        << " bits per weight)\n\n"
        << "Llama, hidden 512, intermediate 1376, 8 heads, vocab 1024, float32. Peak RSS in MiB: "
           "compress = the child's own VmHWM (`peak_resident_bytes`), info/decompress = the "
           "child's ru_maxrss (wait4). NWC codecs: "
        << (codecs.isEmpty() ? QStringLiteral("none") : [&] {
               QStringList names;
               for (const QString &c : codecs)
                   names << QFileInfo(c).completeBaseName();
               return names.join(QStringLiteral(", "));
           }())
        << ". Seconds: wall clock of the child process."
        << [] {
               QStringList settings; // glibc malloc tuning the children inherit
               for (const QString &entry : QProcessEnvironment::systemEnvironment().toStringList())
                   if (entry.startsWith(QLatin1String("MALLOC_")) ||
                       entry.startsWith(QLatin1String("GLIBC_TUNABLES=")))
                       settings << QStringLiteral("`%1`").arg(entry);
               return settings.isEmpty()
                          ? QString()
                          : QStringLiteral(" Environment: %1.").arg(settings.join(QStringLiteral(", ")));
           }()
        << "\n\n"
        << "| layers | parameters | safetensors MiB | info MiB | rtn MiB | nwc MiB | gptq MiB | "
           "decompress MiB | rtn s | nwc s | gptq s | decompress s |\n"
        << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const Row &row : rows) {
        out << "| " << row.layers << " | " << row.parameters << " | "
            << QString::number(row.modelMiB, 'f', 1);
        for (const QString &name : kCommands) {
            const Run &run = row.runs.at(name);
            out << " | " << cell(run, run.peakMiB());
        }
        for (const QString &name : kCommands.mid(1)) {
            const Run &run = row.runs.at(name);
            out << " | " << cell(run, run.seconds, 1);
        }
        out << " |\n";
    }
    out << "\nPeak RSS split (MiB): ru_maxrss / largest sampled RssAnon / largest sampled "
           "RssFile (pages of mapped files: the model's mmap, libraries, the binary's embedded "
           "demo models), polled every 10 ms.\n\n"
        << "| layers | info | rtn | nwc | gptq | decompress |\n"
        << "|---:|---|---|---|---|---|\n";
    for (const Row &row : rows) {
        out << "| " << row.layers;
        for (const QString &name : kCommands) {
            const Run &run = row.runs.at(name);
            out << " | "
                << (run.maxRssMiB > 0 ? QStringLiteral("%1 / %2 / %3")
                                            .arg(run.maxRssMiB, 0, 'f', 0)
                                            .arg(run.anonMiB, 0, 'f', 0)
                                            .arg(run.fileMiB, 0, 'f', 0)
                                      : QStringLiteral("failed"));
        }
        out << " |\n";
    }
    out << "\nOutputs: calibration file MiB, achieved bpw and container MiB per method.\n\n"
        << "| layers | calib MiB | rtn bpw / MiB | nwc bpw / MiB | gptq bpw / MiB |\n"
        << "|---:|---:|---|---|---|\n";
    for (const Row &row : rows) {
        out << "| " << row.layers << " | " << QString::number(row.calibMiB, 'f', 1);
        for (const QString &name : {QStringLiteral("rtn"), QStringLiteral("nwc"), QStringLiteral("gptq")}) {
            const Run &run = row.runs.at(name);
            out << " | "
                << (run.ok ? QStringLiteral("%1 / %2")
                                 .arg(run.achievedBpw, 0, 'f', 3)
                                 .arg(run.fileBytes / kMiB, 0, 'f', 1)
                           : QStringLiteral("failed"));
        }
        out << " |\n";
    }
    out.flush();
    bool allOk = true;
    for (const Row &row : rows)
        for (const auto &entry : row.runs)
            allOk = allOk && entry.second.ok;
    return allOk ? 0 : 1;
}

#endif // NWC_MEASURE_PROBE

} // namespace

#ifdef NWC_MEASURE_PROBE
int main(int argc, char **argv) {
    return measureChild(argc, argv);
}
#else
int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    try {
        return runBenchmark();
    } catch (const nwc::Error &error) {
        err() << "bench_compress_memory: " << error.message() << Qt::endl;
        return 1;
    }
}
#endif
