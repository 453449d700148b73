#pragma once
// Small helpers over the HDF5 C++ API for the files this tool writes (codec files, calibration
// caches, .nwc containers). Core-internal header: includes H5Cpp.h. Every failure becomes an
// nwc::Error naming the file and the object.

#include <H5Cpp.h>

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace nwc::h5 {

/// Turns off HDF5's own error printing (errors are reported as nwc::Error instead). Idempotent.
void silenceErrors();

/// Opens an existing file read-only. Throws nwc::Error naming `path` when it is missing or not
/// HDF5.
H5::H5File openReadOnly(const QString &path);

/// Creates a file under a temporary name beside `finalPath`; commit() closes it and renames it
/// over `finalPath` in one step (POSIX rename), so readers see the old file or the complete new
/// one. Destroyed without commit(), it deletes the temporary file.
class AtomicFile {
public:
    explicit AtomicFile(const QString &finalPath);
    ~AtomicFile();
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;
    H5::H5File &file() { return *m_file; }
    QString temporaryPath() const { return m_temporaryPath; }
    /// Flushes, closes and renames. Throws nwc::Error naming the path on failure.
    void commit();

private:
    QString m_finalPath;
    QString m_temporaryPath;
    std::unique_ptr<H5::H5File> m_file;
    bool m_committed = false;
};

/// The child group `name` of `parent`, created (with intermediate groups) when missing.
H5::Group ensureGroup(H5::Group &parent, const QString &path);
/// Whether `parent` has a link called `name` (a path with '/' is checked step by step).
bool exists(const H5::Group &parent, const QString &path);
/// Names of the links directly below `group`, sorted.
std::vector<QString> childNames(const H5::Group &group);

// Attributes (on a group or dataset).
void setAttribute(H5::H5Object &object, const QString &name, const QString &value);
void setAttribute(H5::H5Object &object, const QString &name, double value);
void setAttribute(H5::H5Object &object, const QString &name, int64_t value);
bool hasAttribute(const H5::H5Object &object, const QString &name);
/// Throw nwc::Error naming `context` (e.g. the file) when missing or of another type.
QString stringAttribute(const H5::H5Object &object, const QString &name, const QString &context);
double doubleAttribute(const H5::H5Object &object, const QString &name, const QString &context);
int64_t intAttribute(const H5::H5Object &object, const QString &name, const QString &context);

// Datasets: one-dimensional unless a shape is given (product must equal the element count).
// `compress` applies deflate level 4 with chunking (for large float arrays).
void writeFloats(H5::Group &group, const QString &name, const std::vector<float> &values,
                 const std::vector<int64_t> &shape = {}, bool compress = false);
void writeDoubles(H5::Group &group, const QString &name, const std::vector<double> &values,
                  const std::vector<int64_t> &shape = {}, bool compress = false);
void writeBytes(H5::Group &group, const QString &name, const QByteArray &bytes);
void writeU8(H5::Group &group, const QString &name, const std::vector<uint8_t> &values);
void writeU16(H5::Group &group, const QString &name, const std::vector<uint16_t> &values);
void writeU32(H5::Group &group, const QString &name, const std::vector<uint32_t> &values);
void writeI64(H5::Group &group, const QString &name, const std::vector<int64_t> &values);
void writeStrings(H5::Group &group, const QString &name, const std::vector<QString> &values);

/// Readers check the stored type class and element size and throw nwc::Error naming
/// `context` and the dataset on a mismatch or read failure. `shape`, when given, receives the
/// dataset's dimensions.
std::vector<float> readFloats(const H5::Group &group, const QString &name, const QString &context,
                              std::vector<int64_t> *shape = nullptr);
std::vector<double> readDoubles(const H5::Group &group, const QString &name, const QString &context,
                                std::vector<int64_t> *shape = nullptr);
QByteArray readBytes(const H5::Group &group, const QString &name, const QString &context);
std::vector<uint8_t> readU8(const H5::Group &group, const QString &name, const QString &context);
std::vector<uint16_t> readU16(const H5::Group &group, const QString &name, const QString &context);
std::vector<uint32_t> readU32(const H5::Group &group, const QString &name, const QString &context);
std::vector<int64_t> readI64(const H5::Group &group, const QString &name, const QString &context);
std::vector<QString> readStrings(const H5::Group &group, const QString &name,
                                 const QString &context);

/// The dimensions `dataset` declares, checked before anything is allocated for them: a damaged
/// dataspace can claim any size, so the element count (of `elementSize` bytes each) must not
/// overflow and must fit in the file's bytes (times 1032, deflate's largest ratio, when the
/// dataset is compressed). Throws nwc::Error naming `context` and `name` otherwise; may throw
/// H5::Exception.
std::vector<hsize_t> checkedDimensions(const H5::DataSet &dataset, size_t elementSize,
                                       const QString &context, const QString &name);

/// Text of an HDF5 exception for messages.
QString errorText(const H5::Exception &error);

} // namespace nwc::h5
