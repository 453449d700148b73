#include "tensortreemodel.h"

#include <QFont>
#include <QLocale>
#include <QRegularExpression>
#include <algorithm>
#include <tuple>

namespace nwc {
namespace {

// Natural position of a top-level row: embeddings, then layers by number, then the rest.
struct TopLevelKey {
    int rank = 0;
    QString prefix;
    int layer = 0;
    int firstTensor = 0;

    bool operator<(const TopLevelKey &other) const {
        return std::tie(rank, prefix, layer, firstTensor) <
               std::tie(other.rank, other.prefix, other.layer, other.firstTensor);
    }
};

QString tensorCount(int count) {
    return count == 1 ? TensorTreeModel::tr("1 tensor")
                      : TensorTreeModel::tr("%1 tensors").arg(count);
}

bool isEmbeddingName(const QString &name) {
    return name.contains(QLatin1String("embed")) || name.contains(QLatin1String(".wte.")) ||
           name.contains(QLatin1String(".wpe.")) || name.startsWith(QLatin1String("wte.")) ||
           name.startsWith(QLatin1String("wpe."));
}

} // namespace

TensorTreeModel::TensorTreeModel(QObject *parent)
    : QAbstractItemModel(parent) {}

QString TensorTreeModel::layerPrefix(const QString &tensorName, int *layer) {
    static const QRegularExpression pattern(
        QStringLiteral("^((?:.*\\.)?(?:layers|layer|h|blocks)\\.(\\d+))\\.(.+)$"));
    const QRegularExpressionMatch match = pattern.match(tensorName);
    if (!match.hasMatch())
        return QString();
    if (layer)
        *layer = match.captured(2).toInt();
    return match.captured(1);
}

void TensorTreeModel::setCheckpoint(CheckpointPtr checkpoint) {
    beginResetModel();
    m_checkpoint = std::move(checkpoint);
    build();
    endResetModel();
}

void TensorTreeModel::build() {
    m_nodes.clear();
    m_topLevel.clear();
    m_nodeOfTensor.clear();
    if (!m_checkpoint)
        return;

    const QVector<TensorInfo> &tensors = m_checkpoint->tensors();
    QHash<QString, int> groupOfPrefix;
    QVector<std::pair<TopLevelKey, int>> topLevel; // key, node
    for (int t = 0; t < tensors.size(); ++t) {
        const TensorInfo &info = tensors.at(t);
        int layer = 0;
        const QString prefix = layerPrefix(info.name, &layer);
        Node node;
        node.tensor = t;
        node.fullName = info.name;
        node.bytes = info.byteSize;
        node.elements = info.elementCount();
        node.dtype = dtypeName(info.dtype);
        if (prefix.isEmpty()) {
            node.label = info.name;
            const int rank = isEmbeddingName(info.name) ? 0 : 2;
            topLevel.append({TopLevelKey{rank, QString(), 0, t}, int(m_nodes.size())});
            m_nodes.append(node);
            continue;
        }
        auto group = groupOfPrefix.constFind(prefix);
        if (group == groupOfPrefix.constEnd()) {
            Node groupNode;
            groupNode.label = prefix;
            groupNode.fullName = prefix;
            groupNode.dtype = node.dtype;
            const QString family = prefix.left(prefix.lastIndexOf(QLatin1Char('.')));
            topLevel.append({TopLevelKey{1, family, layer, t}, int(m_nodes.size())});
            group = groupOfPrefix.insert(prefix, int(m_nodes.size()));
            m_nodes.append(groupNode);
        }
        const int groupIndex = group.value();
        node.label = info.name.mid(prefix.size() + 1);
        node.parent = groupIndex;
        node.row = int(m_nodes[groupIndex].children.size());
        node.order = node.row;
        Node &groupNode = m_nodes[groupIndex];
        groupNode.bytes += node.bytes;
        groupNode.elements += node.elements;
        if (groupNode.dtype != node.dtype)
            groupNode.dtype = tr("mixed");
        groupNode.children.append(int(m_nodes.size()));
        m_nodes.append(node);
    }

    std::stable_sort(topLevel.begin(), topLevel.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (int row = 0; row < topLevel.size(); ++row) {
        Node &node = m_nodes[topLevel.at(row).second];
        node.row = row;
        node.order = row;
        m_topLevel.append(topLevel.at(row).second);
    }
    for (int n = 0; n < m_nodes.size(); ++n) {
        if (m_nodes.at(n).tensor >= 0)
            m_nodeOfTensor.insert(m_nodes.at(n).fullName, n);
    }
}

const TensorTreeModel::Node *TensorTreeModel::nodeAt(const QModelIndex &index) const {
    if (!index.isValid() || index.model() != this)
        return nullptr;
    const quintptr id = index.internalId();
    return id < quintptr(m_nodes.size()) ? &m_nodes.at(int(id)) : nullptr;
}

QModelIndex TensorTreeModel::index(int row, int column, const QModelIndex &parent) const {
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (row >= m_topLevel.size())
            return {};
        return createIndex(row, column, quintptr(m_topLevel.at(row)));
    }
    const Node *parentNode = nodeAt(parent);
    if (!parentNode || parent.column() != 0 || row >= parentNode->children.size())
        return {};
    return createIndex(row, column, quintptr(parentNode->children.at(row)));
}

QModelIndex TensorTreeModel::parent(const QModelIndex &child) const {
    const Node *node = nodeAt(child);
    if (!node || node->parent < 0)
        return {};
    return createIndex(m_nodes.at(node->parent).row, 0, quintptr(node->parent));
}

int TensorTreeModel::rowCount(const QModelIndex &parent) const {
    if (!parent.isValid())
        return int(m_topLevel.size());
    if (parent.column() != 0)
        return 0;
    const Node *node = nodeAt(parent);
    return node ? int(node->children.size()) : 0;
}

int TensorTreeModel::columnCount(const QModelIndex &) const {
    return ColumnCount;
}

QModelIndex TensorTreeModel::indexOfTensor(const QString &name) const {
    const auto it = m_nodeOfTensor.constFind(name);
    if (it == m_nodeOfTensor.constEnd())
        return {};
    return createIndex(m_nodes.at(it.value()).row, 0, quintptr(it.value()));
}

const TensorInfo *TensorTreeModel::tensorAt(const QModelIndex &index) const {
    const Node *node = nodeAt(index);
    if (!node || node->tensor < 0 || !m_checkpoint)
        return nullptr;
    return &m_checkpoint->tensors().at(node->tensor);
}

QVariant TensorTreeModel::displayData(const Node &node, int column) const {
    const bool group = node.tensor < 0;
    switch (column) {
    case NameColumn:
        return node.label;
    case ShapeColumn:
        if (group)
            return tensorCount(int(node.children.size()));
        return m_checkpoint->tensors().at(node.tensor).shapeString();
    case DTypeColumn:
        return node.dtype;
    case BytesColumn:
        return QLocale().formattedDataSize(qint64(node.bytes), 1);
    default:
        return {};
    }
}

QVariant TensorTreeModel::data(const QModelIndex &index, int role) const {
    const Node *node = nodeAt(index);
    if (!node)
        return {};
    const bool group = node->tensor < 0;
    switch (role) {
    case Qt::DisplayRole:
        return displayData(*node, index.column());
    case Qt::ToolTipRole:
        if (group)
            return tr("%1\n%2, %3 parameters, %4")
                .arg(node->fullName, tensorCount(int(node->children.size())),
                     QLocale().toString(node->elements),
                     QLocale().formattedDataSize(qint64(node->bytes), 2));
        return tr("%1\n%2 %3, %4 elements, %5 bytes")
            .arg(node->fullName, node->dtype,
                 m_checkpoint->tensors().at(node->tensor).shapeString(),
                 QLocale().toString(node->elements), QLocale().toString(node->bytes));
    case Qt::TextAlignmentRole:
        if (index.column() == BytesColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::FontRole:
        if (group && index.column() == ShapeColumn) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case TensorNameRole:
        return group ? QString() : node->fullName;
    case FilterRole:
        return node->fullName;
    case IsGroupRole:
        return group;
    case SortRole:
        switch (index.column()) {
        case NameColumn:
            return node->order;
        case ShapeColumn:
            return node->elements;
        case DTypeColumn:
            return node->dtype;
        case BytesColumn:
            return node->bytes;
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant TensorTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case ShapeColumn:
        return tr("Shape");
    case DTypeColumn:
        return tr("DType");
    case BytesColumn:
        return tr("Size");
    default:
        return {};
    }
}

} // namespace nwc
