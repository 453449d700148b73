// Exports survive `kill -9` at random moments: the built `nwc` binary is killed with SIGKILL
// while it writes a .nwc container (`nwc compress`) or a safetensors model (`nwc decompress`)
// over an existing complete output. Afterwards the target path must hold either the old file,
// byte for byte, or a complete new one; temporary files beside it are allowed (README). The
// kills are spread over start-up and, anchored with inotify, over the writing phase, which for
// the demo model lasts only milliseconds (.nwc: from the writer's .tmp- file to the rename;
// safetensors: from the first read of the .nwc to the rename, QSaveFile's temporary being
// unnamed). NWC_KILL_SEED picks other moments.
#include "codec/nwccontainer.h"
#include "io/checkpoint.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <algorithm>
#include <exception>
#include <map>
#include <memory>

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

using namespace nwc;

namespace {

constexpr int kKillsPerCommand = 8;
// Default seed; NWC_KILL_SEED overrides it to explore other moments.
constexpr quint32 kDefaultSeed = 20261127;

struct Run {
    int exitCode = -1;
    QString err;
    qint64 elapsedUs = 0;
    /// When the first file appeared in the watched folder, and when `target` appeared there
    /// (the commit); -1: not seen.
    qint64 firstFileUs = -1;
    qint64 targetUs = -1;
};

/// inotify: names created or renamed into a folder, or reads of a file, seen within
/// microseconds (the demo model's writing phase lasts about a millisecond, too short for
/// polling).
class Watch {
public:
    struct Event {
        int watch = -1;
        QString name; // empty for events on a watched file
    };

    Watch() {
        m_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (m_fd < 0)
            qFatal("inotify_init1 failed");
    }
    ~Watch() { ::close(m_fd); }
    Watch(const Watch &) = delete;
    Watch &operator=(const Watch &) = delete;

    int add(const QString &path, uint32_t mask) {
        const int watch = inotify_add_watch(m_fd, QFile::encodeName(path).constData(), mask);
        if (watch < 0)
            qFatal("inotify on %s failed", qPrintable(path));
        return watch;
    }
    int addFolder(const QString &folder) { return add(folder, IN_CREATE | IN_MOVED_TO); }
    int addReads(const QString &file) { return add(file, IN_OPEN | IN_ACCESS); }

    /// Waits up to `timeoutMs` for events.
    std::vector<Event> next(int timeoutMs) {
        pollfd descriptor{m_fd, POLLIN, 0};
        std::vector<Event> events;
        if (::poll(&descriptor, 1, timeoutMs) <= 0)
            return events;
        alignas(inotify_event) char buffer[8192];
        const ssize_t length = ::read(m_fd, buffer, sizeof buffer);
        for (ssize_t offset = 0; offset < length;) {
            const auto *event = reinterpret_cast<const inotify_event *>(buffer + offset);
            events.push_back(
                {event->wd, event->len > 0 ? QFile::decodeName(event->name) : QString()});
            offset += ssize_t(sizeof(inotify_event) + event->len);
        }
        return events;
    }

private:
    int m_fd = -1;
};

/// What marks the start of the writing phase: a new name in `target`'s folder (other than the
/// target), or with `source`, the command's first read of that input file.
struct Anchor {
    QString target;
    QString source;
    QStringList known;

    void install(Watch *watch, int *anchorWatch, int *folderWatch) const {
        *folderWatch = watch->addFolder(QFileInfo(target).path());
        *anchorWatch = source.isEmpty() ? *folderWatch : watch->addReads(source);
    }
    bool matches(const Watch::Event &event, int anchorWatch, int folderWatch) const {
        if (event.watch != anchorWatch)
            return false;
        return anchorWatch != folderWatch || !known.contains(event.name);
    }
};

/// Runs `nwc arguments` to the end, noting (microseconds from the start) when the writing
/// phase begins (see Anchor) and when the target is renamed into place.
Run runNwc(const QStringList &arguments, const Anchor &anchor = {}) {
    Watch watch;
    int anchorWatch = -1, folderWatch = -1;
    if (!anchor.target.isEmpty())
        anchor.install(&watch, &anchorWatch, &folderWatch);
    QProcess process;
    QElapsedTimer timer;
    timer.start();
    process.start(QStringLiteral(NWC_CLI_PATH), arguments);
    if (!process.waitForStarted(10000))
        qFatal("nwc did not start");
    Run run;
    const QString targetName = QFileInfo(anchor.target).fileName();
    while (process.state() != QProcess::NotRunning && !process.waitForFinished(0)) {
        if (timer.elapsed() > 120000)
            qFatal("nwc did not finish");
        for (const Watch::Event &event : watch.next(2)) {
            const qint64 now = timer.nsecsElapsed() / 1000;
            if (run.firstFileUs < 0 && anchor.matches(event, anchorWatch, folderWatch))
                run.firstFileUs = now;
            if (run.targetUs < 0 && event.watch == folderWatch && event.name == targetName)
                run.targetUs = now;
        }
    }
    run.elapsedUs = timer.nsecsElapsed() / 1000;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

/// When to kill: `delayUs` after the start, or with `afterNewFile`, `delayUs` after a file
/// other than `known` appeared in the target folder (the command began writing; anchoring there
/// keeps varying start-up times from pushing the kills out of the short writing phase).
struct Kill {
    bool afterNewFile = false;
    qint64 delayUs = 0;
    QString describe() const {
        return afterNewFile ? QStringLiteral("write+%1 ms").arg(double(delayUs) / 1000.0, 0, 'f', 2)
                            : QStringLiteral("%1 ms").arg(double(delayUs) / 1000.0, 0, 'f', 0);
    }
};

/// Outcomes of the kills of one command: which version each kill left as the target.
struct KillTally {
    int killed = 0, leftovers = 0, oldKept = 0, newComplete = 0, midWrite = 0;
    QStringList outcomes;

    /// The kill left the previous output in place (and `temporaries` files beside it).
    void keptOld(const Kill &kill, bool hit, int temporaries) {
        ++oldKept;
        midWrite += hit && kill.afterNewFile ? 1 : 0;
        outcomes << QStringLiteral("%1%2: old%3")
                        .arg(kill.describe())
                        .arg(hit ? QString() : QStringLiteral(" (finished)"))
                        .arg(temporaries > 0 ? QStringLiteral(" + temporary") : QString());
    }
    /// The kill came after the new output was complete.
    void completedNew(const Kill &kill, bool hit) {
        ++newComplete;
        outcomes << QStringLiteral("%1%2: new")
                        .arg(kill.describe())
                        .arg(hit ? QString() : QStringLiteral(" (finished)"));
    }
    /// Logs the tally and fails when too few kills hit a running process.
    void report(const char *command, int attempts) const {
        qInfo("%s: %d of %d runs killed mid-way, %d in the writing phase; target old %d, new %d; "
              "%d temporary files left beside it (%s)",
              command, killed, attempts, midWrite, oldKept, newComplete, leftovers,
              qPrintable(outcomes.join(QStringLiteral(", "))));
        QVERIFY2(killed >= attempts / 2, "too few kills hit a running process");
        if (midWrite == 0)
            qWarning("no kill landed in the writing phase (timing); try another NWC_KILL_SEED");
    }
};

/// Starts `nwc arguments` and sends it SIGKILL as `kill` says. Returns true when the kill hit
/// a running process (false when it had already finished).
bool runAndKill(const QStringList &arguments, const Kill &kill, const Anchor &anchor) {
    Watch watch;
    int anchorWatch = -1, folderWatch = -1;
    anchor.install(&watch, &anchorWatch, &folderWatch);
    QProcess process;
    process.start(QStringLiteral(NWC_CLI_PATH), arguments);
    if (!process.waitForStarted(10000))
        qFatal("nwc did not start");
    if (kill.afterNewFile) {
        for (bool seen = false; !seen;) {
            for (const Watch::Event &event : watch.next(2))
                seen = seen || anchor.matches(event, anchorWatch, folderWatch);
            if (!seen && (process.state() == QProcess::NotRunning || process.waitForFinished(0)))
                return false;
        }
    }
    QThread::usleep(ulong(kill.delayUs));
    if (process.state() == QProcess::NotRunning || process.waitForFinished(0))
        return false;
    process.kill();
    if (process.state() != QProcess::NotRunning && !process.waitForFinished(30000))
        qFatal("nwc did not end after SIGKILL");
    return process.exitStatus() == QProcess::CrashExit;
}

QByteArray readAll(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

void writeAll(const QString &path, const QByteArray &bytes) {
    QFile::remove(path);
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    QCOMPARE(file.write(bytes), bytes.size());
}

/// Files in `folder` other than `known`, removed after being counted (leftover temporaries).
int removeOthers(const QString &folder, const QStringList &known) {
    const QDir dir(folder);
    int count = 0;
    for (const QString &name : dir.entryList(QDir::Files | QDir::Hidden)) {
        if (known.contains(name))
            continue;
        ++count;
        QFile::remove(dir.filePath(name));
    }
    return count;
}

/// Empty when `path` is a complete .nwc container: it opens and every tensor reads with its
/// checksum verified. Otherwise the reason.
QString checkCompleteNwc(const QString &path, const std::vector<QString> &expectedOrder) {
    try {
        const NwcReader reader(path);
        if (reader.order() != expectedOrder)
            return QStringLiteral("tensor order differs from an uninterrupted run");
        for (const QString &name : reader.tensorNames())
            reader.tensor(name);
        for (const QString &name : reader.passthroughNames())
            reader.passthrough(name);
        if (reader.configJson().isEmpty())
            return QStringLiteral("no config.json");
    } catch (const std::exception &error) {
        return QString::fromUtf8(error.what());
    }
    return {};
}

using TensorValues = std::map<QString, std::vector<float>>;

TensorValues readValues(const QString &spec) {
    const CheckpointPtr checkpoint = Checkpoint::open(spec);
    TensorValues values;
    for (const TensorInfo &info : checkpoint->tensors())
        values[info.name] = checkpoint->readFloat32(info.name);
    return values;
}

} // namespace

class TestKillSafety : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void compressSurvivesKill();
    void decompressSurvivesKill();

private:
    QStringList compressArguments(const QString &output) const;
    /// Seeded kill moments for one command: a quarter spread over its start-up (before it
    /// writes anything), the rest over its writing phase as an uninterrupted run took it
    /// (from the first file to the exit, plus a margin).
    std::vector<Kill> kills(const Run &uninterrupted, quint32 salt) const;

    QTemporaryDir m_dir;
    quint32 m_seed = kDefaultSeed;
    QString m_oldNwc; // a previous complete .nwc output (other settings than the new one)
    QString m_newNwc; // an uninterrupted run of the command under test
    Run m_compressRun;
    std::vector<QString> m_newOrder;
    QString m_oldModelDir; // a previous complete decompress output (of m_oldNwc)
    QString m_newModelDir; // an uninterrupted `nwc decompress m_newNwc`
    Run m_decompressRun;
    TensorValues m_newValues;
};

QStringList TestKillSafety::compressArguments(const QString &output) const {
    return {QStringLiteral("compress"), QStringLiteral("demo:student"),
            QStringLiteral("--bits"),   QStringLiteral("4"),
            QStringLiteral("--method"), QStringLiteral("rtn"),
            QStringLiteral("-o"),       output};
}

std::vector<Kill> TestKillSafety::kills(const Run &uninterrupted, quint32 salt) const {
    QRandomGenerator random(m_seed ^ salt);
    const qint64 writing = qMax<qint64>(0, uninterrupted.firstFileUs);
    const qint64 commit = uninterrupted.targetUs >= 0 ? uninterrupted.targetUs : writing;
    // The writing phase is short (milliseconds for the demo model): cover it with a margin
    // for the polling and for runs slower than the measured one.
    const qint64 writeSpan = qMax<qint64>((commit - writing) * 3 / 2, 600);
    // One moment per equal slice, placed at random inside it, so the kills cover each phase
    // rather than clustering.
    std::vector<Kill> result;
    const auto spread = [&](bool afterNewFile, qint64 span, int count) {
        const qint64 slice = qMax<qint64>(1, span / count);
        for (int i = 0; i < count; ++i)
            result.push_back({afterNewFile, slice * i + qint64(random.bounded(quint32(slice)))});
    };
    const int startupKills = kKillsPerCommand / 4;
    spread(false, writing, startupKills);
    spread(true, writeSpan, kKillsPerCommand - startupKills);
    return result;
}

void TestKillSafety::initTestCase() {
    QVERIFY(m_dir.isValid());
    bool ok = false;
    const quint32 seed = qEnvironmentVariable("NWC_KILL_SEED").toUInt(&ok);
    if (ok)
        m_seed = seed;
    qInfo("kill seed %u (set NWC_KILL_SEED to change)", m_seed);

    m_oldNwc = m_dir.filePath(QStringLiteral("old.nwc"));
    Run run = runNwc({QStringLiteral("compress"), QStringLiteral("demo:student"),
                      QStringLiteral("--bits"), QStringLiteral("3"), QStringLiteral("--method"),
                      QStringLiteral("rtn"), QStringLiteral("-o"), m_oldNwc});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));

    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("new"))));
    m_newNwc = m_dir.filePath(QStringLiteral("new/new.nwc"));
    m_compressRun = runNwc(compressArguments(m_newNwc), {m_newNwc, {}, {}});
    QVERIFY2(m_compressRun.exitCode == 0, qPrintable(m_compressRun.err));
    m_newOrder = NwcReader(m_newNwc).order();
    QVERIFY(!m_newOrder.empty());
    QCOMPARE(checkCompleteNwc(m_newNwc, m_newOrder), QString());

    m_oldModelDir = m_dir.filePath(QStringLiteral("old-model"));
    run = runNwc({QStringLiteral("decompress"), m_oldNwc, QStringLiteral("-o"), m_oldModelDir});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    m_newModelDir = m_dir.filePath(QStringLiteral("new-model"));
    QVERIFY(QDir().mkpath(m_newModelDir)); // watched while written
    m_decompressRun =
        runNwc({QStringLiteral("decompress"), m_newNwc, QStringLiteral("-o"), m_newModelDir},
               {QDir(m_newModelDir).filePath(QStringLiteral("model.safetensors")), m_newNwc, {}});
    QVERIFY2(m_decompressRun.exitCode == 0, qPrintable(m_decompressRun.err));
    m_newValues = readValues(m_newModelDir);
    QVERIFY(!m_newValues.empty());
    QVERIFY2(readValues(m_oldModelDir) != m_newValues,
             "the old and new outputs must differ to tell them apart");
    qInfo("uninterrupted runs (us): compress %lld (writes from %lld, commits at %lld), "
          "decompress %lld (writes from %lld, commits at %lld)",
          m_compressRun.elapsedUs, m_compressRun.firstFileUs, m_compressRun.targetUs,
          m_decompressRun.elapsedUs, m_decompressRun.firstFileUs, m_decompressRun.targetUs);
}

void TestKillSafety::compressSurvivesKill() {
    const QByteArray oldBytes = readAll(m_oldNwc);
    QVERIFY(!oldBytes.isEmpty());
    const QString folder = m_dir.filePath(QStringLiteral("compress-target"));
    QVERIFY(QDir().mkpath(folder));
    const QString target = QDir(folder).filePath(QStringLiteral("out.nwc"));

    KillTally tally;
    for (const Kill &kill : kills(m_compressRun, 0x0c0)) {
        writeAll(target, oldBytes);
        if (QTest::currentTestFailed())
            return;
        const bool hit =
            runAndKill(compressArguments(target), kill, {target, {}, {QStringLiteral("out.nwc")}});
        tally.killed += hit ? 1 : 0;
        const QString context = QStringLiteral("killed at %1: ").arg(kill.describe());
        QVERIFY2(QFileInfo(target).isFile(), qPrintable(context + QStringLiteral("no target")));
        const int temporaries = removeOthers(folder, {QStringLiteral("out.nwc")});
        tally.leftovers += temporaries;
        if (readAll(target) == oldBytes) {
            tally.keptOld(kill, hit, temporaries);
        } else {
            const QString problem = checkCompleteNwc(target, m_newOrder);
            QVERIFY2(problem.isEmpty(),
                     qPrintable(context + QStringLiteral("partial .nwc: ") + problem));
            tally.completedNew(kill, hit);
        }
    }
    tally.report("compress", kKillsPerCommand);
}

void TestKillSafety::decompressSurvivesKill() {
    const QByteArray oldBytes =
        readAll(QDir(m_oldModelDir).filePath(QStringLiteral("model.safetensors")));
    QVERIFY(!oldBytes.isEmpty());
    const QString folder = m_dir.filePath(QStringLiteral("decompress-target"));
    const QStringList oldFiles = QDir(m_oldModelDir).entryList(QDir::Files);
    const QString target = QDir(folder).filePath(QStringLiteral("model.safetensors"));
    QVERIFY(QDir().mkpath(folder));

    KillTally tally;
    for (const Kill &kill : kills(m_decompressRun, 0xdec)) {
        // The folder holds a previous complete output.
        removeOthers(folder, {});
        for (const QString &name : oldFiles)
            QVERIFY(QFile::copy(QDir(m_oldModelDir).filePath(name), QDir(folder).filePath(name)));
        const bool hit = runAndKill({QStringLiteral("decompress"), m_newNwc, QStringLiteral("-o"),
                                     folder, QStringLiteral("--force")},
                                    kill, {target, m_newNwc, oldFiles});
        tally.killed += hit ? 1 : 0;
        const QString context = QStringLiteral("killed at %1: ").arg(kill.describe());
        QVERIFY2(QFileInfo(target).isFile(), qPrintable(context + QStringLiteral("no target")));
        int temporaries = 0;
        for (const QString &name : QDir(folder).entryList(QDir::Files | QDir::Hidden))
            temporaries += oldFiles.contains(name) ? 0 : 1;
        tally.leftovers += temporaries;
        if (readAll(target) == oldBytes) {
            tally.keptOld(kill, hit, temporaries);
        } else {
            TensorValues values;
            try {
                values = readValues(folder);
            } catch (const std::exception &error) {
                QFAIL(qPrintable(context + QStringLiteral("partial model.safetensors: ") +
                                 QString::fromUtf8(error.what())));
            }
            QVERIFY2(values == m_newValues,
                     qPrintable(context + QStringLiteral("model.safetensors differs from an "
                                                         "uninterrupted run")));
            tally.completedNew(kill, hit);
        }
    }
    tally.report("decompress", kKillsPerCommand);
}

QTEST_GUILESS_MAIN(TestKillSafety)
#include "tst_killsafety.moc"
