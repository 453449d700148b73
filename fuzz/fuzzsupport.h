#pragma once
// Shared by the fuzz targets (fuzz_*.cpp): inputs a parser reads from a path go through a
// per-process temporary file, and the only exception a damaged input may raise is nwc::Error.
// Anything else (a crash, a sanitizer report, another exception type, a hang, a huge
// allocation) is a finding.

#include "jobs/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace nwc::fuzz {

/// Largest whole-file input the checkpoint targets read; larger inputs are ignored, since the
/// header rules are exercised by small files.
constexpr size_t kMaxCheckpointInputBytes = 1 << 20;

/// The input as a QByteArray that views `data` (no copy; valid while `data` is).
inline QByteArray inputBytes(const uint8_t *data, size_t size) {
    return QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
}

/// Writes `size` bytes to `fileName` inside a folder private to this process (in /dev/shm when
/// it is writable, so the file never touches a disk) and returns its path. The same path is
/// reused for every input; the folder is removed when the process exits.
inline QString writeInput(const uint8_t *data, size_t size, const QString &fileName) {
    static const std::unique_ptr<QTemporaryDir> folder = [] {
        const QString shm = QStringLiteral("/dev/shm");
        const QString base = QFileInfo(shm).isWritable() ? shm : QDir::tempPath();
        auto created = std::make_unique<QTemporaryDir>(base + QStringLiteral("/nwc-fuzz-XXXXXX"));
        if (!created->isValid()) {
            std::fprintf(stderr, "fuzz: cannot create a temporary folder in %s\n",
                         qPrintable(base));
            std::abort();
        }
        return created;
    }();
    const QString path = folder->filePath(fileName);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size)) {
        std::fprintf(stderr, "fuzz: cannot write %s\n", qPrintable(path));
        std::abort();
    }
    return path;
}

/// Runs `body`, swallowing nwc::Error (the documented outcome for a damaged file). Other
/// exceptions propagate, so libFuzzer reports them as crashes.
template <typename Body> void expectOnlyNwcErrors(Body body) {
    try {
        body();
    } catch (const Error &) {
    }
}

/// Stops the process with `message` when `condition` is false (a violated property is a finding).
inline void require(bool condition, const char *message) {
    if (!condition) {
        std::fprintf(stderr, "fuzz: property violated: %s\n", message);
        std::abort();
    }
}

} // namespace nwc::fuzz
