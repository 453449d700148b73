#pragma once
// Table model over the per-tensor rows of a compression summary.

#include "analysis/modelcompressor.h"

#include <QAbstractTableModel>
#include <vector>

namespace nwc {

/// One row per compressed tensor: name, shape (rows × columns in coding orientation), method,
/// codec, latent step (NWC) or code width (RTN/GPTQ), bits per weight and counted bytes.
/// DisplayRole gives formatted text; SortRole the raw value (string or number) for sorting.
class CompressedTensorModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        ShapeColumn,
        MethodColumn,
        CodecColumn,
        StepOrBitsColumn,
        BitsPerWeightColumn,
        BytesColumn,
        ColumnCount
    };
    enum Role {
        /// The unformatted value: QString for text columns, double or qlonglong for numbers.
        SortRole = Qt::UserRole + 1,
    };

    explicit CompressedTensorModel(QObject *parent = nullptr);

    /// Replaces the rows.
    void setTensors(std::vector<CompressedTensorSummary> tensors);
    const std::vector<CompressedTensorSummary> &tensors() const { return m_tensors; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<CompressedTensorSummary> m_tensors;
};

} // namespace nwc
