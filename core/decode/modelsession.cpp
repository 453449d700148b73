#include "decode/modelsession.h"

#include "compute/torchcompute.h"
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
    const torch::Tensor logits =
        m_model->runtime().module()->forward(hostTokenRow(ids), &m_cache, 1);
    m_logits = toHost(logits[0][0].narrow(0, 0, m_vocabulary), torch::kFloat32);
}

int64_t ModelSession::maxPositions() const {
    return m_model->config().maxPositions;
}

} // namespace nwc
