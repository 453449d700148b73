#include "io/tensorinfo.h"

#include <QStringList>
#include <algorithm>
#include <cmath>

namespace nwc {

QString TensorInfo::shapeString() const {
    QStringList parts;
    parts.reserve(shape.size());
    for (qint64 d : shape)
        parts.append(QString::number(d));
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

TensorStatistics TensorStatistics::compute(const float *values, qint64 count, int bins) {
    TensorStatistics stats;
    bins = std::max(bins, 1);
    double minimum = 0;
    double maximum = 0;
    double sum = 0;
    for (qint64 i = 0; i < count; ++i) {
        const double v = values[i];
        if (!std::isfinite(v)) {
            ++stats.nonFiniteCount;
            continue;
        }
        if (stats.count == 0) {
            minimum = v;
            maximum = v;
        } else {
            minimum = std::min(minimum, v);
            maximum = std::max(maximum, v);
        }
        sum += v;
        ++stats.count;
    }
    if (stats.count == 0)
        return stats;

    const double mean = sum / static_cast<double>(stats.count);
    double squares = 0;
    for (qint64 i = 0; i < count; ++i) {
        const double v = values[i];
        if (std::isfinite(v))
            squares += (v - mean) * (v - mean);
    }
    stats.min = minimum;
    stats.max = maximum;
    stats.mean = mean;
    stats.std = std::sqrt(squares / static_cast<double>(stats.count));

    // A constant tensor still gets a visible bin: widen the range by one unit around it.
    double low = minimum;
    double high = maximum;
    if (!(high > low)) {
        low -= 0.5;
        high += 0.5;
    }
    const double width = (high - low) / bins;
    stats.binEdges.resize(bins + 1);
    for (int b = 0; b <= bins; ++b)
        stats.binEdges[b] = low + width * b;
    stats.binEdges[bins] = high;
    stats.binCounts.fill(0.0, bins);
    for (qint64 i = 0; i < count; ++i) {
        const double v = values[i];
        if (!std::isfinite(v))
            continue;
        int b = static_cast<int>((v - low) / width);
        b = std::clamp(b, 0, bins - 1);
        stats.binCounts[b] += 1.0;
    }
    return stats;
}

} // namespace nwc
