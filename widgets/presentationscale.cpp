#include "presentationscale.h"

#include "customplot.h"

#include <QApplication>
#include <QPointer>
#include <QVariant>
#include <QVector>
#include <algorithm>
#include <cmath>

namespace nwc {
namespace {

double g_factor = 1.0;
/// The application font at factor 1 (known while the factor is not 1).
QFont g_normalFont;
bool g_normalFontKnown = false;

// Each styled attribute of a plot element keeps, as dynamic properties of the element, its
// base value (what the view set) and the value applied last. A current value that differs from
// the applied one was set by the view since: it becomes the new base.
QByteArray baseKey(const char *attribute) {
    return QByteArray("_nwcPresentationBase_") + attribute;
}

QByteArray appliedKey(const char *attribute) {
    return QByteArray("_nwcPresentationApplied_") + attribute;
}

QByteArray ratioKey(const char *attribute) {
    return QByteArray("_nwcPresentationRatio_") + attribute;
}

/// The base of `attribute` given its `current` value.
template <typename T>
T baseOf(const QObject *object, const char *attribute, const T &current, bool *known) {
    const QVariant applied = object->property(appliedKey(attribute).constData());
    *known = applied.isValid() && applied.value<T>() == current;
    return *known ? object->property(baseKey(attribute).constData()).template value<T>() : current;
}

/// Records `base` and `wanted` for `attribute` and returns whether `current` must change.
template <typename T>
bool remember(QObject *object, const char *attribute, bool known, const T &base, const T &wanted,
              const T &current) {
    if (!known)
        object->setProperty(baseKey(attribute).constData(), QVariant::fromValue(base));
    if (!known || !(wanted == current))
        object->setProperty(appliedKey(attribute).constData(), QVariant::fromValue(wanted));
    return !(wanted == current);
}

/// A pen `factor` times as wide (hairlines, width 0, stay hairlines; no pen stays none).
QPen scaledPen(const QPen &pen, double factor) {
    if (pen.style() == Qt::NoPen || pen.widthF() <= 0)
        return pen;
    QPen scaled = pen;
    scaled.setWidthF(pen.widthF() * factor);
    return scaled;
}

/// The pen `attribute` should have: its base scaled by the factor.
template <typename Get, typename Set>
void followPen(QObject *object, const char *attribute, Get get, Set set) {
    const QPen current = get();
    bool known = false;
    const QPen base = baseOf(object, attribute, current, &known);
    const QPen wanted = scaledPen(base, g_factor);
    if (remember(object, attribute, known, base, wanted, current))
        set(wanted);
}

/// The number `attribute` should have: its base scaled by the factor (rounded for `integral`
/// attributes, so that what is read back equals what was applied).
template <typename Get, typename Set>
void followSize(QObject *object, const char *attribute, bool integral, Get get, Set set) {
    const double current = get();
    bool known = false;
    const double base = baseOf(object, attribute, current, &known);
    const double wanted = integral ? std::round(base * g_factor) : base * g_factor;
    if (remember(object, attribute, known, base, wanted, current))
        set(wanted);
}

/// The font `attribute` should have: its base with a point size that keeps the ratio it had to
/// the plot's widget font when first seen (the widget font follows the application font).
template <typename Get, typename Set>
void followFont(QObject *object, const char *attribute, double widgetPoints, Get get, Set set) {
    const QFont current = get();
    if (widgetPoints <= 0 || current.pointSizeF() <= 0)
        return; // pixel-sized fonts are left alone
    bool known = false;
    const QFont base = baseOf(object, attribute, current, &known);
    if (!known)
        object->setProperty(ratioKey(attribute).constData(), current.pointSizeF() / widgetPoints);
    const double ratio = object->property(ratioKey(attribute).constData()).toDouble();
    QFont wanted = base;
    wanted.setPointSizeF(std::max(1.0, ratio * widgetPoints));
    if (remember(object, attribute, known, base, wanted, current))
        set(wanted);
}

/// Styles one plot before each of its replots, and again when its widget font changes (the
/// application font reaches the widgets through posted events) or the factor changes.
class PlotScaler : public QObject {
public:
    explicit PlotScaler(QCustomPlot *plot)
        : QObject(plot)
        , m_plot(plot) {
        connect(plot, &QCustomPlot::beforeReplot, this, &PlotScaler::apply);
        plot->installEventFilter(this);
    }

    bool eventFilter(QObject *watched, QEvent *event) override {
        if (watched == m_plot && event->type() == QEvent::FontChange) {
            apply();
            m_plot->replot(QCustomPlot::rpQueuedReplot);
        }
        return QObject::eventFilter(watched, event);
    }

    /// Brings every element of the plot to the current factor and fonts.
    void apply() {
        const double points = m_plot->font().pointSizeF();
        const QList<QCPAxis *> axes = m_plot->findChildren<QCPAxis *>();
        for (QCPAxis *axis : axes) {
            followFont(
                axis, "tickLabelFont", points, [axis] { return axis->tickLabelFont(); },
                [axis](const QFont &font) { axis->setTickLabelFont(font); });
            followFont(
                axis, "labelFont", points, [axis] { return axis->labelFont(); },
                [axis](const QFont &font) { axis->setLabelFont(font); });
            followPen(
                axis, "basePen", [axis] { return axis->basePen(); },
                [axis](const QPen &pen) { axis->setBasePen(pen); });
            followPen(
                axis, "tickPen", [axis] { return axis->tickPen(); },
                [axis](const QPen &pen) { axis->setTickPen(pen); });
            followPen(
                axis, "subTickPen", [axis] { return axis->subTickPen(); },
                [axis](const QPen &pen) { axis->setSubTickPen(pen); });
        }
        // The legend hands its font to its items (also to items added later).
        const QList<QCPLegend *> legends = m_plot->findChildren<QCPLegend *>();
        for (QCPLegend *legend : legends) {
            followFont(
                legend, "font", points, [legend] { return legend->font(); },
                [legend](const QFont &font) { legend->setFont(font); });
            followSize(
                legend, "iconWidth", true, [legend] { return double(legend->iconSize().width()); },
                [legend](double width) {
                    legend->setIconSize(int(width), legend->iconSize().height());
                });
            followSize(
                legend, "iconHeight", true,
                [legend] { return double(legend->iconSize().height()); },
                [legend](double height) {
                    legend->setIconSize(legend->iconSize().width(), int(height));
                });
        }
        const QList<QCPTextElement *> texts = m_plot->findChildren<QCPTextElement *>();
        for (QCPTextElement *text : texts)
            followFont(
                text, "font", points, [text] { return text->font(); },
                [text](const QFont &font) { text->setFont(font); });
        for (int i = 0; i < m_plot->plottableCount(); ++i) {
            QCPAbstractPlottable *plottable = m_plot->plottable(i);
            followPen(
                plottable, "pen", [plottable] { return plottable->pen(); },
                [plottable](const QPen &pen) { plottable->setPen(pen); });
            if (auto *graph = qobject_cast<QCPGraph *>(plottable))
                followSize(
                    graph, "scatterSize", false, [graph] { return graph->scatterStyle().size(); },
                    [graph](double size) {
                        QCPScatterStyle style = graph->scatterStyle();
                        style.setSize(size);
                        graph->setScatterStyle(style);
                    });
            else if (auto *curve = qobject_cast<QCPCurve *>(plottable))
                followSize(
                    curve, "scatterSize", false, [curve] { return curve->scatterStyle().size(); },
                    [curve](double size) {
                        QCPScatterStyle style = curve->scatterStyle();
                        style.setSize(size);
                        curve->setScatterStyle(style);
                    });
        }
        for (int i = 0; i < m_plot->itemCount(); ++i) {
            QCPAbstractItem *item = m_plot->item(i);
            // The item types declare their outline as the property "pen".
            if (item->metaObject()->indexOfProperty("pen") >= 0)
                followPen(
                    item, "pen", [item] { return item->property("pen").value<QPen>(); },
                    [item](const QPen &pen) {
                        item->setProperty("pen", QVariant::fromValue(pen));
                    });
            if (auto *text = qobject_cast<QCPItemText *>(item))
                followFont(
                    text, "font", points, [text] { return text->font(); },
                    [text](const QFont &font) { text->setFont(font); });
            else if (auto *tracer = qobject_cast<QCPItemTracer *>(item))
                followSize(
                    tracer, "size", false, [tracer] { return tracer->size(); },
                    [tracer](double size) { tracer->setSize(size); });
        }
    }

    QCustomPlot *plot() const { return m_plot; }

private:
    QCustomPlot *m_plot;
};

QVector<QPointer<PlotScaler>> &scalers() {
    static QVector<QPointer<PlotScaler>> list;
    return list;
}

} // namespace

PresentationScale::PresentationScale(QObject *parent)
    : QObject(parent) {}

PresentationScale *PresentationScale::instance() {
    static QPointer<PresentationScale> scale;
    if (!scale)
        scale = new PresentationScale(QCoreApplication::instance());
    return scale;
}

double PresentationScale::factor() {
    return g_factor;
}

double PresentationScale::scaled(double value) {
    return value * g_factor;
}

void PresentationScale::setFactor(double factor) {
    factor = std::clamp(factor, 0.5, 4.0);
    if (factor == g_factor)
        return;
    QVector<QPointer<PlotScaler>> &list = scalers();
    list.removeAll(nullptr);
    // Elements added since the last replot are measured against the fonts they were made with.
    for (const QPointer<PlotScaler> &scaler : std::as_const(list))
        scaler->apply();

    if (!g_normalFontKnown) {
        g_normalFont = QApplication::font();
        g_normalFontKnown = true;
    }
    g_factor = factor;
    if (factor == 1.0) {
        QApplication::setFont(g_normalFont);
        g_normalFontKnown = false; // a later change of the application font is the new normal
    } else {
        QFont font = g_normalFont;
        if (font.pointSizeF() > 0)
            font.setPointSizeF(g_normalFont.pointSizeF() * factor);
        else if (font.pixelSize() > 0)
            font.setPixelSize(int(g_normalFont.pixelSize() * factor + 0.5));
        QApplication::setFont(font);
    }
    for (const QPointer<PlotScaler> &scaler : std::as_const(list)) {
        scaler->apply();
        scaler->plot()->replot();
    }
    Q_EMIT instance()->factorChanged(factor);
}

void PresentationScale::attach(QCustomPlot *plot) {
    static const char *const kAttached = "_nwcPresentationAttached";
    if (!plot || plot->property(kAttached).toBool())
        return;
    plot->setProperty(kAttached, true);
    auto *scaler = new PlotScaler(plot);
    scalers().append(scaler);
    scaler->apply();
}

} // namespace nwc
