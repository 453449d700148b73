// JobRunner: progress, cancellation, errors, stale results and teardown, checked with QSignalSpy.
#include "jobs/error.h"
#include "jobs/jobrunner.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <atomic>
#include <memory>

using namespace nwc;

namespace {

// Waits (spinning the event loop) until the runner reports `id` in `state`.
bool waitForState(const JobRunner &runner, quint64 id, JobState state, int timeoutMs = 5000) {
    return QTest::qWaitFor([&] { return runner.job(id).state == state; }, timeoutMs);
}

} // namespace

class TestJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reportsProgressAndFinishes();
    void cancelStopsTheWork();
    void errorDeliversTheMessage();
    void unexpectedExceptionsBecomeErrors();
    void newerJobInChannelDropsStaleResult();
    void postsArriveInOrderBeforeTheResult();
    void deletedReceiverGetsNothing();
    void destructorCancelsAndWaits();
    void etaFromElapsedTime_data();
    void etaFromElapsedTime();
    void finishedJobsArePruned();
};

void TestJobRunner::reportsProgressAndFinishes() {
    JobRunner runner;
    QObject receiver;
    QSignalSpy added(&runner, &JobRunner::jobAdded);
    QSignalSpy updated(&runner, &JobRunner::jobUpdated);
    int result = 0;
    bool errorSeen = false;
    const quint64 id = runner.start(
        QStringLiteral("count"), QString(), &receiver,
        [](JobContext &context) {
            for (int step = 1; step <= 4; ++step) {
                QThread::msleep(30);
                context.report(step / 4.0, QStringLiteral("step %1/4").arg(step));
            }
            return 42;
        },
        JobHandlers<int>{[&](const int &value) { result = value; },
                         [&](const QString &) { errorSeen = true; },
                         {}});
    QCOMPARE(added.count(), 1);
    QCOMPARE(added.at(0).at(0).value<JobInfo>().title, QStringLiteral("count"));
    QVERIFY(waitForState(runner, id, JobState::Finished));
    QTRY_COMPARE(result, 42);
    QVERIFY(!errorSeen);

    bool sawPartial = false;
    bool sawRunning = false;
    for (const QList<QVariant> &arguments : std::as_const(updated)) {
        const JobInfo info = arguments.at(0).value<JobInfo>();
        QCOMPARE(info.id, id);
        sawRunning = sawRunning || info.state == JobState::Running;
        if (info.fraction > 0 && info.fraction < 1) {
            sawPartial = true;
            QVERIFY(info.message.startsWith(QStringLiteral("step ")));
        }
    }
    QVERIFY(sawRunning);
    QVERIFY(sawPartial);
    const JobInfo last = updated.last().at(0).value<JobInfo>();
    QCOMPARE(last.state, JobState::Finished);
    QCOMPARE(last.fraction, 1.0);
    QVERIFY(last.elapsedSeconds >= 0.1);
    QCOMPARE(last.message, QStringLiteral("step 4/4"));
    QCOMPARE(runner.activeCount(), 0);
}

void TestJobRunner::cancelStopsTheWork() {
    JobRunner runner;
    QObject receiver;
    std::atomic<int> iterations{0};
    bool cancelledSeen = false;
    bool resultSeen = false;
    const quint64 id = runner.start(
        QStringLiteral("forever"), QString(), &receiver,
        [&iterations](JobContext &context) {
            for (;;) {
                throwIfCancelled(&context);
                context.report(0.5, QStringLiteral("spinning"));
                ++iterations;
                QThread::msleep(2);
            }
            return 0;
        },
        JobHandlers<int>{
            [&](const int &) { resultSeen = true; }, {}, [&] { cancelledSeen = true; }});
    QVERIFY(waitForState(runner, id, JobState::Running));
    QSignalSpy updated(&runner, &JobRunner::jobUpdated);
    runner.cancel(id);
    QVERIFY(runner.job(id).cancelRequested);
    QVERIFY(waitForState(runner, id, JobState::Cancelled));
    QTRY_VERIFY(cancelledSeen);
    QVERIFY(!resultSeen);
    QVERIFY(iterations.load() > 0);
    QVERIFY(runner.job(id).error.isEmpty());
    QCOMPARE(updated.last().at(0).value<JobInfo>().state, JobState::Cancelled);
}

void TestJobRunner::errorDeliversTheMessage() {
    JobRunner runner;
    QObject receiver;
    QString message;
    const QString expected = QStringLiteral("/tmp/broken.safetensors: header is truncated");
    const quint64 id = runner.start(
        QStringLiteral("open"), QString(), &receiver,
        [expected](JobContext &) -> int { throw Error(expected); },
        JobHandlers<int>{{}, [&](const QString &text) { message = text; }, {}});
    QVERIFY(waitForState(runner, id, JobState::Failed));
    QTRY_COMPARE(message, expected);
    QCOMPARE(runner.job(id).error, expected);
}

void TestJobRunner::unexpectedExceptionsBecomeErrors() {
    JobRunner runner;
    QObject receiver;
    QString message;
    runner.start(
        QStringLiteral("bad"), QString(), &receiver,
        [](JobContext &) -> int { throw std::runtime_error("index out of range"); },
        JobHandlers<int>{{}, [&](const QString &text) { message = text; }, {}});
    QTRY_COMPARE(message, QStringLiteral("index out of range"));
}

void TestJobRunner::newerJobInChannelDropsStaleResult() {
    JobRunner runner;
    QObject receiver;
    auto release = std::make_shared<QSemaphore>();
    QVector<int> results;
    bool firstCancelled = false;
    const quint64 first = runner.start(
        QStringLiteral("slow"), QStringLiteral("stats"), &receiver,
        [release](JobContext &) {
            release->acquire(); // ignores cancellation on purpose: its result must be dropped
            return 1;
        },
        JobHandlers<int>{
            [&](const int &value) { results.append(value); }, {}, [&] { firstCancelled = true; }});
    const quint64 second = runner.start(
        QStringLiteral("fast"), QStringLiteral("stats"), &receiver, [](JobContext &) { return 2; },
        JobHandlers<int>{[&](const int &value) { results.append(value); }, {}, {}});
    QVERIFY(runner.job(first).cancelRequested);
    QVERIFY(!runner.isCurrent(first));
    QVERIFY(runner.isCurrent(second));
    QVERIFY(waitForState(runner, second, JobState::Finished));
    release->release();
    QVERIFY(waitForState(runner, first, JobState::Cancelled));
    QTest::qWait(20);
    QCOMPARE(results, QVector<int>{2});
    QVERIFY(!firstCancelled); // superseded, not cancelled by the user
}

void TestJobRunner::postsArriveInOrderBeforeTheResult() {
    JobRunner runner;
    QObject receiver;
    QStringList events;
    runner.start(
        QStringLiteral("stream"), QStringLiteral("generation"), &receiver,
        [&events](JobContext &context) {
            for (int i = 0; i < 50; ++i)
                context.post([&events, i] { events.append(QString::number(i)); });
            return QStringLiteral("done");
        },
        JobHandlers<QString>{[&](const QString &value) { events.append(value); }, {}, {}});
    QTRY_COMPARE(events.size(), 51);
    for (int i = 0; i < 50; ++i)
        QCOMPARE(events.at(i), QString::number(i));
    QCOMPARE(events.last(), QStringLiteral("done"));
}

void TestJobRunner::deletedReceiverGetsNothing() {
    JobRunner runner;
    auto receiver = std::make_unique<QObject>();
    auto release = std::make_shared<QSemaphore>();
    bool called = false;
    const quint64 id = runner.start(
        QStringLiteral("orphan"), QString(), receiver.get(),
        [release](JobContext &) {
            release->acquire();
            return 7;
        },
        JobHandlers<int>{[&](const int &) { called = true; }, {}, {}});
    receiver.reset();
    release->release();
    QVERIFY(waitForState(runner, id, JobState::Finished));
    QTest::qWait(20);
    QVERIFY(!called);
}

void TestJobRunner::destructorCancelsAndWaits() {
    auto stopped = std::make_shared<std::atomic<bool>>(false);
    auto started = std::make_shared<QSemaphore>();
    {
        JobRunner runner;
        runner.start(QStringLiteral("endless"), QString(), nullptr,
                     [stopped, started](JobContext &context) {
                         started->release();
                         while (!context.cancelled())
                             QThread::msleep(1);
                         stopped->store(true);
                         return 0;
                     });
        QVERIFY(started->tryAcquire(1, 5000));
    }
    QVERIFY(stopped->load());
}

void TestJobRunner::etaFromElapsedTime_data() {
    QTest::addColumn<double>("elapsed");
    QTest::addColumn<double>("fraction");
    QTest::addColumn<double>("expected");
    QTest::newRow("quarter") << 10.0 << 0.25 << 30.0;
    QTest::newRow("half") << 4.0 << 0.5 << 4.0;
    QTest::newRow("done") << 3.0 << 1.0 << 0.0;
    QTest::newRow("unknown fraction") << 5.0 << -1.0 << -1.0;
    QTest::newRow("too early") << 0.1 << 0.5 << -1.0;
    QTest::newRow("too little done") << 5.0 << 0.001 << -1.0;
}

void TestJobRunner::etaFromElapsedTime() {
    QFETCH(double, elapsed);
    QFETCH(double, fraction);
    QFETCH(double, expected);
    QCOMPARE(JobInfo::estimateRemaining(elapsed, fraction), expected);
}

void TestJobRunner::finishedJobsArePruned() {
    JobRunner runner;
    QSignalSpy removed(&runner, &JobRunner::jobRemoved);
    const int total = JobRunner::kFinishedJobsKept + 5;
    for (int i = 0; i < total; ++i)
        runner.start(QStringLiteral("job %1").arg(i), QString(), nullptr,
                     [i](JobContext &) { return i; });
    QTRY_COMPARE(runner.activeCount(), 0);
    QTRY_COMPARE(removed.count(), 5);
    QCOMPARE(runner.jobs().size(), JobRunner::kFinishedJobsKept);
    runner.clearFinished();
    QVERIFY(runner.jobs().isEmpty());
}

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_jobrunner.moc"
