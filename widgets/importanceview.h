#pragma once
// Importance view (docs/architecture.md, GUI): per-column importance of one layer and a layer ×
// column heat map of the whole model, with the quality-level thresholds the codec uses.

#include "analysis/importancemap.h"
#include "analysisview.h"

#include <vector>

class QCheckBox;
class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QCPBars;
class QCustomPlot;
class QLabel;
class QTabWidget;

namespace nwc {

class PlotPointer;

/// Shows an ImportanceMap in two tabs:
/// - "Columns": importance of every input column of the layer chosen in the combo box, in
///   column order or sorted (descending), optionally on a log axis, with horizontal lines at
///   the thresholds of quality levels 1–3;
/// - "Heat map": layers (rows, model order, first at the top) × columns, coloured by
///   log10(importance); cells past a layer's last column are empty.
/// Hovering shows a tooltip, clicking a column or cell shows layer, column, importance and
/// quality level in the read-out line and emits columnActivated(). Displays only; computes
/// nothing heavier than a sort.
class ImportanceView : public AnalysisView {
    Q_OBJECT
public:
    enum class Tab { Columns = 0, HeatMap = 1 };

    explicit ImportanceView(QWidget *parent = nullptr);
    ~ImportanceView() override;

    /// Replaces the shown map (an empty map shows a hint instead of plots).
    void setImportance(const ImportanceMap &map);
    const ImportanceMap &importance() const { return m_map; }

    /// Layer shown in the Columns tab (index into importance().layers; -1 when none).
    int currentLayer() const { return m_layer; }
    void setCurrentLayer(int layer);
    /// Columns sorted by descending importance instead of column order.
    void setSorted(bool sorted);
    bool isSorted() const { return m_sorted; }
    /// Logarithmic importance axis in the Columns tab.
    void setLogarithmic(bool logarithmic);
    bool isLogarithmic() const { return m_logarithmic; }
    /// Which plot is shown (and exported).
    void setCurrentTab(Tab tab);
    Tab currentTab() const;

    /// The plot currently shown, and each plot on its own (for tests and exports).
    QCustomPlot *plot() const override;
    QCustomPlot *columnPlot() const { return m_columnPlot; }
    QCustomPlot *heatMapPlot() const { return m_heatPlot; }
    /// Text of the read-out line (the last clicked column or cell).
    QString readoutText() const;

    /// Data of the shown plot as CSV. Columns tab: the chosen layer's columns in column order,
    /// header "column,importance,level". Heat map tab: the whole map in long format, one row
    /// per (layer, column), header "layer,block,column,importance,level".
    QString csv() const override;
    void resetView() override;

Q_SIGNALS:
    /// A column (Columns tab) or cell (heat map) was clicked: layer index, column index.
    void columnActivated(int layer, int column);

protected:
    QString exportTitle() const override;
    QString exportName() const override;

private:
    void rebuildColumnPlot();
    void rebuildHeatMap();
    void resetColumnView();
    void resetHeatMapView();
    // Column of the current layer under plot x (natural index), -1 when none.
    int columnAt(double pixelX) const;
    bool cellAt(const QPointF &pixel, int *layer, int *column) const;
    QString describe(int layer, int column) const;
    void activate(int layer, int column, bool inHeatMap);

    ImportanceMap m_map;
    int m_layer = -1;
    bool m_sorted = false;
    bool m_logarithmic = false;
    // Natural column index at each position of the Columns plot.
    std::vector<int> m_order;

    QLabel *m_caption = nullptr;
    QComboBox *m_layerCombo = nullptr;
    QCheckBox *m_sortedCheck = nullptr;
    QCheckBox *m_logCheck = nullptr;
    QTabWidget *m_tabs = nullptr;
    QCustomPlot *m_columnPlot = nullptr;
    QCPBars *m_columnBars = nullptr;
    QCustomPlot *m_heatPlot = nullptr;
    QCPColorMap *m_colorMap = nullptr;
    QCPColorScale *m_colorScale = nullptr;
    PlotPointer *m_columnPointer = nullptr;
    PlotPointer *m_heatPointer = nullptr;
    QLabel *m_readout = nullptr;
};

} // namespace nwc
