#include "compensationview.h"

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

namespace nwc {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const QColor kOffColor(214, 96, 77);
const QColor kOnColor(67, 147, 195);
const QColor kPerplexityColor(90, 110, 170);
const QColor kKlColor(230, 150, 60);
constexpr double kAblationBarWidth = 0.36;
constexpr double kAblationBarOffset = 0.19;

QCPBars *makeBars(QCPAxis *keyAxis, QCPAxis *valueAxis, const QString &name, const QColor &color) {
    auto *bars = new QCPBars(keyAxis, valueAxis);
    bars->setName(name);
    bars->setWidthType(QCPBars::wtPlotCoords);
    bars->setWidth(0.38);
    bars->setPen(QPen(color.darker(120), 1));
    QColor fill = color;
    fill.setAlpha(210);
    bars->setBrush(fill);
    bars->setAntialiased(false);
    bars->setSelectable(QCP::stNone);
    return bars;
}

// Value range over `values` (ignoring non-finite ones, and non-positive ones on log axes).
QCPRange valueRange(const std::vector<double> &values, bool logarithmic) {
    double lowest = std::numeric_limits<double>::infinity();
    double highest = -lowest;
    for (double value : values) {
        if (!std::isfinite(value) || (logarithmic && value <= 0))
            continue;
        lowest = std::min(lowest, value);
        highest = std::max(highest, value);
    }
    if (!std::isfinite(lowest))
        return logarithmic ? QCPRange(1e-4, 1) : QCPRange(0, 1);
    if (logarithmic) {
        if (!(highest > lowest))
            return QCPRange(lowest / 10, highest * 10);
        return QCPRange(lowest / 2, highest * std::pow(highest / lowest, 0.25) * 1.5);
    }
    // Bars start at 0; leave room at the top for the legend.
    return QCPRange(0, highest > 0 ? highest * 1.3 : 1);
}

// Ticks with the given labels at 0, 1, …; every k-th one when there are too many to read.
QSharedPointer<QCPAxisTickerText> textTicker(const QStringList &labels, int maxLabels) {
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const int step = std::max<int>(1, (int(labels.size()) + maxLabels - 1) / maxLabels);
    for (int i = 0; i < labels.size(); i += step)
        ticker->addTick(i, labels[i]);
    return ticker;
}

QString percentChange(double off, double on) {
    if (!(off > 0) || !std::isfinite(on))
        return QString();
    const double change = (on - off) / off * 100;
    return QStringLiteral(" (%1%2 %)")
        .arg(change >= 0 ? QStringLiteral("+") : QStringLiteral("−"))
        .arg(QString::number(std::abs(change), 'f', 1));
}

} // namespace

QStringList CompensationView::ablationMethods() {
    return {QStringLiteral("nwc"), QStringLiteral("nwc+ldlq"), QStringLiteral("nwc+finetune"),
            QStringLiteral("nwc+comp")};
}

CompensationView::CompensationView(QWidget *parent)
    : AnalysisView(parent) {
    auto *layout = new QVBoxLayout(this);
    m_caption = addCaption(layout);

    auto *controls = new QHBoxLayout;
    m_granularity = new QComboBox(this);
    m_granularity->setObjectName(QStringLiteral("granularityCombo"));
    m_granularity->addItem(tr("Per layer"));
    m_granularity->addItem(tr("Per decoder block"));
    m_granularity->setToolTip(tr("Block output errors are measured only when fine-tuning runs"));
    m_layerCombo = new QComboBox(this);
    m_layerCombo->setObjectName(QStringLiteral("layerCombo"));
    m_layerCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_layerCombo->setMinimumContentsLength(28);
    m_targetLabel = new QLabel(tr("&Target:"), this);
    m_targetCombo = new QComboBox(this);
    m_targetCombo->setObjectName(QStringLiteral("targetCombo"));
    m_targetLabel->setBuddy(m_targetCombo);
    m_targetCombo->setToolTip(tr("Target bit rate of the compared runs"));
    m_logCheck = new QCheckBox(tr("Lo&g scale"), this);
    m_logCheck->setObjectName(QStringLiteral("logCheck"));
    controls->addWidget(m_granularity);
    controls->addWidget(m_layerCombo, 1);
    controls->addWidget(m_targetLabel);
    controls->addWidget(m_targetCombo);
    controls->addWidget(m_logCheck);
    addControls(layout, controls, tr("Save the shown plot as PNG or PDF, or its data as CSV"));

    m_tabs = createTabs();

    // Per-layer (or per-block) output error.
    m_layersPlot = createPlot(this, QStringLiteral("layersPlot"));
    addPlotTitle(m_layersPlot);
    m_layersPlot->xAxis->grid()->setVisible(false);
    m_layersPlot->yAxis->setLabel(tr("relative output error tr(EHEᵀ)/tr(WHWᵀ)"));
    m_layersPlot->legend->setVisible(true);
    m_offBars =
        makeBars(m_layersPlot->xAxis, m_layersPlot->yAxis, tr("compensation off"), kOffColor);
    m_onBars = makeBars(m_layersPlot->xAxis, m_layersPlot->yAxis, tr("compensation on"), kOnColor);
    auto *layerGroup = new QCPBarsGroup(m_layersPlot);
    layerGroup->setSpacingType(QCPBarsGroup::stAbsolute);
    layerGroup->setSpacing(1);
    m_offBars->setBarsGroup(layerGroup);
    m_onBars->setBarsGroup(layerGroup);
    enablePanAndZoom(m_layersPlot, [this] { resetLayersView(); });
    new PlotPointer(
        m_layersPlot,
        [this](const QPointF &pixel) {
            if (m_showBlocks) {
                const int block = keyAt(m_layersPlot, pixel, int(m_report.blocks.size()));
                return block < 0 ? QString() : describeBlock(block);
            }
            const int layer = keyAt(m_layersPlot, pixel, int(m_report.layers.size()));
            return layer < 0 ? QString() : describeLayer(layer);
        },
        [this](const QPointF &pixel) {
            if (m_showBlocks) {
                const int block = keyAt(m_layersPlot, pixel, int(m_report.blocks.size()));
                if (block < 0)
                    return;
                m_readout->setText(describeBlock(block));
                Q_EMIT blockActivated(m_report.blocks[size_t(block)].block);
                return;
            }
            const int layer = keyAt(m_layersPlot, pixel, int(m_report.layers.size()));
            if (layer < 0)
                return;
            m_readout->setText(describeLayer(layer));
            setCurrentLayer(layer);
            Q_EMIT layerActivated(layer);
        });
    m_tabs->addTab(m_layersPlot, tr("Layers"));

    // Per-column error of one layer.
    m_columnsPlot = createPlot(this, QStringLiteral("columnsPlot"));
    addPlotTitle(m_columnsPlot);
    m_columnsPlot->xAxis->setLabel(tr("input column"));
    m_columnsPlot->yAxis->setLabel(tr("column error (importance × Σ squared error)"));
    m_columnsPlot->legend->setVisible(true);
    m_offGraph = m_columnsPlot->addGraph();
    m_offGraph->setName(tr("compensation off"));
    m_offGraph->setPen(QPen(kOffColor, 1.2));
    m_offGraph->setSelectable(QCP::stNone);
    m_onGraph = m_columnsPlot->addGraph();
    m_onGraph->setName(tr("compensation on"));
    m_onGraph->setPen(QPen(kOnColor, 1.2));
    m_onGraph->setSelectable(QCP::stNone);
    enablePanAndZoom(m_columnsPlot, [this] { resetColumnsView(); });
    auto columnAt = [this](const QPointF &pixel) {
        if (m_layer < 0)
            return -1;
        return keyAt(m_columnsPlot, pixel,
                     int(m_report.layers[size_t(m_layer)].columnErrorOff.size()));
    };
    new PlotPointer(
        m_columnsPlot,
        [this, columnAt](const QPointF &pixel) {
            const int column = columnAt(pixel);
            return column < 0 ? QString() : describeColumn(column);
        },
        [this, columnAt](const QPointF &pixel) {
            const int column = columnAt(pixel);
            if (column < 0)
                return;
            m_readout->setText(describeColumn(column));
            Q_EMIT columnActivated(m_layer, column);
        });
    m_tabs->addTab(m_columnsPlot, tr("Columns"));

    // Ablation over the compensation variants.
    m_ablationPlot = createPlot(this, QStringLiteral("ablationPlot"));
    addPlotTitle(m_ablationPlot);
    m_ablationPlot->xAxis->grid()->setVisible(false);
    m_ablationPlot->xAxis->setLabel(tr("method"));
    m_ablationPlot->yAxis->setLabel(tr("perplexity"));
    m_ablationPlot->yAxis2->setTicks(true);
    m_ablationPlot->yAxis2->setTickLabels(true);
    m_ablationPlot->yAxis2->setBasePen(m_ablationPlot->yAxis->basePen());
    m_ablationPlot->yAxis2->setLabel(tr("KL mean (nats)"));
    m_ablationPlot->legend->setVisible(true);
    m_perplexityBars =
        makeBars(m_ablationPlot->xAxis, m_ablationPlot->yAxis, tr("perplexity"), kPerplexityColor);
    m_klBars = makeBars(m_ablationPlot->xAxis, m_ablationPlot->yAxis2, tr("KL mean (right axis)"),
                        kKlColor);
    // Side by side without a QCPBarsGroup: fixed key offsets keep the value labels above
    // their bars at any zoom.
    m_perplexityBars->setWidth(kAblationBarWidth);
    m_klBars->setWidth(kAblationBarWidth);
    enablePanAndZoom(m_ablationPlot, [this] { resetAblationView(); });
    new PlotPointer(
        m_ablationPlot,
        [this](const QPointF &pixel) {
            const int bar = keyAt(m_ablationPlot, pixel, int(m_ablationPoints.size()));
            return bar < 0 ? QString() : describeAblation(bar);
        },
        [this](const QPointF &pixel) {
            const int bar = keyAt(m_ablationPlot, pixel, int(m_ablationPoints.size()));
            if (bar < 0)
                return;
            m_readout->setText(describeAblation(bar));
            Q_EMIT ablationPointActivated(m_ablationPoints[size_t(bar)]);
        });
    m_tabs->addTab(m_ablationPlot, tr("Ablation"));
    layout->addWidget(m_tabs, 1);

    m_readout = addReadout(layout, true);

    connect(m_granularity, &QComboBox::currentIndexChanged, this,
            [this](int index) { setShowBlocks(index == 1); });
    connect(m_layerCombo, &QComboBox::currentIndexChanged, this,
            [this](int index) { setCurrentLayer(index); });
    connect(m_targetCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0 && index < int(m_targets.size()))
            setAblationTarget(m_targets[size_t(index)]);
    });
    connect(m_logCheck, &QCheckBox::toggled, this, &CompensationView::setLogarithmic);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { updateControls(); });

    setReport(CompensationReport());
    setAblation(SweepSession());
}

CompensationView::~CompensationView() = default;

void CompensationView::setReport(const CompensationReport &report) {
    m_report = report;
    m_layer = m_report.layers.empty() ? -1 : 0;
    if (m_report.blocks.empty())
        m_showBlocks = false;
    {
        const QSignalBlocker blocker(m_layerCombo);
        m_layerCombo->clear();
        for (const LayerCompensation &layer : m_report.layers)
            m_layerCombo->addItem(layer.name);
        m_layerCombo->setCurrentIndex(m_layer);
    }
    {
        const QSignalBlocker blocker(m_granularity);
        m_granularity->setCurrentIndex(m_showBlocks ? 1 : 0);
    }
    m_readout->clear();
    updateCaption();
    updateControls();
    rebuildLayers();
    rebuildColumns();
}

void CompensationView::setAblation(const SweepSession &session) {
    m_session = session;
    const QStringList methods = ablationMethods();
    const double previous = ablationTarget();
    m_targets.clear();
    for (const SweepPoint &point : m_session.points) {
        if (methods.contains(point.method) &&
            std::find(m_targets.begin(), m_targets.end(), point.targetBits) == m_targets.end())
            m_targets.push_back(point.targetBits);
    }
    std::sort(m_targets.begin(), m_targets.end());
    int chosen = 0;
    for (size_t i = 0; i < m_targets.size(); ++i) {
        if (m_targets[i] == previous)
            chosen = int(i);
    }
    {
        const QSignalBlocker blocker(m_targetCombo);
        m_targetCombo->clear();
        for (double target : m_targets)
            m_targetCombo->addItem(tr("%1 bpw").arg(formatNumber(target, 4)));
        m_targetCombo->setCurrentIndex(m_targets.empty() ? -1 : chosen);
    }
    updateCaption();
    updateControls();
    rebuildAblation();
}

void CompensationView::setCurrentTab(Tab tab) {
    m_tabs->setCurrentIndex(int(tab));
}

CompensationView::Tab CompensationView::currentTab() const {
    return Tab(m_tabs->currentIndex());
}

void CompensationView::setShowBlocks(bool blocks) {
    if (blocks && m_report.blocks.empty())
        blocks = false;
    setCurrentIndexQuietly(m_granularity, blocks ? 1 : 0);
    if (assignIfChanged(m_showBlocks, blocks))
        rebuildLayers();
}

void CompensationView::setLogarithmic(bool logarithmic) {
    setCheckedQuietly(m_logCheck, logarithmic);
    if (!assignIfChanged(m_logarithmic, logarithmic))
        return;
    rebuildLayers();
    rebuildColumns();
}

void CompensationView::setCurrentLayer(int layer) {
    if (layer < 0 || layer >= int(m_report.layers.size()))
        return;
    setCurrentIndexQuietly(m_layerCombo, layer);
    if (assignIfChanged(m_layer, layer))
        rebuildColumns();
}

void CompensationView::setAblationTarget(double bits) {
    const auto found = std::find(m_targets.begin(), m_targets.end(), bits);
    if (found == m_targets.end())
        return;
    setCurrentIndexQuietly(m_targetCombo, int(found - m_targets.begin()));
    rebuildAblation();
}

double CompensationView::ablationTarget() const {
    const int index = m_targetCombo->currentIndex();
    return index >= 0 && index < int(m_targets.size()) ? m_targets[size_t(index)] : kNaN;
}

QCustomPlot *CompensationView::plot() const {
    switch (currentTab()) {
    case Tab::Columns:
        return m_columnsPlot;
    case Tab::Ablation:
        return m_ablationPlot;
    case Tab::Layers:
        break;
    }
    return m_layersPlot;
}

QString CompensationView::readoutText() const {
    return m_readout->text();
}

void CompensationView::updateCaption() {
    QStringList parts;
    if (m_report.empty()) {
        parts << tr("No compensation report.");
    } else {
        parts
            << tr("Compensation: %1").arg(m_report.mode.isEmpty() ? tr("unknown") : m_report.mode);
        parts << tr("%n layer(s)", nullptr, int(m_report.layers.size()));
        if (!m_report.blocks.empty()) {
            parts << tr("%n block(s), fine-tuned on %1 windows, measured on %2 held-out windows",
                        nullptr, int(m_report.blocks.size()))
                         .arg(m_report.tuneWindows)
                         .arg(m_report.heldOutWindows);
        }
    }
    if (!m_session.points.empty() && !m_session.settings.model.isEmpty())
        parts << tr("ablation sweep of %1").arg(m_session.settings.model);
    m_caption->setText(parts.join(QStringLiteral(" · ")));
}

void CompensationView::updateControls() {
    const Tab tab = currentTab();
    m_granularity->setVisible(tab == Tab::Layers);
    m_granularity->setEnabled(!m_report.blocks.empty());
    m_layerCombo->setVisible(tab == Tab::Columns);
    m_layerCombo->setEnabled(!m_report.layers.empty());
    m_targetLabel->setVisible(tab == Tab::Ablation);
    m_targetCombo->setVisible(tab == Tab::Ablation);
    m_targetCombo->setEnabled(!m_targets.empty());
    m_logCheck->setVisible(tab != Tab::Ablation);
}

void CompensationView::rebuildLayers() {
    m_layersPlot->clearItems();
    setPlotEmpty(m_layersPlot, QString());
    m_offBars->data()->clear();
    m_onBars->data()->clear();
    setLogAxis(m_layersPlot->yAxis, m_logarithmic);
    m_offBars->setBaseValue(0);
    m_onBars->setBaseValue(0);

    QStringList labels;
    QVector<double> offKeys;
    QVector<double> offValues;
    QVector<double> onKeys;
    QVector<double> onValues;
    auto add = [&](int key, double off, double on) {
        if (std::isfinite(off) && (!m_logarithmic || off > 0)) {
            offKeys << key;
            offValues << off;
        }
        if (std::isfinite(on) && (!m_logarithmic || on > 0)) {
            onKeys << key;
            onValues << on;
        }
    };
    if (m_showBlocks) {
        setPlotTitle(m_layersPlot, tr("Output error per decoder block (held-out windows)"));
        m_layersPlot->xAxis->setLabel(tr("decoder block"));
        m_layersPlot->yAxis->setLabel(tr("relative block output error ‖Y−Ŷ‖²/‖Y‖²"));
        for (size_t i = 0; i < m_report.blocks.size(); ++i) {
            const BlockCompensation &block = m_report.blocks[i];
            labels << QString::number(block.block);
            add(int(i), block.relativeErrorOff, block.relativeErrorOn);
        }
    } else {
        setPlotTitle(m_layersPlot, tr("Output error per layer"));
        m_layersPlot->xAxis->setLabel(tr("layer (block.name)"));
        m_layersPlot->yAxis->setLabel(tr("relative output error tr(EHEᵀ)/tr(WHWᵀ)"));
        for (size_t i = 0; i < m_report.layers.size(); ++i) {
            const LayerCompensation &layer = m_report.layers[i];
            labels << shortLayerName(layer.name);
            add(int(i), layer.relativeErrorOff, layer.relativeErrorOn);
        }
    }
    m_offBars->setData(offKeys, offValues, true);
    m_onBars->setData(onKeys, onValues, true);
    m_layersPlot->xAxis->setTicker(textTicker(labels, 40));
    m_layersPlot->xAxis->setSubTicks(false);
    m_layersPlot->xAxis->setTickLabelRotation(labels.size() > 12 ? -90 : 0);
    if (labels.isEmpty()) {
        m_layersPlot->legend->setVisible(false);
        setPlotEmpty(m_layersPlot,
                     tr("No compensation data.\nCompress with --compensate ldlq|finetune|all "
                        "(or with error compensation in Compress › Compress at Bit Rate…)\n"
                        "to measure output errors with compensation off and on."));
    } else {
        m_layersPlot->legend->setVisible(true);
    }
    resetLayersView();
    m_layersPlot->replot();
}

void CompensationView::resetLayersView() {
    const int count = m_showBlocks ? int(m_report.blocks.size()) : int(m_report.layers.size());
    m_layersPlot->xAxis->setRange(-0.6, std::max(1, count) - 0.4);
    std::vector<double> values;
    if (m_showBlocks) {
        for (const BlockCompensation &block : m_report.blocks)
            values.insert(values.end(), {block.relativeErrorOff, block.relativeErrorOn});
    } else {
        for (const LayerCompensation &layer : m_report.layers)
            values.insert(values.end(), {layer.relativeErrorOff, layer.relativeErrorOn});
    }
    m_layersPlot->yAxis->setRange(valueRange(values, m_logarithmic));
}

void CompensationView::rebuildColumns() {
    m_columnsPlot->clearItems();
    setPlotEmpty(m_columnsPlot, QString());
    m_offGraph->data()->clear();
    m_onGraph->data()->clear();
    setLogAxis(m_columnsPlot->yAxis, m_logarithmic);
    if (m_layer < 0) {
        setPlotTitle(m_columnsPlot, tr("Error per input column"));
        m_columnsPlot->legend->setVisible(false);
        setPlotEmpty(m_columnsPlot,
                     tr("No compensation data.\nCompress with --compensate ldlq|finetune|all "
                        "to measure per-column errors with compensation off and on."));
        m_columnsPlot->xAxis->setRange(0, 1);
        m_columnsPlot->yAxis->setRange(valueRange({}, m_logarithmic));
        m_columnsPlot->replot();
        return;
    }
    const LayerCompensation &layer = m_report.layers[size_t(m_layer)];
    setPlotTitle(m_columnsPlot, layer.name);
    m_columnsPlot->legend->setVisible(true);
    auto fill = [this](QCPGraph *graph, const std::vector<double> &errors) {
        QVector<double> keys(int(errors.size()));
        QVector<double> values(int(errors.size()));
        for (size_t j = 0; j < errors.size(); ++j) {
            keys[int(j)] = double(j);
            const double value = errors[j];
            values[int(j)] =
                (!std::isfinite(value) || (m_logarithmic && value <= 0)) ? kNaN : value;
        }
        graph->setData(keys, values, true);
    };
    fill(m_offGraph, layer.columnErrorOff);
    fill(m_onGraph, layer.columnErrorOn);
    // Few columns read better as steps with markers; many as plain lines.
    const bool few = layer.columnErrorOff.size() <= 64;
    for (QCPGraph *graph : {m_offGraph, m_onGraph}) {
        graph->setLineStyle(few ? QCPGraph::lsStepCenter : QCPGraph::lsLine);
        graph->setScatterStyle(few ? QCPScatterStyle(QCPScatterStyle::ssCircle, 4)
                                   : QCPScatterStyle());
    }
    if (layer.columnErrorOff.empty() && layer.columnErrorOn.empty())
        addPlotMessage(m_columnsPlot, tr("This layer has no per-column errors."));
    resetColumnsView();
    m_columnsPlot->replot();
}

void CompensationView::resetColumnsView() {
    if (m_layer < 0)
        return;
    const LayerCompensation &layer = m_report.layers[size_t(m_layer)];
    const size_t count = std::max(layer.columnErrorOff.size(), layer.columnErrorOn.size());
    const double margin = std::max(0.5, double(count) * 0.01);
    m_columnsPlot->xAxis->setRange(-margin, double(std::max<size_t>(1, count)) - 1 + margin);
    std::vector<double> values = layer.columnErrorOff;
    values.insert(values.end(), layer.columnErrorOn.begin(), layer.columnErrorOn.end());
    m_columnsPlot->yAxis->setRange(valueRange(values, m_logarithmic));
}

void CompensationView::rebuildAblation() {
    m_ablationPlot->clearItems();
    setPlotEmpty(m_ablationPlot, QString());
    m_ablationPlot->yAxis2->setTickLabels(true);
    m_perplexityBars->data()->clear();
    m_klBars->data()->clear();
    m_ablationPoints.clear();

    const double target = ablationTarget();
    QStringList labels;
    QVector<double> perplexityKeys;
    QVector<double> klKeys;
    QVector<double> perplexities;
    QVector<double> kls;
    for (const QString &method : ablationMethods()) {
        for (size_t i = 0; i < m_session.points.size(); ++i) {
            const SweepPoint &point = m_session.points[i];
            if (point.method != method || point.targetBits != target)
                continue;
            perplexityKeys << double(m_ablationPoints.size()) - kAblationBarOffset;
            klKeys << double(m_ablationPoints.size()) + kAblationBarOffset;
            perplexities << point.perplexity;
            kls << point.klMean;
            labels << method;
            m_ablationPoints.push_back(int(i));
            break;
        }
    }
    m_perplexityBars->setData(perplexityKeys, perplexities, true);
    m_klBars->setData(klKeys, kls, true);
    m_ablationPlot->xAxis->setTicker(textTicker(labels, 8));
    m_ablationPlot->xAxis->setSubTicks(false);

    if (m_ablationPoints.empty()) {
        setPlotTitle(m_ablationPlot, tr("Compensation ablation"));
        m_ablationPlot->legend->setVisible(false);
        m_ablationPlot->yAxis2->setTickLabels(false);
        setPlotEmpty(
            m_ablationPlot,
            tr("No ablation data.\nRun a sweep with the methods nwc, nwc+ldlq, "
               "nwc+finetune and nwc+comp\n(Compress › Rate–Distortion Sweep…, or nwc sweep "
               "--methods …) and open it here."));
        resetAblationView();
        m_ablationPlot->replot();
        return;
    }
    setPlotTitle(m_ablationPlot,
                 tr("Compensation ablation at %1 bpw").arg(formatNumber(target, 4)));
    m_ablationPlot->legend->setVisible(true);

    // Values above the bars: the differences are often small next to the bars' height.
    for (int bar = 0; bar < int(m_ablationPoints.size()); ++bar) {
        const SweepPoint &point = m_session.points[size_t(m_ablationPoints[size_t(bar)])];
        const struct {
            QCPBars *bars;
            double key;
            double value;
        } entries[] = {{m_perplexityBars, bar - kAblationBarOffset, point.perplexity},
                       {m_klBars, bar + kAblationBarOffset, point.klMean}};
        for (const auto &entry : entries) {
            if (!std::isfinite(entry.value))
                continue;
            auto *label = new QCPItemText(m_ablationPlot);
            label->setObjectName(QStringLiteral("barLabel"));
            label->position->setAxes(m_ablationPlot->xAxis, entry.bars->valueAxis());
            label->position->setCoords(entry.key, entry.value);
            label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            label->setText(formatNumber(entry.value, 4));
            label->setColor(entry.bars->pen().color().darker(130));
            label->setSelectable(false);
        }
    }
    if (m_session.hasReference && m_session.reference.perplexity > 0) {
        const double reference = m_session.reference.perplexity;
        addReferenceLine(m_ablationPlot, reference,
                         tr("FP16 perplexity %1").arg(formatNumber(reference, 5)));
    }
    resetAblationView();
    m_ablationPlot->replot();
}

void CompensationView::resetAblationView() {
    const int count = int(m_ablationPoints.size());
    m_ablationPlot->xAxis->setRange(-0.6, std::max(1, count) - 0.4);
    std::vector<double> perplexities;
    std::vector<double> kls;
    for (int index : m_ablationPoints) {
        perplexities.push_back(m_session.points[size_t(index)].perplexity);
        kls.push_back(m_session.points[size_t(index)].klMean);
    }
    if (m_session.hasReference && count > 0)
        perplexities.push_back(m_session.reference.perplexity);
    m_ablationPlot->yAxis->setRange(valueRange(perplexities, false));
    m_ablationPlot->yAxis2->setRange(valueRange(kls, false));
}

void CompensationView::resetView() {
    switch (currentTab()) {
    case Tab::Layers:
        resetLayersView();
        break;
    case Tab::Columns:
        resetColumnsView();
        break;
    case Tab::Ablation:
        resetAblationView();
        break;
    }
    plot()->replot();
}

int CompensationView::keyAt(QCustomPlot *plot, const QPointF &pixel, int count) const {
    if (count <= 0 || !plot->axisRect()->rect().contains(pixel.toPoint()))
        return -1;
    const double key = std::round(plot->xAxis->pixelToCoord(pixel.x()));
    if (!(key >= 0) || key >= count)
        return -1;
    return int(key);
}

QString CompensationView::describeLayer(int layer) const {
    const LayerCompensation &entry = m_report.layers[size_t(layer)];
    return tr("%1: relative output error off %2, on %3%4")
        .arg(entry.name, formatNumber(entry.relativeErrorOff, 4),
             formatNumber(entry.relativeErrorOn, 4),
             percentChange(entry.relativeErrorOff, entry.relativeErrorOn));
}

QString CompensationView::describeBlock(int block) const {
    const BlockCompensation &entry = m_report.blocks[size_t(block)];
    return tr("block %1: relative output error off %2, on %3%4")
        .arg(QString::number(entry.block), formatNumber(entry.relativeErrorOff, 4),
             formatNumber(entry.relativeErrorOn, 4),
             percentChange(entry.relativeErrorOff, entry.relativeErrorOn));
}

QString CompensationView::describeColumn(int column) const {
    const LayerCompensation &entry = m_report.layers[size_t(m_layer)];
    const double off =
        size_t(column) < entry.columnErrorOff.size() ? entry.columnErrorOff[size_t(column)] : kNaN;
    const double on =
        size_t(column) < entry.columnErrorOn.size() ? entry.columnErrorOn[size_t(column)] : kNaN;
    return tr("%1 · column %2: error off %3, on %4%5")
        .arg(entry.name, QString::number(column), formatNumber(off, 4), formatNumber(on, 4),
             percentChange(off, on));
}

QString CompensationView::describeAblation(int bar) const {
    const SweepPoint &point = m_session.points[size_t(m_ablationPoints[size_t(bar)])];
    QString ratio;
    if (m_session.hasReference && m_session.reference.perplexity > 0)
        ratio =
            tr(" (%1× FP16)")
                .arg(QString::number(point.perplexity / m_session.reference.perplexity, 'f', 3));
    return tr("%1 at %2 bpw target: perplexity %3%4, KL mean %5 nats, %6 bpw")
        .arg(point.method, formatNumber(point.targetBits, 4), formatNumber(point.perplexity, 5),
             ratio, formatNumber(point.klMean, 4), QString::number(point.bitsPerWeight, 'f', 3));
}

QString CompensationView::csv() const {
    QString text;
    switch (currentTab()) {
    case Tab::Layers:
        if (m_showBlocks) {
            text = QStringLiteral("block,relative_error_off,relative_error_on\n");
            for (const BlockCompensation &block : m_report.blocks)
                text += QString::number(block.block) + QLatin1Char(',') +
                        formatNumber(block.relativeErrorOff, 9) + QLatin1Char(',') +
                        formatNumber(block.relativeErrorOn, 9) + QLatin1Char('\n');
        } else {
            text = QStringLiteral("layer,block,relative_error_off,relative_error_on\n");
            for (const LayerCompensation &layer : m_report.layers)
                text += csvField(layer.name) + QLatin1Char(',') + QString::number(layer.block) +
                        QLatin1Char(',') + formatNumber(layer.relativeErrorOff, 9) +
                        QLatin1Char(',') + formatNumber(layer.relativeErrorOn, 9) +
                        QLatin1Char('\n');
        }
        break;
    case Tab::Columns:
        text = QStringLiteral("column,error_off,error_on\n");
        if (m_layer >= 0) {
            const LayerCompensation &layer = m_report.layers[size_t(m_layer)];
            const size_t count = std::max(layer.columnErrorOff.size(), layer.columnErrorOn.size());
            for (size_t j = 0; j < count; ++j) {
                const double off = j < layer.columnErrorOff.size() ? layer.columnErrorOff[j] : kNaN;
                const double on = j < layer.columnErrorOn.size() ? layer.columnErrorOn[j] : kNaN;
                text += QString::number(j) + QLatin1Char(',') + formatNumber(off, 9) +
                        QLatin1Char(',') + formatNumber(on, 9) + QLatin1Char('\n');
            }
        }
        break;
    case Tab::Ablation:
        text = QStringLiteral("method,target_bits,bits_per_weight,perplexity,kl_mean_nats\n");
        for (int index : m_ablationPoints) {
            const SweepPoint &point = m_session.points[size_t(index)];
            text += csvField(point.method) + QLatin1Char(',') + formatNumber(point.targetBits, 9) +
                    QLatin1Char(',') + formatNumber(point.bitsPerWeight, 9) + QLatin1Char(',') +
                    formatNumber(point.perplexity, 9) + QLatin1Char(',') +
                    formatNumber(point.klMean, 9) + QLatin1Char('\n');
        }
        break;
    }
    return text;
}

QString CompensationView::exportTitle() const {
    const QCPTextElement *title = plotTitle(plot());
    return title ? title->text() : QString();
}

QString CompensationView::exportName() const {
    static const char *const names[] = {"compensation-layers", "compensation-columns",
                                        "compensation-ablation"};
    return QString::fromLatin1(names[int(currentTab())]);
}

} // namespace nwc
