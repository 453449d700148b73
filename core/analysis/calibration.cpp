// Calibration statistics, one decoder block at a time, written to an HDF5 file.
#include "analysis/calibration.h"

#include "analysis/calibrationwindows.h"
#include "compute/torchcompute.h"
#include "dist/tensorcollectives.h"
#include "dist/workshare.h"
#include "dist/world.h"
#include "io/checkpoint.h"
#include "io/h5util.h"
#include "jobs/error.h"
#include "jobs/memorybudget.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QStandardPaths>

#include <cctype>
#include <cstdio>
#include <map>
#include <mutex>

namespace nwc {

namespace {

/// Token positions per mini-batch (whole windows; at least one window). Cancellation is checked
/// per mini-batch; at 4096 positions one demo:teacher block with its H sums took 0.4–0.7 s on
/// two busy cores.
constexpr int64_t kBatchTokens = 2048;
/// Hex digits of each hash in cache file names.
constexpr int kHashPrefix = 16;

/// The workbench's cache folder: the generic location, so that nwc and nwc-workbench
/// (different application names) share it.
QString cacheFolder() {
    QString folder = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    if (folder.isEmpty())
        folder = QDir::tempPath();
    return QDir(folder).filePath(QStringLiteral("nwc-workbench"));
}

QString cachePath(const QString &modelHash, const QString &dataHash) {
    return cacheFolder() + QStringLiteral("/calibration/%1-%2.h5")
                               .arg(modelHash.left(kHashPrefix), dataHash.left(kHashPrefix));
}

/// The calibration file at `path` when it exists and holds these hashes.
bool loadMatching(const QString &path, const QString &modelHash, const QString &dataHash,
                  CalibrationData *data) {
    if (path.isEmpty() || !QFileInfo(path).isFile())
        return false;
    try {
        CalibrationData candidate = CalibrationData::load(path);
        if (candidate.modelHash() != modelHash || candidate.dataHash() != dataHash)
            return false;
        *data = std::move(candidate);
        return true;
    } catch (const Error &) {
        return false; // another or a damaged file: it is recomputed and replaced
    }
}

/// Copies `source` over `target` through a temporary file and a rename.
void copyAtomically(const QString &source, const QString &target) {
    const QString temporary = QFileInfo(target).absoluteFilePath() + QStringLiteral(".tmp-") +
                              QString::number(QRandomGenerator::global()->generate(), 16);
    if (!QFile::copy(source, temporary)) {
        QFile::remove(temporary);
        throw Error(QStringLiteral("cannot copy the cached calibration file %1 to %2; check that "
                                   "the folder exists and is writable")
                        .arg(source, target));
    }
    if (std::rename(QFile::encodeName(temporary).constData(),
                    QFile::encodeName(target).constData()) != 0) {
        QFile::remove(temporary);
        throw Error(
            QStringLiteral("cannot replace %1; check that the folder is writable").arg(target));
    }
}

/// Sums x xᵀ of every linear-layer input reported by the model's observer, in float64 (by
/// design, whatever the compute dtype) on the model's device, in the order the inputs were first
/// seen. The module calls it for this thread's forward calls only (setInputObserver).
class InputStatistics {
public:
    struct Sum {
        QStringList weights;
        torch::Tensor hessian;
        /// Σ x over the same positions (the inputs' mean times the token count).
        torch::Tensor inputSum;
    };

    void add(const QStringList &weights, const torch::Tensor &input) {
        const QString key = weights.join(QLatin1Char(','));
        auto it = m_index.find(key);
        const torch::Tensor x = input.detach().reshape({-1, input.size(-1)}).to(torch::kDouble);
        if (it == m_index.end()) {
            it = m_index.emplace(key, m_sums.size()).first;
            m_sums.push_back({weights, torch::zeros({x.size(1), x.size(1)}, x.options()),
                              torch::zeros({x.size(1)}, x.options())});
        }
        m_sums[it->second].hessian.addmm_(x.t(), x);
        m_sums[it->second].inputSum.add_(x.sum(0));
    }
    /// The sums collected since the last call.
    std::vector<Sum> take() {
        std::vector<Sum> sums = std::move(m_sums);
        m_sums.clear();
        m_index.clear();
        return sums;
    }

private:
    std::map<QString, size_t> m_index;
    std::vector<Sum> m_sums;
};

/// Installs an input observer for its lifetime.
class ObserverScope {
public:
    ObserverScope(TransformerImpl &module, InputStatistics &statistics)
        : m_module(module) {
        m_module.setInputObserver(
            [&statistics](const QStringList &weights, const torch::Tensor &input) {
                statistics.add(weights, input);
            });
    }
    ~ObserverScope() { m_module.setInputObserver({}); }
    ObserverScope(const ObserverScope &) = delete;
    ObserverScope &operator=(const ObserverScope &) = delete;

private:
    TransformerImpl &m_module;
};

/// Writes one group per input below /inputs, numbered on from *next. With a process group the
/// sums are first added up over the ranks (each ran its share of the windows).
void writeSums(H5::H5File &file, std::vector<InputStatistics::Sum> sums, int block, int *next) {
    if (dist::ProcessGroup *group = dist::world()) {
        for (InputStatistics::Sum &sum : sums) {
            const QString what = QStringLiteral("summing H of %1").arg(sum.weights.first());
            dist::allReduceSum(*group, sum.hessian, what);
            dist::allReduceSum(*group, sum.inputSum, what);
        }
    }
    H5::Group root = file.openGroup("/");
    H5::Group inputs = h5::ensureGroup(root, QStringLiteral("inputs"));
    for (InputStatistics::Sum &sum : sums) {
        const QString name = QStringLiteral("%1").arg(*next, 4, 10, QLatin1Char('0'));
        ++*next;
        H5::Group group = h5::ensureGroup(inputs, name);
        const int64_t in = sum.hessian.size(0);
        h5::setAttribute(group, QStringLiteral("in_features"), in);
        h5::setAttribute(group, QStringLiteral("block"), int64_t(block));
        h5::writeStrings(group, QStringLiteral("weights"),
                         std::vector<QString>(sum.weights.begin(), sum.weights.end()));
        const torch::Tensor diagonal = toHost(sum.hessian.diagonal());
        const double *d = diagonal.data_ptr<double>();
        h5::writeDoubles(group, QStringLiteral("importance"), std::vector<double>(d, d + in));
        const torch::Tensor inputSum = toHost(sum.inputSum);
        const double *s = inputSum.data_ptr<double>();
        h5::writeDoubles(group, QStringLiteral("input_sum"), std::vector<double>(s, s + in));
        // Stored as float32 (the file format); summed in float64 above.
        torch::Tensor single = toHost(sum.hessian, torch::kFloat32);
        sum.hessian = torch::Tensor(); // free the float64 copy before the next one is made
        const float *h = single.data_ptr<float>();
        h5::writeFloats(group, QStringLiteral("hessian"),
                        std::vector<float>(h, h + size_t(in) * size_t(in)), {in, in}, true);
    }
}

/// Maps a sub-task's progress [0, 1] onto [from, to] of the caller's sink.
class ScaledProgress : public ProgressSink {
public:
    ScaledProgress(ProgressSink *sink, double from, double to)
        : m_sink(sink)
        , m_from(from)
        , m_to(to) {}
    void report(double fraction, const QString &message) override {
        reportProgress(m_sink, m_from + fraction * (m_to - m_from), message);
    }
    bool cancelled() const override { return m_sink && m_sink->cancelled(); }

private:
    ProgressSink *m_sink;
    double m_from;
    double m_to;
};

/// Share of the progress bar for hashing the checkpoint.
constexpr double kHashShare = 0.05;

QString blockMessage(int block, int blocks) {
    return QStringLiteral("block %1/%2").arg(block + 1).arg(blocks);
}

QString computeModelHash(const Checkpoint &checkpoint, ProgressSink *progress) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const auto addInt = [&hash](int64_t value) {
        char bytes[8];
        for (int i = 0; i < 8; ++i)
            bytes[i] = char(uint64_t(value) >> (8 * i));
        hash.addData(QByteArrayView(bytes, 8));
    };
    const auto addBytes = [&](const QByteArray &bytes) {
        addInt(bytes.size());
        hash.addData(bytes);
    };
    hash.addData(QByteArrayView("nwc-model-hash/1"));
    addBytes(checkpoint.configJson());
    const QVector<TensorInfo> &tensors = checkpoint.tensors();
    addInt(tensors.size());
    for (int i = 0; i < tensors.size(); ++i) {
        const TensorInfo &info = tensors[i];
        throwIfCancelled(progress);
        reportProgress(progress, double(i) / double(tensors.size()),
                       QStringLiteral("hashing %1").arg(info.name));
        addBytes(info.name.toUtf8());
        addBytes(dtypeName(info.dtype).toUtf8());
        addInt(info.shape.size());
        for (qint64 d : info.shape)
            addInt(d);
        addBytes(checkpoint.readRaw(info.name));
    }
    return QString::fromLatin1(hash.result().toHex());
}

/// The files `checkpoint` was read from, with their sizes and modification times: the key of
/// the hash memo, so that a changed file gets a new key. Empty when it was not read from files.
QString fileStamp(const Checkpoint &checkpoint) {
    const QFileInfo source(checkpoint.source());
    QFileInfoList files;
    if (source.isDir())
        files = QDir(source.filePath()).entryInfoList(QDir::Files, QDir::Name);
    else if (source.isFile())
        files = {source};
    QStringList parts;
    for (const QFileInfo &file : files)
        parts << QStringLiteral("%1|%2|%3")
                     .arg(file.canonicalFilePath())
                     .arg(file.size())
                     .arg(file.lastModified().toMSecsSinceEpoch());
    return parts.join(QLatin1Char('\n'));
}

/// Where the hash of the files with `stamp` is kept between runs.
QString memoPath(const QString &stamp) {
    const QByteArray key =
        QCryptographicHash::hash(stamp.toUtf8(), QCryptographicHash::Sha256).toHex();
    return cacheFolder() + QStringLiteral("/model-hashes/%1.txt")
                               .arg(QString::fromLatin1(key.left(2 * kHashPrefix)));
}

/// A 64-digit hex hash, or empty.
QString validHash(const QByteArray &text) {
    const QByteArray trimmed = text.trimmed();
    if (trimmed.size() != 64)
        return QString();
    for (char c : trimmed)
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return QString();
    return QString::fromLatin1(trimmed);
}

} // namespace

QString modelHash(const Checkpoint &checkpoint, ProgressSink *progress) {
    // Computed once per file: remembered in this process and in the cache folder, keyed by the
    // files' paths, sizes and modification times.
    static std::mutex mutex;
    static std::map<QString, QString> remembered;
    const QString stamp = fileStamp(checkpoint);
    if (!stamp.isEmpty()) {
        {
            const std::lock_guard<std::mutex> lock(mutex);
            const auto found = remembered.find(stamp);
            if (found != remembered.end())
                return found->second;
        }
        QFile memo(memoPath(stamp));
        if (memo.open(QIODevice::ReadOnly)) {
            const QString hash = validHash(memo.readAll());
            if (!hash.isEmpty()) {
                const std::lock_guard<std::mutex> lock(mutex);
                remembered[stamp] = hash;
                return hash;
            }
        }
    }
    const QString hash = computeModelHash(checkpoint, progress);
    if (!stamp.isEmpty()) {
        const std::lock_guard<std::mutex> lock(mutex);
        remembered[stamp] = hash;
        const QString path = memoPath(stamp);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QSaveFile file(path);
        if (file.open(QIODevice::WriteOnly)) {
            file.write(hash.toLatin1());
            file.commit(); // a memo that cannot be written is only a missed shortcut
        }
    }
    return hash;
}

QString defaultCalibrationCachePath(const LanguageModel &model, const QString &textPath,
                                    const CalibrationSettings &settings) {
    const CalibrationWindows windows = calibrationWindows(model, textPath, settings);
    return cachePath(modelHash(*model.checkpoint()), windows.dataHash());
}

CalibrationData calibrate(const LanguageModel &model, const QString &textPath,
                          const CalibrationSettings &settings, const QString &outputPath,
                          ProgressSink *progress) {
    QElapsedTimer timer;
    timer.start();
    reportProgress(progress, 0.0, QStringLiteral("preparing calibration text"));
    const CalibrationWindows windows = calibrationWindows(model, textPath, settings);
    const QString dataHash = windows.dataHash();
    ScaledProgress hashing(progress, 0.0, kHashShare);
    const QString modelDigest = modelHash(*model.checkpoint(), &hashing);
    const QString cached = cachePath(modelDigest, dataHash);
    // With a process group (docs/distributed.md) rank 0 writes the file; the other ranks keep
    // their copy in a private folder. A file is reused only when every rank has one.
    dist::ProcessGroup *group = dist::world();
    const bool root = !group || group->isRoot();
    const QString target =
        !root ? QDir(dist::privateFolder()).filePath(QStringLiteral("calibration.h5"))
        : outputPath.isEmpty() ? cached
                               : outputPath;

    CalibrationData data;
    const bool reusable = loadMatching(target, modelDigest, dataHash, &data);
    const bool cachedReusable =
        !reusable && target != cached && loadMatching(cached, modelDigest, dataHash, &data);
    const bool everyRankHasIt =
        !group || group->allAgree(reusable || cachedReusable,
                                  QStringLiteral("agreeing on a cached calibration file"));
    if (reusable && everyRankHasIt) {
        data.m_fromCache = true;
        reportProgress(progress, 1.0, QStringLiteral("reused %1").arg(target));
        return data;
    }
    if (cachedReusable && everyRankHasIt) {
        if (root) {
            copyAtomically(cached, target);
            data = CalibrationData::load(target);
        } // else the cached file itself serves this rank
        data.m_fromCache = true;
        reportProgress(progress, 1.0, QStringLiteral("reused %1").arg(cached));
        return data;
    }
    data = CalibrationData();
    if (group && windows.count < group->size())
        throw Error(QStringLiteral("calibration has %1 windows, fewer than the %2 ranks that share "
                                   "them: ask for more windows (--calib-samples) or run fewer "
                                   "ranks")
                        .arg(windows.count)
                        .arg(group->size()));
    if (root && outputPath.isEmpty() && !QDir().mkpath(QFileInfo(target).absolutePath()))
        throw Error(QStringLiteral("cannot create the cache folder %1; pass an output file")
                        .arg(QFileInfo(target).absolutePath()));

    h5::AtomicFile atomic(target);
    H5::H5File &file = atomic.file();
    const int64_t tokens = int64_t(windows.count) * int64_t(windows.length);
    h5::setAttribute(file, QStringLiteral("format"), QStringLiteral("nwc-calibration"));
    h5::setAttribute(file, QStringLiteral("format_version"),
                     int64_t(CalibrationData::kFormatVersion));
    h5::setAttribute(file, QStringLiteral("model_hash"), modelDigest);
    h5::setAttribute(file, QStringLiteral("data_hash"), dataHash);
    h5::setAttribute(file, QStringLiteral("model"), model.displayName());
    h5::setAttribute(file, QStringLiteral("samples"), int64_t(windows.count));
    h5::setAttribute(file, QStringLiteral("requested_samples"), int64_t(windows.requested));
    h5::setAttribute(file, QStringLiteral("sequence_length"), int64_t(windows.length));
    h5::setAttribute(file, QStringLiteral("seed"), int64_t(windows.seed));
    h5::setAttribute(file, QStringLiteral("tokens"), tokens);
    h5::setAttribute(file, QStringLiteral("text_source"), windows.source);
    h5::setAttribute(file, QStringLiteral("text_tokens"), windows.textTokens);
    h5::setAttribute(file, QStringLiteral("bos"), int64_t(windows.bos ? 1 : 0));
    h5::setAttribute(file, QStringLiteral("created"),
                     QDateTime::currentDateTimeUtc().toString(Qt::ISODate));

    TransformerImpl &module = *model.runtime().module();
    torch::NoGradGuard noGrad;
    InputStatistics statistics;
    ObserverScope observing(module, statistics);

    const int blocks = module.blockCount();
    // This rank's windows (all of them in one process); H is summed over the ranks per block.
    const dist::Share share = group ? dist::shareOf(windows.count, group->rank(), group->size())
                                    : dist::Share{0, windows.count};
    const int64_t count = share.size();
    const int64_t batch = std::max<int64_t>(1, kBatchTokens / windows.length);
    // Progress after hashing: blocks + the final norm, in equal steps.
    const auto fraction = [&](int step, int64_t start) {
        const double position = double(step) + double(start) / double(count);
        return kHashShare + (1.0 - kHashShare) * position / double(blocks + 1);
    };
    std::vector<int64_t> ids(windows.ids.begin() + share.begin * windows.length,
                             windows.ids.begin() + share.end * windows.length);
    torch::Tensor hidden = module.embed(hostView(ids.data(), {count, int64_t(windows.length)}));
    int nextInput = 0;
    for (int block = 0; block < blocks; ++block) {
        throwIfCancelled(progress);
        torch::Tensor next = torch::empty_like(hidden);
        for (int64_t start = 0; start < count; start += batch) {
            throwIfCancelled(progress);
            reportProgress(progress, fraction(block, start), blockMessage(block, blocks));
            const int64_t size = std::min(batch, count - start);
            next.narrow(0, start, size)
                .copy_(module.forwardBlock(block, hidden.narrow(0, start, size)));
        }
        hidden = next;
        writeSums(file, statistics.take(), block, &nextInput);
        // A block's activations and float64 sums leave holes that glibc keeps resident.
        releaseFreedMemory();
    }
    for (int64_t start = 0; start < count; start += batch) {
        throwIfCancelled(progress);
        reportProgress(progress, fraction(blocks, start),
                       QStringLiteral("final norm (input of lm_head)"));
        module.finalNorm(hidden.narrow(0, start, std::min(batch, count - start)));
    }
    writeSums(file, statistics.take(), -1, &nextInput);
    hidden = torch::Tensor();

    throwIfCancelled(progress);
    h5::setAttribute(file, QStringLiteral("seconds"), double(timer.nsecsElapsed()) * 1e-9);
    atomic.commit();
    reportProgress(progress, 1.0, QStringLiteral("wrote %1").arg(target));
    return CalibrationData::load(target);
}

} // namespace nwc
