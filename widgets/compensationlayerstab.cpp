#include "compensationlayerstab.h"

#include "compensationplotting.h"
#include "customplot.h"
#include "plotexport.h"

#include <algorithm>
#include <cmath>

namespace nwc {

using namespace compensationplotting;

CompensationLayersTab::CompensationLayersTab(const CompensationReport &report, QWidget *parent)
    : QObject(parent)
    , m_report(report)
    , m_plot(createPlot(parent, QStringLiteral("layersPlot"))) {
    addPlotTitle(m_plot);
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->yAxis->setLabel(tr("relative output error tr(EHEᵀ)/tr(WHWᵀ)"));
    m_plot->legend->setVisible(true);
    m_offBars = makeBars(m_plot->xAxis, m_plot->yAxis, tr("compensation off"), kOffColor);
    m_onBars = makeBars(m_plot->xAxis, m_plot->yAxis, tr("compensation on"), kOnColor);
    auto *group = new QCPBarsGroup(m_plot);
    group->setSpacingType(QCPBarsGroup::stAbsolute);
    group->setSpacing(1);
    m_offBars->setBarsGroup(group);
    m_onBars->setBarsGroup(group);
    enablePanAndZoom(m_plot, [this] { resetView(); });
    PlotPointer::forItems(
        m_plot, [this](const QPointF &pixel) { return barAt(pixel); },
        [this](int bar) { return m_showBlocks ? describeBlock(bar) : describeLayer(bar); },
        [this](int bar) {
            if (m_showBlocks) {
                Q_EMIT readout(describeBlock(bar));
                Q_EMIT blockActivated(m_report.blocks[size_t(bar)].block);
                return;
            }
            Q_EMIT readout(describeLayer(bar));
            Q_EMIT layerActivated(bar);
        });
}

int CompensationLayersTab::barAt(const QPointF &pixel) const {
    const size_t count = m_showBlocks ? m_report.blocks.size() : m_report.layers.size();
    return keyAt(m_plot, pixel, int(count));
}

void CompensationLayersTab::setShowBlocks(bool blocks) {
    m_showBlocks = blocks && !m_report.blocks.empty();
}

void CompensationLayersTab::setLogarithmic(bool logarithmic) {
    m_logarithmic = logarithmic;
}

void CompensationLayersTab::rebuild() {
    m_plot->clearItems();
    setPlotEmpty(m_plot, QString());
    m_offBars->data()->clear();
    m_onBars->data()->clear();
    setLogAxis(m_plot->yAxis, m_logarithmic);
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
        setPlotTitle(m_plot, tr("Output error per decoder block (held-out windows)"));
        m_plot->xAxis->setLabel(tr("decoder block"));
        m_plot->yAxis->setLabel(tr("relative block output error ‖Y−Ŷ‖²/‖Y‖²"));
        for (size_t i = 0; i < m_report.blocks.size(); ++i) {
            const BlockCompensation &block = m_report.blocks[i];
            labels << QString::number(block.block);
            add(int(i), block.relativeErrorOff, block.relativeErrorOn);
        }
    } else {
        setPlotTitle(m_plot, tr("Output error per layer"));
        m_plot->xAxis->setLabel(tr("layer (block.name)"));
        m_plot->yAxis->setLabel(tr("relative output error tr(EHEᵀ)/tr(WHWᵀ)"));
        for (size_t i = 0; i < m_report.layers.size(); ++i) {
            const LayerCompensation &layer = m_report.layers[i];
            labels << shortLayerName(layer.name);
            add(int(i), layer.relativeErrorOff, layer.relativeErrorOn);
        }
    }
    m_offBars->setData(offKeys, offValues, true);
    m_onBars->setData(onKeys, onValues, true);
    m_plot->xAxis->setTicker(textTicker(labels, 40));
    m_plot->xAxis->setSubTicks(false);
    m_plot->xAxis->setTickLabelRotation(labels.size() > 12 ? -90 : 0);
    if (labels.isEmpty()) {
        m_plot->legend->setVisible(false);
        setPlotEmpty(m_plot,
                     tr("No compensation data.\nCompress with --compensate ldlq|finetune|all "
                        "(or with error compensation in Compress › Compress at Bit Rate…)\n"
                        "to measure output errors with compensation off and on."));
    } else {
        m_plot->legend->setVisible(true);
    }
    resetView();
    m_plot->replot();
}

void CompensationLayersTab::resetView() {
    const int count = m_showBlocks ? int(m_report.blocks.size()) : int(m_report.layers.size());
    m_plot->xAxis->setRange(-0.6, std::max(1, count) - 0.4);
    std::vector<double> values;
    if (m_showBlocks) {
        for (const BlockCompensation &block : m_report.blocks)
            values.insert(values.end(), {block.relativeErrorOff, block.relativeErrorOn});
    } else {
        for (const LayerCompensation &layer : m_report.layers)
            values.insert(values.end(), {layer.relativeErrorOff, layer.relativeErrorOn});
    }
    m_plot->yAxis->setRange(valueRange(values, m_logarithmic));
}

QString CompensationLayersTab::describeLayer(int layer) const {
    const LayerCompensation &entry = m_report.layers[size_t(layer)];
    return tr("%1: relative output error off %2, on %3%4")
        .arg(entry.name, formatNumber(entry.relativeErrorOff, 4),
             formatNumber(entry.relativeErrorOn, 4),
             percentChange(entry.relativeErrorOff, entry.relativeErrorOn));
}

QString CompensationLayersTab::describeBlock(int block) const {
    const BlockCompensation &entry = m_report.blocks[size_t(block)];
    return tr("block %1: relative output error off %2, on %3%4")
        .arg(QString::number(entry.block), formatNumber(entry.relativeErrorOff, 4),
             formatNumber(entry.relativeErrorOn, 4),
             percentChange(entry.relativeErrorOff, entry.relativeErrorOn));
}

QString CompensationLayersTab::csv() const {
    QString text;
    if (m_showBlocks) {
        text = QStringLiteral("block,relative_error_off,relative_error_on\n");
        for (const BlockCompensation &block : m_report.blocks)
            text += QString::number(block.block) + QLatin1Char(',') +
                    formatNumber(block.relativeErrorOff, 9) + QLatin1Char(',') +
                    formatNumber(block.relativeErrorOn, 9) + QLatin1Char('\n');
        return text;
    }
    text = QStringLiteral("layer,block,relative_error_off,relative_error_on\n");
    for (const LayerCompensation &layer : m_report.layers)
        text += csvField(layer.name) + QLatin1Char(',') + QString::number(layer.block) +
                QLatin1Char(',') + formatNumber(layer.relativeErrorOff, 9) + QLatin1Char(',') +
                formatNumber(layer.relativeErrorOn, 9) + QLatin1Char('\n');
    return text;
}

} // namespace nwc
