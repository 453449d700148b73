#include "jobspanel.h"

#include "jobitemdelegate.h"
#include "joblistmodel.h"
#include "jobs/jobrunner.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace nwc {

JobsPanel::JobsPanel(JobRunner *runner, QWidget *parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_model(new JobListModel(runner, this))
    , m_view(new QTreeView(this))
    , m_summary(new QLabel(this))
    , m_cancelAll(new QPushButton(tr("Cancel All"), this))
    , m_clearFinished(new QPushButton(tr("Clear Finished"), this)) {
    auto *delegate = new JobItemDelegate(this);
    m_view->setModel(m_model);
    m_view->setItemDelegate(delegate);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setMouseTracking(true);
    m_view->setTextElideMode(Qt::ElideMiddle);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(JobListModel::TitleColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(JobListModel::StatusColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(JobListModel::ProgressColumn, QHeaderView::Fixed);
    header->setSectionResizeMode(JobListModel::CancelColumn, QHeaderView::Fixed);
    const QFontMetrics metrics = fontMetrics();
    header->resizeSection(JobListModel::ProgressColumn, metrics.averageCharWidth() * 20);
    header->resizeSection(JobListModel::ElapsedColumn, metrics.averageCharWidth() * 11);
    header->resizeSection(JobListModel::EtaColumn, metrics.averageCharWidth() * 11);
    header->resizeSection(JobListModel::CancelColumn, metrics.horizontalAdvance(tr("Cancel")) + 32);

    m_cancelAll->setToolTip(tr("Stop every running job"));
    m_clearFinished->setToolTip(tr("Remove finished, failed and cancelled jobs from the list"));

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_summary, 1);
    buttons->addWidget(m_cancelAll);
    buttons->addWidget(m_clearFinished);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);

    connect(delegate, &JobItemDelegate::cancelClicked, runner, &JobRunner::cancel);
    connect(m_cancelAll, &QPushButton::clicked, runner, &JobRunner::cancelAll);
    connect(m_clearFinished, &QPushButton::clicked, runner, &JobRunner::clearFinished);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &JobsPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &JobsPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &JobsPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsInserted, m_view, [this] { m_view->scrollToTop(); });
    updateSummary();
}

void JobsPanel::updateSummary() {
    const int active = m_runner->activeCount();
    const int total = m_model->rowCount();
    if (total == 0)
        m_summary->setText(tr("No jobs yet. Loading models, statistics and generation run "
                              "here."));
    else if (active == 0)
        m_summary->setText(tr("No job running."));
    else
        m_summary->setText(active == 1 ? tr("1 job running.") : tr("%1 jobs running.").arg(active));
    m_cancelAll->setEnabled(active > 0);
    m_clearFinished->setEnabled(total > active);
}

} // namespace nwc
