#pragma once
// Presentation mode (View › Presentation Mode): one application-wide scale that makes the
// workbench readable on a projector. The application font grows by the factor, and every plot
// attached here follows it: its texts keep their size relative to the widget font, its line
// widths, markers and legend icons are multiplied by the factor.

#include <QObject>

class QCustomPlot;

namespace nwc {

/// The one place views listen to for presentation mode. setFactor() scales the application
/// font relative to the font it had at factor 1 and re-styles every attached plot; widgets that
/// paint themselves read factor() or scaled() and listen to factorChanged().
class PresentationScale : public QObject {
    Q_OBJECT
public:
    /// The factor View › Presentation Mode uses.
    static constexpr double kPresentationFactor = 1.5;

    /// The application-wide instance (created on first use, owned by the application).
    static PresentationScale *instance();
    /// The current factor: 1 normally, kPresentationFactor in presentation mode.
    static double factor();
    /// `value` × factor().
    static double scaled(double value);
    /// Sets the factor (clamped to [0.5, 4]): the application font becomes the normal font ×
    /// `factor`, attached plots are re-styled and replotted, then factorChanged() is emitted.
    static void setFactor(double factor);
    /// Makes `plot` follow factor() from now on, including graphs, items and legends added later
    /// (they are styled before each replot). Fonts keep their ratio to the plot's widget font,
    /// which follows the application font; pens of axes, plottables and items, scatter markers,
    /// tracers and legend icons are multiplied by factor(); grids keep their hairlines.
    static void attach(QCustomPlot *plot);

Q_SIGNALS:
    /// The factor changed (the application font has changed already).
    void factorChanged(double factor);

private:
    explicit PresentationScale(QObject *parent);
};

} // namespace nwc
