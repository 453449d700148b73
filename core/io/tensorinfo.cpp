#include "io/tensorinfo.h"

#include "jobs/error.h"

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

namespace {

/// The first pass: count, min, max and sum of the finite values.
void addRange(TensorStatistics &stats, double &sum, const float *values, qint64 count) {
    for (qint64 i = 0; i < count; ++i) {
        const double v = values[i];
        if (!std::isfinite(v)) {
            ++stats.nonFiniteCount;
            continue;
        }
        if (stats.count == 0) {
            stats.min = v;
            stats.max = v;
        } else {
            stats.min = std::min(stats.min, v);
            stats.max = std::max(stats.max, v);
        }
        sum += v;
        ++stats.count;
    }
}

/// Between the passes: the mean and the bin edges. A constant tensor still gets a visible bin:
/// the range widens by one unit around it.
void prepareBins(TensorStatistics &stats, double sum, int bins) {
    stats.mean = sum / static_cast<double>(stats.count);
    double low = stats.min;
    double high = stats.max;
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
}

/// The second pass: squared deviations from the mean and the histogram.
void binRange(TensorStatistics &stats, double &squares, const float *values, qint64 count) {
    const int bins = int(stats.binCounts.size());
    const double low = stats.binEdges.first();
    const double width = (stats.binEdges.last() - low) / bins;
    for (qint64 i = 0; i < count; ++i) {
        const double v = values[i];
        if (!std::isfinite(v))
            continue;
        squares += (v - stats.mean) * (v - stats.mean);
        const int b = std::clamp(static_cast<int>((v - low) / width), 0, bins - 1);
        stats.binCounts[b] += 1.0;
    }
}

} // namespace

TensorStatistics TensorStatistics::compute(const float *values, qint64 count, int bins) {
    return computeStreaming(
        [values](qint64 first, qint64 size) {
            return std::vector<float>(values + first, values + first + size);
        },
        count, bins, count);
}

TensorStatistics TensorStatistics::computeStreaming(const RangeReader &read, qint64 count, int bins,
                                                    qint64 chunk) {
    TensorStatistics stats;
    bins = std::max(bins, 1);
    chunk = std::max<qint64>(chunk, 1);
    double sum = 0;
    for (qint64 first = 0; first < count; first += chunk) {
        const std::vector<float> values = read(first, std::min(chunk, count - first));
        addRange(stats, sum, values.data(), qint64(values.size()));
    }
    if (stats.count == 0) {
        stats.min = 0;
        stats.max = 0;
        return stats;
    }
    prepareBins(stats, sum, bins);
    double squares = 0;
    for (qint64 first = 0; first < count; first += chunk) {
        const std::vector<float> values = read(first, std::min(chunk, count - first));
        binRange(stats, squares, values.data(), qint64(values.size()));
    }
    stats.std = std::sqrt(squares / static_cast<double>(stats.count));
    return stats;
}

void requireElementRange(const TensorInfo &info, qint64 first, qint64 count, const QString &file) {
    if (first < 0 || count < 0 || first + count > info.elementCount())
        throw Error(QStringLiteral("%1: elements %2..%3 lie outside tensor %4 (%5 elements)")
                        .arg(file)
                        .arg(first)
                        .arg(first + count)
                        .arg(info.name)
                        .arg(info.elementCount()));
}

} // namespace nwc
