#pragma once
// Writing a runtime model as a Hugging Face directory. Core-internal header.

#include <QString>

namespace nwc {

class TransformerImpl;

/// Writes a module as a HF directory: config.json, model.safetensors (float32) and, when
/// given, a copy of the tokenizer: a *.json file as tokenizer.json (vocab.json keeps its name and
/// brings merges.txt along), any other tokenizer file under its own name. Atomic per file;
/// throws nwc::Error naming the path that could not be read or written.
void saveHuggingFaceDirectory(const TransformerImpl &model, const QString &directory,
                              const QString &tokenizerJsonPath);

} // namespace nwc
