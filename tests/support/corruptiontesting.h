#pragma once
// Shared by the corruption suites: reading a damaged file must either succeed or throw an
// nwc::Error that names the file; anything else (another exception type) is a failure.
#include "jobs/error.h"

#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <QTest>
#include <QVector>

#include <algorithm>
#include <cstring>
#include <exception>
#include <random>
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

/// Runs truncationFailures() and fails the current test (with the first failures) unless every
/// truncation was refused. A QVERIFY inside: call it last in the test function.
template <typename Snapshot, typename Read>
void verifyTruncationsRefused(const QString &path, const QByteArray &original,
                              const QVector<qsizetype> &offsets, const Read &read) {
    const QStringList failures = truncationFailures<Snapshot>(path, original, offsets, read);
    QVERIFY2(failures.isEmpty(), qPrintable(failureReport(failures, int(offsets.size()))));
    qInfo("%d truncations", int(offsets.size()));
}

/// What a run of bit flips found.
struct FlipResults {
    QStringList failures;
    int refused = 0; ///< cases read with an nwc::Error naming the file
};

/// Flips `cases` seeded random bits, one per case, in bytes `first`..`last` of `original`,
/// installs each result at `path` and reads it with `read`. A refusal must be an nwc::Error
/// naming the file; a successful read is given to `check`, which returns what is wrong with it
/// (empty when nothing). `describe(at, bit)` names a case in the failures.
template <typename Snapshot, typename Read, typename Describe, typename Check>
FlipResults bitFlipFailures(const QString &path, const QByteArray &original, quint64 seed,
                            qsizetype first, qsizetype last, int cases, const Read &read,
                            const Describe &describe, const Check &check) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<qsizetype> byteAt(first, last);
    std::uniform_int_distribution<int> bitAt(0, 7);
    FlipResults results;
    for (int i = 0; i < cases; ++i) {
        const qsizetype at = byteAt(rng);
        const int bit = bitAt(rng);
        const QString what = describe(at, bit);
        Snapshot got;
        if (attemptRead(installBytes(path, withBitFlipped(original, at, bit)), what, read, &got,
                        &results.failures) == Outcome::Error) {
            ++results.refused;
            continue;
        }
        const QString wrong = check(got);
        if (!wrong.isEmpty())
            results.failures.append(what + QStringLiteral(": ") + wrong);
    }
    return results;
}

} // namespace nwc::test
