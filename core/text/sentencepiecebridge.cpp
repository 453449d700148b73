#include "text/sentencepiecebridge.h"

#include "jobs/error.h"
#include "jobs/installpaths.h"
#include "text/spmbridge/spmbridge.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLibrary>
#include <QMutex>

namespace nwc {
namespace {

/// The bridge's entry points, resolved once per process.
struct BridgeApi {
    QString path;
    QString error;
    /// The loaded module. Never unloaded nor deleted: it lives as long as the process (held
    /// here, in static storage, so that leak checkers see it as reachable).
    QLibrary *library = nullptr;
    decltype(&nwcSpmLoad) load = nullptr;
    decltype(&nwcSpmFree) free = nullptr;
    decltype(&nwcSpmPieceSize) pieceSize = nullptr;
    decltype(&nwcSpmIdToPiece) idToPiece = nullptr;
    decltype(&nwcSpmScore) score = nullptr;
    decltype(&nwcSpmFlags) flags = nullptr;
    decltype(&nwcSpmBosId) bosId = nullptr;
    decltype(&nwcSpmEosId) eosId = nullptr;
    decltype(&nwcSpmEncode) encode = nullptr;
    decltype(&nwcSpmDecode) decode = nullptr;
};

QStringList candidatePaths() {
    const QString fileName = QStringLiteral("libnwc_spm_bridge.so");
    QStringList paths;
    const QString fromEnvironment = qEnvironmentVariable("NWC_SPM_BRIDGE");
    if (!fromEnvironment.isEmpty())
        paths << fromEnvironment;
    for (const QString &folder : moduleDirectories())
        paths << folder + QLatin1Char('/') + fileName;
    if (QCoreApplication::instance())
        paths << QCoreApplication::applicationDirPath() + QLatin1Char('/') + fileName;
    paths << QStringLiteral(NWC_SPM_BRIDGE_BUILD);
    return paths;
}

template <typename Function> bool resolve(QLibrary &library, const char *name, Function *function) {
    *function = reinterpret_cast<Function>(library.resolve(name));
    return *function != nullptr;
}

const BridgeApi &bridgeApi() {
    static BridgeApi api;
    static QMutex mutex;
    QMutexLocker lock(&mutex);
    if (api.load || !api.error.isEmpty())
        return api;
    QStringList tried;
    for (const QString &path : candidatePaths()) {
        if (!QFileInfo::exists(path)) {
            tried << path;
            continue;
        }
        // Deliberately never unloaded: the module lives as long as the process.
        auto *library = new QLibrary(path);
#if !defined(__SANITIZE_ADDRESS__)
        // AddressSanitizer refuses RTLD_DEEPBIND; under the asan preset SentencePiece therefore
        // only works in programs that do not also load LibTorch's libprotobuf.
        library->setLoadHints(QLibrary::DeepBindHint);
#endif
        if (!library->load()) {
            tried << path + QStringLiteral(" (") + library->errorString() + QLatin1Char(')');
            delete library;
            continue;
        }
        const bool complete = resolve(*library, "nwcSpmLoad", &api.load) &&
                              resolve(*library, "nwcSpmFree", &api.free) &&
                              resolve(*library, "nwcSpmPieceSize", &api.pieceSize) &&
                              resolve(*library, "nwcSpmIdToPiece", &api.idToPiece) &&
                              resolve(*library, "nwcSpmScore", &api.score) &&
                              resolve(*library, "nwcSpmFlags", &api.flags) &&
                              resolve(*library, "nwcSpmBosId", &api.bosId) &&
                              resolve(*library, "nwcSpmEosId", &api.eosId) &&
                              resolve(*library, "nwcSpmEncode", &api.encode) &&
                              resolve(*library, "nwcSpmDecode", &api.decode);
        if (!complete) {
            api.load = nullptr;
            tried << path + QStringLiteral(" (missing entry points)");
            library->unload();
            delete library;
            continue;
        }
        api.library = library;
        api.path = path;
        return api;
    }
    api.error = QStringLiteral("the SentencePiece bridge module could not be loaded (tried %1); "
                               "reinstall NWC Workbench or set NWC_SPM_BRIDGE to "
                               "libnwc_spm_bridge.so")
                    .arg(tried.join(QStringLiteral(", ")));
    return api;
}

void appendBytes(void *context, const char *data, size_t size) {
    static_cast<std::string *>(context)->append(data, size);
}

struct EncodeContext {
    std::vector<int> *ids;
    std::string error;
};

void appendIds(void *context, const int *ids, size_t count) {
    auto *encode = static_cast<EncodeContext *>(context);
    encode->ids->insert(encode->ids->end(), ids, ids + count);
}

void appendEncodeError(void *context, const char *data, size_t size) {
    static_cast<EncodeContext *>(context)->error.append(data, size);
}

struct DecodeContext {
    std::string *text;
    std::string error;
};

void appendDecoded(void *context, const char *data, size_t size) {
    static_cast<DecodeContext *>(context)->text->append(data, size);
}

void appendDecodeError(void *context, const char *data, size_t size) {
    static_cast<DecodeContext *>(context)->error.append(data, size);
}

} // namespace

SentencePieceBridge::SentencePieceBridge(const QString &path) {
    const BridgeApi &api = bridgeApi();
    if (!api.load)
        throw Error(
            QStringLiteral("%1: cannot read SentencePiece models: %2").arg(path, api.error));
    std::string error;
    const QByteArray localPath = QFileInfo(path).absoluteFilePath().toLocal8Bit();
    m_handle = api.load(localPath.constData(), appendBytes, &error);
    if (!m_handle)
        throw Error(QStringLiteral("%1: not a SentencePiece model (%2); pass the model's "
                                   "tokenizer.model or its tokenizer.json")
                        .arg(path, QString::fromStdString(error)));
}

SentencePieceBridge::~SentencePieceBridge() {
    if (m_handle)
        bridgeApi().free(m_handle);
}

int SentencePieceBridge::pieceSize() const {
    return bridgeApi().pieceSize(m_handle);
}

std::string SentencePieceBridge::idToPiece(int id) const {
    std::string piece;
    bridgeApi().idToPiece(m_handle, id, appendBytes, &piece);
    return piece;
}

float SentencePieceBridge::score(int id) const {
    return bridgeApi().score(m_handle, id);
}
bool SentencePieceBridge::isControl(int id) const {
    return bridgeApi().flags(m_handle, id) & 1;
}
bool SentencePieceBridge::isUnknown(int id) const {
    return bridgeApi().flags(m_handle, id) & 2;
}
bool SentencePieceBridge::isByte(int id) const {
    return bridgeApi().flags(m_handle, id) & 4;
}
bool SentencePieceBridge::isUnused(int id) const {
    return bridgeApi().flags(m_handle, id) & 8;
}
int SentencePieceBridge::bosId() const {
    return bridgeApi().bosId(m_handle);
}
int SentencePieceBridge::eosId() const {
    return bridgeApi().eosId(m_handle);
}

QString SentencePieceBridge::encode(const QByteArray &utf8, std::vector<int> *ids) const {
    EncodeContext context{ids, {}};
    if (bridgeApi().encode(m_handle, utf8.constData(), size_t(utf8.size()), appendIds,
                           appendEncodeError, &context) != 0)
        return QString::fromStdString(context.error);
    return QString();
}

QString SentencePieceBridge::decode(const std::vector<int> &ids, std::string *text) const {
    DecodeContext context{text, {}};
    if (bridgeApi().decode(m_handle, ids.data(), ids.size(), appendDecoded, appendDecodeError,
                           &context) != 0)
        return QString::fromStdString(context.error);
    return QString();
}

QString SentencePieceBridge::modulePath() {
    return bridgeApi().path;
}

} // namespace nwc
