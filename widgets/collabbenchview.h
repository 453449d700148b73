#pragma once
// Results of the collaborative QA benchmark (docs/architecture.md, Collaborative decoding and GUI):
// accuracy against alpha for each N with the student and teacher alone as lines, the per-example
// best-alpha histogram, and the accuracy gain bucketed by the student's first-token entropy.

#include "analysisview.h"
#include "decode/collabbenchmark.h"

class QCustomPlot;
class QLabel;
class QTabWidget;

namespace nwc {

/// Three tabs, each exportable as PNG / PDF / CSV:
/// - "Accuracy": one curve per N of the fixed-alpha rule's accuracy over the alpha grid, and
///   dashed lines for the student alone and the teacher alone;
/// - "Best α": per N, how many questions have each alpha as their best (the smallest |alpha|
///   that answers them), plus a "none" bar;
/// - "Entropy": per N, the gain over the student (at that N's best alpha) in each quartile
///   bucket of the student's first-token entropy.
class CollabBenchView : public AnalysisView {
    Q_OBJECT
public:
    enum class Tab { Accuracy = 0, BestAlpha = 1, Entropy = 2 };

    explicit CollabBenchView(QWidget *parent = nullptr);
    ~CollabBenchView() override;

    /// Shows `result` (summarized; an empty one shows how to get data).
    void setResult(const CollabBenchResult &result);
    const CollabBenchResult &result() const { return m_result; }

    void setCurrentTab(Tab tab);
    Tab currentTab() const;

    QCustomPlot *plot() const override;
    QCustomPlot *accuracyPlot() const { return m_accuracyPlot; }
    QCustomPlot *bestAlphaPlot() const { return m_bestAlphaPlot; }
    QCustomPlot *entropyPlot() const { return m_entropyPlot; }

    /// Accuracy: "n,alpha,accuracy" rows then "student,,acc" and "teacher,,acc"; Best α:
    /// "n,alpha,questions" (alpha "none" for the last bar); Entropy: "n,entropy_low,
    /// entropy_high,questions,student_accuracy,collaborative_accuracy,gain".
    QString csv() const override;

public Q_SLOTS:
    void resetView() override;

protected:
    QString exportTitle() const override;
    QString exportName() const override;

private:
    void rebuild();

    CollabBenchResult m_result;
    QLabel *m_caption = nullptr;
    QTabWidget *m_tabs = nullptr;
    QCustomPlot *m_accuracyPlot = nullptr;
    QCustomPlot *m_bestAlphaPlot = nullptr;
    QCustomPlot *m_entropyPlot = nullptr;
};

} // namespace nwc
