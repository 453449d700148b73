#include "modelbrowser.h"

#include "histogramplot.h"
#include "jobs/jobrunner.h"
#include "tensortreemodel.h"

#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>
#include <iterator>
#include <utility>

namespace nwc {
namespace {

constexpr int kHistogramBins = 64;
/// Tensors above this many elements are read in chunks of this size for their statistics.
constexpr qint64 kStatisticsChunk = qint64(1) << 22;

QLabel *valueLabel(QWidget *parent, const QString &objectName) {
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setMinimumWidth(label->fontMetrics().horizontalAdvance(QStringLiteral("-0.000000e-00")));
    return label;
}

QLabel *keyLabel(QWidget *parent, const QString &text) {
    auto *label = new QLabel(text, parent);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, palette.color(QPalette::PlaceholderText));
    label->setPalette(palette);
    return label;
}

} // namespace

ModelBrowser::ModelBrowser(JobRunner *runner, QWidget *parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_model(new TensorTreeModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_view(new QTreeView(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_channel(QStringLiteral("statistics:%1").arg(quintptr(this), 0, 16)) {
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setAutoAcceptChildRows(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterRole(TensorTreeModel::FilterRole);
    m_proxy->setSortRole(TensorTreeModel::SortRole);

    m_filter->setPlaceholderText(tr("Filter tensors (e.g. q_proj, layers.3)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Show only tensors whose name contains this text (Ctrl+F)"));
    auto *findShortcut = new QShortcut(QKeySequence::Find, this);
    findShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(findShortcut, &QShortcut::activated, this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty())
            m_view->expandAll();
    });

    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TensorTreeModel::NameColumn, Qt::AscendingOrder);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(TensorTreeModel::NameColumn, QHeaderView::Stretch);
    for (int column : {int(TensorTreeModel::ShapeColumn), int(TensorTreeModel::DTypeColumn),
                       int(TensorTreeModel::BytesColumn)})
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { onCurrentChanged(current); });
    connect(m_view, &QTreeView::clicked, this, [this] {
        // Clicking the selected tensor again recomputes statistics that were cancelled.
        if (!m_currentTensor.isEmpty() && !m_cache.contains(m_currentTensor) &&
            !m_runner->job(m_statisticsJob).isActive())
            requestStatistics(m_currentTensor);
    });

    auto *treePane = new QWidget(m_splitter);
    auto *treeLayout = new QVBoxLayout(treePane);
    treeLayout->setContentsMargins(0, 0, 0, 0);
    treeLayout->setSpacing(4);
    treeLayout->addWidget(m_filter);
    treeLayout->addWidget(m_view, 1);

    auto *details = new QWidget(m_splitter);
    m_title = new QLabel(details);
    m_title->setObjectName(QStringLiteral("tensorTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_shape = valueLabel(details, QStringLiteral("shapeValue"));
    m_dtype = valueLabel(details, QStringLiteral("dtypeValue"));
    m_elements = valueLabel(details, QStringLiteral("elementsValue"));
    m_size = valueLabel(details, QStringLiteral("sizeValue"));
    m_min = valueLabel(details, QStringLiteral("minValue"));
    m_max = valueLabel(details, QStringLiteral("maxValue"));
    m_mean = valueLabel(details, QStringLiteral("meanValue"));
    m_std = valueLabel(details, QStringLiteral("stdValue"));
    m_note = new QLabel(details);
    m_note->setObjectName(QStringLiteral("statisticsNote"));
    m_note->setWordWrap(true);
    m_histogram = new HistogramPlot(details);

    m_facts = new QWidget(details);
    auto *grid = new QGridLayout(m_facts);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(2);
    // Two facts a row, each a key and its value.
    const std::pair<QString, QLabel *> facts[] = {
        {tr("Shape"), m_shape}, {tr("DType"), m_dtype}, {tr("Elements"), m_elements},
        {tr("Size"), m_size},   {tr("Min"), m_min},     {tr("Max"), m_max},
        {tr("Mean"), m_mean},   {tr("Std"), m_std}};
    for (int i = 0; i < int(std::size(facts)); ++i) {
        const int row = i / 2;
        const int column = (i % 2) * 2;
        grid->addWidget(keyLabel(details, facts[i].first), row, column);
        grid->addWidget(facts[i].second, row, column + 1);
    }
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);

    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 4, 0, 0);
    detailsLayout->setSpacing(4);
    detailsLayout->addWidget(m_title);
    detailsLayout->addWidget(m_facts);
    detailsLayout->addWidget(m_note);
    detailsLayout->addWidget(m_histogram, 1);

    m_splitter->addWidget(treePane);
    m_splitter->addWidget(details);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_splitter);

    showTensorInfo(nullptr);
}

ModelBrowser::~ModelBrowser() = default;

QString ModelBrowser::formatValue(double value) {
    return QLocale().toString(value, 'g', 6);
}

void ModelBrowser::setCheckpoint(CheckpointPtr checkpoint) {
    m_runner->cancel(m_statisticsJob);
    m_cache.clear();
    m_checkpoint = std::move(checkpoint);
    m_model->setCheckpoint(m_checkpoint);
    m_currentTensor.clear();
    m_filter->clear();
    if (m_checkpoint && m_model->rowCount() > 0) {
        const QModelIndex first = m_proxy->index(0, 0);
        m_view->expand(first);
    }
    showTensorInfo(nullptr);
    Q_EMIT currentTensorChanged(QString());
}

bool ModelBrowser::selectTensor(const QString &name) {
    const QModelIndex source = m_model->indexOfTensor(name);
    if (!source.isValid())
        return false;
    if (!m_filter->text().isEmpty() && !m_proxy->mapFromSource(source).isValid())
        m_filter->clear();
    const QModelIndex index = m_proxy->mapFromSource(source);
    if (!index.isValid())
        return false;
    m_view->expand(index.parent());
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
    return true;
}

std::optional<TensorStatistics> ModelBrowser::currentStatistics() const {
    const auto it = m_cache.constFind(m_currentTensor);
    if (m_currentTensor.isEmpty() || it == m_cache.constEnd())
        return std::nullopt;
    return it.value();
}

void ModelBrowser::onCurrentChanged(const QModelIndex &current) {
    const QModelIndex source = m_proxy->mapToSource(current);
    const TensorInfo *info = m_model->tensorAt(source);
    const QString name = info ? info->name : QString();
    if (!info && source.isValid()) {
        // A layer row: summarize it.
        const QModelIndex bytesIndex = source.siblingAtColumn(TensorTreeModel::BytesColumn);
        m_currentTensor.clear();
        showTensorInfo(nullptr);
        m_title->setText(source.data(TensorTreeModel::FilterRole).toString());
        m_title->setVisible(true);
        m_facts->setVisible(true);
        m_shape->setText(source.siblingAtColumn(TensorTreeModel::ShapeColumn).data().toString());
        m_dtype->setText(source.siblingAtColumn(TensorTreeModel::DTypeColumn).data().toString());
        m_size->setText(bytesIndex.data().toString());
        m_histogram->clear(tr("Select a tensor inside this layer to see its histogram."));
        Q_EMIT currentTensorChanged(QString());
        return;
    }
    if (name == m_currentTensor)
        return;
    m_currentTensor = name;
    showTensorInfo(info);
    Q_EMIT currentTensorChanged(name);
    if (!info)
        return;
    const auto cached = m_cache.constFind(name);
    if (cached != m_cache.constEnd())
        showStatistics(cached.value());
    else
        requestStatistics(name);
}

void ModelBrowser::requestStatistics(const QString &name) {
    showStatisticsMessage(tr("computing…"));
    m_histogram->clear(tr("Computing the histogram of %1…").arg(name));
    const CheckpointPtr checkpoint = m_checkpoint;
    m_statisticsJob = m_runner->start(
        tr("Statistics of %1").arg(name), m_channel, this,
        [checkpoint, name](JobContext &context) {
            context.report(0.0, tr("Reading %1").arg(name));
            const TensorInfo *info = checkpoint->findTensor(name);
            const qint64 count = info ? info->elementCount() : 0;
            if (!info || !checkpoint->readsRangesDirectly() || count <= kStatisticsChunk) {
                const std::vector<float> values = checkpoint->readFloat32(name);
                throwIfCancelled(&context);
                context.report(0.5, tr("Computing statistics over %L1 values").arg(values.size()));
                TensorStatistics statistics =
                    TensorStatistics::compute(values.data(), qint64(values.size()), kHistogramBins);
                context.report(1.0, tr("%L1 values").arg(values.size()));
                return statistics;
            }
            // Large tensors of mapped files: two streaming passes, one chunk in memory at a time.
            qint64 done = 0;
            const auto read = [&](qint64 first, qint64 size) {
                throwIfCancelled(&context);
                context.report(double(done) / double(2 * count),
                               tr("Two passes over %L1 values").arg(count));
                done += size;
                return checkpoint->readFloat32Range(name, first, size);
            };
            TensorStatistics statistics =
                TensorStatistics::computeStreaming(read, count, kHistogramBins, kStatisticsChunk);
            context.report(1.0, tr("%L1 values").arg(count));
            return statistics;
        },
        JobHandlers<TensorStatistics>{
            [this, checkpoint, name](const TensorStatistics &statistics) {
                if (checkpoint != m_checkpoint)
                    return;
                m_cache.insert(name, statistics);
                if (name == m_currentTensor)
                    showStatistics(statistics);
            },
            [this, checkpoint, name](const QString &message) {
                if (checkpoint != m_checkpoint || name != m_currentTensor)
                    return;
                showStatisticsMessage(QStringLiteral("—"));
                m_note->setText(tr("Could not read %1: %2").arg(name, message));
                m_note->setVisible(true);
                m_histogram->clear(tr("No histogram: the tensor could not be read."));
            },
            [this, checkpoint, name] {
                if (checkpoint != m_checkpoint || name != m_currentTensor)
                    return;
                showStatisticsMessage(QStringLiteral("—"));
                m_histogram->clear(tr("Statistics were cancelled. Click the tensor to compute "
                                      "them again."));
            }});
}

void ModelBrowser::showTensorInfo(const TensorInfo *info) {
    m_note->clear();
    m_note->setVisible(false);
    m_title->setVisible(info != nullptr);
    m_facts->setVisible(info != nullptr);
    if (!info) {
        m_title->setText(m_checkpoint ? tr("No tensor selected") : tr("No model open"));
        for (QLabel *label : {m_shape, m_dtype, m_elements, m_size})
            label->clear();
        showStatisticsMessage(QString());
        m_histogram->clear(m_checkpoint ? tr("Select a tensor to see its statistics and "
                                             "histogram.")
                                        : tr("Open a model to browse its tensors."));
        return;
    }
    m_title->setText(info->name);
    m_shape->setText(info->shapeString());
    m_dtype->setText(dtypeName(info->dtype));
    m_elements->setText(QLocale().toString(info->elementCount()));
    m_size->setText(QLocale().formattedDataSize(qint64(info->byteSize), 2));
}

void ModelBrowser::showStatistics(const TensorStatistics &statistics) {
    m_min->setText(formatValue(statistics.min));
    m_max->setText(formatValue(statistics.max));
    m_mean->setText(formatValue(statistics.mean));
    m_std->setText(formatValue(statistics.std));
    if (statistics.nonFiniteCount > 0) {
        m_note->setText(statistics.nonFiniteCount == 1
                            ? tr("1 value is NaN or infinite and was left out.")
                            : tr("%L1 values are NaN or infinite and were left out.")
                                  .arg(statistics.nonFiniteCount));
        m_note->setVisible(true);
    }
    m_histogram->setStatistics(statistics, m_currentTensor);
    Q_EMIT statisticsShown(m_currentTensor);
}

void ModelBrowser::showStatisticsMessage(const QString &message) {
    for (QLabel *label : {m_min, m_max, m_mean, m_std})
        label->setText(message);
}

} // namespace nwc
