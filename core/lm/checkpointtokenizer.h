#pragma once
// The tokenizer that goes with a checkpoint, loaded as LanguageModel::load loads it but without
// building the runtime (for `nwc tokenize` and anything else that needs only the text side).
// Torch-free.

#include "io/checkpoint.h"
#include "text/tokenizer.h"

#include <QString>
#include <memory>

namespace nwc {

/// Loads `tokenizerPath`, or when it is empty the tokenizer found beside `checkpoint` (opened
/// from `spec`), with the pre-tokenizer the checkpoint's architecture needs where the file does
/// not name one (vocab.json, encoder.json, a folder). `usedPath`, when given, receives the file
/// or folder that was loaded. Throws nwc::Error when no tokenizer is found (naming the folder
/// searched and --tokenizer) or it cannot be read.
std::unique_ptr<Tokenizer> loadCheckpointTokenizer(const Checkpoint &checkpoint,
                                                   const QString &spec,
                                                   const QString &tokenizerPath,
                                                   QString *usedPath = nullptr);

} // namespace nwc
