#include "importanceview.h"

#include "customplot.h"
#include "plotexport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nwc {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const QColor kColumnColor(52, 120, 198);
const QColor kMarkerColor(40, 40, 40);

QColor levelColor(int level) {
    switch (level) {
    case 3:
        return QColor(200, 50, 50);
    case 2:
        return QColor(225, 130, 20);
    default:
        return QColor(60, 150, 70);
    }
}

// Perceptually uniform, colour-blind safe (matplotlib's viridis, five stops).
QCPColorGradient viridis() {
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0.0, QColor(68, 1, 84));
    gradient.setColorStopAt(0.25, QColor(59, 82, 139));
    gradient.setColorStopAt(0.5, QColor(33, 145, 140));
    gradient.setColorStopAt(0.75, QColor(94, 201, 98));
    gradient.setColorStopAt(1.0, QColor(253, 231, 37));
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    return gradient;
}

} // namespace

ImportanceView::ImportanceView(QWidget *parent)
    : AnalysisView(parent) {
    auto *layout = new QVBoxLayout(this);
    m_caption = addCaption(layout);

    auto *controls = new QHBoxLayout;
    auto *layerLabel = new QLabel(tr("&Layer:"), this);
    m_layerCombo = new QComboBox(this);
    m_layerCombo->setObjectName(QStringLiteral("layerCombo"));
    m_layerCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_layerCombo->setMinimumContentsLength(28);
    layerLabel->setBuddy(m_layerCombo);
    m_sortedCheck = new QCheckBox(tr("&Sorted"), this);
    m_sortedCheck->setObjectName(QStringLiteral("sortedCheck"));
    m_sortedCheck->setToolTip(tr("Columns by descending importance instead of column order"));
    m_logCheck = new QCheckBox(tr("Lo&g scale"), this);
    m_logCheck->setObjectName(QStringLiteral("logCheck"));
    controls->addWidget(layerLabel);
    controls->addWidget(m_layerCombo, 1);
    controls->addWidget(m_sortedCheck);
    controls->addWidget(m_logCheck);
    addControls(layout, controls, tr("Save the shown plot as PNG or PDF, or its data as CSV"));

    m_tabs = createTabs();

    // Columns of one layer.
    m_columnPlot = createPlot(this, QStringLiteral("columnPlot"));
    addPlotTitle(m_columnPlot);
    m_columnPlot->yAxis->setLabel(tr("importance (mean x² per token)"));
    m_columnBars = new QCPBars(m_columnPlot->xAxis, m_columnPlot->yAxis);
    m_columnBars->setName(tr("importance"));
    m_columnBars->setWidthType(QCPBars::wtPlotCoords);
    m_columnBars->setWidth(1.0);
    QColor fill = kColumnColor;
    fill.setAlpha(170);
    m_columnBars->setBrush(fill);
    m_columnBars->setAntialiased(false);
    m_columnBars->setSelectable(QCP::stNone);
    enablePanAndZoom(m_columnPlot, [this] { resetColumnView(); });
    m_columnPointer = PlotPointer::forItems(
        m_columnPlot,
        [this](const QPointF &pixel) {
            return m_columnPlot->axisRect()->rect().contains(pixel.toPoint()) ? columnAt(pixel.x())
                                                                              : -1;
        },
        [this](int column) { return describe(m_layer, column); },
        [this](int column) { activate(m_layer, column, false); });
    m_tabs->addTab(m_columnPlot, tr("Columns"));

    // Layer × column heat map.
    m_heatPlot = createPlot(this, QStringLiteral("heatMapPlot"));
    m_heatPlot->xAxis->grid()->setVisible(false);
    m_heatPlot->yAxis->grid()->setVisible(false);
    m_heatPlot->xAxis->setLabel(tr("input column"));
    m_heatPlot->yAxis->setLabel(tr("layer"));
    m_heatPlot->yAxis->setRangeReversed(true);
    m_colorMap = new QCPColorMap(m_heatPlot->xAxis, m_heatPlot->yAxis);
    m_colorMap->setName(tr("log10 importance"));
    m_colorMap->setGradient(viridis());
    m_colorMap->setInterpolate(false);
    m_colorMap->setTightBoundary(false);
    m_colorMap->setSelectable(QCP::stNone);
    m_colorScale = new QCPColorScale(m_heatPlot);
    m_colorScale->setType(QCPAxis::atRight);
    m_colorScale->setLabel(tr("log₁₀ importance"));
    m_colorScale->axis()->setTickLabelColor(palette().color(QPalette::Text));
    m_colorScale->axis()->setLabelColor(palette().color(QPalette::Text));
    m_colorScale->setBarWidth(12);
    m_colorMap->setColorScale(m_colorScale);
    // The scale's gradient wins once they are linked: set it there.
    m_colorScale->setGradient(viridis());
    m_heatPlot->plotLayout()->addElement(0, 1, m_colorScale);
    auto *margins = new QCPMarginGroup(m_heatPlot);
    m_heatPlot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_colorScale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    // The title row spans the plot only; keep the colour scale out of it.
    addPlotTitle(m_heatPlot)->setText(tr("Importance of every layer's input columns"));
    enablePanAndZoom(m_heatPlot, [this] { resetHeatMapView(); });
    m_heatPointer = new PlotPointer(
        m_heatPlot,
        [this](const QPointF &pixel) {
            int layer = -1;
            int column = -1;
            return cellAt(pixel, &layer, &column) ? describe(layer, column) : QString();
        },
        [this](const QPointF &pixel) {
            int layer = -1;
            int column = -1;
            if (cellAt(pixel, &layer, &column))
                activate(layer, column, true);
        });
    m_tabs->addTab(m_heatPlot, tr("Heat Map"));
    layout->addWidget(m_tabs, 1);

    m_readout = addReadout(layout, false);
    m_readout->setText(tr("Click a column or a cell to read its values."));
    layout->addWidget(m_readout);

    connect(m_layerCombo, &QComboBox::currentIndexChanged, this,
            [this](int index) { setCurrentLayer(index); });
    connect(m_sortedCheck, &QCheckBox::toggled, this, &ImportanceView::setSorted);
    connect(m_logCheck, &QCheckBox::toggled, this, &ImportanceView::setLogarithmic);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int tab) {
        const bool columns = tab == int(Tab::Columns);
        m_sortedCheck->setEnabled(columns);
        m_logCheck->setEnabled(columns);
    });

    setImportance(ImportanceMap());
}

ImportanceView::~ImportanceView() = default;

void ImportanceView::setImportance(const ImportanceMap &map) {
    m_map = map;
    m_layer = m_map.layers.empty() ? -1 : 0;

    QStringList caption;
    if (!m_map.source.isEmpty())
        caption << m_map.source;
    if (!m_map.settingsText.isEmpty())
        caption << m_map.settingsText;
    if (!m_map.layers.empty())
        caption << tr("%n layer(s)", nullptr, int(m_map.layers.size()));
    m_caption->setText(caption.isEmpty() ? tr("No importance loaded.")
                                         : caption.join(QStringLiteral(" — ")));

    {
        const QSignalBlocker blocker(m_layerCombo);
        m_layerCombo->clear();
        for (const LayerImportance &layer : m_map.layers)
            m_layerCombo->addItem(
                tr("%1 (%2 columns)").arg(layer.name).arg(layer.importance.size()));
        m_layerCombo->setCurrentIndex(m_layer);
    }
    m_layerCombo->setEnabled(!m_map.layers.empty());
    m_readout->setText(m_map.layers.empty() ? QString()
                                            : tr("Click a column or a cell to read its values."));
    rebuildColumnPlot();
    rebuildHeatMap();
}

void ImportanceView::setCurrentLayer(int layer) {
    if (layer < 0 || layer >= int(m_map.layers.size()))
        return;
    if (syncCurrentIndex(m_layerCombo, m_layer, layer))
        rebuildColumnPlot();
}

void ImportanceView::setSorted(bool sorted) {
    if (syncChecked(m_sortedCheck, m_sorted, sorted))
        rebuildColumnPlot();
}

void ImportanceView::setLogarithmic(bool logarithmic) {
    if (syncChecked(m_logCheck, m_logarithmic, logarithmic))
        rebuildColumnPlot();
}

void ImportanceView::setCurrentTab(Tab tab) {
    m_tabs->setCurrentIndex(int(tab));
}

ImportanceView::Tab ImportanceView::currentTab() const {
    return m_tabs->currentIndex() == int(Tab::HeatMap) ? Tab::HeatMap : Tab::Columns;
}

QCustomPlot *ImportanceView::plot() const {
    return currentTab() == Tab::HeatMap ? m_heatPlot : m_columnPlot;
}

QString ImportanceView::readoutText() const {
    return m_readout->text();
}

void ImportanceView::rebuildColumnPlot() {
    m_columnPlot->clearItems();
    setPlotEmpty(m_columnPlot, QString());
    m_columnBars->data()->clear();
    m_order.clear();
    setLogAxis(m_columnPlot->yAxis, m_logarithmic);
    m_columnPlot->xAxis->setLabel(m_sorted ? tr("rank (columns by descending importance)")
                                           : tr("input column"));
    if (m_layer < 0) {
        setPlotTitle(m_columnPlot, tr("Importance per input column"));
        setPlotEmpty(m_columnPlot, tr("No importance data.\nOpen a calibration file, or a .nwc "
                                      "container compressed with calibration."));
        m_columnPlot->xAxis->setRange(0, 1);
        m_columnPlot->yAxis->setRange(m_logarithmic ? 0.1 : 0.0, 1);
        m_columnPlot->replot();
        return;
    }
    const LayerImportance &layer = m_map.layers[size_t(m_layer)];
    setPlotTitle(m_columnPlot, layer.name);
    const int count = int(layer.importance.size());
    m_order.resize(size_t(count));
    std::iota(m_order.begin(), m_order.end(), 0);
    if (m_sorted) {
        std::stable_sort(m_order.begin(), m_order.end(), [&](int a, int b) {
            return layer.importance[size_t(a)] > layer.importance[size_t(b)];
        });
    }
    // Bars one column wide; columns without a drawable value (not positive on a log axis)
    // are left out.
    QVector<double> keys;
    QVector<double> values;
    keys.reserve(count);
    values.reserve(count);
    for (int i = 0; i < count; ++i) {
        const double value = layer.importance[size_t(m_order[size_t(i)])];
        if (!std::isfinite(value) || (m_logarithmic && !(value > 0)))
            continue;
        keys << i;
        values << value;
    }
    m_columnBars->setData(keys, values, true);
    // Outlines only while bars are wide enough to see them.
    m_columnBars->setPen(count <= 256 ? QPen(kColumnColor.darker(130), 0) : QPen(Qt::NoPen));

    // Quality-level thresholds: every column at or above the line gets at least that level.
    for (int k = 1; k <= 3 && k <= int(layer.levelThresholds.size()); ++k) {
        const double threshold = layer.levelThresholds[size_t(k - 1)];
        if (!std::isfinite(threshold) || (m_logarithmic && threshold <= 0))
            continue;
        const QColor color = levelColor(k);
        auto *line = new QCPItemStraightLine(m_columnPlot);
        line->setObjectName(QStringLiteral("level%1").arg(k));
        line->point1->setCoords(0, threshold);
        line->point2->setCoords(1, threshold);
        line->setPen(QPen(color, 1.2, Qt::DashLine));
        line->setSelectable(false);
        auto *label = new QCPItemText(m_columnPlot);
        label->setObjectName(QStringLiteral("level%1Label").arg(k));
        label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        label->position->setTypeY(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(0.995 - 0.09 * (3 - k), threshold);
        label->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        label->setText(tr("level %1").arg(k));
        label->setColor(color.darker(120));
        label->setSelectable(false);
    }
    resetColumnView();
    m_columnPlot->replot();
}

void ImportanceView::resetColumnView() {
    if (m_layer < 0)
        return;
    const LayerImportance &layer = m_map.layers[size_t(m_layer)];
    const int count = int(layer.importance.size());
    m_columnPlot->xAxis->setRange(-0.5 - count * 0.01, count - 0.5 + count * 0.01);
    double maximum = 0;
    double minimumPositive = std::numeric_limits<double>::infinity();
    for (double value : layer.importance) {
        if (std::isfinite(value)) {
            maximum = std::max(maximum, value);
            if (value > 0)
                minimumPositive = std::min(minimumPositive, value);
        }
    }
    if (m_logarithmic) {
        if (!std::isfinite(minimumPositive))
            m_columnPlot->yAxis->setRange(0.1, 1);
        else
            m_columnPlot->yAxis->setRange(minimumPositive / 2, maximum * 2);
    } else {
        m_columnPlot->yAxis->setRange(0, maximum > 0 ? maximum * 1.08 : 1);
    }
}

void ImportanceView::rebuildHeatMap() {
    m_heatPlot->clearItems();
    setPlotEmpty(m_heatPlot, QString());
    const int rows = int(m_map.layers.size());
    const int columns = int(m_map.maxColumns());
    QCPColorMapData *data = m_colorMap->data();
    if (rows == 0 || columns == 0) {
        data->setSize(0, 0);
        m_colorMap->setVisible(false);
        m_colorScale->setVisible(false);
        setPlotEmpty(m_heatPlot, tr("No importance data.\nOpen a calibration file, or a .nwc "
                                    "container compressed with calibration."));
        m_heatPlot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        m_heatPlot->xAxis->setRange(0, 1);
        m_heatPlot->yAxis->setRange(0, 1);
        m_heatPlot->replot();
        return;
    }
    m_colorMap->setVisible(true);
    m_colorScale->setVisible(true);
    data->setSize(columns, rows);
    data->setRange(QCPRange(0, columns - 1), QCPRange(0, rows - 1));
    double lowest = std::numeric_limits<double>::infinity();
    double highest = -std::numeric_limits<double>::infinity();
    for (int row = 0; row < rows; ++row) {
        const std::vector<double> &importance = m_map.layers[size_t(row)].importance;
        for (int column = 0; column < columns; ++column) {
            double value = kNaN;
            if (column < int(importance.size()) && importance[size_t(column)] > 0) {
                value = std::log10(importance[size_t(column)]);
                lowest = std::min(lowest, value);
                highest = std::max(highest, value);
            }
            data->setCell(column, row, value);
        }
    }
    if (!std::isfinite(lowest)) {
        lowest = -1;
        highest = 0;
    } else if (!(highest > lowest)) {
        lowest -= 0.5;
        highest += 0.5;
    }
    m_colorMap->setDataRange(QCPRange(lowest, highest));

    // Row ticks: every layer by its short name when there are few, else the first layer of
    // every few decoder blocks.
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    if (rows <= 24) {
        for (int row = 0; row < rows; ++row)
            ticker->addTick(row, shortLayerName(m_map.layers[size_t(row)].name));
        m_heatPlot->yAxis->setLabel(tr("layer"));
    } else {
        int blocks = 0;
        for (const LayerImportance &layer : m_map.layers)
            blocks = std::max(blocks, layer.block + 1);
        const int step = std::max(1, (blocks + 15) / 16);
        int previous = -2;
        for (int row = 0; row < rows; ++row) {
            const LayerImportance &layer = m_map.layers[size_t(row)];
            if (layer.block == previous)
                continue;
            previous = layer.block;
            if (layer.block < 0)
                ticker->addTick(row, shortLayerName(layer.name));
            else if (layer.block % step == 0)
                ticker->addTick(row, QString::number(layer.block));
        }
        m_heatPlot->yAxis->setLabel(tr("layer (by decoder block)"));
    }
    m_heatPlot->yAxis->setTicker(ticker);
    m_heatPlot->yAxis->setSubTicks(false);
    resetHeatMapView();
    m_heatPlot->replot();
}

void ImportanceView::resetHeatMapView() {
    const int rows = int(m_map.layers.size());
    const int columns = int(m_map.maxColumns());
    if (rows == 0 || columns == 0)
        return;
    m_heatPlot->xAxis->setRange(-0.5, columns - 0.5);
    m_heatPlot->yAxis->setRange(-0.5, rows - 0.5);
}

void ImportanceView::resetView() {
    if (currentTab() == Tab::HeatMap)
        resetHeatMapView();
    else
        resetColumnView();
    plot()->replot();
}

int ImportanceView::columnAt(double pixelX) const {
    if (m_layer < 0 || m_order.empty())
        return -1;
    const double position = std::round(m_columnPlot->xAxis->pixelToCoord(pixelX));
    if (!(position >= 0) || position >= double(m_order.size()))
        return -1;
    return m_order[size_t(position)];
}

bool ImportanceView::cellAt(const QPointF &pixel, int *layer, int *column) const {
    const int rows = int(m_map.layers.size());
    if (rows == 0 || !m_heatPlot->axisRect()->rect().contains(pixel.toPoint()))
        return false;
    const double key = m_heatPlot->xAxis->pixelToCoord(pixel.x());
    const double value = m_heatPlot->yAxis->pixelToCoord(pixel.y());
    const double row = std::round(value);
    const double col = std::round(key);
    if (!(row >= 0) || row >= rows || !(col >= 0))
        return false;
    const LayerImportance &entry = m_map.layers[size_t(row)];
    if (col >= double(entry.importance.size()))
        return false;
    *layer = int(row);
    *column = int(col);
    return true;
}

QString ImportanceView::describe(int layer, int column) const {
    const LayerImportance &entry = m_map.layers[size_t(layer)];
    const int level = size_t(column) < entry.levels.size() ? entry.levels[size_t(column)] : 0;
    return tr("%1 · column %2 · importance %3 · level %4")
        .arg(entry.name)
        .arg(column)
        .arg(formatNumber(entry.importance[size_t(column)], 4))
        .arg(level);
}

void ImportanceView::activate(int layer, int column, bool inHeatMap) {
    m_readout->setText(describe(layer, column));
    if (inHeatMap) {
        // Follow the clicked row in the Columns tab, and mark the cell.
        setCurrentLayer(layer);
        removeItemsNamed(m_heatPlot, {QStringLiteral("marker")});
        auto *marker = new QCPItemRect(m_heatPlot);
        marker->setObjectName(QStringLiteral("marker"));
        marker->topLeft->setCoords(column - 0.5, layer - 0.5);
        marker->bottomRight->setCoords(column + 0.5, layer + 0.5);
        marker->setPen(QPen(Qt::white, 2));
        marker->setSelectable(false);
        m_heatPlot->replot();
    } else {
        removeItemsNamed(m_columnPlot, {QStringLiteral("marker")});
        const auto position = std::find(m_order.begin(), m_order.end(), column) - m_order.begin();
        auto *marker = new QCPItemStraightLine(m_columnPlot);
        marker->setObjectName(QStringLiteral("marker"));
        marker->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
        marker->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
        marker->point1->setCoords(double(position), 0);
        marker->point2->setCoords(double(position), 1);
        marker->setPen(QPen(kMarkerColor, 1, Qt::DotLine));
        marker->setSelectable(false);
        m_columnPlot->replot();
    }
    Q_EMIT columnActivated(layer, column);
}

QString ImportanceView::csv() const {
    QString text;
    if (currentTab() == Tab::HeatMap) {
        text += QStringLiteral("layer,block,column,importance,level\n");
        for (const LayerImportance &layer : m_map.layers) {
            for (size_t j = 0; j < layer.importance.size(); ++j) {
                text += csvField(layer.name) + QLatin1Char(',') + QString::number(layer.block) +
                        QLatin1Char(',') + QString::number(j) + QLatin1Char(',') +
                        formatNumber(layer.importance[j], 9) + QLatin1Char(',') +
                        QString::number(j < layer.levels.size() ? layer.levels[j] : 0) +
                        QLatin1Char('\n');
            }
        }
        return text;
    }
    text += QStringLiteral("column,importance,level\n");
    if (m_layer < 0)
        return text;
    const LayerImportance &layer = m_map.layers[size_t(m_layer)];
    for (size_t j = 0; j < layer.importance.size(); ++j) {
        text += QString::number(j) + QLatin1Char(',') + formatNumber(layer.importance[j], 9) +
                QLatin1Char(',') + QString::number(j < layer.levels.size() ? layer.levels[j] : 0) +
                QLatin1Char('\n');
    }
    return text;
}

QString ImportanceView::exportTitle() const {
    QString title =
        currentTab() == Tab::HeatMap ? tr("Importance heat map") : tr("Importance per column");
    if (currentTab() == Tab::Columns && m_layer >= 0)
        title += QStringLiteral(": ") + m_map.layers[size_t(m_layer)].name;
    return title;
}

QString ImportanceView::exportName() const {
    QString name = currentTab() == Tab::HeatMap ? QStringLiteral("importance-heatmap")
                                                : QStringLiteral("importance");
    if (currentTab() == Tab::Columns && m_layer >= 0)
        name += QLatin1Char('-') + shortLayerName(m_map.layers[size_t(m_layer)].name);
    return name;
}

} // namespace nwc
