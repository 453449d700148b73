#include "compressedtensormodel.h"

#include <QLocale>
#include <utility>

namespace nwc {

CompressedTensorModel::CompressedTensorModel(QObject *parent)
    : QAbstractTableModel(parent) {}

void CompressedTensorModel::setTensors(std::vector<CompressedTensorSummary> tensors) {
    beginResetModel();
    m_tensors = std::move(tensors);
    endResetModel();
}

int CompressedTensorModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_tensors.size());
}

int CompressedTensorModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CompressedTensorModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CompressedTensorSummary &tensor = m_tensors[size_t(index.row())];
    const bool nwcMethod = tensor.method == CompressionMethod::Nwc;
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn:
            return tensor.name;
        case ShapeColumn:
            return tr("%1 × %2").arg(tensor.rows).arg(tensor.columns);
        case MethodColumn:
            return compressionMethodName(tensor.method).toUpper();
        case CodecColumn:
            return nwcMethod ? tensor.codecId : tr("—");
        case StepOrBitsColumn:
            if (nwcMethod)
                return tr("step %1").arg(locale.toString(tensor.step, 'g', 4));
            return tensor.bits == 1 ? tr("1 bit") : tr("%1 bits").arg(tensor.bits);
        case BitsPerWeightColumn:
            return locale.toString(tensor.bitsPerWeight, 'f', 3);
        case BytesColumn:
            return locale.toString(qlonglong(tensor.countedBytes));
        default:
            return {};
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case NameColumn:
            return tensor.name;
        case ShapeColumn:
            return qlonglong(tensor.rows * tensor.columns);
        case MethodColumn:
            return compressionMethodName(tensor.method);
        case CodecColumn:
            return tensor.codecId;
        case StepOrBitsColumn:
            return nwcMethod ? tensor.step : double(tensor.bits);
        case BitsPerWeightColumn:
            return tensor.bitsPerWeight;
        case BytesColumn:
            return qlonglong(tensor.countedBytes);
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
        case ShapeColumn:
        case StepOrBitsColumn:
        case BitsPerWeightColumn:
        case BytesColumn:
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        default:
            return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
        }
    }
    if (role == Qt::ToolTipRole) {
        const QString bpw = locale.toString(tensor.bitsPerWeight, 'f', 4);
        const QString bytes = locale.toString(qlonglong(tensor.countedBytes));
        const QString weights = locale.toString(qlonglong(tensor.rows * tensor.columns));
        return tr("%1: %2 bits per weight = 8 × %3 counted bytes / %4 weights")
            .arg(tensor.name, bpw, bytes, weights);
    }
    return {};
}

QVariant CompressedTensorModel::headerData(int section, Qt::Orientation orientation,
                                           int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn:
            return tr("Tensor");
        case ShapeColumn:
            return tr("Shape");
        case MethodColumn:
            return tr("Method");
        case CodecColumn:
            return tr("Codec");
        case StepOrBitsColumn:
            return tr("Step / bits");
        case BitsPerWeightColumn:
            return tr("Bits/weight");
        case BytesColumn:
            return tr("Bytes");
        default:
            break;
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ShapeColumn:
            return tr("Rows (outputs) × columns (inputs), in the orientation the coder uses");
        case StepOrBitsColumn:
            return tr("NWC: latent quantization step chosen by the bit allocation; RTN/GPTQ: "
                      "code width");
        case BitsPerWeightColumn:
            return tr("8 × counted bytes / weights, side information included");
        case BytesColumn:
            return tr("Counted bytes: bitstream or codes plus side information and a per-tensor "
                      "header allowance");
        default:
            break;
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace nwc
