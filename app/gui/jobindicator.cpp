#include "jobindicator.h"

#include "jobs/jobrunner.h"

namespace nwc {

JobIndicator::JobIndicator(JobRunner *runner, QWidget *parent)
    : QLabel(parent)
    , m_runner(runner) {
    setTextFormat(Qt::RichText);
    setToolTip(tr("Show the Jobs panel"));
    connect(this, &QLabel::linkActivated, this, &JobIndicator::jobsPanelRequested);
    connect(m_runner, &JobRunner::activeCountChanged, this, &JobIndicator::showActive);
    connect(m_runner, &JobRunner::jobUpdated, this,
            [this] { showActive(m_runner->activeCount()); });
    showActive(0);
}

void JobIndicator::showActive(int active) {
    setVisible(active > 0);
    if (active <= 0)
        return;
    QString text = active == 1 ? tr("1 job running") : tr("%1 jobs running").arg(active);
    if (active == 1) {
        const QVector<JobInfo> jobs = m_runner->jobs();
        for (const JobInfo &job : jobs) {
            if (!job.isActive())
                continue;
            const QString title = fontMetrics().elidedText(job.title, Qt::ElideMiddle, 260);
            if (job.fraction < 0)
                text = title;
            else if (job.etaSeconds < 0)
                text = tr("%1: %2 %").arg(title).arg(int(job.fraction * 100));
            else
                text = tr("%1: %2 %, %3 left")
                           .arg(title)
                           .arg(int(job.fraction * 100))
                           .arg(JobInfo::formatDuration(job.etaSeconds));
            break;
        }
    }
    setText(QStringLiteral("<a href=\"jobs\">%1</a>").arg(text.toHtmlEscaped()));
}

} // namespace nwc
