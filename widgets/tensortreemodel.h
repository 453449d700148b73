#pragma once
// Item model over a checkpoint's tensors, grouped by decoder layer.

#include "io/checkpoint.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QVector>

namespace nwc {

/// Tree of a checkpoint's tensors: tensors under a layer prefix ("model.layers.3",
/// "transformer.h.3") become children of one group row per layer, the others stay at the top.
/// Top-level rows are in natural order: embeddings, layers by number, then the rest (final
/// norm, LM head). Columns: name, shape, dtype, bytes. Group rows sum bytes and show the
/// common dtype.
class TensorTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, ShapeColumn, DTypeColumn, BytesColumn, ColumnCount };
    enum Role {
        /// Full tensor name; empty for group rows.
        TensorNameRole = Qt::UserRole + 1,
        /// Natural-order key for sorting (order for names, numbers for shape and bytes).
        SortRole,
        /// Full tensor name or group prefix, for filtering.
        FilterRole,
        /// True for group rows.
        IsGroupRole,
    };

    explicit TensorTreeModel(QObject *parent = nullptr);

    /// Shows `checkpoint`'s tensors (null shows nothing).
    void setCheckpoint(CheckpointPtr checkpoint);
    CheckpointPtr checkpoint() const { return m_checkpoint; }

    /// The index (column 0) of tensor `name`; invalid when absent.
    QModelIndex indexOfTensor(const QString &name) const;
    /// The tensor at `index`, or null for group rows and invalid indexes.
    const TensorInfo *tensorAt(const QModelIndex &index) const;
    /// Layer prefix of a tensor name ("model.layers.12" for "model.layers.12.mlp.up_proj.weight");
    /// empty when the tensor is not inside a numbered layer. `layer` receives the number.
    static QString layerPrefix(const QString &tensorName, int *layer = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Node {
        QString label;
        QString fullName;
        int tensor = -1; ///< index into the checkpoint's tensors; -1 for groups
        int parent = -1; ///< node index; -1 for top-level rows
        int row = 0;
        int order = 0;
        QVector<int> children;
        quint64 bytes = 0;
        qint64 elements = 0;
        QString dtype;
    };

    void build();
    const Node *nodeAt(const QModelIndex &index) const;
    QVariant displayData(const Node &node, int column) const;

    CheckpointPtr m_checkpoint;
    QVector<Node> m_nodes;
    QVector<int> m_topLevel;
    QHash<QString, int> m_nodeOfTensor;
};

} // namespace nwc
