#pragma once
// The probability arithmetic of collaborative decoding (docs/architecture.md, Collaborative
// decoding), as pure functions over plain vectors so that it can be checked against hand-computed
// distributions. Torch-free.

#include <cstdint>
#include <vector>

namespace nwc {

/// One entry of a top-k list: token id and its value (a probability, or a mixed score).
struct TokenScore {
    int32_t id = 0;
    double value = 0;
};

/// Natural-log probabilities of softmax(logits[0..count)), computed in double with the max
/// subtracted; NaN logits get probability 0 (log = -inf).
std::vector<double> logSoftmax(const float *logits, int count);
/// exp of each entry.
std::vector<double> exponentiate(const std::vector<double> &logProbabilities);

/// The collaborative score S = p_s + alpha * (p_t - p_s) for every token. S is not a
/// distribution when alpha lies outside [0, 1] (entries may be negative); it still sums to 1.
/// Throws nwc::Error when the sizes differ.
std::vector<double> mixDistributions(const std::vector<double> &student,
                                     const std::vector<double> &teacher, double alpha);
/// Index of the largest value, the lowest index on ties; NaN never wins; -1 for an empty vector.
int32_t argmaxLowest(const std::vector<double> &values);
/// The k largest values, highest first, lower id first on ties.
std::vector<TokenScore> topK(const std::vector<double> &values, int k);
/// Entropy H(p) = -sum p log p in nats (terms with p = 0 count 0).
double entropy(const std::vector<double> &probabilities);
/// KL(p || q) = sum p (log p - log q) in nats, from log-probabilities (terms with p = 0 count
/// 0; +inf when q = 0 where p > 0).
double klDivergence(const std::vector<double> &logP, const std::vector<double> &logQ);
/// The effective alpha of a steered step: 0 when gated and the student's entropy is below tau,
/// else alpha.
double effectiveAlpha(double alpha, bool gated, double studentEntropy, double tau);
/// The steered token: argmax of mixDistributions(student, teacher, alpha), lowest id on ties.
int32_t steeredToken(const std::vector<double> &student, const std::vector<double> &teacher,
                     double alpha);

} // namespace nwc
