// The collaborative-decoding QA benchmark. Per question, the greedy steered prefixes of every
// (alpha, tau) policy form a tree: policies that pick the same token share a node, so the
// student and teacher run once per distinct prefix (KV caches copied at branches), and the
// student's greedy continuation is computed once per distinct prefix of length N.
#include "decode/collabbenchmark.h"

#include "decode/collabmath.h"
#include "decode/modelsession.h"
#include "decode/tokenizercompatibility.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

namespace nwc {

namespace {

/// One way of choosing steered tokens.
struct Policy {
    double alpha = 0;
    bool gated = false;
    double tau = 0;
};

/// A node of the steered-prefix tree.
struct Node {
    std::vector<int32_t> prefix; ///< generated tokens so far
    std::unique_ptr<ModelSession> student;
    std::unique_ptr<ModelSession> teacher;
    bool terminal = false; ///< ended by EOS, maxTokens or the context
};

class ItemRunner {
public:
    ItemRunner(const LanguageModel &student, const LanguageModel &teacher,
               const CollabBenchSettings &settings, ProgressSink *progress)
        : m_student(student)
        , m_teacher(teacher)
        , m_settings(settings)
        , m_progress(progress)
        , m_vocabulary(sharedVocabulary(student, &teacher)) {
        for (double alpha : settings.alphas)
            m_policies.push_back({alpha, false, 0});
        for (double alpha : settings.alphas) {
            for (double tau : settings.taus)
                m_policies.push_back({alpha, true, tau});
        }
        m_maxN =
            settings.ns.empty() ? 0 : *std::max_element(settings.ns.begin(), settings.ns.end());
        const Tokenizer &tokenizer = student.tokenizer();
        m_eos = {tokenizer.eosId(), student.config().eosTokenId};
    }

    CollabItemResult run(const QaItem &item) {
        QString prompt = m_settings.promptTemplate;
        prompt.replace(QLatin1String("{question}"), item.question);
        m_promptIds = encodePrompt(m_student, prompt);
        m_promptBytes = m_student.tokenizer().decodeBytes(m_promptIds, true);
        m_answer = item.answer.trimmed();
        m_continuations.clear();
        m_leaves.assign(m_policies.size() * m_settings.ns.size(), {});
        m_gateOpen.assign(m_policies.size(), {});

        Node root;
        root.student = std::make_unique<ModelSession>(m_student, m_vocabulary);
        root.student->feed(m_promptIds);
        root.teacher = std::make_unique<ModelSession>(m_teacher, m_vocabulary);
        root.teacher->feed(encodePrompt(m_teacher, prompt));

        CollabItemResult result;
        {
            const std::vector<double> p =
                exponentiate(logSoftmax(root.student->logits(), m_vocabulary));
            result.firstTokenEntropy = entropy(p);
        }
        // Teacher alone (greedy, its own cache copy).
        {
            ModelSession teacher = *root.teacher;
            std::vector<int32_t> generated;
            continueGreedy(teacher, generated);
            result.teacherCompletion = completion(generated);
        }
        std::vector<int> all(m_policies.size());
        for (size_t i = 0; i < all.size(); ++i)
            all[i] = int(i);
        std::vector<std::vector<int32_t>> leafPrefixes;
        expand(root, all, leafPrefixes);

        // Continue the deepest prefixes first: shallower continuations often pass through them.
        std::sort(leafPrefixes.begin(), leafPrefixes.end(),
                  [](const auto &a, const auto &b) { return a.size() > b.size(); });
        for (const std::vector<int32_t> &prefix : leafPrefixes)
            finish(prefix);
        const std::vector<int32_t> &alone = finish({});
        result.studentCompletion = completion(alone);
        result.distinctPrefixes = int(leafPrefixes.size());

        result.studentAnswer = extractAnswer(result.studentCompletion, m_settings.answerPattern);
        result.teacherAnswer = extractAnswer(result.teacherCompletion, m_settings.answerPattern);
        result.studentCorrect = isCorrect(result.studentAnswer);
        result.teacherCorrect = isCorrect(result.teacherAnswer);
        const size_t alphas = m_settings.alphas.size();
        const size_t taus = m_settings.taus.size();
        result.correct.assign(m_settings.ns.size() * alphas, 0);
        result.gatedCorrect.assign(m_settings.ns.size() * alphas * taus, 0);
        result.gatedSteeredTokens.assign(result.gatedCorrect.size(), 0);
        result.gatedTeacherTokens.assign(result.gatedCorrect.size(), 0);
        std::map<std::vector<int32_t>, bool> verdicts;
        for (size_t n = 0; n < m_settings.ns.size(); ++n) {
            for (size_t p = 0; p < m_policies.size(); ++p) {
                const std::vector<int32_t> &leaf = m_leaves[p * m_settings.ns.size() + n];
                auto found = verdicts.find(leaf);
                if (found == verdicts.end())
                    found =
                        verdicts
                            .emplace(leaf, isCorrect(extractAnswer(
                                               completion(m_continuations.at(leaf)),
                                               m_settings.answerPattern)))
                            .first;
                const uint8_t value = found->second ? 1 : 0;
                if (p < alphas) {
                    result.correct[n * alphas + p] = value;
                    continue;
                }
                const size_t index = n * alphas * taus + (p - alphas);
                result.gatedCorrect[index] = value;
                const std::vector<uint8_t> &open = m_gateOpen[p];
                const size_t steered =
                    std::min({size_t(m_settings.ns[n]), leaf.size(), open.size()});
                result.gatedSteeredTokens[index] = uint16_t(steered);
                result.gatedTeacherTokens[index] =
                    uint16_t(std::count(open.begin(), open.begin() + long(steered), uint8_t(1)));
            }
        }
        return result;
    }

private:
    bool isEos(int32_t token) const {
        return token >= 0 && (token == m_eos.first || token == m_eos.second);
    }

    bool isCorrect(const QString &extracted) const { return answersMatch(extracted, m_answer); }

    /// Decoded continuation, cut where a new question would begin (as evaluateQa does).
    QString completion(const std::vector<int32_t> &generated) const {
        std::vector<int32_t> all = m_promptIds;
        all.insert(all.end(), generated.begin(), generated.end());
        const QByteArray full = m_student.tokenizer().decodeBytes(all, true);
        QString text = QString::fromUtf8(full.startsWith(m_promptBytes)
                                             ? full.mid(m_promptBytes.size())
                                             : m_student.tokenizer().decodeBytes(generated, true));
        const int nextQuestion = text.indexOf(QLatin1String("Question:"));
        if (nextQuestion >= 0)
            text.truncate(nextQuestion);
        return text;
    }

    /// Whether a sequence with `generated` tokens, the last one `token`, stops here.
    bool stopsAfter(int32_t token, size_t generated, int64_t maxPositions) const {
        const int64_t position = int64_t(m_promptIds.size()) + int64_t(generated) - 1;
        return isEos(token) || int(generated) >= m_settings.maxTokens || position >= maxPositions;
    }

    /// Greedy decoding of `session` appending to `generated` until a stop; `session` has been
    /// fed everything in `generated` already.
    void continueGreedy(ModelSession &session, std::vector<int32_t> &generated) const {
        if (int(generated.size()) >= m_settings.maxTokens)
            return;
        for (;;) {
            throwIfCancelled(m_progress);
            const int32_t token = argmaxLowest(logSoftmax(session.logits(), m_vocabulary));
            generated.push_back(token);
            if (stopsAfter(token, generated.size(), session.maxPositions()))
                return;
            session.feed(token);
        }
    }

    void expand(Node &node, const std::vector<int> &policies,
                std::vector<std::vector<int32_t>> &leafPrefixes) {
        throwIfCancelled(m_progress);
        const int depth = int(node.prefix.size());
        bool leaf = false;
        for (size_t n = 0; n < m_settings.ns.size(); ++n) {
            if (m_settings.ns[n] == depth || (node.terminal && m_settings.ns[n] > depth)) {
                for (int p : policies)
                    m_leaves[size_t(p) * m_settings.ns.size() + n] = node.prefix;
                leaf = true;
            }
        }
        if (leaf) {
            leafPrefixes.push_back(node.prefix);
            m_nodeSessions[node.prefix] = std::make_unique<ModelSession>(*node.student);
        }
        if (node.terminal || depth >= m_maxN)
            return;
        const std::vector<double> pS =
            exponentiate(logSoftmax(node.student->logits(), m_vocabulary));
        const std::vector<double> pT =
            exponentiate(logSoftmax(node.teacher->logits(), m_vocabulary));
        const double hS = entropy(pS);
        std::map<int32_t, std::vector<int>> groups;
        std::map<double, int32_t> byAlpha; // policies with equal alpha_eff pick the same token
        for (int p : policies) {
            const Policy &policy = m_policies[size_t(p)];
            const double alpha = effectiveAlpha(policy.alpha, policy.gated, hS, policy.tau);
            // A policy follows one path: this is its token at position `depth`.
            m_gateOpen[size_t(p)].push_back(alpha != 0.0 ? 1 : 0);
            auto found = byAlpha.find(alpha);
            if (found == byAlpha.end())
                found = byAlpha.emplace(alpha, steeredToken(pS, pT, alpha)).first;
            groups[found->second].push_back(p);
        }
        for (const auto &[token, members] : groups) {
            Node child;
            child.prefix = node.prefix;
            child.prefix.push_back(token);
            child.student = std::make_unique<ModelSession>(*node.student);
            if (stopsAfter(token, child.prefix.size(), node.student->maxPositions()) ||
                node.teacher->length() >= node.teacher->maxPositions()) {
                child.terminal = true;
            } else {
                child.student->feed(token);
                child.teacher = std::make_unique<ModelSession>(*node.teacher);
                child.teacher->feed(token);
            }
            expand(child, members, leafPrefixes);
        }
    }

    /// The full generated sequence that starts with `prefix` and continues with the student
    /// greedily; memoized per prefix.
    const std::vector<int32_t> &finish(const std::vector<int32_t> &prefix) {
        const auto known = m_continuations.find(prefix);
        if (known != m_continuations.end())
            return known->second;
        std::vector<int32_t> generated = prefix;
        const bool ended = !prefix.empty() && stopsAfter(prefix.back(), prefix.size(),
                                                         m_student.config().maxPositions);
        if (!ended) {
            ModelSession session =
                prefix.empty() ? ModelSession(m_student, m_vocabulary) : *m_nodeSessions.at(prefix);
            if (prefix.empty())
                session.feed(m_promptIds);
            // Step by step so that a prefix already finished can be reused.
            for (;;) {
                throwIfCancelled(m_progress);
                const int32_t token = argmaxLowest(logSoftmax(session.logits(), m_vocabulary));
                generated.push_back(token);
                if (stopsAfter(token, generated.size(), session.maxPositions()))
                    break;
                const auto shared = m_continuations.find(generated);
                if (shared != m_continuations.end()) {
                    generated = shared->second;
                    break;
                }
                session.feed(token);
            }
        }
        m_nodeSessions.erase(prefix);
        return m_continuations.emplace(prefix, std::move(generated)).first->second;
    }

    const LanguageModel &m_student;
    const LanguageModel &m_teacher;
    const CollabBenchSettings &m_settings;
    ProgressSink *m_progress;
    int m_vocabulary;
    int m_maxN = 0;
    std::pair<int32_t, int32_t> m_eos;
    std::vector<Policy> m_policies;
    std::vector<int32_t> m_promptIds;
    QByteArray m_promptBytes;
    QString m_answer;
    std::vector<std::vector<int32_t>> m_leaves; ///< [policy][n] -> steered prefix
    /// [policy][position]: whether the gate let the teacher in at that steered position.
    std::vector<std::vector<uint8_t>> m_gateOpen;
    std::map<std::vector<int32_t>, std::unique_ptr<ModelSession>> m_nodeSessions;
    std::map<std::vector<int32_t>, std::vector<int32_t>> m_continuations;
};

QString gridText(const std::vector<double> &values) {
    QStringList parts;
    for (double value : values)
        parts << QString::number(value, 'g', 10);
    return parts.join(QLatin1Char(','));
}

QString gridText(const std::vector<int> &values) {
    QStringList parts;
    for (int value : values)
        parts << QString::number(value);
    return parts.join(QLatin1Char(','));
}

/// spec | tokenizer fingerprint | a probe of the weights (the first-token log-probabilities of a
/// fixed prompt, summed with position weights, 9 significant digits).
QString modelIdentity(const QString &name, const LanguageModel &model, int vocabulary) {
    ModelSession session(model, vocabulary);
    session.feed(encodePrompt(model, QStringLiteral("Question: probe\nAnswer:")));
    const std::vector<double> logP = logSoftmax(session.logits(), vocabulary);
    double probe = 0;
    for (size_t i = 0; i < logP.size(); ++i)
        probe += std::exp(logP[i]) * double(i % 97);
    return QStringLiteral("%1|%2|%3")
        .arg(name, QString::fromLatin1(model.tokenizer().fingerprint().toHex().left(16)),
             QString::number(probe, 'g', 9));
}

QString dataIdentity(const QVector<QaItem> &items, const QString &promptTemplate) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(promptTemplate.toUtf8());
    for (const QaItem &item : items) {
        hash.addData(QByteArrayView("\x1f"));
        hash.addData(item.question.toUtf8());
        hash.addData(QByteArrayView("\x1e"));
        hash.addData(item.answer.trimmed().toUtf8());
    }
    return QString::fromLatin1(hash.result().toHex());
}

/// The first difference between a stored session and the run asked for, or empty.
QString sessionDifference(const CollabBenchResult &stored, const CollabBenchResult &wanted) {
    const auto field = [](const QString &what, const QString &a, const QString &b) {
        return a == b ? QString() : QStringLiteral("%1 (session: %2; now: %3)").arg(what, a, b);
    };
    const CollabBenchSettings &a = stored.settings;
    const CollabBenchSettings &b = wanted.settings;
    for (const QString &difference :
         {field(QStringLiteral("student model"), stored.studentIdentity, wanted.studentIdentity),
          field(QStringLiteral("teacher model"), stored.teacherIdentity, wanted.teacherIdentity),
          field(QStringLiteral("prompt template"), a.promptTemplate, b.promptTemplate),
          field(QStringLiteral("answer pattern"), a.answerPattern, b.answerPattern),
          field(QStringLiteral("data (questions and answers)"), stored.dataIdentity,
                wanted.dataIdentity),
          field(QStringLiteral("alpha grid"), gridText(a.alphas), gridText(b.alphas)),
          field(QStringLiteral("N grid"), gridText(a.ns), gridText(b.ns)),
          field(QStringLiteral("tau grid"), gridText(a.taus), gridText(b.taus)),
          field(QStringLiteral("max tokens"), QString::number(a.maxTokens),
                QString::number(b.maxTokens))}) {
        if (!difference.isEmpty())
            return difference;
    }
    return QString();
}

QString formatDuration(double seconds) {
    const int total = int(std::lround(seconds));
    return total >= 60 ? QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60)
                       : QStringLiteral("%1 s").arg(total);
}

} // namespace

std::vector<double> CollabBenchSettings::defaultAlphas() {
    std::vector<double> values;
    for (int i = -4; i <= 12; ++i)
        values.push_back(i * 0.25);
    return values;
}

std::vector<double> CollabBenchSettings::defaultTaus() {
    std::vector<double> values;
    for (int i = 0; i <= 8; ++i)
        values.push_back(i * 0.25);
    return values;
}

std::vector<double> parseGrid(const QString &text, const QString &option) {
    const auto number = [&](const QString &part) {
        bool ok = false;
        const double value = part.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(value))
            throw Error(QStringLiteral("%1 expects numbers as 'from:to:step' or 'a,b,c', got '%2'")
                            .arg(option, text));
        return value;
    };
    std::vector<double> values;
    const QStringList range = text.split(QLatin1Char(':'));
    if (range.size() == 3) {
        const double from = number(range[0]);
        const double to = number(range[1]);
        const double step = number(range[2]);
        if (!(step > 0) || to < from || (to - from) / step > 10000)
            throw Error(QStringLiteral("%1: the range '%2' needs from <= to and a step > 0")
                            .arg(option, text));
        for (int i = 0; from + i * step <= to + step * 1e-9; ++i)
            values.push_back(std::round((from + i * step) * 1e9) / 1e9);
    } else if (range.size() == 1) {
        for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
            values.push_back(number(part));
    } else {
        throw Error(
            QStringLiteral("%1 expects 'from:to:step' or 'a,b,c', got '%2'").arg(option, text));
    }
    if (values.empty())
        throw Error(QStringLiteral("%1 is empty").arg(option));
    return values;
}

int perExampleBestAlpha(const CollabBenchResult &result, const CollabItemResult &item, int n) {
    const std::vector<double> &alphas = result.settings.alphas;
    int best = -1;
    for (size_t a = 0; a < alphas.size(); ++a) {
        if (!item.correct[size_t(n) * alphas.size() + a])
            continue;
        if (best < 0 || std::abs(alphas[a]) < std::abs(alphas[size_t(best)]) ||
            (std::abs(alphas[a]) == std::abs(alphas[size_t(best)]) && alphas[a] > 0))
            best = int(a);
    }
    return best;
}

bool isCalibrationQuestion(int index, double fraction) {
    return std::floor(double(index + 1) * fraction) > std::floor(double(index) * fraction);
}

void summarize(CollabBenchResult &result) {
    const CollabBenchSettings &settings = result.settings;
    const size_t alphas = settings.alphas.size();
    const size_t taus = settings.taus.size();
    const size_t ns = settings.ns.size();
    const bool split = settings.calibrationFraction > 0;
    std::vector<const CollabItemResult *> calibration;
    std::vector<const CollabItemResult *> test;
    for (size_t i = 0; i < result.items.size(); ++i) {
        const bool chooses = !split || isCalibrationQuestion(int(i), settings.calibrationFraction);
        if (chooses)
            calibration.push_back(&result.items[i]);
        if (!split || !chooses)
            test.push_back(&result.items[i]);
    }
    result.calibrationCount = int(calibration.size());
    result.testCount = int(test.size());
    const double count = double(std::max<size_t>(test.size(), 1));
    int student = 0;
    int teacher = 0;
    result.accuracy.assign(ns, std::vector<double>(alphas, 0.0));
    result.gatedAccuracy.assign(ns, std::vector<double>(taus, 0.0));
    result.bestAlpha.assign(ns, 0);
    result.bestTau.assign(ns, 0);
    result.teacherShare.assign(ns, std::nan(""));
    result.bestAlphaHistogram.assign(ns, std::vector<int>(alphas + 1, 0));
    for (const CollabItemResult *item : test) {
        student += item->studentCorrect ? 1 : 0;
        teacher += item->teacherCorrect ? 1 : 0;
        for (size_t n = 0; n < ns; ++n) {
            for (size_t a = 0; a < alphas; ++a)
                result.accuracy[n][a] += item->correct[n * alphas + a] / count;
            const int best = perExampleBestAlpha(result, *item, int(n));
            ++result.bestAlphaHistogram[n][best < 0 ? alphas : size_t(best)];
        }
    }
    result.studentAccuracy = student / count;
    result.teacherAccuracy = teacher / count;
    for (size_t n = 0; n < ns; ++n) {
        // Choose on the calibration split by counts (not rounded fractions).
        std::vector<int> hits(alphas, 0);
        for (const CollabItemResult *item : calibration)
            for (size_t a = 0; a < alphas; ++a)
                hits[a] += item->correct[n * alphas + a];
        size_t best = 0;
        for (size_t a = 1; a < alphas; ++a) {
            if (hits[a] > hits[best] ||
                (hits[a] == hits[best] &&
                 std::abs(settings.alphas[a]) < std::abs(settings.alphas[best])))
                best = a;
        }
        result.bestAlpha[n] = int(best);
        const size_t gatedBase = (n * alphas + best) * taus;
        std::vector<int> gatedHits(taus, 0);
        for (const CollabItemResult *item : calibration)
            for (size_t t = 0; t < taus; ++t)
                gatedHits[t] += item->gatedCorrect[gatedBase + t];
        size_t chosen = 0;
        for (size_t t = 0; t < taus; ++t) {
            if (gatedHits[t] > gatedHits[chosen] ||
                (gatedHits[t] == gatedHits[chosen] && settings.taus[t] > settings.taus[chosen]))
                chosen = t;
        }
        result.bestTau[n] = int(chosen);
        for (const CollabItemResult *item : test)
            for (size_t t = 0; t < taus; ++t)
                result.gatedAccuracy[n][t] += item->gatedCorrect[gatedBase + t] / count;
        double steered = 0;
        double used = 0;
        bool recorded = !test.empty();
        for (const CollabItemResult *item : test) {
            if (item->gatedSteeredTokens.size() != item->gatedCorrect.size()) {
                recorded = false;
                break;
            }
            steered += item->gatedSteeredTokens[gatedBase + chosen];
            used += item->gatedTeacherTokens[gatedBase + chosen];
        }
        if (recorded)
            result.teacherShare[n] = steered > 0 ? used / steered : 0.0;
    }

    // Quartile buckets of the first-token entropy.
    result.entropyBuckets.clear();
    if (test.empty())
        return;
    std::vector<double> entropies;
    for (const CollabItemResult *item : test)
        entropies.push_back(item->firstTokenEntropy);
    std::sort(entropies.begin(), entropies.end());
    const auto quantile = [&](double q) {
        return entropies[std::min(entropies.size() - 1, size_t(q * double(entropies.size())))];
    };
    const std::vector<double> edges{entropies.front(), quantile(0.25), quantile(0.5),
                                    quantile(0.75), entropies.back()};
    for (size_t b = 0; b + 1 < edges.size(); ++b) {
        EntropyBucket bucket;
        bucket.low = edges[b];
        bucket.high = edges[b + 1];
        bucket.collaborativeAccuracy.assign(ns, 0.0);
        bucket.gain.assign(ns, 0.0);
        const bool last = b + 2 == edges.size();
        int studentHits = 0;
        int teacherHits = 0;
        std::vector<int> collaborativeHits(ns, 0);
        for (const CollabItemResult *item : test) {
            const double h = item->firstTokenEntropy;
            if (h < bucket.low || (last ? h > bucket.high : h >= bucket.high))
                continue;
            ++bucket.count;
            studentHits += item->studentCorrect ? 1 : 0;
            teacherHits += item->teacherCorrect ? 1 : 0;
            for (size_t n = 0; n < ns; ++n)
                collaborativeHits[n] += item->correct[n * alphas + size_t(result.bestAlpha[n])];
        }
        if (bucket.count > 0) {
            bucket.studentAccuracy = double(studentHits) / bucket.count;
            bucket.teacherAccuracy = double(teacherHits) / bucket.count;
            for (size_t n = 0; n < ns; ++n) {
                bucket.collaborativeAccuracy[n] = double(collaborativeHits[n]) / bucket.count;
                bucket.gain[n] = bucket.collaborativeAccuracy[n] - bucket.studentAccuracy;
            }
        }
        result.entropyBuckets.push_back(bucket);
    }
}

CollabBenchResult runCollabBenchmark(const LanguageModel &student, const LanguageModel &teacher,
                                     const QVector<QaItem> &items,
                                     const CollabBenchSettings &settings,
                                     const QString &sessionPath, ProgressSink *progress) {
    if (items.isEmpty())
        throw Error(QStringLiteral("the benchmark has no questions"));
    if (settings.alphas.empty() || settings.ns.empty() || settings.taus.empty() ||
        settings.maxTokens < 1)
        throw Error(QStringLiteral("the benchmark needs at least one alpha, N and tau and max "
                                   "tokens >= 1"));
    for (int n : settings.ns) {
        if (n < 0)
            throw Error(QStringLiteral("N must be >= 0, got %1").arg(n));
    }
    if (!settings.promptTemplate.contains(QLatin1String("{question}")))
        throw Error(QStringLiteral("the prompt template has no {question} placeholder"));
    checkAnswerPattern(settings.answerPattern, QStringLiteral("the answer pattern"));
    if (!(settings.calibrationFraction >= 0 && settings.calibrationFraction < 1))
        throw Error(QStringLiteral("the calibration share must be in [0, 1), got %1")
                        .arg(settings.calibrationFraction));
    requireCompatibleTokenizers(student.tokenizer(), teacher.tokenizer(), settings.studentName,
                                settings.teacherName);
    const int vocabulary = sharedVocabulary(student, &teacher);
    CollabBenchResult result;
    result.settings = settings;
    result.totalItems = int(items.size());
    result.studentIdentity = modelIdentity(settings.studentName, student, vocabulary);
    result.teacherIdentity = modelIdentity(settings.teacherName, teacher, vocabulary);
    result.dataIdentity = dataIdentity(items, settings.promptTemplate);
    if (!sessionPath.isEmpty() && QFileInfo::exists(sessionPath)) {
        CollabBenchResult stored = loadCollabBench(sessionPath);
        const QString difference = sessionDifference(stored, result);
        if (!difference.isEmpty())
            throw Error(QStringLiteral("the session %1 was started with a different %2; use "
                                       "another --session file or delete this one")
                            .arg(sessionPath, difference));
        result.items = std::move(stored.items);
        result.seconds = stored.seconds;
    }

    ItemRunner runner(student, teacher, result.settings, progress);
    QElapsedTimer timer;
    timer.start();
    const int resumedFrom = int(result.items.size());
    double previous = result.seconds;
    for (int i = resumedFrom; i < items.size(); ++i) {
        throwIfCancelled(progress);
        const double elapsed = double(timer.nsecsElapsed()) / 1e9;
        const int doneHere = i - resumedFrom;
        QString message = QStringLiteral("question %1/%2").arg(i + 1).arg(items.size());
        if (doneHere > 0)
            message += QStringLiteral(", ETA %1")
                           .arg(formatDuration(elapsed / doneHere * (items.size() - i)));
        reportProgress(progress, double(i) / items.size(), message);
        result.items.push_back(runner.run(items[i]));
        result.seconds = previous + double(timer.nsecsElapsed()) / 1e9;
        if (!sessionPath.isEmpty())
            saveCollabBench(result, sessionPath);
    }
    result.seconds = previous + double(timer.nsecsElapsed()) / 1e9;
    reportProgress(progress, 1.0, QStringLiteral("done"));
    summarize(result);
    return result;
}

} // namespace nwc
