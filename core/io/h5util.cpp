#include "io/h5util.h"

#include "jobs/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include <unistd.h>

namespace nwc::h5 {
namespace {

std::string toStd(const QString &text) {
    return text.toStdString();
}

QString describe(const H5::H5Object &object) {
    try {
        return QString::fromStdString(object.getFileName()) + QLatin1Char(':') +
               QString::fromStdString(object.getObjName());
    } catch (const H5::Exception &) {
        return QStringLiteral("HDF5 object");
    }
}

std::vector<hsize_t> dimensions(size_t count, const std::vector<int64_t> &shape,
                                const QString &name) {
    if (shape.empty())
        return {hsize_t(count)};
    int64_t product = 1;
    std::vector<hsize_t> dims;
    for (int64_t d : shape) {
        if (d < 0)
            throw Error(QStringLiteral("dataset %1: negative dimension").arg(name));
        product *= d;
        dims.push_back(hsize_t(d));
    }
    if (product != int64_t(count))
        throw Error(
            QStringLiteral("dataset %1: shape does not match %2 values").arg(name).arg(count));
    return dims;
}

template <typename T>
void writeDataset(H5::Group &group, const QString &name, const T *data, size_t count,
                  const H5::PredType &fileType, const H5::PredType &memType,
                  const std::vector<int64_t> &shape, bool compress) {
    try {
        const std::vector<hsize_t> dims = dimensions(count, shape, name);
        H5::DataSpace space(int(dims.size()), dims.data());
        H5::DSetCreatPropList properties;
        if (compress && count >= 4096) {
            std::vector<hsize_t> chunk = dims;
            // Chunks of about 64k elements along the first axis.
            hsize_t rowElements = 1;
            for (size_t i = 1; i < chunk.size(); ++i)
                rowElements *= chunk[i];
            chunk[0] = std::max<hsize_t>(
                1, std::min<hsize_t>(dims[0], 65536 / std::max<hsize_t>(1, rowElements)));
            properties.setChunk(int(chunk.size()), chunk.data());
            properties.setDeflate(4);
        }
        H5::DataSet dataset = group.createDataSet(toStd(name), fileType, space, properties);
        if (count > 0)
            dataset.write(data, memType);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("cannot write dataset '%1' in %2: %3")
                        .arg(name, describe(group), errorText(error)));
    }
}

// Checks before libhdf5 (1.10) reads what a damaged file describes without checking it itself.

/// Whether a number type's bits fit its size: the conversion of one that claims more bits reads
/// past libhdf5's buffers (found with fuzz_nwc and valgrind, in H5T__bit_find).
bool numberLayoutFits(const H5::DataType &type) {
    const hid_t id = type.getId();
    const size_t size = H5Tget_size(id);
    const size_t precision = H5Tget_precision(id);
    const int offset = H5Tget_offset(id);
    if (size == 0 || size > 16 || precision == 0 || offset < 0 ||
        size_t(offset) + precision > 8 * size)
        return false;
    if (H5Tget_class(id) != H5T_FLOAT)
        return true;
    size_t sign = 0;
    size_t exponentPosition = 0;
    size_t exponentSize = 0;
    size_t mantissaPosition = 0;
    size_t mantissaSize = 0;
    if (H5Tget_fields(id, &sign, &exponentPosition, &exponentSize, &mantissaPosition,
                      &mantissaSize) < 0)
        return false;
    const size_t bits = 8 * size;
    return sign < bits && exponentSize > 0 && exponentPosition + exponentSize <= bits &&
           mantissaPosition + mantissaSize <= bits;
}

/// An attribute read into one value must hold exactly one: H5Aread writes every element into
/// the buffer it is given.
void requireOneValue(const H5::Attribute &attribute, const QString &context, const QString &name) {
    const hssize_t count = attribute.getSpace().getSimpleExtentNpoints();
    if (count != 1)
        throw Error(QStringLiteral("%1: attribute '%2' holds %3 values instead of one (the file "
                                   "is damaged)")
                        .arg(context, name)
                        .arg(count));
}

/// An attribute holding one number whose type libhdf5 can convert safely.
void requireOneNumber(const H5::Attribute &attribute, const QString &context, const QString &name) {
    requireOneValue(attribute, context, name);
    if (!numberLayoutFits(attribute.getDataType()))
        throw Error(QStringLiteral("%1: attribute '%2' has a damaged number type (the file is "
                                   "damaged)")
                        .arg(context, name));
}

template <typename T>
std::vector<T> readDataset(const H5::Group &group, const QString &name, const QString &context,
                           H5T_class_t typeClass, size_t elementSize, bool isSigned,
                           const H5::PredType &memType, std::vector<int64_t> *shape) {
    if (!exists(group, name))
        throw Error(QStringLiteral("%1: dataset '%2' is missing (the file is incomplete or "
                                   "from another version)")
                        .arg(context, name));
    try {
        H5::DataSet dataset = group.openDataSet(toStd(name));
        const H5::DataType type = dataset.getDataType();
        bool ok = type.getClass() == typeClass && type.getSize() == elementSize;
        if (ok && typeClass == H5T_INTEGER) {
            const H5::IntType intType = dataset.getIntType();
            ok = (intType.getSign() == H5T_SGN_2) == isSigned;
        }
        if (!ok || !numberLayoutFits(type))
            throw Error(QStringLiteral("%1: dataset '%2' has an unexpected element type")
                            .arg(context, name));
        const std::vector<hsize_t> dims = checkedDimensions(dataset, elementSize, context, name);
        hsize_t count = 1;
        for (hsize_t d : dims)
            count *= d;
        std::vector<T> values(static_cast<size_t>(count));
        if (count > 0)
            dataset.read(values.data(), memType);
        if (shape) {
            shape->clear();
            for (hsize_t d : dims)
                shape->push_back(int64_t(d));
        }
        return values;
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot read dataset '%2': %3 (the file is damaged)")
                        .arg(context, name, errorText(error)));
    }
}

H5::Attribute openAttribute(const H5::H5Object &object, const QString &name,
                            const QString &context) {
    if (!hasAttribute(object, name))
        throw Error(QStringLiteral("%1: attribute '%2' is missing (the file is incomplete or "
                                   "from another version)")
                        .arg(context, name));
    return object.openAttribute(toStd(name));
}

void removeAttribute(H5::H5Object &object, const QString &name) {
    if (hasAttribute(object, name))
        object.removeAttr(toStd(name));
}

} // namespace

void silenceErrors() {
    static std::once_flag once;
    std::call_once(once, [] { H5::Exception::dontPrint(); });
}

std::vector<hsize_t> checkedDimensions(const H5::DataSet &dataset, size_t elementSize,
                                       const QString &context, const QString &name) {
    const H5::DataSpace space = dataset.getSpace();
    const int rank = space.getSimpleExtentNdims();
    std::vector<hsize_t> dims(size_t(std::max(rank, 0)));
    if (rank > 0)
        space.getSimpleExtentDims(dims.data());
    const hid_t file = H5Iget_file_id(dataset.getId());
    hsize_t fileBytes = 0;
    const herr_t status = file < 0 ? herr_t(-1) : H5Fget_filesize(file, &fileBytes);
    if (file >= 0)
        H5Fclose(file);
    if (status < 0)
        throw Error(QStringLiteral("%1: cannot read dataset '%2': the file size is unknown")
                        .arg(context, name));
    // zlib's deflate never compresses better than 1032:1.
    const hsize_t capacity =
        dataset.getCreatePlist().getNfilters() > 0 ? fileBytes * 1032 : fileBytes;
    hsize_t bytes = elementSize;
    for (hsize_t d : dims) {
        if (__builtin_mul_overflow(bytes, d, &bytes) || bytes > capacity)
            throw Error(QStringLiteral("%1: dataset '%2' claims more data than the %3-byte file "
                                       "can hold (the file is damaged)")
                            .arg(context, name)
                            .arg(fileBytes));
    }
    return dims;
}

QString errorText(const H5::Exception &error) {
    QString text = QString::fromStdString(error.getDetailMsg());
    const QString function = QString::fromStdString(error.getFuncName());
    if (!function.isEmpty())
        text = function + QStringLiteral(": ") + text;
    return text;
}

H5::H5File openReadOnly(const QString &path) {
    silenceErrors();
    if (!QFileInfo(path).isFile())
        throw Error(QStringLiteral("%1: no such file").arg(path));
    try {
        if (!H5::H5File::isHdf5(toStd(path)))
            throw Error(
                QStringLiteral("%1: not an HDF5 file (wrong file, or it is damaged)").arg(path));
        return H5::H5File(toStd(path), H5F_ACC_RDONLY);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot open: %2 (the file is damaged or truncated)")
                        .arg(path, errorText(error)));
    }
}

AtomicFile::AtomicFile(const QString &finalPath)
    : m_finalPath(finalPath) {
    silenceErrors();
    const QFileInfo info(finalPath);
    if (!info.absoluteDir().exists())
        throw Error(QStringLiteral("%1: the folder does not exist").arg(finalPath));
    m_temporaryPath = info.absoluteFilePath() + QStringLiteral(".tmp-") +
                      QString::number(QRandomGenerator::global()->generate(), 16);
    try {
        // The HDF5 1.8 file format, whose superblock, object headers and indexes carry
        // checksums: a damaged header is refused by the library instead of parsed (libhdf5
        // read freed memory parsing bit-flipped version-1 object headers under
        // AddressSanitizer). Readable by HDF5 1.8 and later.
        H5::FileAccPropList access;
        access.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_LATEST);
        m_file = std::make_unique<H5::H5File>(toStd(m_temporaryPath), H5F_ACC_EXCL,
                                              H5::FileCreatPropList::DEFAULT, access);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot create: %2").arg(m_temporaryPath, errorText(error)));
    }
}

AtomicFile::~AtomicFile() {
    if (m_committed)
        return;
    try {
        m_file->close();
    } catch (const H5::Exception &) {
    }
    QFile::remove(m_temporaryPath);
}

void AtomicFile::commit() {
    try {
        m_file->flush(H5F_SCOPE_GLOBAL);
        m_file->close();
    } catch (const H5::Exception &error) {
        throw Error(
            QStringLiteral("%1: cannot finish writing: %2").arg(m_temporaryPath, errorText(error)));
    }
    // fsync the data before the rename so a crash cannot leave a renamed but empty file.
    QFile file(m_temporaryPath);
    if (file.open(QIODevice::ReadWrite)) {
        file.flush();
        ::fdatasync(file.handle());
        file.close();
    }
    if (std::rename(QFile::encodeName(m_temporaryPath).constData(),
                    QFile::encodeName(m_finalPath).constData()) != 0)
        throw Error(
            QStringLiteral("%1: cannot rename the finished file into place").arg(m_finalPath));
    m_committed = true;
}

H5::Group ensureGroup(H5::Group &parent, const QString &path) {
    // H5 objects are chained by copy construction: their implicit copy assignment does not
    // manage the HDF5 reference count.
    try {
        std::vector<H5::Group> chain;
        chain.push_back(parent);
        for (const QString &part : path.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
            H5::Group &current = chain.back();
            if (current.nameExists(toStd(part)))
                chain.push_back(current.openGroup(toStd(part)));
            else
                chain.push_back(current.createGroup(toStd(part)));
        }
        return chain.back();
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("cannot create group '%1' in %2: %3")
                        .arg(path, describe(parent), errorText(error)));
    }
}

bool exists(const H5::Group &parent, const QString &path) {
    try {
        std::vector<H5::Group> chain;
        chain.push_back(parent);
        const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        for (int i = 0; i < parts.size(); ++i) {
            const H5::Group &current = chain.back();
            if (!current.nameExists(toStd(parts[i])))
                return false;
            if (i + 1 < parts.size()) {
                if (current.childObjType(toStd(parts[i])) != H5O_TYPE_GROUP)
                    return false;
                chain.push_back(current.openGroup(toStd(parts[i])));
            }
        }
        return true;
    } catch (const H5::Exception &) {
        return false;
    }
}

std::vector<QString> childNames(const H5::Group &group) {
    std::vector<QString> names;
    try {
        const hsize_t count = group.getNumObjs();
        for (hsize_t i = 0; i < count; ++i)
            names.push_back(QString::fromStdString(group.getObjnameByIdx(i)));
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("cannot list %1: %2").arg(describe(group), errorText(error)));
    }
    std::sort(names.begin(), names.end());
    return names;
}

void setAttribute(H5::H5Object &object, const QString &name, const QString &value) {
    try {
        removeAttribute(object, name);
        const QByteArray utf8 = value.toUtf8();
        H5::StrType type(H5::PredType::C_S1, std::max<size_t>(1, size_t(utf8.size())));
        type.setCset(H5T_CSET_UTF8);
        H5::Attribute attribute =
            object.createAttribute(toStd(name), type, H5::DataSpace(H5S_SCALAR));
        std::string text = utf8.toStdString();
        if (text.empty())
            text.push_back('\0');
        attribute.write(type, text.data());
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("cannot write attribute '%1' of %2: %3")
                        .arg(name, describe(object), errorText(error)));
    }
}

void setAttribute(H5::H5Object &object, const QString &name, double value) {
    try {
        removeAttribute(object, name);
        H5::Attribute attribute = object.createAttribute(toStd(name), H5::PredType::IEEE_F64LE,
                                                         H5::DataSpace(H5S_SCALAR));
        attribute.write(H5::PredType::NATIVE_DOUBLE, &value);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("cannot write attribute '%1' of %2: %3")
                        .arg(name, describe(object), errorText(error)));
    }
}

void setAttribute(H5::H5Object &object, const QString &name, int64_t value) {
    try {
        removeAttribute(object, name);
        H5::Attribute attribute =
            object.createAttribute(toStd(name), H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR));
        attribute.write(H5::PredType::NATIVE_INT64, &value);
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("cannot write attribute '%1' of %2: %3")
                        .arg(name, describe(object), errorText(error)));
    }
}

bool hasAttribute(const H5::H5Object &object, const QString &name) {
    try {
        return object.attrExists(toStd(name));
    } catch (const H5::Exception &) {
        return false;
    }
}

QString stringAttribute(const H5::H5Object &object, const QString &name, const QString &context) {
    try {
        H5::Attribute attribute = openAttribute(object, name, context);
        const H5::DataType type = attribute.getDataType();
        if (type.getClass() != H5T_STRING)
            throw Error(QStringLiteral("%1: attribute '%2' is not text").arg(context, name));
        requireOneValue(attribute, context, name);
        const H5::StrType stringType = attribute.getStrType();
        std::string text;
        attribute.read(stringType, text);
        return QString::fromUtf8(text.c_str());
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot read attribute '%2': %3")
                        .arg(context, name, errorText(error)));
    }
}

double doubleAttribute(const H5::H5Object &object, const QString &name, const QString &context) {
    try {
        H5::Attribute attribute = openAttribute(object, name, context);
        const H5T_class_t type = attribute.getDataType().getClass();
        if (type != H5T_FLOAT && type != H5T_INTEGER)
            throw Error(QStringLiteral("%1: attribute '%2' is not a number").arg(context, name));
        requireOneNumber(attribute, context, name);
        double value = 0;
        attribute.read(H5::PredType::NATIVE_DOUBLE, &value);
        return value;
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot read attribute '%2': %3")
                        .arg(context, name, errorText(error)));
    }
}

int64_t intAttribute(const H5::H5Object &object, const QString &name, const QString &context) {
    try {
        H5::Attribute attribute = openAttribute(object, name, context);
        if (attribute.getDataType().getClass() != H5T_INTEGER)
            throw Error(QStringLiteral("%1: attribute '%2' is not an integer").arg(context, name));
        requireOneNumber(attribute, context, name);
        int64_t value = 0;
        attribute.read(H5::PredType::NATIVE_INT64, &value);
        return value;
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("%1: cannot read attribute '%2': %3")
                        .arg(context, name, errorText(error)));
    }
}

void writeFloats(H5::Group &group, const QString &name, const std::vector<float> &values,
                 const std::vector<int64_t> &shape, bool compress) {
    writeDataset(group, name, values.data(), values.size(), H5::PredType::IEEE_F32LE,
                 H5::PredType::NATIVE_FLOAT, shape, compress);
}

void writeDoubles(H5::Group &group, const QString &name, const std::vector<double> &values,
                  const std::vector<int64_t> &shape, bool compress) {
    writeDataset(group, name, values.data(), values.size(), H5::PredType::IEEE_F64LE,
                 H5::PredType::NATIVE_DOUBLE, shape, compress);
}

void writeBytes(H5::Group &group, const QString &name, const QByteArray &bytes) {
    writeDataset(group, name, reinterpret_cast<const uint8_t *>(bytes.constData()),
                 size_t(bytes.size()), H5::PredType::STD_U8LE, H5::PredType::NATIVE_UINT8, {},
                 false);
}

void writeU8(H5::Group &group, const QString &name, const std::vector<uint8_t> &values) {
    writeDataset(group, name, values.data(), values.size(), H5::PredType::STD_U8LE,
                 H5::PredType::NATIVE_UINT8, {}, false);
}

void writeU16(H5::Group &group, const QString &name, const std::vector<uint16_t> &values) {
    writeDataset(group, name, values.data(), values.size(), H5::PredType::STD_U16LE,
                 H5::PredType::NATIVE_UINT16, {}, false);
}

void writeU32(H5::Group &group, const QString &name, const std::vector<uint32_t> &values) {
    writeDataset(group, name, values.data(), values.size(), H5::PredType::STD_U32LE,
                 H5::PredType::NATIVE_UINT32, {}, false);
}

void writeI64(H5::Group &group, const QString &name, const std::vector<int64_t> &values) {
    writeDataset(group, name, values.data(), values.size(), H5::PredType::STD_I64LE,
                 H5::PredType::NATIVE_INT64, {}, false);
}

void writeStrings(H5::Group &group, const QString &name, const std::vector<QString> &values) {
    // Stored as one UTF-8 byte dataset with '\n' separators: simple and exact.
    QByteArray joined;
    for (size_t i = 0; i < values.size(); ++i) {
        if (values[i].contains(QLatin1Char('\n')))
            throw Error(QStringLiteral("dataset %1: a string contains a line break").arg(name));
        if (i > 0)
            joined += '\n';
        joined += values[i].toUtf8();
    }
    writeBytes(group, name, joined);
    H5::DataSet dataset = group.openDataSet(toStd(name));
    setAttribute(dataset, QStringLiteral("count"), int64_t(values.size()));
}

std::vector<float> readFloats(const H5::Group &group, const QString &name, const QString &context,
                              std::vector<int64_t> *shape) {
    return readDataset<float>(group, name, context, H5T_FLOAT, 4, true, H5::PredType::NATIVE_FLOAT,
                              shape);
}

std::vector<double> readDoubles(const H5::Group &group, const QString &name, const QString &context,
                                std::vector<int64_t> *shape) {
    return readDataset<double>(group, name, context, H5T_FLOAT, 8, true,
                               H5::PredType::NATIVE_DOUBLE, shape);
}

QByteArray readBytes(const H5::Group &group, const QString &name, const QString &context) {
    const std::vector<uint8_t> values = readU8(group, name, context);
    return QByteArray(reinterpret_cast<const char *>(values.data()), qsizetype(values.size()));
}

std::vector<uint8_t> readU8(const H5::Group &group, const QString &name, const QString &context) {
    return readDataset<uint8_t>(group, name, context, H5T_INTEGER, 1, false,
                                H5::PredType::NATIVE_UINT8, nullptr);
}

std::vector<uint16_t> readU16(const H5::Group &group, const QString &name, const QString &context) {
    return readDataset<uint16_t>(group, name, context, H5T_INTEGER, 2, false,
                                 H5::PredType::NATIVE_UINT16, nullptr);
}

std::vector<uint32_t> readU32(const H5::Group &group, const QString &name, const QString &context) {
    return readDataset<uint32_t>(group, name, context, H5T_INTEGER, 4, false,
                                 H5::PredType::NATIVE_UINT32, nullptr);
}

std::vector<int64_t> readI64(const H5::Group &group, const QString &name, const QString &context) {
    return readDataset<int64_t>(group, name, context, H5T_INTEGER, 8, true,
                                H5::PredType::NATIVE_INT64, nullptr);
}

std::vector<QString> readStrings(const H5::Group &group, const QString &name,
                                 const QString &context) {
    const QByteArray joined = readBytes(group, name, context);
    int64_t count = 0;
    try {
        H5::DataSet dataset = group.openDataSet(toStd(name));
        count = intAttribute(dataset, QStringLiteral("count"), context);
    } catch (const H5::Exception &error) {
        throw Error(
            QStringLiteral("%1: cannot read '%2': %3").arg(context, name, errorText(error)));
    }
    std::vector<QString> values;
    if (count == 0)
        return values;
    for (const QByteArray &part : joined.split('\n'))
        values.push_back(QString::fromUtf8(part));
    if (int64_t(values.size()) != count)
        throw Error(QStringLiteral("%1: dataset '%2' is damaged (%3 strings, expected %4)")
                        .arg(context, name)
                        .arg(values.size())
                        .arg(count));
    return values;
}

} // namespace nwc::h5
