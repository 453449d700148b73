#pragma once
// The Compensation view's "Columns" tab: per-column error of one layer.

#include "analysis/compensation.h"

#include <QObject>

class QCPGraph;
class QCustomPlot;
class QWidget;

namespace nwc {

/// Per-column error of one layer of a CompensationReport, with compensation off and on, in
/// column order (steps with markers for few columns, lines for many). Owns its plot (named
/// "columnsPlot"); hovering shows a tooltip, clicking emits readout() and columnActivated().
class CompensationColumnsTab : public QObject {
    Q_OBJECT
public:
    /// Draws `report`, which the caller keeps (and rebuilds this tab when it changes).
    CompensationColumnsTab(const CompensationReport &report, QWidget *parent);

    QCustomPlot *plot() const { return m_plot; }
    /// The layer shown: index into report.layers (-1 for none).
    void setLayer(int layer) { m_layer = layer; }
    int layer() const { return m_layer; }
    void setLogarithmic(bool logarithmic) { m_logarithmic = logarithmic; }
    /// Redraws the layer.
    void rebuild();
    /// Rescales the axes to the data.
    void resetView();
    /// "column,error_off,error_on".
    QString csv() const;

Q_SIGNALS:
    /// A column was clicked: what the read-out line shows.
    void readout(const QString &text);
    void columnActivated(int layer, int column);

private:
    QString describeColumn(int column) const;
    int columnAt(const QPointF &pixel) const;

    const CompensationReport &m_report;
    int m_layer = -1;
    bool m_logarithmic = false;
    QCustomPlot *m_plot;
    QCPGraph *m_offGraph;
    QCPGraph *m_onGraph;
};

} // namespace nwc
