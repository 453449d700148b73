#pragma once
// Torch-free description of one tensor in a checkpoint; what the GUI's tensor browser shows.

#include "io/dtype.h"

#include <QString>
#include <QVector>
#include <functional>
#include <vector>

namespace nwc {

/// Name, element type, shape and size of a stored tensor.
struct TensorInfo {
    QString name;
    DType dtype = DType::F32;
    QVector<qint64> shape;
    quint64 byteSize = 0;

    /// Number of elements (product of shape; 1 for a scalar).
    qint64 elementCount() const {
        qint64 n = 1;
        for (qint64 d : shape)
            n *= d;
        return n;
    }
    /// "[512, 64]"
    QString shapeString() const;
};

/// min / max / mean / std and a histogram of a tensor's values.
struct TensorStatistics {
    double min = 0;
    double max = 0;
    double mean = 0;
    double std = 0;
    qint64 count = 0;          ///< finite values the statistics are computed over
    qint64 nonFiniteCount = 0; ///< NaN and +-inf values, left out of everything else
    QVector<double> binEdges;  ///< bins + 1 edges
    QVector<double> binCounts;

    /// Computes statistics and a histogram with `bins` equal-width bins over [min, max]
    /// (std is the population standard deviation; the last bin includes max).
    static TensorStatistics compute(const float *values, qint64 count, int bins = 64);

    /// Reads `count` values from element `first` on.
    using RangeReader = std::function<std::vector<float>(qint64 first, qint64 count)>;
    /// The same statistics over `count` values read `chunk` at a time in two passes (memory
    /// bounded by one chunk); equal to compute() over the whole array. `read` may throw (e.g.
    /// nwc::Cancelled) to stop.
    static TensorStatistics computeStreaming(const RangeReader &read, qint64 count, int bins,
                                             qint64 chunk);
};

/// Throws nwc::Error naming `file` and the tensor when [first, first + count) is not inside it.
void requireElementRange(const TensorInfo &info, qint64 first, qint64 count, const QString &file);

} // namespace nwc
