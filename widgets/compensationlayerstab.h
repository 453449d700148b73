#pragma once
// The Compensation view's "Layers" tab: output error per layer or per decoder block.

#include "analysis/compensation.h"

#include <QObject>

class QCPBars;
class QCustomPlot;
class QWidget;

namespace nwc {

/// Relative output error of every layer of a CompensationReport with compensation off and on
/// (paired bars, ticks "3.q" = block 3, q_proj), or of every decoder block when the report has
/// block errors (fine-tuning ran) and blocks are chosen. Owns its plot (named "layersPlot");
/// hovering shows a tooltip, clicking a bar emits readout() and the matching signal.
class CompensationLayersTab : public QObject {
    Q_OBJECT
public:
    /// Draws `report`, which the caller keeps (and rebuilds this tab when it changes).
    CompensationLayersTab(const CompensationReport &report, QWidget *parent);

    QCustomPlot *plot() const { return m_plot; }
    /// Per-block bars instead of per-layer bars (only when the report has blocks).
    void setShowBlocks(bool blocks);
    bool showsBlocks() const { return m_showBlocks; }
    void setLogarithmic(bool logarithmic);
    /// Redraws the report.
    void rebuild();
    /// Rescales the axes to the data.
    void resetView();
    /// "layer,block,relative_error_off,relative_error_on"; blocks:
    /// "block,relative_error_off,relative_error_on".
    QString csv() const;

Q_SIGNALS:
    /// A bar was clicked: what the read-out line shows.
    void readout(const QString &text);
    /// A layer's bars were clicked (index into report.layers).
    void layerActivated(int layer);
    /// A block's bars were clicked (BlockCompensation::block).
    void blockActivated(int block);

private:
    QString describeLayer(int layer) const;
    QString describeBlock(int block) const;
    int barAt(const QPointF &pixel) const;

    const CompensationReport &m_report;
    bool m_showBlocks = false;
    bool m_logarithmic = false;
    QCustomPlot *m_plot;
    QCPBars *m_offBars;
    QCPBars *m_onBars;
};

} // namespace nwc
