#pragma once
// Compensation view (docs/architecture.md, Error compensation and GUI): what error compensation
// changed, measured both ways — per-layer (or per-block) output error, per-column error of one
// layer, and the perplexity / KL ablation of a sweep over the compensation variants.

#include "analysis/compensation.h"
#include "analysis/sweepsession.h"
#include "analysisview.h"

#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QTabWidget;

namespace nwc {

class CompensationAblationTab;
class CompensationColumnsTab;
class CompensationLayersTab;

/// Three tabs (one class each; this view holds the data, the controls and the read-out line):
/// - "Layers": relative output error of every layer with compensation off and on (paired
///   bars, ticks "3.q" = block 3, q_proj), or of every decoder block when the report has block
///   errors (fine-tuning ran) and blocks are chosen;
/// - "Columns": per-column error of the layer chosen in the combo box, off and on, in column
///   order;
/// - "Ablation": for the chosen target rate, perplexity (left axis) and KL mean (right axis) of
///   the sweep methods nwc, nwc+ldlq, nwc+finetune and nwc+comp that are present, with the
///   FP16 perplexity as a dashed line.
/// Empty inputs show a message in the plot saying how to get the data. Hovering shows a
/// tooltip; clicking shows the numbers in the read-out line and emits the matching signal.
class CompensationView : public AnalysisView {
    Q_OBJECT
public:
    enum class Tab { Layers = 0, Columns = 1, Ablation = 2 };

    explicit CompensationView(QWidget *parent = nullptr);
    ~CompensationView() override;

    /// Replaces the report shown in the Layers and Columns tabs.
    void setReport(const CompensationReport &report);
    const CompensationReport &report() const { return m_report; }
    /// Replaces the sweep shown in the Ablation tab (other methods in it are ignored).
    void setAblation(const SweepSession &session);
    const SweepSession &ablation() const { return m_session; }

    void setCurrentTab(Tab tab);
    Tab currentTab() const;
    /// Layers tab: per-block bars instead of per-layer bars (only when the report has blocks).
    void setShowBlocks(bool blocks);
    bool showsBlocks() const;
    /// Logarithmic error axis in the Layers and Columns tabs.
    void setLogarithmic(bool logarithmic);
    bool isLogarithmic() const { return m_logarithmic; }
    /// Columns tab: index into report().layers (-1 when none).
    void setCurrentLayer(int layer);
    int currentLayer() const;
    /// Ablation tab: the target rates present in the sweep (ascending) and the chosen one.
    std::vector<double> ablationTargets() const { return m_targets; }
    void setAblationTarget(double bits);
    double ablationTarget() const;
    /// Session indices of the ablation bars, in bar order (nwc, nwc+ldlq, nwc+finetune,
    /// nwc+comp, those present at the chosen target).
    std::vector<int> ablationPoints() const;

    /// The plot currently shown, and each plot on its own.
    QCustomPlot *plot() const override;
    QCustomPlot *layersPlot() const;
    QCustomPlot *columnsPlot() const;
    QCustomPlot *ablationPlot() const;
    /// Text of the read-out line (the last click).
    QString readoutText() const;

    /// The shown plot's data as CSV. Layers: "layer,block,relative_error_off,
    /// relative_error_on"; blocks: "block,relative_error_off,relative_error_on"; Columns:
    /// "column,error_off,error_on"; Ablation: "method,target_bits,bits_per_weight,perplexity,
    /// kl_mean_nats" (one row per bar pair).
    QString csv() const override;

    /// Methods of the ablation, in bar order.
    static QStringList ablationMethods();

public Q_SLOTS:
    void resetView() override;

Q_SIGNALS:
    /// A layer's bars were clicked (index into report().layers).
    void layerActivated(int layer);
    /// A block's bars were clicked (BlockCompensation::block).
    void blockActivated(int block);
    /// A column of the Columns tab was clicked.
    void columnActivated(int layer, int column);
    /// An ablation bar was clicked (index into ablation().points).
    void ablationPointActivated(int index);

protected:
    /// The shown plot's title.
    QString exportTitle() const override;
    QString exportName() const override;

private:
    void rebuildAblation();
    void updateCaption();
    void updateControls();

    CompensationReport m_report;
    SweepSession m_session;
    std::vector<double> m_targets;
    bool m_logarithmic = false;

    QLabel *m_caption = nullptr;
    QComboBox *m_granularity = nullptr;
    QComboBox *m_layerCombo = nullptr;
    QLabel *m_targetLabel = nullptr;
    QComboBox *m_targetCombo = nullptr;
    QCheckBox *m_logCheck = nullptr;
    QTabWidget *m_tabs = nullptr;
    CompensationLayersTab *m_layers;
    CompensationColumnsTab *m_columns;
    CompensationAblationTab *m_ablation;
    QLabel *m_readout = nullptr;
};

} // namespace nwc
