#include "compensationplotting.h"

#include "customplot.h"

#include <algorithm>
#include <cmath>

namespace nwc::compensationplotting {

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

int keyAt(QCustomPlot *plot, const QPointF &pixel, int count) {
    if (count <= 0 || !plot->axisRect()->rect().contains(pixel.toPoint()))
        return -1;
    const double key = std::round(plot->xAxis->pixelToCoord(pixel.x()));
    if (!(key >= 0) || key >= count)
        return -1;
    return int(key);
}

} // namespace nwc::compensationplotting
