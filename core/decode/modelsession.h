#pragma once
// Core-internal (includes torch): one model's KV cache and next-token logits, fed one token at a
// time. Copies share the cached tensors; the cache grows by concatenation (new tensors), so a
// copy can be extended independently of its original (used to branch decoding trees).

#include "lm/generator.h"
#include "lm/transformer.h"

#include <QString>
#include <cstdint>
#include <vector>

namespace nwc {

class LanguageModel;

/// Number of token ids both distributions are over: the tokenizer's vocabulary and every given
/// model's embedding, whichever is smallest.
int sharedVocabulary(const LanguageModel &student, const LanguageModel *teacher);

/// Incremental decoding state of one model.
class ModelSession {
public:
    ModelSession(const LanguageModel &model, int vocabulary);
    /// Runs `ids` through the model from the current state.
    void feed(const std::vector<int32_t> &ids);
    void feed(int32_t id) { feed(std::vector<int32_t>{id}); }
    /// Next-token logits after the fed tokens: vocabulary() floats in host memory.
    const float *logits() const { return m_logits.data_ptr<float>(); }
    int vocabulary() const { return m_vocabulary; }
    /// Tokens fed so far.
    int64_t length() const { return m_cache.length; }
    int64_t maxPositions() const;

private:
    const LanguageModel *m_model;
    int m_vocabulary;
    KvCache m_cache;
    torch::Tensor m_logits;
};

} // namespace nwc
