#include "sweeppointtablemodel.h"

#include <cmath>
#include <iterator>
#include <limits>

namespace nwc {
namespace {

// The title and tooltip of each column's header, in the order of SweepPointTableModel::Column.
struct ColumnHeader {
    const char *title;
    const char *toolTip;
};
const ColumnHeader kColumnHeaders[] = {
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "method"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel",
                       "Compression method (nwc+ldlq, nwc+finetune, nwc+comp: with error "
                       "compensation)")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "target"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "Target bits per weight")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "bpw"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel",
                       "Achieved bits per compressed weight, side information included")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "MB"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel",
                       "Size of the .nwc file in megabytes (10⁶ bytes)")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "weighted MSE"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel",
                       "Importance-weighted squared error of the decoded weights, relative to "
                       "the weights' own weighted energy")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "ppl"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "Perplexity on the evaluation text")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "×FP16"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel",
                       "Perplexity relative to the uncompressed model's")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "bpb"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "Bits per byte of evaluation text")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "KL mean"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel",
                       "Mean KL divergence from the original model's next-token distribution, "
                       "nats")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "KL p99"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "99th percentile of that KL divergence, nats")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "same top"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel",
                       "Share of positions whose most likely next token is the original "
                       "model's")},
    {QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "seconds"),
     QT_TRANSLATE_NOOP("nwc::SweepPointTableModel", "Wall time of compression and evaluation")},
};
static_assert(std::size(kColumnHeaders) == SweepPointTableModel::ColumnCount);

} // namespace

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
    if (role == Qt::DisplayRole)
        return tr(kColumnHeaders[section].title);
    if (role == Qt::ToolTipRole)
        return tr(kColumnHeaders[section].toolTip);
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace nwc
