#pragma once
// The Compensation view's "Ablation" tab: the compensation variants of a sweep at one rate.

#include "analysis/sweepsession.h"

#include <QObject>
#include <QStringList>
#include <vector>

class QCPBars;
class QCustomPlot;
class QWidget;

namespace nwc {

/// For one target rate of a sweep, perplexity (left axis) and KL mean (right axis) of the
/// methods nwc, nwc+ldlq, nwc+finetune and nwc+comp that are present, with their values above
/// the bars and the FP16 perplexity as a dashed line. Owns its plot (named "ablationPlot");
/// hovering shows a tooltip, clicking emits readout() and ablationPointActivated().
class CompensationAblationTab : public QObject {
    Q_OBJECT
public:
    /// Draws `session`, which the caller keeps (and rebuilds this tab when it changes).
    CompensationAblationTab(const SweepSession &session, QWidget *parent);

    /// Methods of the ablation, in bar order.
    static QStringList methods();

    QCustomPlot *plot() const { return m_plot; }
    /// The target rate shown.
    void setTarget(double bits) { m_target = bits; }
    /// Session indices of the bars, in bar order.
    const std::vector<int> &points() const { return m_points; }
    /// Redraws the bars of the target rate.
    void rebuild();
    /// Rescales the axes to the data.
    void resetView();
    /// "method,target_bits,bits_per_weight,perplexity,kl_mean_nats" (one row per bar pair).
    QString csv() const;

Q_SIGNALS:
    /// A bar was clicked: what the read-out line shows.
    void readout(const QString &text);
    /// An ablation bar was clicked (index into the session's points).
    void ablationPointActivated(int index);

private:
    QString describe(int bar) const;
    void addValueLabels();

    const SweepSession &m_session;
    double m_target = 0;
    std::vector<int> m_points;
    QCustomPlot *m_plot;
    QCPBars *m_perplexityBars;
    QCPBars *m_klBars;
};

} // namespace nwc
