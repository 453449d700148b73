#pragma once
// Histogram of a tensor's values, drawn with QCustomPlot.

#include "io/tensorinfo.h"

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QLabel;
class QStackedLayout;

namespace nwc {

/// Bars of a TensorStatistics histogram with the mean and ±1 standard deviation marked.
/// Shows a message instead while there is nothing to plot. The context menu saves the plot as
/// PNG or PDF and the bins as CSV.
class HistogramPlot : public QWidget {
    Q_OBJECT
public:
    explicit HistogramPlot(QWidget *parent = nullptr);
    ~HistogramPlot() override;

    /// Plots `statistics`' histogram; `title` names the data (for exports).
    void setStatistics(const TensorStatistics &statistics, const QString &title);
    /// Removes the plot and shows `message` instead.
    void clear(const QString &message);
    /// True while a histogram is shown.
    bool hasData() const { return m_hasData; }
    /// Number of bins in the shown histogram.
    int binCount() const { return int(m_statistics.binCounts.size()); }

    /// Counts on a logarithmic axis (useful for heavy-tailed weights).
    void setLogarithmic(bool logarithmic);
    bool isLogarithmic() const { return m_logarithmic; }

    /// Writes the plot as an image; the format follows the suffix (.png, .pdf, .jpg).
    bool saveImage(const QString &path);
    /// Writes the bins as CSV: bin_start, bin_end, count.
    bool saveCsv(const QString &path) const;

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void rebuild();

    QStackedLayout *m_stack = nullptr;
    QLabel *m_message = nullptr;
    QCustomPlot *m_plot = nullptr;
    QCPBars *m_bars = nullptr;
    TensorStatistics m_statistics;
    QString m_title;
    bool m_hasData = false;
    bool m_logarithmic = false;
};

} // namespace nwc
