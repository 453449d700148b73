#pragma once
// Shared by the corruption suites: reading a damaged file must either succeed or throw an
// nwc::Error that names the file; anything else (another exception type) is a failure.
#include "jobs/error.h"

#include <QFileInfo>
#include <QStringList>

#include <cstring>
#include <exception>
#include <vector>

namespace nwc::test {

/// Whether two float vectors are bit-identical.
inline bool sameBits(const std::vector<float> &a, const std::vector<float> &b) {
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
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

} // namespace nwc::test
