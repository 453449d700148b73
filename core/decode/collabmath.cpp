#include "decode/collabmath.h"

#include "jobs/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nwc {

std::vector<double> logSoftmax(const float *logits, int count) {
    std::vector<double> result(size_t(std::max(count, 0)),
                               -std::numeric_limits<double>::infinity());
    double maxLogit = -std::numeric_limits<double>::infinity();
    for (int i = 0; i < count; ++i) {
        if (!std::isnan(logits[i]))
            maxLogit = std::max(maxLogit, double(logits[i]));
    }
    if (!std::isfinite(maxLogit))
        return result;
    double sum = 0;
    for (int i = 0; i < count; ++i) {
        if (!std::isnan(logits[i]))
            sum += std::exp(double(logits[i]) - maxLogit);
    }
    const double logSum = maxLogit + std::log(sum);
    for (int i = 0; i < count; ++i) {
        if (!std::isnan(logits[i]))
            result[size_t(i)] = double(logits[i]) - logSum;
    }
    return result;
}

std::vector<double> exponentiate(const std::vector<double> &logProbabilities) {
    std::vector<double> result(logProbabilities.size());
    std::transform(logProbabilities.begin(), logProbabilities.end(), result.begin(),
                   [](double value) { return std::exp(value); });
    return result;
}

std::vector<double> mixDistributions(const std::vector<double> &student,
                                     const std::vector<double> &teacher, double alpha) {
    if (student.size() != teacher.size())
        throw Error(QStringLiteral("cannot mix distributions over %1 and %2 tokens")
                        .arg(student.size())
                        .arg(teacher.size()));
    std::vector<double> result(student.size());
    for (size_t i = 0; i < student.size(); ++i)
        result[i] = student[i] + alpha * (teacher[i] - student[i]);
    return result;
}

int32_t argmaxLowest(const std::vector<double> &values) {
    int32_t best = -1;
    for (size_t i = 0; i < values.size(); ++i) {
        if (std::isnan(values[i]))
            continue;
        if (best < 0 || values[i] > values[size_t(best)])
            best = int32_t(i);
    }
    return best < 0 && !values.empty() ? 0 : best;
}

std::vector<TokenScore> topK(const std::vector<double> &values, int k) {
    std::vector<int32_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    const size_t keep = std::min(order.size(), size_t(std::max(k, 0)));
    const auto higher = [&](int32_t a, int32_t b) {
        const double va = std::isnan(values[size_t(a)]) ? -std::numeric_limits<double>::infinity()
                                                        : values[size_t(a)];
        const double vb = std::isnan(values[size_t(b)]) ? -std::numeric_limits<double>::infinity()
                                                        : values[size_t(b)];
        return va > vb || (va == vb && a < b);
    };
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(keep), order.end(), higher);
    std::vector<TokenScore> result;
    result.reserve(keep);
    for (size_t i = 0; i < keep; ++i)
        result.push_back({order[i], values[size_t(order[i])]});
    return result;
}

double entropy(const std::vector<double> &probabilities) {
    double sum = 0;
    for (double p : probabilities) {
        if (p > 0)
            sum -= p * std::log(p);
    }
    return sum;
}

double klDivergence(const std::vector<double> &logP, const std::vector<double> &logQ) {
    if (logP.size() != logQ.size())
        throw Error(QStringLiteral("cannot compare distributions over %1 and %2 tokens")
                        .arg(logP.size())
                        .arg(logQ.size()));
    double sum = 0;
    for (size_t i = 0; i < logP.size(); ++i) {
        const double p = std::exp(logP[i]);
        if (!(p > 0))
            continue;
        if (std::isinf(logQ[i]) && logQ[i] < 0)
            return std::numeric_limits<double>::infinity();
        sum += p * (logP[i] - logQ[i]);
    }
    return std::max(sum, 0.0);
}

double effectiveAlpha(double alpha, bool gated, double studentEntropy, double tau) {
    return gated && studentEntropy < tau ? 0.0 : alpha;
}

int32_t steeredToken(const std::vector<double> &student, const std::vector<double> &teacher,
                     double alpha) {
    return argmaxLowest(mixDistributions(student, teacher, alpha));
}

} // namespace nwc
