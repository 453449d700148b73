#pragma once
// Base of the analysis views (importance, rate–distortion, compensation): the Reset View and
// Export… slots they all offer, export of the shown plot to PNG / PDF / CSV, and the pieces of
// their layout they share (caption line, control row, tabs, read-out line).

#include <QWidget>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QHBoxLayout;
class QLabel;
class QTabWidget;
class QVBoxLayout;

namespace nwc {

/// An analysis view shows one plot at a time (plot()) and can write it as PNG (2× scale), PDF
/// or the CSV of its data (csv()).
class AnalysisView : public QWidget {
    Q_OBJECT
public:
    explicit AnalysisView(QWidget *parent = nullptr);
    ~AnalysisView() override;

    /// The plot currently shown (and exported).
    virtual QCustomPlot *plot() const = 0;
    /// Data of the shown plot as CSV: what a .csv export writes.
    virtual QString csv() const = 0;
    /// Writes the shown plot by suffix of `path`: .png (2× scale), .pdf, or .csv (csv()).
    /// Returns false with a message naming the file in `error` on failure.
    bool exportTo(const QString &path, QString *error);

public Q_SLOTS:
    /// Asks for a file name and exports the shown plot.
    void exportWithDialog();
    /// Rescales the shown plot to its data.
    virtual void resetView() = 0;

protected:
    /// Title of a PDF export of the shown plot.
    virtual QString exportTitle() const = 0;
    /// File name (without suffix) the export dialog suggests.
    virtual QString exportName() const = 0;

    /// Adds the caption line at the top (word-wrapped, selectable, named "caption").
    QLabel *addCaption(QVBoxLayout *layout);
    /// Ends the control row `controls` with a stretch, a "Reset View" and an "Export…" button
    /// (tooltip `exportToolTip`) connected to resetView() and exportWithDialog(), and adds the
    /// row to `layout`.
    void addControls(QVBoxLayout *layout, QHBoxLayout *controls, const QString &exportToolTip);
    /// Tabs for the plots (document mode, named "tabs"); the caller adds them to its layout.
    QTabWidget *createTabs();
    /// Adds the read-out line under the plots (selectable, named "readout").
    QLabel *addReadout(QVBoxLayout *layout, bool wordWrap);
};

/// Shows `checked` in `box` without emitting toggled().
void setCheckedQuietly(QCheckBox *box, bool checked);
/// Selects `index` in `combo` without emitting currentIndexChanged().
void setCurrentIndexQuietly(QComboBox *combo, int index);
/// Sets `target` to `value`; returns whether that changed it.
template <typename T> bool assignIfChanged(T &target, const T &value) {
    if (target == value)
        return false;
    target = value;
    return true;
}

/// A view's setter for a state shown by a check box: shows `value` in `box` quietly and
/// stores it in `target`; returns whether the state changed.
inline bool syncChecked(QCheckBox *box, bool &target, bool value) {
    setCheckedQuietly(box, value);
    return assignIfChanged(target, value);
}
/// The same for a state shown by a combo box: `value` is an index (or an enum of indices).
template <typename T> bool syncCurrentIndex(QComboBox *combo, T &target, T value) {
    setCurrentIndexQuietly(combo, int(value));
    return assignIfChanged(target, value);
}

} // namespace nwc
