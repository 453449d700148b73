#include "compensationcolumnstab.h"

#include "compensationplotting.h"
#include "customplot.h"
#include "plotexport.h"

#include <algorithm>
#include <cmath>

namespace nwc {

using namespace compensationplotting;

CompensationColumnsTab::CompensationColumnsTab(const CompensationReport &report, QWidget *parent)
    : QObject(parent)
    , m_report(report)
    , m_plot(createPlot(parent, QStringLiteral("columnsPlot"))) {
    addPlotTitle(m_plot);
    m_plot->xAxis->setLabel(tr("input column"));
    m_plot->yAxis->setLabel(tr("column error (importance × Σ squared error)"));
    m_plot->legend->setVisible(true);
    m_offGraph = m_plot->addGraph();
    m_offGraph->setName(tr("compensation off"));
    m_offGraph->setPen(QPen(kOffColor, 1.2));
    m_offGraph->setSelectable(QCP::stNone);
    m_onGraph = m_plot->addGraph();
    m_onGraph->setName(tr("compensation on"));
    m_onGraph->setPen(QPen(kOnColor, 1.2));
    m_onGraph->setSelectable(QCP::stNone);
    enablePanAndZoom(m_plot, [this] { resetView(); });
    PlotPointer::forItems(
        m_plot, [this](const QPointF &pixel) { return columnAt(pixel); },
        [this](int column) { return describeColumn(column); },
        [this](int column) {
            Q_EMIT readout(describeColumn(column));
            Q_EMIT columnActivated(m_layer, column);
        });
}

int CompensationColumnsTab::columnAt(const QPointF &pixel) const {
    if (m_layer < 0)
        return -1;
    return keyAt(m_plot, pixel, int(m_report.layers[size_t(m_layer)].columnErrorOff.size()));
}

void CompensationColumnsTab::rebuild() {
    m_plot->clearItems();
    setPlotEmpty(m_plot, QString());
    m_offGraph->data()->clear();
    m_onGraph->data()->clear();
    setLogAxis(m_plot->yAxis, m_logarithmic);
    if (m_layer < 0) {
        setPlotTitle(m_plot, tr("Error per input column"));
        m_plot->legend->setVisible(false);
        setPlotEmpty(m_plot,
                     tr("No compensation data.\nCompress with --compensate ldlq|finetune|all "
                        "to measure per-column errors with compensation off and on."));
        m_plot->xAxis->setRange(0, 1);
        m_plot->yAxis->setRange(valueRange({}, m_logarithmic));
        m_plot->replot();
        return;
    }
    const LayerCompensation &layer = m_report.layers[size_t(m_layer)];
    setPlotTitle(m_plot, layer.name);
    m_plot->legend->setVisible(true);
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
        addPlotMessage(m_plot, tr("This layer has no per-column errors."));
    resetView();
    m_plot->replot();
}

void CompensationColumnsTab::resetView() {
    if (m_layer < 0)
        return;
    const LayerCompensation &layer = m_report.layers[size_t(m_layer)];
    const size_t count = std::max(layer.columnErrorOff.size(), layer.columnErrorOn.size());
    const double margin = std::max(0.5, double(count) * 0.01);
    m_plot->xAxis->setRange(-margin, double(std::max<size_t>(1, count)) - 1 + margin);
    std::vector<double> values = layer.columnErrorOff;
    values.insert(values.end(), layer.columnErrorOn.begin(), layer.columnErrorOn.end());
    m_plot->yAxis->setRange(valueRange(values, m_logarithmic));
}

QString CompensationColumnsTab::describeColumn(int column) const {
    const LayerCompensation &entry = m_report.layers[size_t(m_layer)];
    const double off =
        size_t(column) < entry.columnErrorOff.size() ? entry.columnErrorOff[size_t(column)] : kNaN;
    const double on =
        size_t(column) < entry.columnErrorOn.size() ? entry.columnErrorOn[size_t(column)] : kNaN;
    return tr("%1 · column %2: error off %3, on %4%5")
        .arg(entry.name, QString::number(column), formatNumber(off, 4), formatNumber(on, 4),
             percentChange(off, on));
}

QString CompensationColumnsTab::csv() const {
    QString text = QStringLiteral("column,error_off,error_on\n");
    if (m_layer < 0)
        return text;
    const LayerCompensation &layer = m_report.layers[size_t(m_layer)];
    const size_t count = std::max(layer.columnErrorOff.size(), layer.columnErrorOn.size());
    for (size_t j = 0; j < count; ++j) {
        const double off = j < layer.columnErrorOff.size() ? layer.columnErrorOff[j] : kNaN;
        const double on = j < layer.columnErrorOn.size() ? layer.columnErrorOn[j] : kNaN;
        text += QString::number(j) + QLatin1Char(',') + formatNumber(off, 9) + QLatin1Char(',') +
                formatNumber(on, 9) + QLatin1Char('\n');
    }
    return text;
}

} // namespace nwc
