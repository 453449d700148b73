#pragma once
// Plot helpers shared by the Compensation view's tabs (CompensationLayersTab,
// CompensationColumnsTab, CompensationAblationTab).

#include <QColor>
#include <QSharedPointer>
#include <QString>
#include <QStringList>
#include <limits>
#include <vector>

class QCPAxis;
class QCPAxisTickerText;
class QCPBars;
class QCPRange;
class QCustomPlot;
class QPointF;

namespace nwc::compensationplotting {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// Bars and lines of compensation off and on, and the ablation's two bar colours.
const QColor kOffColor(214, 96, 77);
const QColor kOnColor(67, 147, 195);
const QColor kPerplexityColor(90, 110, 170);
const QColor kKlColor(230, 150, 60);

/// Bars of `color` named `name` (0.38 keys wide, not selectable).
QCPBars *makeBars(QCPAxis *keyAxis, QCPAxis *valueAxis, const QString &name, const QColor &color);
/// Value range over `values` (ignoring non-finite ones, and non-positive ones on log axes).
QCPRange valueRange(const std::vector<double> &values, bool logarithmic);
/// Ticks with the given labels at 0, 1, …; every k-th one when there are too many to read.
QSharedPointer<QCPAxisTickerText> textTicker(const QStringList &labels, int maxLabels);
/// " (+12.3 %)": the change from `off` to `on` (empty when `off` is not positive).
QString percentChange(double off, double on);
/// The key 0 … count − 1 nearest to `pixel` of `plot`'s axis rect, or -1 outside it.
int keyAt(QCustomPlot *plot, const QPointF &pixel, int count);

} // namespace nwc::compensationplotting
