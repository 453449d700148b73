#include "sweeppointtablemodel.h"

#include <cmath>
#include <limits>

namespace nwc {

SweepPointTableModel::SweepPointTableModel(QObject *parent)
    : QAbstractTableModel(parent) {}

void SweepPointTableModel::setSession(const SweepSession &session) {
    beginResetModel();
    m_session = session;
    endResetModel();
}

int SweepPointTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_session.points.size());
}

int SweepPointTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

double SweepPointTableModel::value(const SweepPoint &point, int column) const {
    switch (column) {
    case TargetBits:
        return point.targetBits;
    case BitsPerWeight:
        return point.bitsPerWeight;
    case Megabytes:
        return double(point.countedBytes) / 1e6;
    case WeightedMse:
        return point.weightedMse;
    case Perplexity:
        return point.perplexity;
    case PerplexityRatio:
        if (m_session.hasReference && m_session.reference.perplexity > 0)
            return point.perplexity / m_session.reference.perplexity;
        return std::numeric_limits<double>::quiet_NaN();
    case BitsPerByte:
        return point.bitsPerByte;
    case KlMean:
        return point.klMean;
    case KlP99:
        return point.klP99;
    case SameTop:
        return point.sameTopRate;
    case Seconds:
        return point.seconds;
    default:
        return std::numeric_limits<double>::quiet_NaN();
    }
}

QVariant SweepPointTableModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SweepPoint &p = point(index.row());
    const int column = index.column();
    if (role == Qt::UserRole)
        return column == Method ? QVariant(p.method) : QVariant(value(p, column));
    if (role == Qt::TextAlignmentRole) {
        return column == Method ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    }
    if (role == Qt::ToolTipRole && column == Method && !p.containerPath.isEmpty())
        return tr("Container: %1").arg(p.containerPath);
    if (role != Qt::DisplayRole)
        return {};
    if (column == Method)
        return p.method;
    const double v = value(p, column);
    if (!std::isfinite(v))
        return QStringLiteral("—");
    switch (column) {
    case TargetBits:
        return QString::number(v, 'g', 4);
    case BitsPerWeight:
    case BitsPerByte:
        return QString::number(v, 'f', 3);
    case Megabytes:
        return QString::number(v, 'f', v < 10 ? 3 : 2);
    case WeightedMse:
        return QString::number(v, 'g', 3);
    case Perplexity:
        return QString::number(v, 'f', 3);
    case PerplexityRatio:
        return QString(QString::number(v, 'f', 3) + QStringLiteral("×"));
    case KlMean:
    case KlP99:
        return QString::number(v, 'g', 4);
    case SameTop:
        return QString(QString::number(v * 100, 'f', 1) + QStringLiteral(" %"));
    case Seconds:
        return QString::number(v, 'f', 1);
    default:
        return {};
    }
}

QVariant SweepPointTableModel::headerData(int section, Qt::Orientation orientation,
                                          int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Method:
            return tr("method");
        case TargetBits:
            return tr("target");
        case BitsPerWeight:
            return tr("bpw");
        case Megabytes:
            return tr("MB");
        case WeightedMse:
            return tr("weighted MSE");
        case Perplexity:
            return tr("ppl");
        case PerplexityRatio:
            return tr("×FP16");
        case BitsPerByte:
            return tr("bpb");
        case KlMean:
            return tr("KL mean");
        case KlP99:
            return tr("KL p99");
        case SameTop:
            return tr("same top");
        case Seconds:
            return tr("seconds");
        default:
            break;
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Method:
            return tr("Compression method (nwc+ldlq, nwc+finetune, nwc+comp: with error "
                      "compensation)");
        case TargetBits:
            return tr("Target bits per weight");
        case BitsPerWeight:
            return tr("Achieved bits per compressed weight, side information included");
        case Megabytes:
            return tr("Size of the .nwc file in megabytes (10⁶ bytes)");
        case WeightedMse:
            return tr("Importance-weighted squared error of the decoded weights, relative to "
                      "the weights' own weighted energy");
        case Perplexity:
            return tr("Perplexity on the evaluation text");
        case PerplexityRatio:
            return tr("Perplexity relative to the uncompressed model's");
        case BitsPerByte:
            return tr("Bits per byte of evaluation text");
        case KlMean:
            return tr("Mean KL divergence from the original model's next-token distribution, "
                      "nats");
        case KlP99:
            return tr("99th percentile of that KL divergence, nats");
        case SameTop:
            return tr("Share of positions whose most likely next token is the original "
                      "model's");
        case Seconds:
            return tr("Wall time of compression and evaluation");
        default:
            break;
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace nwc
