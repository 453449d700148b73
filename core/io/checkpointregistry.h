#pragma once
// The checkpoint formats a program can open. Torch-free.

#include "io/checkpointopener.h"

#include <QString>
#include <QVector>
#include <memory>
#include <mutex>
#include <vector>

class QFileInfo;

namespace nwc {

/// The formats Checkpoint::open chooses from. io registers its own (Hugging Face directory,
/// .safetensors file, llama2.c) when the registry is first used; other libraries add theirs
/// (core/codec adds .nwc through registerCodecFormats()). Thread-safe; openers live as long as
/// the program.
class CheckpointRegistry {
public:
    /// The program's registry, created with io's formats on first use.
    static CheckpointRegistry &instance();

    /// A registry holding only io's own formats (for tests).
    CheckpointRegistry();
    CheckpointRegistry(const CheckpointRegistry &) = delete;
    CheckpointRegistry &operator=(const CheckpointRegistry &) = delete;

    /// Adds `opener` after the formats registered before it. Returns false (and drops it) when
    /// a format with the same id is registered already.
    bool add(std::unique_ptr<CheckpointOpener> opener);
    /// The registered formats, in registration order.
    QVector<const CheckpointOpener *> formats() const;
    /// The format with this id, or null.
    const CheckpointOpener *find(const QString &id) const;
    /// The surest format for `path` (see Recognition), or null when none recognizes it.
    const CheckpointOpener *formatFor(const QFileInfo &path) const;

private:
    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<CheckpointOpener>> m_openers;
};

} // namespace nwc
