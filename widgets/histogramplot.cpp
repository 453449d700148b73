#include "histogramplot.h"

#include "customplot.h"
#include "presentationscale.h"

#include <QContextMenuEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QStackedLayout>
#include <QTextStream>
#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

QCPItemStraightLine *verticalLine(QCustomPlot *plot, double x, const QPen &pen) {
    auto *line = new QCPItemStraightLine(plot);
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
    line->setPen(pen);
    line->setSelectable(false);
    return line;
}

} // namespace

HistogramPlot::HistogramPlot(QWidget *parent)
    : QWidget(parent) {
    m_stack = new QStackedLayout(this);
    m_stack->setContentsMargins(0, 0, 0, 0);

    m_message = new QLabel(this);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setEnabled(false);
    m_stack->addWidget(m_message);

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(140);
    m_plot->setBackground(palette().base());
    m_plot->xAxis->setLabel(tr("value"));
    m_plot->yAxis->setLabel(tr("count"));
    m_plot->xAxis->ticker()->setTickCount(5);
    m_plot->yAxis->ticker()->setTickCount(4);
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setBasePen(QPen(palette().color(QPalette::Mid)));
        axis->setTickPen(QPen(palette().color(QPalette::Mid)));
        axis->setSubTickPen(QPen(palette().color(QPalette::Mid)));
        axis->setTickLabelColor(palette().color(QPalette::Text));
        axis->setLabelColor(palette().color(QPalette::Text));
        axis->grid()->setPen(QPen(palette().color(QPalette::Midlight), 0, Qt::DotLine));
    }
    m_plot->axisRect()->setupFullAxesBox(false);
    m_plot->xAxis2->setTicks(false);
    m_plot->yAxis2->setTicks(false);
    m_plot->xAxis2->setTickLabels(false);
    m_plot->yAxis2->setTickLabels(false);
    m_plot->xAxis2->setBasePen(QPen(palette().color(QPalette::Midlight)));
    m_plot->yAxis2->setBasePen(QPen(palette().color(QPalette::Midlight)));

    m_bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    m_bars->setWidthType(QCPBars::wtPlotCoords);
    const QColor barColor(52, 120, 198);
    m_bars->setPen(QPen(barColor.darker(120), 0));
    QColor fill = barColor;
    fill.setAlpha(190);
    m_bars->setBrush(fill);
    m_bars->setAntialiased(false);
    m_bars->setSelectable(QCP::stNone);
    PresentationScale::attach(m_plot);
    m_stack->addWidget(m_plot);

    clear(tr("Select a tensor to see its histogram."));
}

HistogramPlot::~HistogramPlot() = default;

void HistogramPlot::setStatistics(const TensorStatistics &statistics, const QString &title) {
    m_statistics = statistics;
    m_title = title;
    m_hasData = statistics.binCounts.size() > 0 &&
                statistics.binEdges.size() == statistics.binCounts.size() + 1;
    if (!m_hasData) {
        clear(tr("This tensor has no values to plot."));
        return;
    }
    rebuild();
    m_stack->setCurrentWidget(m_plot);
}

void HistogramPlot::clear(const QString &message) {
    m_hasData = false;
    m_statistics = TensorStatistics();
    m_title.clear();
    m_bars->data()->clear();
    m_plot->clearItems();
    m_message->setText(message);
    m_stack->setCurrentWidget(m_message);
}

void HistogramPlot::setLogarithmic(bool logarithmic) {
    if (m_logarithmic == logarithmic)
        return;
    m_logarithmic = logarithmic;
    if (m_hasData)
        rebuild();
}

void HistogramPlot::rebuild() {
    const QVector<double> &edges = m_statistics.binEdges;
    const QVector<double> &counts = m_statistics.binCounts;
    double lower = edges.first();
    double upper = edges.last();
    double width = (upper - lower) / counts.size();
    if (!(upper > lower)) { // every value equal: one bar around it
        const double span = std::max(1e-6, std::abs(lower) * 0.1);
        width = span / 10;
        lower -= span / 2;
        upper += span / 2;
    }

    QVector<double> keys;
    QVector<double> values;
    double maxCount = 0;
    for (int i = 0; i < counts.size(); ++i) {
        if (m_logarithmic && counts.at(i) <= 0)
            continue;
        keys.append(edges.at(i) + (edges.at(i + 1) - edges.at(i)) / 2);
        values.append(counts.at(i));
        maxCount = std::max(maxCount, counts.at(i));
    }
    m_bars->setWidth(width);
    m_bars->setData(keys, values, true);

    if (m_logarithmic) {
        m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        m_bars->setBaseValue(0.5);
        m_plot->yAxis->setRange(0.5, std::max(10.0, maxCount * 2));
    } else {
        m_plot->yAxis->setScaleType(QCPAxis::stLinear);
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        m_plot->yAxis->ticker()->setTickCount(4);
        m_bars->setBaseValue(0);
        m_plot->yAxis->setRange(0, std::max(1.0, maxCount * 1.08));
    }
    const double margin = (upper - lower) * 0.02;
    m_plot->xAxis->setRange(lower - margin, upper + margin);

    m_plot->clearItems();
    if (m_statistics.count > 0 && std::isfinite(m_statistics.mean)) {
        verticalLine(m_plot, m_statistics.mean, QPen(QColor(200, 60, 50), 1.5));
        if (m_statistics.std > 0) {
            const QPen sigmaPen(QColor(200, 60, 50, 150), 1, Qt::DashLine);
            verticalLine(m_plot, m_statistics.mean - m_statistics.std, sigmaPen);
            verticalLine(m_plot, m_statistics.mean + m_statistics.std, sigmaPen);
        }
    }
    m_plot->setToolTip(tr("Mean (solid) and mean ± one standard deviation (dashed). "
                          "Right-click to save the plot or its data."));
    m_plot->replot();
}

bool HistogramPlot::saveImage(const QString &path) {
    if (!m_hasData)
        return false;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("pdf"))
        return m_plot->savePdf(path);
    if (suffix == QLatin1String("jpg") || suffix == QLatin1String("jpeg"))
        return m_plot->saveJpg(path, 0, 0, 2.0);
    return m_plot->savePng(path, 0, 0, 2.0);
}

bool HistogramPlot::saveCsv(const QString &path) const {
    if (!m_hasData)
        return false;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    QTextStream out(&file);
    out << "bin_start,bin_end,count\n";
    for (int i = 0; i < m_statistics.binCounts.size(); ++i)
        out << QString::number(m_statistics.binEdges.at(i), 'g', 9) << ','
            << QString::number(m_statistics.binEdges.at(i + 1), 'g', 9) << ','
            << QString::number(m_statistics.binCounts.at(i), 'g', 15) << '\n';
    out.flush();
    return file.error() == QFile::NoError;
}

void HistogramPlot::contextMenuEvent(QContextMenuEvent *event) {
    QMenu menu(this);
    QAction *logAction = menu.addAction(tr("Logarithmic Counts"));
    logAction->setCheckable(true);
    logAction->setChecked(m_logarithmic);
    menu.addSeparator();
    QAction *imageAction = menu.addAction(tr("Save Plot as Image…"));
    QAction *csvAction = menu.addAction(tr("Save Histogram as CSV…"));
    imageAction->setEnabled(m_hasData);
    csvAction->setEnabled(m_hasData);
    logAction->setEnabled(m_hasData);

    QAction *chosen = menu.exec(event->globalPos());
    QString base = m_title;
    base.replace(QLatin1Char('/'), QLatin1Char('_'));
    if (chosen == logAction) {
        setLogarithmic(logAction->isChecked());
    } else if (chosen == imageAction) {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save Plot"), base + QStringLiteral(".png"),
            tr("PNG image (*.png);;PDF document (*.pdf);;JPEG image (*.jpg)"));
        if (!path.isEmpty() && !saveImage(path))
            QMessageBox::warning(this, tr("Save Plot"), tr("Could not write %1.").arg(path));
    } else if (chosen == csvAction) {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save Histogram"), base + QStringLiteral(".csv"), tr("CSV file (*.csv)"));
        if (!path.isEmpty() && !saveCsv(path))
            QMessageBox::warning(this, tr("Save Histogram"), tr("Could not write %1.").arg(path));
    }
}

} // namespace nwc
