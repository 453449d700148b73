#include "ratedistortionview.h"

#include "customplot.h"
#include "plotexport.h"
#include "presentationscale.h"
#include "sweeppointtablemodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace nwc {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// What a y quantity reads from a sweep point, its CSV column and its axis label.
struct YQuantityInfo {
    double SweepPoint::*value;
    const char *name;
    const char *label;
};

// One entry per RateDistortionView::YQuantity, in its order.
const YQuantityInfo kYQuantities[] = {
    {&SweepPoint::perplexity, "perplexity",
     QT_TRANSLATE_NOOP("nwc::RateDistortionView", "perplexity")},
    {&SweepPoint::klMean, "kl_mean_nats",
     QT_TRANSLATE_NOOP("nwc::RateDistortionView", "KL divergence, mean (nats)")},
    {&SweepPoint::klP99, "kl_p99_nats",
     QT_TRANSLATE_NOOP("nwc::RateDistortionView", "KL divergence, 99th percentile (nats)")},
    {&SweepPoint::sameTopRate, "same_top_rate",
     QT_TRANSLATE_NOOP("nwc::RateDistortionView", "same top-1 token (fraction)")},
    {&SweepPoint::weightedMse, "weighted_mse",
     QT_TRANSLATE_NOOP("nwc::RateDistortionView", "importance-weighted MSE (relative)")},
    {&SweepPoint::bitsPerByte, "bits_per_byte",
     QT_TRANSLATE_NOOP("nwc::RateDistortionView", "bits per byte")},
};
static_assert(std::size(kYQuantities) == size_t(RateDistortionView::YQuantity::BitsPerByte) + 1);

const YQuantityInfo &yQuantityInfo(RateDistortionView::YQuantity quantity) {
    return kYQuantities[size_t(quantity)];
}

// Tableau 10: distinct, colour-blind friendly.
QColor seriesColor(int index) {
    static const QColor colors[] = {
        QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),   QColor(214, 39, 40),
        QColor(148, 103, 189), QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127),
        QColor(188, 189, 34),  QColor(23, 190, 207)};
    return colors[index % 10];
}

QCPScatterStyle::ScatterShape seriesShape(int index) {
    static const QCPScatterStyle::ScatterShape shapes[] = {
        QCPScatterStyle::ssCircle,  QCPScatterStyle::ssSquare, QCPScatterStyle::ssTriangle,
        QCPScatterStyle::ssDiamond, QCPScatterStyle::ssCross,  QCPScatterStyle::ssTriangleInverted,
        QCPScatterStyle::ssPlus,    QCPScatterStyle::ssStar};
    return shapes[index % 8];
}

// setLogAxis(), but a log axis gets sub-ticks between the decades and plain numbers ("12.5",
// not "1.25·10¹"): rates and distortions span few decades.
void setScale(QCPAxis *axis, bool logarithmic) {
    setLogAxis(axis, logarithmic);
    if (!logarithmic)
        return;
    axis->ticker().staticCast<QCPAxisTickerLog>()->setSubTickCount(8);
    axis->setNumberFormat(QStringLiteral("gb"));
    axis->setNumberPrecision(3);
}

// Range of `values` with a margin, in the axis' own scale.
QCPRange paddedRange(double lowest, double highest, bool logarithmic) {
    if (!std::isfinite(lowest) || !std::isfinite(highest))
        return logarithmic ? QCPRange(0.1, 10) : QCPRange(0, 1);
    if (logarithmic) {
        double factor = std::pow(highest / lowest, 0.06);
        if (!(factor > 1.05))
            factor = 1.5;
        return QCPRange(lowest / factor, highest * factor);
    }
    double margin = (highest - lowest) * 0.06;
    if (!(margin > 0))
        margin = std::max(std::abs(highest) * 0.1, 0.5);
    return QCPRange(lowest - margin, highest + margin);
}

} // namespace

RateDistortionView::RateDistortionView(QWidget *parent)
    : AnalysisView(parent) {
    auto *layout = new QVBoxLayout(this);
    m_caption = addCaption(layout);

    auto *controls = new QHBoxLayout;
    auto *xTitle = new QLabel(tr("&x:"), this);
    m_xCombo = new QComboBox(this);
    m_xCombo->setObjectName(QStringLiteral("xCombo"));
    m_xCombo->addItem(tr("bits per weight"));
    m_xCombo->addItem(tr("compressed weights (MB)"));
    xTitle->setBuddy(m_xCombo);
    auto *yTitle = new QLabel(tr("&y:"), this);
    m_yCombo = new QComboBox(this);
    m_yCombo->setObjectName(QStringLiteral("yCombo"));
    m_yCombo->addItem(tr("perplexity"));
    m_yCombo->addItem(tr("KL mean"));
    m_yCombo->addItem(tr("KL p99"));
    m_yCombo->addItem(tr("same-top rate"));
    m_yCombo->addItem(tr("weighted MSE"));
    m_yCombo->addItem(tr("bits per byte"));
    yTitle->setBuddy(m_yCombo);
    m_logXCheck = new QCheckBox(tr("Log &x"), this);
    m_logXCheck->setObjectName(QStringLiteral("logXCheck"));
    m_logYCheck = new QCheckBox(tr("Log &y"), this);
    m_logYCheck->setObjectName(QStringLiteral("logYCheck"));
    controls->addWidget(xTitle);
    controls->addWidget(m_xCombo);
    controls->addSpacing(8);
    controls->addWidget(yTitle);
    controls->addWidget(m_yCombo);
    controls->addSpacing(8);
    controls->addWidget(m_logXCheck);
    controls->addWidget(m_logYCheck);
    addControls(layout, controls, tr("Save the plot as PNG or PDF, or the shown series as CSV"));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    auto *plotPane = new QWidget(splitter);
    auto *plotLayout = new QVBoxLayout(plotPane);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    m_plot = createPlot(plotPane, QStringLiteral("plot"), QSize(320, 240));
    // Legend in a row under the axis rect, so it never hides a point.
    // (A spacer beside it keeps its entries together at the left.)
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    auto *legendRow = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(1, 0, legendRow);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    legendRow->addElement(0, 0, m_plot->legend);
    legendRow->addElement(0, 1, new QCPLayoutElement(m_plot));
    legendRow->setColumnStretchFactor(0, 0.001);
    legendRow->setColumnStretchFactor(1, 1);
    legendRow->setMargins(QMargins(m_plot->axisRect()->margins().left(), 0, 0, 0));
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setWrap(6);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setBrush(Qt::NoBrush);
    m_plot->legend->setMargins(QMargins(6, 0, 6, 4));
    m_plot->legend->setVisible(true);
    enablePanAndZoom(m_plot, [this] { resetView(); });
    m_pointer = PlotPointer::forItems(
        m_plot, [this](const QPointF &pixel) { return pointNear(pixel, 12); },
        [this](int index) {
            const SweepPoint &point = m_session.points[size_t(index)];
            return tr("%1 at %2 bpw target\n%3: %4\n%5: %6")
                .arg(point.method, formatNumber(point.targetBits, 4), xLabel(),
                     formatNumber(xValue(point), 5), yLabel(), formatNumber(yValue(point), 5));
        },
        [this](int index) {
            selectPoint(index);
            Q_EMIT pointActivated(index);
        });
    plotLayout->addWidget(m_plot, 1);
    m_details = new QLabel(plotPane);
    m_details->setObjectName(QStringLiteral("details"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    plotLayout->addWidget(m_details);

    m_model = new SweepPointTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Qt::UserRole);
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("table"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setVisible(false);
    // The details line and the rows follow the font (presentation mode enlarges it).
    const auto fitText = [this] {
        m_details->setMinimumHeight(2 * fontMetrics().lineSpacing() + 4);
        m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    };
    fitText();
    // Queued: the widgets get the new application font through posted events.
    connect(PresentationScale::instance(), &PresentationScale::factorChanged, this, fitText,
            Qt::QueuedConnection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    splitter->addWidget(plotPane);
    splitter->addWidget(m_table);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    connect(m_xCombo, &QComboBox::currentIndexChanged, this,
            [this](int index) { setXQuantity(XQuantity(index)); });
    connect(m_yCombo, &QComboBox::currentIndexChanged, this,
            [this](int index) { setYQuantity(YQuantity(index)); });
    connect(m_logXCheck, &QCheckBox::toggled, this, &RateDistortionView::setLogX);
    connect(m_logYCheck, &QCheckBox::toggled, this, &RateDistortionView::setLogY);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (m_syncingTable || !current.isValid())
                    return;
                const int index = m_proxy->mapToSource(current).row();
                selectPoint(index);
                Q_EMIT pointActivated(index);
            });

    setSession(SweepSession());
}

RateDistortionView::~RateDistortionView() = default;

void RateDistortionView::setSession(const SweepSession &session) {
    m_session = session;
    m_selected = -1;
    m_model->setSession(m_session);

    const SweepSettings &settings = m_session.settings;
    QStringList caption;
    if (!settings.model.isEmpty())
        caption << tr("Model: %1").arg(settings.model);
    if (!settings.textPath.isEmpty()) {
        caption << tr("text: %1, context %2, stride %3, %4")
                       .arg(settings.textPath)
                       .arg(settings.contextLength)
                       .arg(settings.stride)
                       .arg(settings.maxBytes > 0
                                ? tr("first %1 bytes").arg(QLocale().toString(settings.maxBytes))
                                : tr("whole file"));
    }
    if (m_session.hasReference) {
        const SweepReference &reference = m_session.reference;
        caption << tr("FP16: perplexity %1, %2 bits/byte, %3 MB, %4 tokens scored")
                       .arg(formatNumber(reference.perplexity, 5))
                       .arg(formatNumber(reference.bitsPerByte, 4))
                       .arg(formatNumber(double(reference.fp16Bytes) / 1e6, 4))
                       .arg(QLocale().toString(qlonglong(reference.tokensScored)));
    }
    m_caption->setText(caption.isEmpty() ? tr("No sweep loaded.")
                                         : caption.join(QStringLiteral(" · ")));
    rebuild();
    selectPoint(-1);
}

void RateDistortionView::setXQuantity(XQuantity quantity) {
    if (syncCurrentIndex(m_xCombo, m_x, quantity))
        rebuild();
}

void RateDistortionView::setYQuantity(YQuantity quantity) {
    if (syncCurrentIndex(m_yCombo, m_y, quantity))
        rebuild();
}

void RateDistortionView::setLogX(bool logarithmic) {
    if (syncChecked(m_logXCheck, m_logX, logarithmic))
        rebuild();
}

void RateDistortionView::setLogY(bool logarithmic) {
    if (syncChecked(m_logYCheck, m_logY, logarithmic))
        rebuild();
}

double RateDistortionView::xValue(const SweepPoint &point) const {
    return m_x == XQuantity::Megabytes ? double(point.countedBytes) / 1e6 : point.bitsPerWeight;
}

double RateDistortionView::yValue(const SweepPoint &point) const {
    return point.*yQuantityInfo(m_y).value;
}

QString RateDistortionView::xName() const {
    return m_x == XQuantity::Megabytes ? QStringLiteral("megabytes")
                                       : QStringLiteral("bits_per_weight");
}

QString RateDistortionView::yName() const {
    return QString::fromLatin1(yQuantityInfo(m_y).name);
}

QString RateDistortionView::xLabel() const {
    return m_x == XQuantity::Megabytes ? tr("compressed weights (MB)") : tr("bits per weight");
}

QString RateDistortionView::yLabel() const {
    return tr(yQuantityInfo(m_y).label);
}

double RateDistortionView::referenceValue() const {
    // Perplexity and bits per byte of the uncompressed model are measured; the others are
    // exact (the original has KL = 0 and MSE = 0 against itself, and always the same top
    // token). Zero cannot be drawn on a log axis.
    switch (m_y) {
    case YQuantity::Perplexity:
        return m_session.hasReference && m_session.reference.perplexity > 0
                   ? m_session.reference.perplexity
                   : kNaN;
    case YQuantity::BitsPerByte:
        return m_session.hasReference && m_session.reference.bitsPerByte > 0
                   ? m_session.reference.bitsPerByte
                   : kNaN;
    case YQuantity::SameTop:
        return 1.0;
    case YQuantity::KlMean:
    case YQuantity::KlP99:
    case YQuantity::WeightedMse:
        return m_logY ? kNaN : 0.0;
    }
    return kNaN;
}

QCPGraph *RateDistortionView::graph(const QString &method) const {
    for (const Series &series : m_series) {
        if (series.method == method)
            return series.graph;
    }
    return nullptr;
}

int RateDistortionView::pointIndex(const QString &method, int dataIndex) const {
    for (const Series &series : m_series) {
        if (series.method == method && dataIndex >= 0 && dataIndex < int(series.points.size()))
            return series.points[size_t(dataIndex)];
    }
    return -1;
}

void RateDistortionView::rebuild() {
    m_plot->clearGraphs();
    m_plot->clearItems();
    setPlotEmpty(m_plot, QString());
    m_series.clear();
    m_marker = nullptr;
    setScale(m_plot->xAxis, m_logX);
    setScale(m_plot->yAxis, m_logY);
    m_plot->xAxis->setLabel(xLabel());
    m_plot->yAxis->setLabel(yLabel());

    // Methods in order of first appearance.
    QStringList methods;
    for (const SweepPoint &point : m_session.points) {
        if (!methods.contains(point.method))
            methods << point.method;
    }
    auto drawable = [](double value, bool logarithmic) {
        return std::isfinite(value) && (!logarithmic || value > 0);
    };
    for (int m = 0; m < methods.size(); ++m) {
        Series series;
        series.method = methods[m];
        for (size_t i = 0; i < m_session.points.size(); ++i) {
            const SweepPoint &point = m_session.points[i];
            if (point.method == series.method && drawable(xValue(point), m_logX) &&
                drawable(yValue(point), m_logY))
                series.points.push_back(int(i));
        }
        if (series.points.empty())
            continue;
        std::stable_sort(series.points.begin(), series.points.end(), [this](int a, int b) {
            return xValue(m_session.points[size_t(a)]) < xValue(m_session.points[size_t(b)]);
        });
        QVector<double> keys;
        QVector<double> values;
        for (int index : series.points) {
            keys << xValue(m_session.points[size_t(index)]);
            values << yValue(m_session.points[size_t(index)]);
        }
        series.graph = m_plot->addGraph();
        series.graph->setName(series.method);
        series.graph->setData(keys, values, true);
        const QColor color = seriesColor(m);
        series.graph->setPen(QPen(color, 1.8));
        series.graph->setScatterStyle(
            QCPScatterStyle(seriesShape(m), QPen(color, 1.5), QBrush(color.lighter(130)), 8));
        series.graph->setSelectable(QCP::stNone);
        m_series.push_back(series);
    }

    if (m_series.empty()) {
        m_plot->legend->setVisible(false);
        setPlotEmpty(
            m_plot,
            m_session.points.empty()
                ? tr("No sweep results yet.\nRun Compress › Rate–Distortion Sweep…, or open "
                     "a sweep session.")
                : tr("No point of this sweep can be drawn with these axes."));
    } else {
        m_plot->legend->setVisible(true);
    }

    const double reference = referenceValue();
    const bool measured = m_y == YQuantity::Perplexity || m_y == YQuantity::BitsPerByte;
    const QString referenceText =
        measured ? tr("FP16: %1").arg(formatNumber(reference, 5)) : tr("FP16");
    if (std::isfinite(reference) && !m_series.empty())
        addReferenceLine(m_plot, reference, referenceText);

    m_marker = new QCPItemTracer(m_plot);
    m_marker->setObjectName(QStringLiteral("selection"));
    m_marker->setStyle(QCPItemTracer::tsCircle);
    m_marker->setSize(16);
    m_marker->setPen(QPen(palette().color(QPalette::Highlight), 2));
    m_marker->setBrush(Qt::NoBrush);
    m_marker->setSelectable(false);
    m_marker->setVisible(false);

    resetView();
    updateSelectionMarker();
}

void RateDistortionView::resetView() {
    double xLow = std::numeric_limits<double>::infinity();
    double xHigh = -xLow;
    double yLow = xLow;
    double yHigh = -xLow;
    for (const Series &series : m_series) {
        for (int index : series.points) {
            const SweepPoint &point = m_session.points[size_t(index)];
            xLow = std::min(xLow, xValue(point));
            xHigh = std::max(xHigh, xValue(point));
            yLow = std::min(yLow, yValue(point));
            yHigh = std::max(yHigh, yValue(point));
        }
    }
    // Keep the reference in view: the gap to it is the point of the plot.
    const double reference = m_series.empty() ? kNaN : referenceValue();
    if (std::isfinite(reference)) {
        yLow = std::min(yLow, reference);
        yHigh = std::max(yHigh, reference);
    }
    m_plot->xAxis->setRange(paddedRange(xLow, xHigh, m_logX));
    m_plot->yAxis->setRange(paddedRange(yLow, yHigh, m_logY));

    // The FP16 file size, when it falls inside the shown sizes.
    removeItemsNamed(m_plot, {QStringLiteral("fp16Size"), QStringLiteral("fp16SizeLabel")});
    if (m_x == XQuantity::Megabytes && m_session.hasReference && !m_series.empty()) {
        const double megabytes = double(m_session.reference.fp16Bytes) / 1e6;
        if (megabytes > 0 && m_plot->xAxis->range().contains(megabytes)) {
            auto *line = new QCPItemStraightLine(m_plot);
            line->setObjectName(QStringLiteral("fp16Size"));
            line->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
            line->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
            line->point1->setCoords(megabytes, 0);
            line->point2->setCoords(megabytes, 1);
            line->setPen(QPen(QColor(90, 90, 90), 1, Qt::DotLine));
            line->setSelectable(false);
            auto *label = new QCPItemText(m_plot);
            label->setObjectName(QStringLiteral("fp16SizeLabel"));
            label->position->setTypeX(QCPItemPosition::ptPlotCoords);
            label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
            label->position->setCoords(megabytes, 0.99);
            label->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
            label->setRotation(-90);
            label->setText(tr("FP16 size"));
            label->setColor(QColor(70, 70, 70));
            label->setSelectable(false);
        }
    }
    m_plot->replot();
}

int RateDistortionView::pointNear(const QPointF &pixel, double maxDistance) const {
    int best = -1;
    double bestDistance = maxDistance;
    for (const Series &series : m_series) {
        for (int index : series.points) {
            const SweepPoint &point = m_session.points[size_t(index)];
            const double dx = m_plot->xAxis->coordToPixel(xValue(point)) - pixel.x();
            const double dy = m_plot->yAxis->coordToPixel(yValue(point)) - pixel.y();
            const double distance = std::sqrt(dx * dx + dy * dy);
            if (distance <= bestDistance) {
                bestDistance = distance;
                best = index;
            }
        }
    }
    return best;
}

void RateDistortionView::updateSelectionMarker() {
    if (!m_marker)
        return;
    bool visible = false;
    if (m_selected >= 0) {
        for (const Series &series : m_series) {
            if (std::find(series.points.begin(), series.points.end(), m_selected) !=
                series.points.end()) {
                const SweepPoint &point = m_session.points[size_t(m_selected)];
                m_marker->position->setCoords(xValue(point), yValue(point));
                visible = true;
                break;
            }
        }
    }
    m_marker->setVisible(visible);
    m_plot->replot();
}

void RateDistortionView::selectPoint(int index) {
    if (index < -1 || index >= int(m_session.points.size()))
        index = -1;
    m_selected = index;
    m_details->setText(index < 0 ? (m_session.points.empty()
                                        ? QString()
                                        : tr("Click a point or a table row to see its numbers."))
                                 : describePoint(index));
    m_syncingTable = true;
    if (index < 0) {
        m_table->clearSelection();
    } else {
        const QModelIndex row = m_proxy->mapFromSource(m_model->index(index, 0));
        m_table->selectionModel()->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect |
                                                            QItemSelectionModel::Rows);
        m_table->scrollTo(row);
    }
    m_syncingTable = false;
    updateSelectionMarker();
}

QString RateDistortionView::describePoint(int index) const {
    const SweepPoint &p = m_session.points[size_t(index)];
    QString ratio;
    if (m_session.hasReference && m_session.reference.perplexity > 0)
        ratio = tr(" (%1× FP16)")
                    .arg(QString::number(p.perplexity / m_session.reference.perplexity, 'f', 3));
    QString text =
        tr("%1 at %2 bpw target: %3 bpw, %4 bytes counted, file %5 MB, %6 s")
            .arg(p.method, formatNumber(p.targetBits, 4), QString::number(p.bitsPerWeight, 'f', 3),
                 QLocale().toString(qlonglong(p.countedBytes)),
                 formatNumber(double(p.fileBytes) / 1e6, 4), QString::number(p.seconds, 'f', 1));
    if (!p.containerPath.isEmpty())
        text += tr(", container %1").arg(p.containerPath);
    text += QLatin1Char('\n');
    text += tr("perplexity %1%2 · %3 bits/byte · KL mean %4 nats · KL p99 %5 nats · same top "
               "%6 % · weighted MSE %7")
                .arg(formatNumber(p.perplexity, 5), ratio, formatNumber(p.bitsPerByte, 4),
                     formatNumber(p.klMean, 4), formatNumber(p.klP99, 4),
                     QString::number(p.sameTopRate * 100, 'f', 1), formatNumber(p.weightedMse, 4));
    return text;
}

QString RateDistortionView::detailsText() const {
    return m_details->text();
}

QString RateDistortionView::csv() const {
    return sweepCsv(m_session);
}

QString RateDistortionView::seriesCsv() const {
    QString text = QStringLiteral("method,target_bits,") + xName() + QLatin1Char(',') + yName() +
                   QLatin1Char('\n');
    for (const Series &series : m_series) {
        for (int index : series.points) {
            const SweepPoint &point = m_session.points[size_t(index)];
            text += csvField(point.method) + QLatin1Char(',') + formatNumber(point.targetBits, 9) +
                    QLatin1Char(',') + formatNumber(xValue(point), 9) + QLatin1Char(',') +
                    formatNumber(yValue(point), 9) + QLatin1Char('\n');
        }
    }
    return text;
}

QString RateDistortionView::exportTitle() const {
    return tr("Rate–distortion: %1 against %2").arg(yLabel(), xLabel());
}

QString RateDistortionView::exportName() const {
    return QStringLiteral("rate-distortion-") + yName();
}

} // namespace nwc
