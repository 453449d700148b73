#pragma once
// Table of a rate–distortion sweep's measured points (docs/architecture.md, GUI), under the RD
// plot.

#include "analysis/sweepsession.h"

#include <QAbstractTableModel>

namespace nwc {

/// One row per SweepPoint of a SweepSession, in session order. DisplayRole is formatted for
/// reading; Qt::UserRole is the raw value (double, or the method as a string) for sorting and
/// for code; ToolTipRole on the header explains the column.
class SweepPointTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Method,
        TargetBits,
        BitsPerWeight,
        Megabytes, ///< bytes counted for the compressed weights / 10⁶ (as the CLI)
        WeightedMse,
        Perplexity,
        PerplexityRatio, ///< perplexity / FP16 perplexity (empty without a reference)
        BitsPerByte,
        KlMean,
        KlP99,
        SameTop,
        Seconds,
        ColumnCount
    };

    explicit SweepPointTableModel(QObject *parent = nullptr);

    /// Replaces every row (a model reset).
    void setSession(const SweepSession &session);
    const SweepSession &session() const { return m_session; }
    /// The point of `row` (row < rowCount()).
    const SweepPoint &point(int row) const { return m_session.points.at(size_t(row)); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    double value(const SweepPoint &point, int column) const;

    SweepSession m_session;
};

} // namespace nwc
