#pragma once
// One kind of checkpoint on disk (a model directory, a .safetensors file, a llama2.c file, a .nwc
// container), behind a small interface so that io knows no format it does not implement itself.
// Torch-free.

#include "io/checkpoint.h"

#include <QString>

class QFileInfo;

namespace nwc {

/// How surely an opener recognizes a path. When several recognize it, the surest wins; among
/// equally sure ones, the one registered first.
enum class Recognition {
    /// Not this format.
    No,
    /// The file name suggests this format, but the name is also used by others (.bin).
    Likely,
    /// The name is specific to this format, or the file starts with its signature.
    Certain,
};

/// Recognizes and opens one checkpoint format. Implementations are stateless and shared
/// between threads; register them with CheckpointRegistry.
class CheckpointOpener {
public:
    virtual ~CheckpointOpener() = default;

    /// Short stable identifier ("hf-directory", "safetensors", "llama2c", "nwc").
    virtual QString id() const = 0;
    /// What a user opens with it, completing "Open ..." ("a llama2.c .bin file").
    virtual QString description() const = 0;
    /// Whether `path` (an existing file or directory) is of this format. Looks at the name and
    /// at most the first bytes of the file.
    virtual Recognition recognize(const QFileInfo &path) const = 0;
    /// Opens `path`; `spec` is what the user gave (the checkpoint's source). Throws nwc::Error.
    virtual CheckpointPtr open(const QFileInfo &path, const QString &spec) const = 0;
};

} // namespace nwc
