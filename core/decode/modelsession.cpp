#include "decode/modelsession.h"

#include "jobs/error.h"
#include "lm/languagemodel.h"

#include <algorithm>

namespace nwc {

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
