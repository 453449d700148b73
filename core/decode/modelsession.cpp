#include "decode/modelsession.h"

#include "jobs/error.h"
#include "lm/languagemodel.h"

#include <algorithm>

namespace nwc {

std::vector<int32_t> encodePrompt(const LanguageModel &model, const QString &prompt) {
    const Tokenizer &tokenizer = model.tokenizer();
    std::vector<int32_t> ids = tokenizer.encode(prompt.toUtf8(), false, false);
    if (model.addsBos())
        ids.insert(ids.begin(), tokenizer.bosId());
    if (ids.empty()) {
        const int32_t start = tokenizer.bosId() >= 0 ? tokenizer.bosId() : tokenizer.eosId();
        if (start < 0)
            throw Error(QStringLiteral("the prompt is empty and the tokenizer has no BOS or EOS "
                                       "token to start from; give a prompt"));
        ids.push_back(start);
    }
    if (int64_t(ids.size()) > model.config().maxPositions)
        throw Error(QStringLiteral("the prompt has %1 tokens but %2 holds at most %3 positions; "
                                   "shorten the prompt")
                        .arg(ids.size())
                        .arg(model.displayName())
                        .arg(model.config().maxPositions));
    return ids;
}

int sharedVocabulary(const LanguageModel &student, const LanguageModel *teacher) {
    int count = std::min(student.tokenizer().vocabSize(), student.config().vocabSize);
    if (teacher)
        count = std::min({count, teacher->tokenizer().vocabSize(), teacher->config().vocabSize});
    return count;
}

ModelSession::ModelSession(const LanguageModel &model, int vocabulary)
    : m_model(&model)
    , m_vocabulary(vocabulary) {}

void ModelSession::feed(const std::vector<int32_t> &ids) {
    torch::NoGradGuard noGrad;
    std::vector<int64_t> wide(ids.begin(), ids.end());
    const torch::Tensor input = torch::tensor(wide, torch::kLong).view({1, int64_t(wide.size())});
    const torch::Tensor logits = m_model->runtime().module()->forward(input, &m_cache);
    m_logits = logits[0][logits.size(1) - 1]
                   .narrow(0, 0, m_vocabulary)
                   .to(torch::kCPU, torch::kFloat)
                   .contiguous();
}

int64_t ModelSession::maxPositions() const {
    return m_model->config().maxPositions;
}

} // namespace nwc
