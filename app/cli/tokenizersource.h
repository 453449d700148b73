#pragma once
// What `nwc tokenize` tokenizes with: a MODEL's tokenizer, or a tokenizer given on its own.

#include "text/tokenizer.h"

#include <QString>
#include <memory>

namespace nwc::cli {

/// An opened tokenizer and where it came from.
struct TokenizerSource {
    std::unique_ptr<Tokenizer> tokenizer;
    /// The tokenizer file or folder that was loaded.
    QString path;
    /// The MODEL it belongs to; empty when `spec` was a tokenizer.
    QString model;
};

/// Opens `spec` as a model when it is one and as a tokenizer otherwise:
///  - demo:NAME, .safetensors, .nwc, config.json, *.safetensors.index.json, pickles (refused
///    with their message), and folders holding *.safetensors weights are models: their
///    tokenizer is `tokenizerOption`, or the one found beside them, loaded as the model's
///    evaluation loads it (loadCheckpointTokenizer);
///  - a .bin is tried as a llama2.c tokenizer first when its name starts with "tok", else as a
///    llama2.c checkpoint first, then as the other; when both fail, the first error is thrown;
///  - anything else (tokenizer.json, tokenizer.model, vocab.json, a folder with a tokenizer
///    and no weights) goes to Tokenizer::load.
/// Throws nwc::Error naming the file and what to do.
TokenizerSource openTokenizerSource(const QString &spec, const QString &tokenizerOption);

} // namespace nwc::cli
