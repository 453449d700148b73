#include "collabbenchview.h"

#include "customplot.h"
#include "plotexport.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QTabWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

QColor seriesColor(size_t index) {
    static const QColor colors[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28),
                                    QColor(0x2c, 0xa0, 0x2c), QColor(0x94, 0x67, 0xbd),
                                    QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2)};
    return colors[index % (sizeof(colors) / sizeof(colors[0]))];
}

QString alphaLabel(double alpha) {
    return formatNumber(alpha, 3);
}

QCPBars *makeBars(QCustomPlot *plot, const QString &name, const QColor &color) {
    auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(name);
    bars->setPen(QPen(color.darker(120)));
    bars->setBrush(color);
    return bars;
}

// A new tab of `tabs` named `tabText` with a plot named `objectName` (created as a child of the
// tabs' parent): a title (set later), axis labels, a legend and, unless `xGrid` is false,
// vertical grid lines.
QCustomPlot *addPlotTab(QTabWidget *tabs, const QString &objectName, const QString &tabText,
                        const QString &xLabel, const QString &yLabel, bool xGrid) {
    QCustomPlot *plot = createPlot(tabs->parentWidget(), objectName);
    addPlotTitle(plot);
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);
    if (!xGrid)
        plot->xAxis->grid()->setVisible(false);
    plot->legend->setVisible(true);
    tabs->addTab(plot, tabText);
    return plot;
}

} // namespace

CollabBenchView::CollabBenchView(QWidget *parent)
    : AnalysisView(parent) {
    auto *layout = new QVBoxLayout(this);
    m_caption = addCaption(layout);
    auto *controls = new QHBoxLayout;
    addControls(layout, controls, tr("Save the shown plot as PNG or PDF, or its data as CSV"));
    m_tabs = createTabs();

    m_accuracyPlot =
        addPlotTab(m_tabs, QStringLiteral("accuracyPlot"), tr("Accuracy"),
                   tr("α (0 = student, 1 = teacher's token)"), tr("accuracy (%)"), true);
    m_bestAlphaPlot =
        addPlotTab(m_tabs, QStringLiteral("bestAlphaPlot"), tr("Best α"),
                   tr("per-example best α (smallest |α| that answers it)"), tr("questions"), false);
    m_entropyPlot = addPlotTab(m_tabs, QStringLiteral("entropyPlot"), tr("Entropy"),
                               tr("student's first-token entropy H(p_s), nats"),
                               tr("gain over the student (percentage points)"), false);

    layout->addWidget(m_tabs, 1);
    rebuild();
}

CollabBenchView::~CollabBenchView() = default;

void CollabBenchView::setResult(const CollabBenchResult &result) {
    m_result = result;
    rebuild();
}

void CollabBenchView::setCurrentTab(Tab tab) {
    m_tabs->setCurrentIndex(int(tab));
}

CollabBenchView::Tab CollabBenchView::currentTab() const {
    return Tab(std::max(0, m_tabs->currentIndex()));
}

QCustomPlot *CollabBenchView::plot() const {
    switch (currentTab()) {
    case Tab::BestAlpha:
        return m_bestAlphaPlot;
    case Tab::Entropy:
        return m_entropyPlot;
    case Tab::Accuracy:
        break;
    }
    return m_accuracyPlot;
}

void CollabBenchView::rebuild() {
    for (QCustomPlot *plot : {m_accuracyPlot, m_bestAlphaPlot, m_entropyPlot}) {
        plot->clearPlottables();
        plot->clearItems();
        plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
    const CollabBenchSettings &settings = m_result.settings;
    const bool empty = m_result.items.empty() || m_result.accuracy.size() != settings.ns.size();
    const QString emptyText = tr("No benchmark yet: press Run Benchmark… in the generation pane "
                                 "(or run 'nwc collab-bench').");
    for (QCustomPlot *plot : {m_accuracyPlot, m_bestAlphaPlot, m_entropyPlot})
        setPlotEmpty(plot, empty ? emptyText : QString());
    if (empty) {
        m_caption->setText(tr("Accuracy of collaborative decoding on a QA set: the student "
                              "steered by the teacher for its first N tokens."));
        setPlotTitle(m_accuracyPlot, tr("Accuracy against α"));
        setPlotTitle(m_bestAlphaPlot, tr("Per-example best α"));
        setPlotTitle(m_entropyPlot, tr("Gain by the student's entropy"));
        for (QCustomPlot *plot : {m_accuracyPlot, m_bestAlphaPlot, m_entropyPlot})
            plot->replot();
        return;
    }

    const QLocale locale;
    QString caption =
        tr("%1 questions of %2 · student %3 · teacher %4 · greedy, at most %5 tokens · %6 s")
            .arg(m_result.items.size())
            .arg(settings.dataName.isEmpty() ? tr("the QA set") : settings.dataName,
                 settings.studentName, settings.teacherName)
            .arg(settings.maxTokens)
            .arg(locale.toString(m_result.seconds, 'f', 0));
    caption += QLatin1Char('\n') +
               (settings.calibrationFraction > 0
                    ? tr("α and τ chosen on %1 calibration questions, plotted on the other %2")
                          .arg(m_result.calibrationCount)
                          .arg(m_result.testCount)
                    : tr("α and τ chosen on the questions they are plotted on (optimistic)"));
    for (size_t n = 0; n < settings.ns.size() && n < m_result.bestTau.size(); ++n) {
        const double share = m_result.teacherShare[n];
        caption += tr(" · gated N = %1: α %2, τ %3, %4 %")
                       .arg(settings.ns[n])
                       .arg(locale.toString(settings.alphas[size_t(m_result.bestAlpha[n])]))
                       .arg(locale.toString(settings.taus[size_t(m_result.bestTau[n])]))
                       .arg(locale.toString(
                           100 * m_result.gatedAccuracy[n][size_t(m_result.bestTau[n])], 'f', 1));
        if (!std::isnan(share))
            caption += tr(" (teacher on %1 % of steered tokens)")
                           .arg(locale.toString(100 * share, 'f', 0));
    }
    m_caption->setText(caption);

    // Accuracy against alpha, one curve per N, and the two single-model lines.
    const double alphaLow = settings.alphas.empty() ? 0 : settings.alphas.front();
    const double alphaHigh = settings.alphas.empty() ? 1 : settings.alphas.back();
    for (size_t n = 0; n < settings.ns.size(); ++n) {
        QCPGraph *graph = m_accuracyPlot->addGraph();
        graph->setName(tr("N = %1").arg(settings.ns[n]));
        graph->setPen(QPen(seriesColor(n), 2));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
        QVector<double> keys;
        QVector<double> values;
        for (size_t a = 0; a < settings.alphas.size() && a < m_result.accuracy[n].size(); ++a) {
            keys << settings.alphas[a];
            values << 100.0 * m_result.accuracy[n][a];
        }
        graph->setData(keys, values, true);
    }
    const auto line = [&](const QString &name, double accuracy, const QColor &color) {
        QCPGraph *graph = m_accuracyPlot->addGraph();
        graph->setName(name);
        graph->setPen(QPen(color, 1.5, Qt::DashLine));
        graph->setData(
            QVector<double>{std::min(alphaLow, alphaHigh), std::max(alphaLow, alphaHigh)},
            QVector<double>{100.0 * accuracy, 100.0 * accuracy}, true);
    };
    line(tr("student alone (%1 %)").arg(locale.toString(100 * m_result.studentAccuracy, 'f', 1)),
         m_result.studentAccuracy, QColor(0x55, 0x55, 0x55));
    line(tr("teacher alone (%1 %)").arg(locale.toString(100 * m_result.teacherAccuracy, 'f', 1)),
         m_result.teacherAccuracy, QColor(0xff, 0x7f, 0x0e));
    setPlotTitle(m_accuracyPlot, tr("Accuracy against α (one curve per N)"));

    // Per-example best alpha.
    auto ticks = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    for (size_t a = 0; a < settings.alphas.size(); ++a)
        ticks->addTick(double(a), alphaLabel(settings.alphas[a]));
    ticks->addTick(double(settings.alphas.size()), tr("none"));
    m_bestAlphaPlot->xAxis->setTicker(ticks);
    auto *group = new QCPBarsGroup(m_bestAlphaPlot);
    const double width = 0.8 / double(std::max<size_t>(1, settings.ns.size()));
    for (size_t n = 0; n < settings.ns.size() && n < m_result.bestAlphaHistogram.size(); ++n) {
        QCPBars *bars = makeBars(m_bestAlphaPlot, tr("N = %1").arg(settings.ns[n]), seriesColor(n));
        bars->setWidth(width);
        bars->setBarsGroup(group);
        QVector<double> keys;
        QVector<double> values;
        for (size_t a = 0; a < m_result.bestAlphaHistogram[n].size(); ++a) {
            keys << double(a);
            values << double(m_result.bestAlphaHistogram[n][a]);
        }
        bars->setData(keys, values, true);
    }
    setPlotTitle(m_bestAlphaPlot, tr("Per-example best α"));

    // Gain by entropy bucket.
    auto bucketTicks = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    for (size_t b = 0; b < m_result.entropyBuckets.size(); ++b) {
        const EntropyBucket &bucket = m_result.entropyBuckets[b];
        bucketTicks->addTick(double(b), tr("%1–%2\n(%3 questions)")
                                            .arg(locale.toString(bucket.low, 'f', 2),
                                                 locale.toString(bucket.high, 'f', 2))
                                            .arg(bucket.count));
    }
    m_entropyPlot->xAxis->setTicker(bucketTicks);
    auto *entropyGroup = new QCPBarsGroup(m_entropyPlot);
    for (size_t n = 0; n < settings.ns.size(); ++n) {
        QCPBars *bars = makeBars(m_entropyPlot, tr("N = %1").arg(settings.ns[n]), seriesColor(n));
        bars->setWidth(width);
        bars->setBarsGroup(entropyGroup);
        QVector<double> keys;
        QVector<double> values;
        for (size_t b = 0; b < m_result.entropyBuckets.size(); ++b) {
            const EntropyBucket &bucket = m_result.entropyBuckets[b];
            keys << double(b);
            values << (n < bucket.gain.size() ? 100.0 * bucket.gain[n] : 0.0);
        }
        bars->setData(keys, values, true);
    }
    setPlotTitle(m_entropyPlot, tr("Gain over the student by first-token entropy (best α per N)"));
    resetView();
    for (int tab = 0; tab < 3; ++tab) {
        const Tab current = Tab(tab);
        QCustomPlot *plot = current == Tab::Accuracy    ? m_accuracyPlot
                            : current == Tab::BestAlpha ? m_bestAlphaPlot
                                                        : m_entropyPlot;
        plot->replot();
    }
}

void CollabBenchView::resetView() {
    for (QCustomPlot *plot : {m_accuracyPlot, m_bestAlphaPlot, m_entropyPlot}) {
        plot->rescaleAxes();
        const QCPRange keys = plot->xAxis->range();
        plot->xAxis->setRange(keys.lower - 0.6, keys.upper + 0.6);
        QCPRange values = plot->yAxis->range();
        values.lower = std::min(0.0, values.lower);
        values.upper = std::max(values.upper, values.lower + 1) * 1.1;
        plot->yAxis->setRange(values);
        plot->replot();
    }
    if (!m_result.settings.alphas.empty()) {
        m_accuracyPlot->xAxis->setRange(m_result.settings.alphas.front() - 0.1,
                                        m_result.settings.alphas.back() + 0.1);
        m_accuracyPlot->yAxis->setRange(0, 105);
        m_accuracyPlot->replot();
    }
}

QString CollabBenchView::csv() const {
    const CollabBenchSettings &settings = m_result.settings;
    QString text;
    switch (currentTab()) {
    case Tab::Accuracy:
        text = QStringLiteral("n,alpha,accuracy\n");
        for (size_t n = 0; n < m_result.accuracy.size() && n < settings.ns.size(); ++n) {
            for (size_t a = 0; a < m_result.accuracy[n].size() && a < settings.alphas.size(); ++a)
                text += QStringLiteral("%1,%2,%3\n")
                            .arg(settings.ns[n])
                            .arg(formatNumber(settings.alphas[a]),
                                 formatNumber(m_result.accuracy[n][a]));
        }
        text += QStringLiteral("student,,%1\n").arg(formatNumber(m_result.studentAccuracy));
        text += QStringLiteral("teacher,,%1\n").arg(formatNumber(m_result.teacherAccuracy));
        break;
    case Tab::BestAlpha:
        text = QStringLiteral("n,alpha,questions\n");
        for (size_t n = 0; n < m_result.bestAlphaHistogram.size() && n < settings.ns.size(); ++n) {
            for (size_t a = 0; a < m_result.bestAlphaHistogram[n].size(); ++a)
                text += QStringLiteral("%1,%2,%3\n")
                            .arg(settings.ns[n])
                            .arg(a < settings.alphas.size() ? formatNumber(settings.alphas[a])
                                                            : QStringLiteral("none"))
                            .arg(m_result.bestAlphaHistogram[n][a]);
        }
        break;
    case Tab::Entropy:
        text = QStringLiteral("n,entropy_low,entropy_high,questions,student_accuracy,"
                              "collaborative_accuracy,gain\n");
        for (size_t n = 0; n < settings.ns.size(); ++n) {
            for (const EntropyBucket &bucket : m_result.entropyBuckets) {
                const double together =
                    n < bucket.collaborativeAccuracy.size() ? bucket.collaborativeAccuracy[n] : 0.0;
                const double gain = n < bucket.gain.size() ? bucket.gain[n] : 0.0;
                text += QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                            .arg(settings.ns[n])
                            .arg(formatNumber(bucket.low), formatNumber(bucket.high))
                            .arg(bucket.count)
                            .arg(formatNumber(bucket.studentAccuracy), formatNumber(together),
                                 formatNumber(gain));
            }
        }
        break;
    }
    return text;
}

QString CollabBenchView::exportTitle() const {
    const QCPTextElement *title = plotTitle(plot());
    return title ? title->text() : QString();
}

QString CollabBenchView::exportName() const {
    static const char *const names[] = {"collab-accuracy", "collab-best-alpha",
                                        "collab-entropy-gain"};
    return QString::fromLatin1(names[int(currentTab())]);
}

} // namespace nwc
