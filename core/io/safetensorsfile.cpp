#include "io/safetensorsfile.h"

#include "io/mappedfile.h"
#include "jobs/error.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStringDecoder>
#include <QtEndian>
#include <algorithm>
#include <limits>

namespace nwc {

namespace {

const QString MetadataKey = QStringLiteral("__metadata__");

[[noreturn]] void corrupt(const QString &path, const QString &what) {
    throw Error(QStringLiteral("%1: %2. The safetensors file is corrupt or incomplete; "
                               "download or export it again.")
                    .arg(path, what));
}

[[noreturn]] void corruptTensor(const QString &path, const QString &tensor, const QString &what) {
    corrupt(path, QStringLiteral("tensor '%1': %2").arg(tensor, what));
}

/// Reads a non-negative JSON integer; false for anything else (fractions, negatives, huge).
bool toUnsigned(const QJsonValue &value, quint64 *out) {
    if (!value.isDouble())
        return false;
    const qint64 integer = value.toInteger(-1);
    if (integer < 0)
        return false;
    *out = static_cast<quint64>(integer);
    return true;
}

/// Finds duplicate keys in raw JSON text, which QJsonDocument silently merges. The text must
/// already be valid JSON (it is parsed by QJsonDocument first); the scan stays in bounds anyway.
class DuplicateKeyScanner {
public:
    DuplicateKeyScanner(const char *begin, const char *end)
        : m_pos(begin)
        , m_end(end) {}

    /// Scans the top-level value. Returns false and fills key/context on the first duplicate.
    bool scan(QString *key, QString *context) {
        skipSpace();
        scanValue(QString());
        if (m_duplicate.isNull())
            return true;
        *key = m_duplicate;
        *context = m_context;
        return false;
    }

private:
    void skipSpace() {
        while (m_pos < m_end &&
               (*m_pos == ' ' || *m_pos == '\t' || *m_pos == '\n' || *m_pos == '\r'))
            ++m_pos;
    }

    static int hexValue(char c) {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return 0;
    }

    /// At an opening quote: returns the decoded string and moves past the closing quote.
    QString readString() {
        QString result;
        ++m_pos; // opening quote
        const char *run = m_pos;
        auto flush = [&] {
            if (m_pos > run)
                result += QString::fromUtf8(run, static_cast<qsizetype>(m_pos - run));
        };
        while (m_pos < m_end && *m_pos != '"') {
            if (*m_pos != '\\') {
                ++m_pos;
                continue;
            }
            flush();
            ++m_pos;
            if (m_pos >= m_end)
                break;
            const char escape = *m_pos++;
            switch (escape) {
            case 'b':
                result += QLatin1Char('\b');
                break;
            case 'f':
                result += QLatin1Char('\f');
                break;
            case 'n':
                result += QLatin1Char('\n');
                break;
            case 'r':
                result += QLatin1Char('\r');
                break;
            case 't':
                result += QLatin1Char('\t');
                break;
            case 'u': {
                char16_t unit = 0;
                for (int i = 0; i < 4 && m_pos < m_end; ++i)
                    unit = static_cast<char16_t>(unit * 16 + hexValue(*m_pos++));
                result += QChar(unit);
                break;
            }
            default: // '"', '\\', '/'
                result += QLatin1Char(escape);
                break;
            }
            run = m_pos;
        }
        flush();
        if (m_pos < m_end)
            ++m_pos; // closing quote
        return result;
    }

    void scanValue(const QString &context) {
        if (m_pos >= m_end || !m_duplicate.isNull())
            return;
        if (*m_pos == '{') {
            scanObject(context);
        } else if (*m_pos == '[') {
            ++m_pos;
            skipSpace();
            while (m_pos < m_end && *m_pos != ']' && m_duplicate.isNull()) {
                scanValue(context);
                skipSpace();
                if (m_pos < m_end && *m_pos == ',')
                    ++m_pos;
                skipSpace();
            }
            if (m_pos < m_end)
                ++m_pos;
        } else if (*m_pos == '"') {
            readString();
        } else {
            while (m_pos < m_end && *m_pos != ',' && *m_pos != '}' && *m_pos != ']' &&
                   *m_pos != ' ' && *m_pos != '\n' && *m_pos != '\r' && *m_pos != '\t')
                ++m_pos;
        }
    }

    void scanObject(const QString &context) {
        ++m_pos; // '{'
        QSet<QString> seen;
        skipSpace();
        while (m_pos < m_end && *m_pos == '"' && m_duplicate.isNull()) {
            const QString key = readString();
            if (seen.contains(key)) {
                m_duplicate = key;
                m_context = context;
                return;
            }
            seen.insert(key);
            skipSpace();
            if (m_pos < m_end && *m_pos == ':')
                ++m_pos;
            skipSpace();
            scanValue(context.isNull() ? key : context);
            skipSpace();
            if (m_pos < m_end && *m_pos == ',')
                ++m_pos;
            skipSpace();
        }
        if (m_pos < m_end && *m_pos == '}')
            ++m_pos;
    }

    const char *m_pos;
    const char *m_end;
    QString m_duplicate;
    QString m_context;
};

struct Entry {
    TensorInfo info;
    quint64 begin = 0;
    quint64 end = 0;
};

} // namespace

SafetensorsFile::SafetensorsFile(const QString &path)
    : m_path(path) {}

SafetensorsFile::~SafetensorsFile() = default;

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(const QString &path) {
    std::shared_ptr<SafetensorsFile> file(new SafetensorsFile(path));
    file->m_file = std::make_unique<MappedFile>(path);
    file->parse();
    return file;
}

qint64 SafetensorsFile::fileSize() const {
    return m_file->size();
}

void SafetensorsFile::parse() {
    const quint64 fileSize = static_cast<quint64>(m_file->size());
    if (fileSize < 8)
        corrupt(m_path, QStringLiteral("the file is only %1 bytes long, too short for the 8-byte "
                                       "header length")
                            .arg(fileSize));
    const quint64 headerSize = qFromLittleEndian<quint64>(m_file->data());
    if (headerSize > MaxHeaderSize)
        corrupt(m_path, QStringLiteral("the header claims %1 bytes, more than the 100 MB limit")
                            .arg(headerSize));
    if (headerSize > fileSize - 8)
        corrupt(m_path, QStringLiteral("the header claims %1 bytes but only %2 bytes follow the "
                                       "header length (truncated file)")
                            .arg(headerSize)
                            .arg(fileSize - 8));
    const char *headerBegin = reinterpret_cast<const char *>(m_file->data() + 8);
    const QByteArray header =
        QByteArray::fromRawData(headerBegin, static_cast<qsizetype>(headerSize));

    QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
    const QString decoded = decoder(header);
    if (decoder.hasError())
        corrupt(m_path, QStringLiteral("the header is not valid UTF-8"));
    Q_UNUSED(decoded)

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(header, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        corrupt(m_path, QStringLiteral("the header is not valid JSON (%1 at byte %2)")
                            .arg(parseError.errorString())
                            .arg(parseError.offset));
    if (!document.isObject())
        corrupt(m_path, QStringLiteral("the header is not a JSON object"));

    QString duplicate;
    QString context;
    DuplicateKeyScanner scanner(headerBegin, headerBegin + headerSize);
    if (!scanner.scan(&duplicate, &context)) {
        if (context.isNull())
            corruptTensor(m_path, duplicate,
                          QStringLiteral("the name appears more than once in "
                                         "the header"));
        if (context == MetadataKey)
            corrupt(m_path,
                    QStringLiteral("__metadata__ has the key '%1' more than once").arg(duplicate));
        corruptTensor(m_path, context,
                      QStringLiteral("the key '%1' appears more than once").arg(duplicate));
    }

    const QJsonObject root = document.object();
    const quint64 dataStart = 8 + headerSize;
    const quint64 dataSize = fileSize - dataStart;
    QVector<Entry> entries;
    entries.reserve(root.size());
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QString name = it.key();
        if (name == MetadataKey) {
            if (!it.value().isObject())
                corrupt(m_path, QStringLiteral("__metadata__ is not a JSON object"));
            const QJsonObject metadata = it.value().toObject();
            for (auto m = metadata.begin(); m != metadata.end(); ++m) {
                if (!m.value().isString())
                    corrupt(m_path,
                            QStringLiteral("__metadata__ entry '%1' is not a string").arg(m.key()));
                m_metadata.insert(m.key(), m.value().toString());
            }
            continue;
        }
        if (!it.value().isObject())
            corruptTensor(m_path, name, QStringLiteral("its header entry is not a JSON object"));
        const QJsonObject object = it.value().toObject();

        Entry entry;
        entry.info.name = name;
        const QJsonValue dtype = object.value(QStringLiteral("dtype"));
        if (!dtype.isString())
            corruptTensor(m_path, name, QStringLiteral("missing \"dtype\" string"));
        if (!dtypeFromName(dtype.toString(), &entry.info.dtype))
            corruptTensor(m_path, name,
                          QStringLiteral("unknown or unsupported dtype '%1' (supported: F64, F32, "
                                         "F16, BF16, I64, I32, I16, I8, U8, BOOL)")
                              .arg(dtype.toString()));

        const QJsonValue shape = object.value(QStringLiteral("shape"));
        if (!shape.isArray())
            corruptTensor(m_path, name, QStringLiteral("missing \"shape\" array"));
        quint64 elements = 1;
        for (const QJsonValue &dimension : shape.toArray()) {
            quint64 size = 0;
            if (!toUnsigned(dimension, &size))
                corruptTensor(m_path, name,
                              QStringLiteral("shape entries must be non-negative integers"));
            if (__builtin_mul_overflow(elements, size, &elements))
                corruptTensor(m_path, name, QStringLiteral("the shape's element count overflows"));
            entry.info.shape.append(static_cast<qint64>(size));
        }
        quint64 bytes = 0;
        if (__builtin_mul_overflow(elements, static_cast<quint64>(dtypeSize(entry.info.dtype)),
                                   &bytes) ||
            elements > static_cast<quint64>(std::numeric_limits<qint64>::max()))
            corruptTensor(m_path, name, QStringLiteral("the shape's byte size overflows"));

        const QJsonValue offsets = object.value(QStringLiteral("data_offsets"));
        const QJsonArray offsetArray = offsets.toArray();
        if (!offsets.isArray() || offsetArray.size() != 2 ||
            !toUnsigned(offsetArray.at(0), &entry.begin) ||
            !toUnsigned(offsetArray.at(1), &entry.end))
            corruptTensor(m_path, name,
                          QStringLiteral("\"data_offsets\" must be two non-negative integers"));
        if (entry.end < entry.begin)
            corruptTensor(m_path, name,
                          QStringLiteral("data_offsets [%1, %2] end before they begin")
                              .arg(entry.begin)
                              .arg(entry.end));
        if (entry.end > dataSize)
            corruptTensor(m_path, name,
                          QStringLiteral("data_offsets [%1, %2] extend past the end of the data "
                                         "(%3 bytes)")
                              .arg(entry.begin)
                              .arg(entry.end)
                              .arg(dataSize));
        if (entry.end - entry.begin != bytes)
            corruptTensor(m_path, name,
                          QStringLiteral("shape %1 of %2 needs %3 bytes but data_offsets [%4, %5] "
                                         "hold %6")
                              .arg(entry.info.shapeString(), dtypeName(entry.info.dtype))
                              .arg(bytes)
                              .arg(entry.begin)
                              .arg(entry.end)
                              .arg(entry.end - entry.begin));
        entry.info.byteSize = bytes;
        entries.append(entry);
    }

    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
        if (a.begin != b.begin)
            return a.begin < b.begin;
        if (a.end != b.end)
            return a.end < b.end;
        return a.info.name < b.info.name;
    });
    quint64 position = 0;
    for (const Entry &entry : entries) {
        if (entry.begin > position)
            corruptTensor(m_path, entry.info.name,
                          QStringLiteral("its data starts at offset %1, leaving a gap of %2 unused "
                                         "bytes after the previous tensor")
                              .arg(entry.begin)
                              .arg(entry.begin - position));
        if (entry.begin < position)
            corruptTensor(m_path, entry.info.name,
                          QStringLiteral("its data [%1, %2] overlaps the previous tensor, which "
                                         "ends at %3")
                              .arg(entry.begin)
                              .arg(entry.end)
                              .arg(position));
        position = entry.end;
    }
    if (position != dataSize)
        corrupt(m_path, QStringLiteral("%1 trailing bytes follow the last tensor (the data is %2 "
                                       "bytes, the tensors end at %3)")
                            .arg(dataSize - position)
                            .arg(dataSize)
                            .arg(position));

    m_tensors.reserve(entries.size());
    m_offsets.reserve(entries.size());
    for (const Entry &entry : entries) {
        m_index.insert(entry.info.name, m_tensors.size());
        m_tensors.append(entry.info);
        m_offsets.append(dataStart + entry.begin);
    }
}

int SafetensorsFile::indexOf(const QString &name) const {
    const int index = m_index.value(name, -1);
    if (index < 0)
        throw Error(
            QStringLiteral("%1: there is no tensor named '%2' in this file.").arg(m_path, name));
    return index;
}

const TensorInfo *SafetensorsFile::find(const QString &name) const {
    const auto it = m_index.constFind(name);
    return it == m_index.constEnd() ? nullptr : &m_tensors.at(it.value());
}

const uchar *SafetensorsFile::data(const QString &name) const {
    return m_file->data() + m_offsets.at(indexOf(name));
}

QByteArray SafetensorsFile::raw(const QString &name) const {
    const int index = indexOf(name);
    QByteArray bytes(reinterpret_cast<const char *>(m_file->data() + m_offsets.at(index)),
                     static_cast<qsizetype>(m_tensors.at(index).byteSize));
    m_file->release(qint64(m_offsets.at(index)), qint64(m_tensors.at(index).byteSize));
    return bytes;
}

std::vector<float> SafetensorsFile::readFloat32(const QString &name) const {
    const int index = indexOf(name);
    const TensorInfo &info = m_tensors.at(index);
    std::vector<float> values(static_cast<std::size_t>(info.elementCount()));
    convertToFloat32(m_file->data() + m_offsets.at(index), info.dtype, values.size(),
                     values.data());
    m_file->release(qint64(m_offsets.at(index)), qint64(info.byteSize));
    return values;
}

std::vector<float> SafetensorsFile::readFloat32Range(const QString &name, qint64 first,
                                                     qint64 count) const {
    const int index = indexOf(name);
    const TensorInfo &info = m_tensors.at(index);
    requireElementRange(info, first, count, m_path);
    std::vector<float> values(static_cast<std::size_t>(count));
    const qint64 width = dtypeSize(info.dtype);
    const qint64 offset = qint64(m_offsets.at(index)) + first * width;
    convertToFloat32(m_file->data() + offset, info.dtype, values.size(), values.data());
    m_file->release(offset, count * width);
    return values;
}

} // namespace nwc
