#include "collabbenchdialog.h"

#include "collabbenchview.h"
#include "decode/collabbenchmark.h"
#include "io/checkpoint.h"
#include "jobs/jobrunner.h"
#include "lm/qabenchmark.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace nwc {

CollabBenchDialog::CollabBenchDialog(JobRunner *runner, QWidget *parent)
    : QDialog(parent)
    , m_runner(runner)
    , m_view(new CollabBenchView(this))
    , m_status(new QLabel(this)) {
    setObjectName(QStringLiteral("benchmarkDialog"));
    setWindowTitle(tr("Collaborative Decoding Benchmark"));
    resize(900, 620);
    m_status->setObjectName(QStringLiteral("benchmarkStatus"));
    m_status->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_cancel = buttons->addButton(tr("Cancel Run"), QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::hide);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_job != 0)
            m_runner->cancel(m_job);
    });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    connect(m_runner, &JobRunner::jobUpdated, m_status, [this](const JobInfo &job) {
        if (job.id != m_job || m_job == 0 || job.fraction < 0)
            return;
        QString text = tr("Running: %1 % · %2").arg(int(100 * job.fraction)).arg(job.message);
        if (job.etaSeconds >= 0)
            text += tr(" · about %1 left").arg(JobInfo::formatDuration(job.etaSeconds));
        m_status->setText(text);
    });
}

void CollabBenchDialog::run(const LanguageModelPtr &student, const LanguageModelPtr &teacher,
                            const QString &teacherName) {
    if (m_job != 0)
        return;
    const QString studentName = student->displayName();
    m_status->setText(tr("Starting…"));
    m_cancel->setEnabled(true);
    show();
    raise();
    m_job = m_runner->start(
        tr("Collaborative benchmark: %1 steered by %2").arg(studentName, teacherName),
        QStringLiteral("collab-bench:%1").arg(quintptr(parent()), 0, 16), this,
        [student, teacher, studentName, teacherName](JobContext &context) {
            CollabBenchSettings settings;
            settings.studentName = studentName;
            settings.teacherName = teacherName;
            const QString demoTeacher = Checkpoint::resolveSpec(QStringLiteral("demo:teacher"));
            settings.dataName =
                QFileInfo(demoTeacher).dir().filePath(QStringLiteral("collab_heldout_qa.jsonl"));
            const QVector<QaItem> items = loadQaSet(settings.dataName);
            return runCollabBenchmark(*student, *teacher, items, settings, QString(), &context);
        },
        JobHandlers<CollabBenchResult>{
            [this](const CollabBenchResult &result) {
                m_view->setResult(result);
                end(tr("Done: %1 questions in %2.")
                        .arg(result.items.size())
                        .arg(JobInfo::formatDuration(result.seconds)));
                Q_EMIT finished();
            },
            [this](const QString &message) { end(tr("The benchmark failed: %1").arg(message)); },
            [this] { end(tr("The benchmark was cancelled.")); }});
    Q_EMIT runningChanged(true);
}

void CollabBenchDialog::end(const QString &status) {
    m_job = 0;
    m_cancel->setEnabled(false);
    m_status->setText(status);
    Q_EMIT runningChanged(false);
}

} // namespace nwc
