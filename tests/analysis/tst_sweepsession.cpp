// Rate–distortion sweep sessions: the HDF5 session file round-trips exactly, CSV and JSON hold
// every point, damaged or foreign files are refused with their name, and a real sweep on the
// demo student measures sane numbers, resumes after cancellation without redoing finished
// points, and refuses to resume with other settings.
#include "analysis/sweepsession.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>

using namespace nwc;

namespace {

/// A sink that only answers cancelled(); the test flips it.
class FlagProgress : public ProgressSink {
public:
    void report(double, const QString &message) override { messages.append(message); }
    bool cancelled() const override { return cancel.load(); }

    std::atomic<bool> cancel{false};
    QStringList messages;
};

SweepSession sampleSession() {
    SweepSession session;
    session.settings.model = QStringLiteral("/models/tiny llama");
    session.settings.bits = {2.0, 3.25, 8.0};
    session.settings.methods = {QStringLiteral("nwc"), QStringLiteral("nwc+comp"),
                                QStringLiteral("gptq")};
    session.settings.textPath = QStringLiteral("/data/wiki, test.txt");
    session.settings.contextLength = 512;
    session.settings.stride = 64;
    session.settings.maxBytes = 123456789012;
    session.settings.calibrationText = QStringLiteral("/data/calib – ünïcode.txt");
    session.settings.calibrationSamples = 7;
    session.settings.calibrationLength = 99;
    session.settings.groupSize = 64;
    session.settings.containerFolder = QStringLiteral("/tmp/kept");
    session.hasReference = true;
    session.reference.perplexity = 12.345678901234567;
    session.reference.bitsPerByte = 0.987654321;
    session.reference.compressedWeights = 1234567;
    session.reference.fp16Bytes = 2469134;
    session.reference.tokensScored = 4242;
    for (int i = 0; i < 3; ++i) {
        SweepPoint point;
        point.method = i == 1 ? QStringLiteral("nwc+comp") : QStringLiteral("nwc");
        point.targetBits = 2.0 + 0.625 * i;
        point.bitsPerWeight = point.targetBits + 1e-3 / 3.0;
        point.fileBytes = 1000000 + i;
        point.countedBytes = 500000 - i;
        point.weightedMse = 0.1 / (i + 3.0);
        point.perplexity = 13.0 + i / 7.0;
        point.bitsPerByte = 1.0 + i / 9.0;
        point.klMean = 0.01 * (i + 1) / 3.0;
        point.klP99 = 0.2 * (i + 1) / 3.0;
        point.sameTopRate = 0.9 - i / 11.0;
        point.seconds = 1.5 + i;
        point.containerPath = i == 0 ? QStringLiteral("/tmp/kept/nwc-2.nwc") : QString();
        session.points.push_back(point);
    }
    session.skipped = {QStringLiteral("rtn @ 3.25: RTN takes whole code widths from 2 to 8 bits"),
                       QStringLiteral("nwc @ 0.5: out of reach")};
    return session;
}

void compareSettings(const SweepSettings &a, const SweepSettings &b) {
    QCOMPARE(a.model, b.model);
    QCOMPARE(a.bits, b.bits);
    QCOMPARE(a.methods, b.methods);
    QCOMPARE(a.textPath, b.textPath);
    QCOMPARE(a.contextLength, b.contextLength);
    QCOMPARE(a.stride, b.stride);
    QCOMPARE(a.maxBytes, b.maxBytes);
    QCOMPARE(a.calibrationText, b.calibrationText);
    QCOMPARE(a.calibrationSamples, b.calibrationSamples);
    QCOMPARE(a.calibrationLength, b.calibrationLength);
    QCOMPARE(a.groupSize, b.groupSize);
    QCOMPARE(a.containerFolder, b.containerFolder);
}

/// Exact equality of every field (doubles bit for bit).
bool samePoint(const SweepPoint &a, const SweepPoint &b) {
    return a.method == b.method && a.targetBits == b.targetBits &&
           a.bitsPerWeight == b.bitsPerWeight && a.fileBytes == b.fileBytes &&
           a.countedBytes == b.countedBytes && a.weightedMse == b.weightedMse &&
           a.perplexity == b.perplexity && a.bitsPerByte == b.bitsPerByte && a.klMean == b.klMean &&
           a.klP99 == b.klP99 && a.sameTopRate == b.sameTopRate && a.seconds == b.seconds &&
           a.containerPath == b.containerPath;
}

QString demoHeldoutText() {
    const QString student = Checkpoint::resolveSpec(QStringLiteral("demo:student"));
    return QFileInfo(student).dir().filePath(QStringLiteral("heldout.txt"));
}

} // namespace

class TestSweepSession : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void roundTripIsExact();
    void emptySessionRoundTrips();
    void findAndMethods();
    void csvHoldsEveryPoint();
    void jsonHoldsEveryPoint();
    void loadErrorsNameTheFile();
    void sweepMeasuresResumesAndRefuses();

private:
    QTemporaryDir m_dir;
};

void TestSweepSession::initTestCase() {
    QVERIFY(m_dir.isValid());
    // Calibration caches go to the test location, not the user's cache.
    QStandardPaths::setTestModeEnabled(true);
}

void TestSweepSession::roundTripIsExact() {
    const SweepSession session = sampleSession();
    const QString path = m_dir.filePath(QStringLiteral("roundtrip.h5"));
    saveSweepSession(session, path);
    const SweepSession loaded = loadSweepSession(path);
    compareSettings(loaded.settings, session.settings);
    QCOMPARE(loaded.hasReference, true);
    QCOMPARE(loaded.reference.perplexity, session.reference.perplexity);
    QCOMPARE(loaded.reference.bitsPerByte, session.reference.bitsPerByte);
    QCOMPARE(loaded.reference.compressedWeights, session.reference.compressedWeights);
    QCOMPARE(loaded.reference.fp16Bytes, session.reference.fp16Bytes);
    QCOMPARE(loaded.reference.tokensScored, session.reference.tokensScored);
    QCOMPARE(loaded.points.size(), session.points.size());
    for (size_t i = 0; i < session.points.size(); ++i)
        QVERIFY2(samePoint(loaded.points[i], session.points[i]), qPrintable(QString::number(i)));
    QCOMPARE(loaded.skipped, session.skipped);
    // Saving again replaces the file atomically: no temporary files are left beside it.
    saveSweepSession(loaded, path);
    QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("roundtrip.h5*")}, QDir::Files).size(),
             1);
}

void TestSweepSession::emptySessionRoundTrips() {
    SweepSession session;
    session.settings.model = QStringLiteral("demo:student");
    session.settings.textPath = QStringLiteral("text.txt");
    const QString path = m_dir.filePath(QStringLiteral("empty.h5"));
    saveSweepSession(session, path);
    const SweepSession loaded = loadSweepSession(path);
    compareSettings(loaded.settings, session.settings);
    QVERIFY(!loaded.hasReference);
    QVERIFY(loaded.points.empty());
    QVERIFY(loaded.skipped.isEmpty());
}

void TestSweepSession::findAndMethods() {
    const SweepSession session = sampleSession();
    QVERIFY(session.find(QStringLiteral("nwc"), 2.0) == &session.points[0]);
    QVERIFY(session.find(QStringLiteral("nwc+comp"), 2.625) == &session.points[1]);
    QVERIFY(session.find(QStringLiteral("nwc"), 3.25) == &session.points[2]);
    QVERIFY(session.find(QStringLiteral("nwc"), 2.625) == nullptr);
    QVERIFY(session.find(QStringLiteral("rtn"), 2.0) == nullptr);
    QCOMPARE(session.methods(), QStringList({QStringLiteral("nwc"), QStringLiteral("nwc+comp")}));
    QVERIFY(SweepSession().methods().isEmpty());
    QCOMPARE(sweepPointName(QStringLiteral("nwc+comp"), 3.5), QStringLiteral("nwc+comp @ 3.5"));
}

void TestSweepSession::csvHoldsEveryPoint() {
    const SweepSession session = sampleSession();
    const QStringList lines = sweepCsv(session).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2 + 3);
    QVERIFY(lines[0].startsWith(QLatin1String("# ")));
    QVERIFY(lines[0].contains(QLatin1String("context 512, stride 64")));
    QVERIFY(lines[0].contains(QLatin1String("reference perplexity 12.3456789")));
    const QStringList header = lines[1].split(QLatin1Char(','));
    QCOMPARE(header.first(), QStringLiteral("method"));
    const qsizetype ratioColumn = header.indexOf(QStringLiteral("perplexity_ratio"));
    const qsizetype mseColumn = header.indexOf(QStringLiteral("weighted_mse"));
    const qsizetype containerColumn = header.indexOf(QStringLiteral("container"));
    QVERIFY(ratioColumn > 0 && mseColumn > 0 && containerColumn > 0);
    for (int i = 0; i < 3; ++i) {
        const QStringList fields = lines[2 + i].split(QLatin1Char(','));
        QCOMPARE(fields.size(), header.size());
        const SweepPoint &p = session.points[size_t(i)];
        QCOMPARE(fields[0], p.method);
        QCOMPARE(fields[1].toDouble(), p.targetBits);
        QVERIFY(std::abs(fields[mseColumn].toDouble() / p.weightedMse - 1.0) < 1e-9);
        QVERIFY(std::abs(fields[ratioColumn].toDouble() -
                         p.perplexity / session.reference.perplexity) < 1e-9);
        QCOMPARE(fields[containerColumn], p.containerPath);
    }
}

void TestSweepSession::jsonHoldsEveryPoint() {
    const SweepSession session = sampleSession();
    const QJsonObject root = sweepJson(session).object();
    QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("nwc-sweep"));
    const QJsonObject settings = root.value(QStringLiteral("settings")).toObject();
    QCOMPARE(settings.value(QStringLiteral("model")).toString(), session.settings.model);
    QCOMPARE(settings.value(QStringLiteral("context_length")).toInt(), 512);
    QCOMPARE(settings.value(QStringLiteral("bits")).toArray().size(), 3);
    const QJsonObject reference = root.value(QStringLiteral("reference")).toObject();
    QCOMPARE(reference.value(QStringLiteral("perplexity")).toDouble(),
             session.reference.perplexity);
    QCOMPARE(reference.value(QStringLiteral("fp16_bytes")).toDouble(), 2469134.0);
    const QJsonArray points = root.value(QStringLiteral("points")).toArray();
    QCOMPARE(points.size(), 3);
    for (int i = 0; i < 3; ++i) {
        const QJsonObject p = points[i].toObject();
        const SweepPoint &expected = session.points[size_t(i)];
        QCOMPARE(p.value(QStringLiteral("method")).toString(), expected.method);
        QCOMPARE(p.value(QStringLiteral("target_bits")).toDouble(), expected.targetBits);
        QCOMPARE(p.value(QStringLiteral("bits_per_weight")).toDouble(), expected.bitsPerWeight);
        QCOMPARE(p.value(QStringLiteral("counted_bytes")).toDouble(),
                 double(expected.countedBytes));
        QCOMPARE(p.value(QStringLiteral("kl_p99")).toDouble(), expected.klP99);
        QCOMPARE(p.value(QStringLiteral("same_top_rate")).toDouble(), expected.sameTopRate);
        QCOMPARE(p.value(QStringLiteral("perplexity_ratio")).toDouble(),
                 expected.perplexity / session.reference.perplexity);
    }
    QCOMPARE(root.value(QStringLiteral("skipped")).toArray().size(), 2);
}

void TestSweepSession::loadErrorsNameTheFile() {
    const auto expectError = [](const QString &path, const char *fragment) {
        try {
            loadSweepSession(path);
            QFAIL(qPrintable(QStringLiteral("%1 was accepted").arg(path)));
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(path), qPrintable(error.message()));
            QVERIFY2(error.message().contains(QLatin1String(fragment)),
                     qPrintable(error.message()));
        }
    };
    expectError(m_dir.filePath(QStringLiteral("missing.h5")), "no such file");

    const QString text = m_dir.filePath(QStringLiteral("text.h5"));
    QFile file(text);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not an HDF5 file at all");
    file.close();
    expectError(text, "not an HDF5 file");

    // A damaged session: a valid one cut in half.
    const QString whole = m_dir.filePath(QStringLiteral("whole.h5"));
    saveSweepSession(sampleSession(), whole);
    QFile source(whole);
    QVERIFY(source.open(QIODevice::ReadOnly));
    const QByteArray bytes = source.readAll();
    const QString truncated = m_dir.filePath(QStringLiteral("truncated.h5"));
    QFile cut(truncated);
    QVERIFY(cut.open(QIODevice::WriteOnly));
    cut.write(bytes.left(bytes.size() / 2));
    cut.close();
    try {
        loadSweepSession(truncated);
        QFAIL("a truncated session was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(truncated), qPrintable(error.message()));
    }
}

void TestSweepSession::sweepMeasuresResumesAndRefuses() {
    SweepSettings settings;
    settings.model = QStringLiteral("demo:student");
    settings.bits = {3.0, 4.0};
    settings.methods = {QStringLiteral("rtn"), QStringLiteral("nwc")};
    settings.textPath = demoHeldoutText();
    QVERIFY2(QFileInfo::exists(settings.textPath), qPrintable(settings.textPath));
    settings.contextLength = 64;
    settings.stride = 32;
    settings.maxBytes = 3000;
    settings.calibrationText = settings.textPath;
    settings.calibrationSamples = 4;
    settings.calibrationLength = 64;
    settings.containerFolder = m_dir.filePath(QStringLiteral("containers"));
    const QString sessionPath = m_dir.filePath(QStringLiteral("student-sweep.h5"));

    // First run: cancelled once the first point is saved.
    FlagProgress progress;
    int observed = 0;
    QVERIFY_THROWS_EXCEPTION(
        Cancelled, runSweep(settings, sessionPath, &progress, [&](const SweepSession &session) {
            ++observed;
            QVERIFY(session.hasReference);
            if (!session.points.empty())
                progress.cancel = true;
        }));
    QCOMPARE(observed, 2); // the reference and one point
    const SweepSession partial = loadSweepSession(sessionPath);
    QVERIFY(partial.hasReference);
    QCOMPARE(partial.points.size(), size_t(1));
    const SweepPoint first = partial.points.front();
    QCOMPARE(first.method, QStringLiteral("rtn"));
    QCOMPARE(first.targetBits, 3.0);

    // Second run: only the three missing points are measured.
    FlagProgress resumed;
    observed = 0;
    std::vector<size_t> sizes;
    const SweepSession session =
        runSweep(settings, sessionPath, &resumed, [&](const SweepSession &current) {
            ++observed;
            sizes.push_back(current.points.size());
        });
    QCOMPARE(observed, 1 + 3); // the loaded session, then each new point
    QCOMPARE(sizes, std::vector<size_t>({1, 2, 3, 4}));
    QCOMPARE(session.points.size(), size_t(4));
    QVERIFY(samePoint(session.points.front(), first));
    QVERIFY(!resumed.messages.filter(QStringLiteral("about")).isEmpty()); // ETA once measured

    const double referencePerplexity = session.reference.perplexity;
    QVERIFY(referencePerplexity > 1.0 && referencePerplexity < 100.0);
    QVERIFY(session.reference.compressedWeights > 0);
    QCOMPARE(session.reference.fp16Bytes, 2 * session.reference.compressedWeights);
    QVERIFY(session.reference.tokensScored > 100);
    for (const QString &method : settings.methods) {
        for (double bits : settings.bits) {
            const SweepPoint *p = session.find(method, bits);
            QVERIFY2(p, qPrintable(sweepPointName(method, bits)));
            const QString name = sweepPointName(method, bits);
            // NWC lands on the target; RTN adds scales and zero points per group of 128.
            if (method == QLatin1String("nwc"))
                QVERIFY2(std::abs(p->bitsPerWeight - bits) <= 0.05, qPrintable(name));
            else
                QVERIFY2(p->bitsPerWeight > bits && p->bitsPerWeight < bits + 0.5,
                         qPrintable(name));
            QCOMPARE(p->bitsPerWeight,
                     8.0 * double(p->countedBytes) / double(session.reference.compressedWeights));
            QVERIFY(p->fileBytes > p->countedBytes);
            QVERIFY2(p->weightedMse > 0.0 && p->weightedMse < 0.2, qPrintable(name));
            QVERIFY2(p->perplexity > 0.8 * referencePerplexity &&
                         p->perplexity < 2.0 * referencePerplexity,
                     qPrintable(name));
            QVERIFY(p->bitsPerByte > 0.0);
            QVERIFY(p->klMean >= 0.0 && p->klP99 >= p->klMean);
            QVERIFY(p->sameTopRate >= 0.0 && p->sameTopRate <= 1.0);
            QVERIFY(p->seconds > 0.0);
            QVERIFY2(QFileInfo::exists(p->containerPath), qPrintable(p->containerPath));
        }
        // More bits, less error.
        QVERIFY(session.find(method, 4.0)->weightedMse < session.find(method, 3.0)->weightedMse);
    }
    const SweepSession stored = loadSweepSession(sessionPath);
    QCOMPARE(stored.points.size(), size_t(4));
    for (size_t i = 0; i < 4; ++i)
        QVERIFY(samePoint(stored.points[i], session.points[i]));

    // Nothing left: returns at once with the session as stored.
    observed = 0;
    const SweepSession again =
        runSweep(settings, sessionPath, nullptr, [&](const SweepSession &) { ++observed; });
    QCOMPARE(observed, 1);
    QCOMPARE(again.points.size(), size_t(4));

    // Unreachable points are skipped and listed, not failures; a rerun does not retry them.
    SweepSettings unreachable = settings;
    unreachable.methods = {QStringLiteral("rtn"), QStringLiteral("nwc")};
    unreachable.bits = {0.5};
    const SweepSession skipped = runSweep(unreachable, sessionPath);
    QCOMPARE(skipped.points.size(), size_t(4));
    QCOMPARE(skipped.skipped.size(), 2);
    QVERIFY(skipped.skipped[0].startsWith(QLatin1String("rtn @ 0.5:")));
    QVERIFY(skipped.skipped[1].startsWith(QLatin1String("nwc @ 0.5:")));
    QVERIFY2(skipped.skipped[1].contains(QLatin1String("out of reach")),
             qPrintable(skipped.skipped[1]));
    QCOMPARE(loadSweepSession(sessionPath).skipped, skipped.skipped);
    QCOMPARE(runSweep(unreachable, sessionPath).skipped, skipped.skipped);

    // Another context length is refused, naming the setting; the session is untouched.
    SweepSettings otherContext = settings;
    otherContext.contextLength = 128;
    try {
        runSweep(otherContext, sessionPath);
        QFAIL("a session with another context length was resumed");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(QLatin1String("context length 64")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(sessionPath), qPrintable(error.message()));
    }
    QCOMPARE(loadSweepSession(sessionPath).points.size(), size_t(4));

    // A file that is not a sweep session (a kept container) is refused by name.
    const QString container = session.points.back().containerPath;
    try {
        loadSweepSession(container);
        QFAIL("a container was loaded as a session");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(container), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QLatin1String("not a sweep session")),
                 qPrintable(error.message()));
    }
}

QTEST_GUILESS_MAIN(TestSweepSession)
#include "tst_sweepsession.moc"
