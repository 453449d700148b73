#include "io/safetensorswriter.h"

#include "jobs/error.h"

#include <QSaveFile>
#include <QtEndian>
#include <cstdio>
#include <cstring>

namespace nwc {

namespace {

/// JSON string literal for `text`, quotes included.
QByteArray jsonString(const QString &text) {
    QByteArray out;
    out.reserve(text.size() + 2);
    out.append('"');
    for (const char c : text.toUtf8()) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.append('\\');
            out.append(c);
        } else if (byte < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
            out.append(escaped);
        } else {
            out.append(c);
        }
    }
    out.append('"');
    return out;
}

} // namespace

void SafetensorsWriter::setMetadata(const QString &key, const QString &value) {
    for (auto &entry : m_metadata) {
        if (entry.first == key) {
            entry.second = value;
            return;
        }
    }
    m_metadata.append({key, value});
}

void SafetensorsWriter::addTensor(const QString &name, DType dtype, const QVector<qint64> &shape,
                                  const QByteArray &bytes) {
    if (name.isEmpty() || name == QLatin1String("__metadata__"))
        throw Error(
            QStringLiteral("safetensors writer: '%1' cannot be used as a tensor name.").arg(name));
    if (m_names.contains(name))
        throw Error(QStringLiteral("safetensors writer: tensor '%1' was added twice.").arg(name));
    quint64 elements = 1;
    for (qint64 dimension : shape) {
        if (dimension < 0 ||
            __builtin_mul_overflow(elements, static_cast<quint64>(dimension), &elements))
            throw Error(
                QStringLiteral("safetensors writer: tensor '%1' has an invalid shape.").arg(name));
    }
    const quint64 expected = elements * static_cast<quint64>(dtypeSize(dtype));
    if (static_cast<quint64>(bytes.size()) != expected)
        throw Error(QStringLiteral("safetensors writer: tensor '%1' of %2 with %3 elements needs "
                                   "%4 bytes but %5 were given.")
                        .arg(name, dtypeName(dtype))
                        .arg(elements)
                        .arg(expected)
                        .arg(bytes.size()));
    m_names.insert(name, m_tensors.size());
    m_tensors.append({name, dtype, shape, bytes});
}

void SafetensorsWriter::addFloat32(const QString &name, const QVector<qint64> &shape,
                                   const std::vector<float> &values, DType dtype) {
    QByteArray bytes;
    if (dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16) {
        bytes.resize(static_cast<qsizetype>(values.size()) * dtypeSize(dtype));
        convertFromFloat32(values.data(), values.size(), dtype, bytes.data());
    } else {
        throw Error(QStringLiteral("safetensors writer: tensor '%1' cannot be stored as %2 from "
                                   "float values; use F32, F16 or BF16.")
                        .arg(name, dtypeName(dtype)));
    }
    addTensor(name, dtype, shape, bytes);
}

QByteArray safetensorsHeader(const QVector<TensorInfo> &tensors,
                             const std::vector<std::pair<QString, QString>> &metadata) {
    QByteArray json = "{";
    bool first = true;
    if (!metadata.empty()) {
        json += "\"__metadata__\":{";
        for (size_t i = 0; i < metadata.size(); ++i) {
            if (i > 0)
                json += ',';
            json += jsonString(metadata[i].first) + ':' + jsonString(metadata[i].second);
        }
        json += '}';
        first = false;
    }
    quint64 offset = 0;
    for (const TensorInfo &tensor : tensors) {
        if (!first)
            json += ',';
        first = false;
        json += jsonString(tensor.name) + ":{\"dtype\":\"" + dtypeName(tensor.dtype).toLatin1() +
                "\",\"shape\":[";
        for (int i = 0; i < tensor.shape.size(); ++i) {
            if (i > 0)
                json += ',';
            json += QByteArray::number(tensor.shape[i]);
        }
        const quint64 end = offset + tensor.byteSize;
        json += "],\"data_offsets\":[" + QByteArray::number(offset) + ',' +
                QByteArray::number(end) + "]}";
        offset = end;
    }
    json += '}';
    const qsizetype padding = (8 - json.size() % 8) % 8;
    json.append(padding, ' ');
    return json;
}

QByteArray SafetensorsWriter::header() const {
    QVector<TensorInfo> tensors;
    for (const Pending &pending : m_tensors) {
        TensorInfo info;
        info.name = pending.name;
        info.dtype = pending.dtype;
        info.shape = pending.shape;
        info.byteSize = quint64(pending.bytes.size());
        tensors.append(info);
    }
    return safetensorsHeader(
        tensors, std::vector<std::pair<QString, QString>>(m_metadata.begin(), m_metadata.end()));
}

void SafetensorsWriter::write(const QString &path) const {
    const QByteArray json = header();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("%1: cannot create the file (%2). Check that the folder exists "
                                   "and is writable.")
                        .arg(path, file.errorString()));
    char length[8];
    qToLittleEndian<quint64>(static_cast<quint64>(json.size()), length);
    bool ok = file.write(length, 8) == 8 && file.write(json) == json.size();
    for (const Pending &tensor : m_tensors) {
        if (!ok)
            break;
        ok = file.write(tensor.bytes) == tensor.bytes.size();
    }
    if (!ok || !file.commit()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        throw Error(QStringLiteral("%1: writing failed (%2); nothing was written. Check the free "
                                   "disk space and permissions.")
                        .arg(path, reason));
    }
}

} // namespace nwc
