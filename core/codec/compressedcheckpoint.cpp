#include "codec/compressedcheckpoint.h"

#include "io/safetensorswriter.h"

#include "codec/tensordecoder.h"
#include "jobs/error.h"
#include "jobs/memorybudget.h"
#include "jobs/progresssink.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QtEndian>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

namespace nwc {
namespace {

/// Bytes of `values` stored as `dtype` (a float type), little-endian.
QByteArray floatsToBytes(const std::vector<float> &values, DType dtype, const QString &context) {
    QByteArray bytes(qsizetype(values.size()) * dtypeSize(dtype), Qt::Uninitialized);
    if (!convertFromFloat32(values.data(), values.size(), dtype, bytes.data()))
        throw Error(QStringLiteral("%1: original dtype %2 is not a float type (the file is "
                                   "damaged)")
                        .arg(context, dtypeName(dtype)));
    return bytes;
}

/// Rounds values to what `dtype` can hold (F16/BF16), in place.
void roundToDtype(std::vector<float> &values, DType dtype) {
    if (dtype == DType::F16) {
        for (float &v : values)
            v = halfToFloat(floatToHalf(v));
    } else if (dtype == DType::BF16) {
        for (float &v : values)
            v = bf16ToFloat(floatToBf16(v));
    }
}

void writeFileAtomically(const QString &path, const QByteArray &bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(QStringLiteral("%1: cannot write (%2); check the folder's permissions and "
                                   "free space")
                        .arg(path, file.errorString()));
}

/// Creates `directory` and the missing folders above it; unless keep() is called, removes
/// again (when still empty) the folders it created, innermost first.
class CreatedFolders {
public:
    explicit CreatedFolders(const QString &directory) {
        QString path = QDir::cleanPath(QDir(directory).absolutePath());
        while (!path.isEmpty() && !QFileInfo::exists(path)) {
            m_created.push_back(path);
            const QString parent = QFileInfo(path).path();
            if (parent == path)
                break;
            path = parent;
        }
        if (!QDir().mkpath(directory))
            throw Error(QStringLiteral("%1: cannot create the folder; check the path and "
                                       "permissions")
                            .arg(directory));
    }
    ~CreatedFolders() {
        for (const QString &path : m_created)
            QDir().rmdir(path);
    }
    CreatedFolders(const CreatedFolders &) = delete;
    CreatedFolders &operator=(const CreatedFolders &) = delete;
    void keep() { m_created.clear(); }

private:
    std::vector<QString> m_created; ///< innermost first
};

} // namespace

CompressedCheckpoint::CompressedCheckpoint(const QString &path, const QString &source)
    : StoredCheckpoint(source.isEmpty() ? path : source, QFileInfo(path).completeBaseName())
    , m_reader(std::make_unique<NwcReader>(path)) {}

CompressedCheckpoint::~CompressedCheckpoint() = default;

std::shared_ptr<const CompressedCheckpoint> CompressedCheckpoint::open(const QString &path,
                                                                       const QString &source) {
    std::shared_ptr<CompressedCheckpoint> checkpoint(new CompressedCheckpoint(path, source));
    const NwcReader &reader = *checkpoint->m_reader;

    checkpoint->m_configJson = reader.configJson();
    const QString configContext = path + QStringLiteral(" (config_json)");
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(checkpoint->m_configJson, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        throw Error(QStringLiteral("%1: the stored config.json is not a JSON object (%2); the "
                                   "file is damaged, re-export it")
                        .arg(path, parseError.errorString()));
    checkpoint->m_config = ModelConfig::fromJson(document.object(), configContext);

    checkpoint->m_summary = reader.summary();
    const std::vector<QString> codecIds = reader.codecIds();
    int compressedIndex = 0;
    for (const QString &name : reader.order()) {
        TensorInfo info;
        info.name = name;
        if (reader.hasTensor(name)) {
            const NwcTensorSummary &s = checkpoint->m_summary.tensors.at(size_t(compressedIndex++));
            if (s.method == CompressionMethod::Nwc &&
                std::find(codecIds.begin(), codecIds.end(), s.codecId) == codecIds.end())
                throwMissingCodec(path, name, s.codecId, codecIds);
            info.dtype = s.originalDtype;
            info.shape = s.transposed ? QVector<qint64>{s.columns, s.rows}
                                      : QVector<qint64>{s.rows, s.columns};
        } else {
            const PassthroughTensor p = reader.passthroughInfo(name);
            info.dtype = p.dtype;
            info.shape = p.shape;
        }
        info.byteSize = quint64(info.elementCount()) * quint64(dtypeSize(info.dtype));
        checkpoint->appendTensor(info);
    }
    checkpoint->extractTokenizer();
    return checkpoint;
}

void CompressedCheckpoint::extractTokenizer() {
    const std::vector<QString> files = m_reader->tokenizerFileNames();
    if (files.empty())
        return;
    m_tokenizerDirectory =
        std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/nwc-tokenizer-XXXXXX"));
    if (!m_tokenizerDirectory->isValid())
        throw Error(QStringLiteral("%1: cannot create a temporary folder for its tokenizer (%2); "
                                   "check that %3 is writable")
                        .arg(path(), m_tokenizerDirectory->errorString(), QDir::tempPath()));
    for (const QString &name : files)
        writeFileAtomically(m_tokenizerDirectory->filePath(name), m_reader->tokenizerFile(name));
    if (!m_reader->primaryTokenizerFile().isEmpty())
        m_tokenizerPath = m_tokenizerDirectory->filePath(m_reader->primaryTokenizerFile());
}

CompressedTensor CompressedCheckpoint::compressedTensor(const QString &name) const {
    return m_reader->tensor(name);
}

std::shared_ptr<const CodecParameters> CompressedCheckpoint::codecFor(const QString &id) const {
    std::lock_guard<std::mutex> lock(m_codecMutex);
    auto it = m_codecs.find(id);
    if (it == m_codecs.end())
        it = m_codecs.emplace(id, std::make_shared<const CodecParameters>(m_reader->codec(id)))
                 .first;
    return it->second;
}

std::vector<float> CompressedCheckpoint::decode(const QString &name) const {
    const CompressedTensor tensor = m_reader->tensor(name);
    std::shared_ptr<const CodecParameters> codec;
    if (tensor.method == CompressionMethod::Nwc)
        codec = codecFor(tensor.codecId);
    std::vector<float> values = decodeCompressedTensor(tensor, codec.get());
    if (int64_t(values.size()) != tensor.weightCount())
        throw Error(QStringLiteral("%1: tensor '%2' decoded to %3 values instead of %4")
                        .arg(path(), name)
                        .arg(values.size())
                        .arg(tensor.weightCount()));
    roundToDtype(values, tensor.originalDtype);
    return values;
}

std::vector<float> CompressedCheckpoint::readFloat32(const QString &name) const {
    if (m_reader->hasTensor(name))
        return decode(name);
    if (!m_reader->hasPassthrough(name))
        throw Error(
            QStringLiteral("%1: the checkpoint has no tensor named '%2'.").arg(path(), name));
    const PassthroughTensor p = m_reader->passthrough(name);
    std::vector<float> values(size_t(p.bytes.size() / dtypeSize(p.dtype)));
    convertToFloat32(p.bytes.constData(), p.dtype, values.size(), values.data());
    return values;
}

QByteArray CompressedCheckpoint::readRaw(const QString &name) const {
    if (m_reader->hasTensor(name)) {
        const TensorInfo *info = findTensor(name);
        return floatsToBytes(decode(name), info->dtype,
                             QStringLiteral("%1: tensor '%2'").arg(path(), name));
    }
    if (!m_reader->hasPassthrough(name))
        throw Error(
            QStringLiteral("%1: the checkpoint has no tensor named '%2'.").arg(path(), name));
    return m_reader->passthrough(name).bytes;
}

void decompressToDirectory(const CompressedCheckpoint &checkpoint, const QString &directory,
                           bool overwrite, ProgressSink *progress) {
    const QDir dir(directory);
    if (dir.exists()) {
        QStringList shadowing = dir.entryList(
            {QStringLiteral("*.safetensors"), QStringLiteral("*.safetensors.index.json")},
            QDir::Files, QDir::Name);
        shadowing.removeAll(QStringLiteral("model.safetensors"));
        if (!dir.isEmpty() && !overwrite)
            throw Error(QStringLiteral("%1: the folder is not empty; choose an empty or new "
                                       "folder, or pass --force to overwrite its files")
                            .arg(directory));
        if (!shadowing.isEmpty())
            throw Error(QStringLiteral("%1: holds %2, which would be loaded instead of the "
                                       "decompressed model; choose an empty folder")
                            .arg(directory, shadowing.join(QStringLiteral(", "))));
    }
    throwIfCancelled(progress);

    // Streamed: the header is known from the shapes and dtypes, so each tensor is decoded,
    // written and dropped before the next one (peak memory ~ one tensor, not the model). The
    // model goes to a temporary file renamed into place at the end; on a failure or
    // cancellation it is discarded and the folders this call created are removed again.
    const QVector<TensorInfo> &tensors = checkpoint.tensors();
    const QByteArray header = safetensorsHeader(
        tensors, {{QStringLiteral("format"), QStringLiteral("pt")},
                  {QStringLiteral("nwc_source"), QFileInfo(checkpoint.path()).fileName()}});
    CreatedFolders created(directory);
    const QString modelPath = dir.filePath(QStringLiteral("model.safetensors"));
    {
        QSaveFile file(modelPath);
        if (!file.open(QIODevice::WriteOnly))
            throw Error(QStringLiteral("%1: cannot create the file (%2); check the folder's "
                                       "permissions")
                            .arg(modelPath, file.errorString()));
        const auto fail = [&] {
            const QString reason = file.errorString();
            file.cancelWriting();
            throw Error(QStringLiteral("%1: writing failed (%2); nothing was written. Check the "
                                       "free disk space and permissions.")
                            .arg(modelPath, reason));
        };
        char length[8];
        qToLittleEndian<quint64>(quint64(header.size()), length);
        if (file.write(length, 8) != 8 || file.write(header) != header.size())
            fail();
        for (int i = 0; i < tensors.size(); ++i) {
            throwIfCancelled(progress);
            const TensorInfo &info = tensors.at(i);
            reportProgress(progress, double(i) / double(tensors.size() + 1),
                           QStringLiteral("decoding %1 (%2/%3)")
                               .arg(info.name)
                               .arg(i + 1)
                               .arg(tensors.size()));
            const QByteArray bytes = checkpoint.readRaw(info.name);
            if (quint64(bytes.size()) != info.byteSize)
                throw Error(QStringLiteral("%1: tensor '%2' decoded to %3 bytes instead of %4 "
                                           "(the file is damaged)")
                                .arg(checkpoint.path(), info.name)
                                .arg(bytes.size())
                                .arg(info.byteSize));
            if (file.write(bytes) != bytes.size())
                fail();
            // The decoder's temporaries are freed by now, but glibc keeps the pages: its mmap
            // threshold rises to the largest block freed, later blocks of tensor size come
            // from the heap, and the holes between them stay resident, so without this the
            // peak RSS grew with the number of tensors (bench_compress_memory).
            releaseFreedMemory();
        }
        std::vector<std::pair<QString, QByteArray>> tokenizerFiles;
        for (const QString &name : checkpoint.reader().tokenizerFileNames())
            tokenizerFiles.emplace_back(name, checkpoint.reader().tokenizerFile(name));
        throwIfCancelled(progress);
        reportProgress(progress, double(tensors.size()) / double(tensors.size() + 1),
                       QStringLiteral("writing %1").arg(modelPath));
        if (!file.commit())
            fail();
        created.keep();
        writeFileAtomically(dir.filePath(QStringLiteral("config.json")), checkpoint.configJson());
        for (const auto &tokenizerFile : tokenizerFiles)
            writeFileAtomically(dir.filePath(tokenizerFile.first), tokenizerFile.second);
    }
    reportProgress(progress, 1.0, QStringLiteral("wrote %1").arg(directory));
}

} // namespace nwc
