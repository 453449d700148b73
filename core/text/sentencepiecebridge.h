#pragma once
// Access to libsentencepiece through the bridge module (see text/spmbridge/spmbridge.h for why
// it is isolated): loads libnwc_spm_bridge.so once with RTLD_LOCAL | RTLD_DEEPBIND and wraps one
// SentencePiece model.

#include <QByteArray>
#include <QString>
#include <string>
#include <vector>

namespace nwc {

/// One loaded SentencePiece model. Not copyable.
class SentencePieceBridge {
public:
    /// Loads `path`; throws nwc::Error naming the file (or the missing bridge module).
    explicit SentencePieceBridge(const QString &path);
    ~SentencePieceBridge();
    SentencePieceBridge(const SentencePieceBridge &) = delete;
    SentencePieceBridge &operator=(const SentencePieceBridge &) = delete;

    int pieceSize() const;
    std::string idToPiece(int id) const;
    float score(int id) const;
    bool isControl(int id) const;
    bool isUnknown(int id) const;
    bool isByte(int id) const;
    bool isUnused(int id) const;
    int bosId() const;
    int eosId() const;
    /// Appends the ids of `utf8`; returns an error description, empty on success.
    QString encode(const QByteArray &utf8, std::vector<int> *ids) const;
    /// Decodes `ids` into *text; returns an error description, empty on success.
    QString decode(const std::vector<int> &ids, std::string *text) const;

    /// Where the bridge module was loaded from (empty until first use).
    static QString modulePath();

private:
    void *m_handle = nullptr;
};

} // namespace nwc
