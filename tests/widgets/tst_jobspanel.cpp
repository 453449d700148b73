// JobsPanel: running jobs are listed with progress, and the Cancel button cancels them.
#include "jobitemdelegate.h"
#include "joblistmodel.h"
#include "jobs/error.h"
#include "jobs/jobrunner.h"
#include "jobspanel.h"

#include <QAbstractItemModelTester>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTreeView>

using namespace nwc;

namespace {

// Reports half done and spins until cancelled.
int spinUntilCancelled(JobContext &context) {
    for (;;) {
        context.report(0.5, QStringLiteral("halfway"));
        throwIfCancelled(&context);
        QThread::msleep(2);
    }
}

} // namespace

class TestJobsPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsRunningJobAndCancelButtonCancels();
    void modelFollowsRunner();
    void failedJobShowsError();
    void cancelAllAndClearFinished();
};

void TestJobsPanel::showsRunningJobAndCancelButtonCancels() {
    JobRunner runner;
    JobsPanel panel(&runner);
    panel.resize(900, 220);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));

    const quint64 id = runner.start(QStringLiteral("Spin"), QString(), nullptr, spinUntilCancelled);
    JobListModel *model = panel.model();
    QCOMPARE(model->rowCount(), 1);
    QTRY_COMPARE(model->jobAt(0).state, JobState::Running);
    QTRY_COMPARE(model->index(0, JobListModel::ProgressColumn).data().toString(),
                 QStringLiteral("50 %"));
    QCOMPARE(model->index(0, JobListModel::TitleColumn).data().toString(), QStringLiteral("Spin"));
    QCOMPARE(model->index(0, JobListModel::StatusColumn).data().toString(),
             QStringLiteral("halfway"));
    QVERIFY(
        model->index(0, JobListModel::CancelColumn).data(JobListModel::CancellableRole).toBool());

    QTreeView *view = panel.view();
    const QRect cell = view->visualRect(model->index(0, JobListModel::CancelColumn));
    QVERIFY(cell.isValid());
    const QPoint center = JobItemDelegate::buttonRect(cell).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, center);
    QVERIFY(runner.job(id).cancelRequested);
    QTRY_COMPARE(runner.job(id).state, JobState::Cancelled);
    QTRY_COMPARE(model->index(0, JobListModel::ProgressColumn).data().toString(),
                 QStringLiteral("Cancelled"));
    QVERIFY(
        !model->index(0, JobListModel::CancelColumn).data(JobListModel::CancellableRole).toBool());
}

void TestJobsPanel::modelFollowsRunner() {
    JobRunner runner;
    JobListModel model(&runner);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const quint64 first =
        runner.start(QStringLiteral("first"), QString(), nullptr, [](JobContext &) { return 1; });
    const quint64 second =
        runner.start(QStringLiteral("second"), QString(), nullptr, spinUntilCancelled);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.jobAt(0).id, second); // newest first
    QCOMPARE(model.jobAt(1).id, first);
    QTRY_COMPARE(model.jobAt(1).state, JobState::Finished);
    QCOMPARE(
        model.index(1, JobListModel::ProgressColumn).data(JobListModel::FractionRole).toDouble(),
        1.0);
    runner.cancel(second);
    QTRY_COMPARE(model.jobAt(0).state, JobState::Cancelled);
    runner.clearFinished();
    QCOMPARE(model.rowCount(), 0);
}

void TestJobsPanel::failedJobShowsError() {
    JobRunner runner;
    JobListModel model(&runner);
    runner.start(QStringLiteral("open broken"), QString(), nullptr, [](JobContext &) -> int {
        throw Error(QStringLiteral("broken.safetensors: header is not valid JSON"));
    });
    QTRY_COMPARE(model.jobAt(0).state, JobState::Failed);
    QCOMPARE(model.index(0, JobListModel::StatusColumn).data().toString(),
             QStringLiteral("broken.safetensors: header is not valid JSON"));
    QVERIFY(model.index(0, JobListModel::StatusColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("header is not valid JSON")));
}

void TestJobsPanel::cancelAllAndClearFinished() {
    JobRunner runner;
    JobsPanel panel(&runner);
    auto *cancelAll = panel.findChild<QPushButton *>();
    QList<QPushButton *> buttons = panel.findChildren<QPushButton *>();
    QPushButton *cancelButton = nullptr;
    QPushButton *clearButton = nullptr;
    for (QPushButton *button : buttons) {
        if (button->text() == QLatin1String("Cancel All"))
            cancelButton = button;
        if (button->text() == QLatin1String("Clear Finished"))
            clearButton = button;
    }
    QVERIFY(cancelAll && cancelButton && clearButton);
    QVERIFY(!cancelButton->isEnabled());
    runner.start(QStringLiteral("a"), QString(), nullptr, spinUntilCancelled);
    runner.start(QStringLiteral("b"), QString(), nullptr, spinUntilCancelled);
    QVERIFY(cancelButton->isEnabled());
    cancelButton->click();
    QTRY_COMPARE(runner.activeCount(), 0);
    QTRY_VERIFY(clearButton->isEnabled());
    clearButton->click();
    QCOMPARE(panel.model()->rowCount(), 0);
}

QTEST_MAIN(TestJobsPanel)
#include "tst_jobspanel.moc"
