#pragma once
// Shared plumbing of the analysis plots (importance, rate–distortion, compensation): export to
// PNG / PDF / CSV chosen by the file suffix, pan and zoom, hover and click read-outs, a common
// look, titles, log axes, reference lines and an in-plot message for empty states.
//
// Errors: every function here reports failure by returning false and filling `error` with a
// message that names the file; nothing throws across the widget boundary.

#include <QObject>
#include <QPointF>
#include <QSize>
#include <QString>
#include <QStringList>
#include <functional>

class QCPAxis;
class QCustomPlot;
class QCPItemText;
class QCPTextElement;
class QWidget;

namespace nwc {

/// Writes `plot` as PNG at twice its on-screen size. Atomic: the file appears complete or not
/// at all.
bool savePlotPng(QCustomPlot *plot, const QString &path, QString *error);
/// Writes `plot` as a one-page vector PDF the size of the plot (points = pixels), atomically.
bool savePlotPdf(QCustomPlot *plot, const QString &path, const QString &title, QString *error);
/// Writes `text` (UTF-8) atomically.
bool saveTextFile(const QString &path, const QString &text, QString *error);
/// By suffix of `path`: ".png" → savePlotPng, ".pdf" → savePlotPdf, ".csv" → saveTextFile of
/// `csv`. Any other suffix is refused with a message listing the accepted ones.
bool exportPlot(QCustomPlot *plot, const QString &path, const QString &csv, const QString &title,
                QString *error);
/// Asks for a file name (PNG, PDF or CSV, starting at `suggestedName`) and calls `write` with
/// it; shows a warning naming the file when writing fails.
void exportWithDialog(QWidget *parent, const QString &suggestedName,
                      const std::function<bool(const QString &, QString *)> &write);

/// Colours, fonts and pens of `plot` from the application palette, a boxed axis rect without
/// ticks on the top and right axes, and mouse tracking on (for hover read-outs).
void stylePlot(QCustomPlot *plot);
/// A QCustomPlot child of `parent` named `objectName`, at least `minimumSize`, styled with
/// stylePlot() and following presentation mode (PresentationScale::attach()).
QCustomPlot *createPlot(QWidget *parent, const QString &objectName,
                        const QSize &minimumSize = QSize(320, 220));
/// Inserts a bold title (empty until set) as a new first row of the plot layout, above the
/// elements already in it, and returns it.
QCPTextElement *addPlotTitle(QCustomPlot *plot);
/// The title added by addPlotTitle() (nullptr when the plot has none).
QCPTextElement *plotTitle(QCustomPlot *plot);
/// Sets the text of the title added by addPlotTitle(); does nothing when there is none.
void setPlotTitle(QCustomPlot *plot, const QString &text);
/// Logarithmic (powers of ten, "eb" labels) or linear ("gb", 4 digits) scale on `axis`.
void setLogAxis(QCPAxis *axis, bool logarithmic);
/// A dashed horizontal line at `value` across the axis rect (objectName "reference") with
/// `text` above its left end ("referenceLabel").
void addReferenceLine(QCustomPlot *plot, double value, const QString &text);
/// Removes the items of `plot` whose objectName is one of `objectNames`.
void removeItemsNamed(QCustomPlot *plot, const QStringList &objectNames);
/// Drag to pan and wheel to zoom, both axes; a double click calls `resetView`.
void enablePanAndZoom(QCustomPlot *plot, std::function<void()> resetView);
/// A centred message inside the axis rect of `plot` (for "no data" states); delete it or call
/// QCustomPlot::clearItems() to remove it.
QCPItemText *addPlotMessage(QCustomPlot *plot, const QString &message);
/// Empty state: a non-empty `message` hides the tick labels of the bottom and left axes and
/// adds it with addPlotMessage(); an empty one shows the tick labels again (the caller removes
/// the message, usually with clearItems()).
void setPlotEmpty(QCustomPlot *plot, const QString &message);

/// "model.layers.3.self_attn.q_proj.weight" → "3.q", "transformer.h.2.mlp.c_fc.weight" →
/// "2.c_fc", "lm_head.weight" → "lm_head": short names for ticks.
QString shortLayerName(const QString &weightName);
/// A number for read-outs and CSV: up to `digits` significant digits, no trailing noise.
QString formatNumber(double value, int digits = 6);
/// `text` as one CSV field: quoted (quotes doubled) when it holds a comma, quote or newline.
QString csvField(const QString &text);

/// Hover and click read-outs of one plot. `hover` gets the pointer position in plot pixels and
/// returns the text to show as a tooltip (empty hides it); `click` gets the position of a left
/// click (press and release less than a few pixels apart, so drags are not clicks). Owned by
/// the plot.
class PlotPointer : public QObject {
public:
    using HoverText = std::function<QString(const QPointF &)>;
    using Click = std::function<void(const QPointF &)>;

    PlotPointer(QCustomPlot *plot, HoverText hover, Click click);
    /// Read-outs of numbered items (points, bars, columns): `itemAt` maps a position to an item
    /// (-1 for none); hovering an item shows `describe(item)`, clicking it calls
    /// `activate(item)`.
    static PlotPointer *forItems(QCustomPlot *plot, std::function<int(const QPointF &)> itemAt,
                                 std::function<QString(int)> describe,
                                 std::function<void(int)> activate);
    /// The text the last hover produced ("" when the pointer is over no data).
    QString lastHoverText() const { return m_lastHover; }

private:
    QCustomPlot *m_plot = nullptr;
    HoverText m_hover;
    Click m_click;
    QPointF m_pressPosition;
    bool m_pressed = false;
    QString m_lastHover;
};

} // namespace nwc
