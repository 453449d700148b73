#pragma once
// BOS and EOS of a tokenizer.json tokenizer, decided from the files beside it in the order
// transformers reads them. Torch-free.

#include <QString>
#include <cstdint>
#include <vector>

namespace nwc {

class BpeTokenizer;

/// The ids (-1 = none).
struct SpecialTokenIds {
    int32_t bos = -1;
    int32_t eos = -1;
};

/// Decides BOS and EOS for the tokenizer read from `tokenizerPath`:
/// 1. tokenizer_config.json (`configPath`, may be empty): `bos_token` / `eos_token` as a string
///    or AddedToken object; an explicit null means the model has none (Qwen2/3: no BOS) and
///    ends the search for that token;
/// 2. the post-processor template: the first token it puts before a sequence, the last after;
/// 3. `bos_token_id` / `eos_token_id` (a number or a list) of generation_config.json, then of
///    config.json, beside the tokenizer;
/// 4. an added token with a conventional name: <s>, <|begin_of_text|>, <bos>, <|endoftext|>
///    (and their EOS counterparts) — never a plain vocabulary piece of that spelling.
SpecialTokenIds resolveSpecialTokens(const BpeTokenizer &tokenizer, const QString &tokenizerPath,
                                     const QString &configPath,
                                     const std::vector<int32_t> &templatePrefix,
                                     const std::vector<int32_t> &templateSuffix);

} // namespace nwc
