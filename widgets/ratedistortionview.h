#pragma once
// Rate–distortion view (docs/architecture.md, GUI): one curve per compression method of a sweep,
// rate (bits per weight or file size) against a distortion measure, with the FP16 reference and a
// table of every measured point under the plot.

#include "analysis/sweepsession.h"
#include "analysisview.h"

#include <vector>

class QCheckBox;
class QComboBox;
class QCPGraph;
class QCPItemTracer;
class QCustomPlot;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace nwc {

class PlotPointer;
class SweepPointTableModel;

/// Shows a SweepSession: x = bits per weight or megabytes, y = perplexity, KL mean, KL p99,
/// same-top rate, weighted MSE or bits per byte, each axis optionally logarithmic; one graph per
/// method (sorted by x, markers, legend), the FP16 reference as a dashed line. Hovering shows
/// the point under the pointer; clicking a point (or its table row) selects it, shows all of
/// its numbers and emits pointActivated(). Points whose value cannot be drawn (non-finite, or
/// not positive on a log axis) are left out of the plot but stay in the table.
class RateDistortionView : public AnalysisView {
    Q_OBJECT
public:
    enum class XQuantity { BitsPerWeight = 0, Megabytes };
    enum class YQuantity { Perplexity = 0, KlMean, KlP99, SameTop, WeightedMse, BitsPerByte };

    explicit RateDistortionView(QWidget *parent = nullptr);
    ~RateDistortionView() override;

    /// Replaces the shown session (keeps the axis choices).
    void setSession(const SweepSession &session);
    const SweepSession &session() const { return m_session; }

    void setXQuantity(XQuantity quantity);
    XQuantity xQuantity() const { return m_x; }
    void setYQuantity(YQuantity quantity);
    YQuantity yQuantity() const { return m_y; }
    void setLogX(bool logarithmic);
    bool isLogX() const { return m_logX; }
    void setLogY(bool logarithmic);
    bool isLogY() const { return m_logY; }

    /// Axis value of `point` for the current choices.
    double xValue(const SweepPoint &point) const;
    double yValue(const SweepPoint &point) const;

    /// The plot, its graph for `method` (nullptr when the method has no drawable point), and
    /// the session index of data point `dataIndex` of that graph.
    QCustomPlot *plot() const override { return m_plot; }
    QCPGraph *graph(const QString &method) const;
    int pointIndex(const QString &method, int dataIndex) const;
    /// The table under the plot and its model (session order; the view sorts through a proxy).
    QTableView *table() const { return m_table; }
    SweepPointTableModel *model() const { return m_model; }
    /// The selected point (index into session().points), -1 when none.
    int selectedPoint() const { return m_selected; }
    /// Every number of the selected point, as shown under the plot.
    QString detailsText() const;

    /// The whole session as CSV, every number of every point (what the table shows):
    /// sweepCsv() of session().
    QString csv() const override;
    /// Only the plotted series: header "method,target_bits,<x>,<y>" with the quantities' names
    /// (for example "bits_per_weight", "perplexity"), one row per drawn point, methods in order
    /// of first appearance, each sorted by x.
    QString seriesCsv() const;

public Q_SLOTS:
    /// Selects point `index` of the session (marks it, selects its table row, shows its
    /// numbers); -1 clears the selection. Does not emit pointActivated().
    void selectPoint(int index);
    void resetView() override;

Q_SIGNALS:
    /// The user clicked a point in the plot or its row in the table.
    void pointActivated(int index);

protected:
    QString exportTitle() const override;
    QString exportName() const override;

private:
    struct Series {
        QString method;
        QCPGraph *graph = nullptr;
        // Session index of each data point of graph, in graph order.
        std::vector<int> points;
    };

    void rebuild();
    void updateSelectionMarker();
    int pointNear(const QPointF &pixel, double maxDistance) const;
    // The FP16 value of the y quantity where it can be drawn (NaN otherwise).
    double referenceValue() const;
    QString xName() const;
    QString yName() const;
    QString xLabel() const;
    QString yLabel() const;
    QString describePoint(int index) const;

    SweepSession m_session;
    XQuantity m_x = XQuantity::BitsPerWeight;
    YQuantity m_y = YQuantity::Perplexity;
    bool m_logX = false;
    bool m_logY = false;
    int m_selected = -1;
    bool m_syncingTable = false;
    std::vector<Series> m_series;

    QLabel *m_caption = nullptr;
    QComboBox *m_xCombo = nullptr;
    QComboBox *m_yCombo = nullptr;
    QCheckBox *m_logXCheck = nullptr;
    QCheckBox *m_logYCheck = nullptr;
    QCustomPlot *m_plot = nullptr;
    QCPItemTracer *m_marker = nullptr;
    PlotPointer *m_pointer = nullptr;
    QLabel *m_details = nullptr;
    SweepPointTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
};

} // namespace nwc
