#include "compensationablationtab.h"

#include "compensationplotting.h"
#include "customplot.h"
#include "plotexport.h"

#include <algorithm>
#include <cmath>

namespace nwc {

using namespace compensationplotting;

namespace {

constexpr double kBarWidth = 0.36;
constexpr double kBarOffset = 0.19;

} // namespace

QStringList CompensationAblationTab::methods() {
    return {QStringLiteral("nwc"), QStringLiteral("nwc+ldlq"), QStringLiteral("nwc+finetune"),
            QStringLiteral("nwc+comp")};
}

CompensationAblationTab::CompensationAblationTab(const SweepSession &session, QWidget *parent)
    : QObject(parent)
    , m_session(session)
    , m_plot(createPlot(parent, QStringLiteral("ablationPlot"))) {
    addPlotTitle(m_plot);
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->xAxis->setLabel(tr("method"));
    m_plot->yAxis->setLabel(tr("perplexity"));
    m_plot->yAxis2->setTicks(true);
    m_plot->yAxis2->setTickLabels(true);
    m_plot->yAxis2->setBasePen(m_plot->yAxis->basePen());
    m_plot->yAxis2->setLabel(tr("KL mean (nats)"));
    m_plot->legend->setVisible(true);
    m_perplexityBars = makeBars(m_plot->xAxis, m_plot->yAxis, tr("perplexity"), kPerplexityColor);
    m_klBars = makeBars(m_plot->xAxis, m_plot->yAxis2, tr("KL mean (right axis)"), kKlColor);
    // Side by side without a QCPBarsGroup: fixed key offsets keep the value labels above
    // their bars at any zoom.
    m_perplexityBars->setWidth(kBarWidth);
    m_klBars->setWidth(kBarWidth);
    enablePanAndZoom(m_plot, [this] { resetView(); });
    PlotPointer::forItems(
        m_plot, [this](const QPointF &pixel) { return keyAt(m_plot, pixel, int(m_points.size())); },
        [this](int bar) { return describe(bar); },
        [this](int bar) {
            Q_EMIT readout(describe(bar));
            Q_EMIT ablationPointActivated(m_points[size_t(bar)]);
        });
}

void CompensationAblationTab::rebuild() {
    m_plot->clearItems();
    setPlotEmpty(m_plot, QString());
    m_plot->yAxis2->setTickLabels(true);
    m_perplexityBars->data()->clear();
    m_klBars->data()->clear();
    m_points.clear();

    QStringList labels;
    QVector<double> perplexityKeys;
    QVector<double> klKeys;
    QVector<double> perplexities;
    QVector<double> kls;
    for (const QString &method : methods()) {
        for (size_t i = 0; i < m_session.points.size(); ++i) {
            const SweepPoint &point = m_session.points[i];
            if (point.method != method || point.targetBits != m_target)
                continue;
            perplexityKeys << double(m_points.size()) - kBarOffset;
            klKeys << double(m_points.size()) + kBarOffset;
            perplexities << point.perplexity;
            kls << point.klMean;
            labels << method;
            m_points.push_back(int(i));
            break;
        }
    }
    m_perplexityBars->setData(perplexityKeys, perplexities, true);
    m_klBars->setData(klKeys, kls, true);
    m_plot->xAxis->setTicker(textTicker(labels, 8));
    m_plot->xAxis->setSubTicks(false);

    if (m_points.empty()) {
        setPlotTitle(m_plot, tr("Compensation ablation"));
        m_plot->legend->setVisible(false);
        m_plot->yAxis2->setTickLabels(false);
        setPlotEmpty(m_plot, tr("No ablation data.\nRun a sweep with the methods nwc, nwc+ldlq, "
                                "nwc+finetune and nwc+comp\n(Compress › Rate–Distortion Sweep…, "
                                "or nwc sweep --methods …) and open it here."));
        resetView();
        m_plot->replot();
        return;
    }
    setPlotTitle(m_plot, tr("Compensation ablation at %1 bpw").arg(formatNumber(m_target, 4)));
    m_plot->legend->setVisible(true);
    addValueLabels();
    if (m_session.hasReference && m_session.reference.perplexity > 0) {
        const double reference = m_session.reference.perplexity;
        addReferenceLine(m_plot, reference,
                         tr("FP16 perplexity %1").arg(formatNumber(reference, 5)));
    }
    resetView();
    m_plot->replot();
}

void CompensationAblationTab::addValueLabels() {
    // Values above the bars: the differences are often small next to the bars' height.
    for (int bar = 0; bar < int(m_points.size()); ++bar) {
        const SweepPoint &point = m_session.points[size_t(m_points[size_t(bar)])];
        const struct {
            QCPBars *bars;
            double key;
            double value;
        } entries[] = {{m_perplexityBars, bar - kBarOffset, point.perplexity},
                       {m_klBars, bar + kBarOffset, point.klMean}};
        for (const auto &entry : entries) {
            if (!std::isfinite(entry.value))
                continue;
            auto *label = new QCPItemText(m_plot);
            label->setObjectName(QStringLiteral("barLabel"));
            label->position->setAxes(m_plot->xAxis, entry.bars->valueAxis());
            label->position->setCoords(entry.key, entry.value);
            label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            label->setText(formatNumber(entry.value, 4));
            label->setColor(entry.bars->pen().color().darker(130));
            label->setSelectable(false);
        }
    }
}

void CompensationAblationTab::resetView() {
    const int count = int(m_points.size());
    m_plot->xAxis->setRange(-0.6, std::max(1, count) - 0.4);
    std::vector<double> perplexities;
    std::vector<double> kls;
    for (int index : m_points) {
        perplexities.push_back(m_session.points[size_t(index)].perplexity);
        kls.push_back(m_session.points[size_t(index)].klMean);
    }
    if (m_session.hasReference && count > 0)
        perplexities.push_back(m_session.reference.perplexity);
    m_plot->yAxis->setRange(valueRange(perplexities, false));
    m_plot->yAxis2->setRange(valueRange(kls, false));
}

QString CompensationAblationTab::describe(int bar) const {
    const SweepPoint &point = m_session.points[size_t(m_points[size_t(bar)])];
    QString ratio;
    if (m_session.hasReference && m_session.reference.perplexity > 0)
        ratio =
            tr(" (%1× FP16)")
                .arg(QString::number(point.perplexity / m_session.reference.perplexity, 'f', 3));
    return tr("%1 at %2 bpw target: perplexity %3%4, KL mean %5 nats, %6 bpw")
        .arg(point.method, formatNumber(point.targetBits, 4), formatNumber(point.perplexity, 5),
             ratio, formatNumber(point.klMean, 4), QString::number(point.bitsPerWeight, 'f', 3));
}

QString CompensationAblationTab::csv() const {
    QString text = QStringLiteral("method,target_bits,bits_per_weight,perplexity,kl_mean_nats\n");
    for (int index : m_points) {
        const SweepPoint &point = m_session.points[size_t(index)];
        text += csvField(point.method) + QLatin1Char(',') + formatNumber(point.targetBits, 9) +
                QLatin1Char(',') + formatNumber(point.bitsPerWeight, 9) + QLatin1Char(',') +
                formatNumber(point.perplexity, 9) + QLatin1Char(',') +
                formatNumber(point.klMean, 9) + QLatin1Char('\n');
    }
    return text;
}

} // namespace nwc
