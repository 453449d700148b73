#pragma once
// Shared by the corruption suites: reading a damaged file must either succeed or throw an
// nwc::Error that names the file; anything else (another exception type) is a failure.
#include "jobs/error.h"

#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <QVector>

#include <algorithm>
#include <cstring>
#include <exception>
#include <vector>

namespace nwc::test {

/// A one-layer Llama config.json (8 wide, vocabulary 16) for the damaged checkpoints.
inline constexpr char kTinyLlamaConfigJson[] = R"({
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "hidden_size": 8,
    "intermediate_size": 16,
    "num_attention_heads": 2,
    "num_key_value_heads": 2,
    "num_hidden_layers": 1,
    "vocab_size": 16,
    "max_position_embeddings": 32,
    "rms_norm_eps": 1e-05,
    "rope_theta": 10000,
    "tie_word_embeddings": true
})";

/// Writes `bytes` to `path`, replacing it; false when that fails (for use outside QVERIFY).
inline bool replaceFileBytes(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

/// Whether two float vectors are bit-identical.
inline bool sameBits(const std::vector<float> &a, const std::vector<float> &b) {
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

/// Writes `bytes` to `path` (aborting the test program when it cannot) and returns `path`.
inline QString installBytes(const QString &path, const QByteArray &bytes) {
    if (!replaceFileBytes(path, bytes))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

/// The failure message of a corruption suite: how many cases failed, and the first 20.
inline QString failureReport(const QStringList &failures, int cases) {
    return QStringLiteral("%1 of %2 cases failed:\n").arg(failures.size()).arg(cases) +
           failures.mid(0, 20).join(QLatin1Char('\n'));
}

enum class Outcome { Error, Read };

/// Runs `read(path)` into `snapshot`. Outcome::Error for an nwc::Error naming the file;
/// appends to `failures` (prefixed by `what`) for an error that does not name it or any other
/// exception.
template <typename Snapshot, typename Read>
Outcome attemptRead(const QString &path, const QString &what, const Read &read, Snapshot *snapshot,
                    QStringList *failures) {
    try {
        *snapshot = read(path);
        return Outcome::Read;
    } catch (const Error &error) {
        if (!error.message().contains(path) &&
            !error.message().contains(QFileInfo(path).fileName()))
            failures->append(what + QStringLiteral(": error does not name the file: ") +
                             error.message());
        return Outcome::Error;
    } catch (const std::exception &error) {
        failures->append(what + QStringLiteral(": non-nwc exception: ") +
                         QString::fromLocal8Bit(error.what()));
    } catch (...) {
        failures->append(what + QStringLiteral(": unknown exception"));
    }
    return Outcome::Error;
}

/// Truncation lengths for a file of `size` bytes: 64 evenly spaced ones, the last 16 bytes,
/// and `extra` (the format's own sensitive offsets); sorted, without repeats.
inline QVector<qsizetype> truncationOffsets(qsizetype size, QVector<qsizetype> extra) {
    for (int i = 0; i < 64; ++i)
        extra.append(size * i / 64);
    for (qsizetype o = std::max<qsizetype>(0, size - 16); o < size; ++o)
        extra.append(o);
    std::sort(extra.begin(), extra.end());
    extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
    return extra;
}

/// Installs every truncation of `original` at `path` and reads it with `read`; each one must
/// fail with an nwc::Error naming the file. Returns the failures.
template <typename Snapshot, typename Read>
QStringList truncationFailures(const QString &path, const QByteArray &original,
                               const QVector<qsizetype> &offsets, const Read &read) {
    QStringList failures;
    for (qsizetype offset : offsets) {
        const QString what =
            QStringLiteral("truncated to %1 of %2 bytes").arg(offset).arg(original.size());
        Snapshot snapshot;
        if (attemptRead(installBytes(path, original.left(offset)), what, read, &snapshot,
                        &failures) == Outcome::Read)
            failures.append(what + QStringLiteral(": read without an error"));
    }
    return failures;
}

/// `bytes` with bit `bit` of byte `at` flipped.
inline QByteArray withBitFlipped(QByteArray bytes, qsizetype at, int bit) {
    bytes[at] = char(bytes[at] ^ (1 << bit));
    return bytes;
}

} // namespace nwc::test
