// Files of the collaborative-decoding benchmark: the HDF5 session (atomic), CSV and JSON.
#include "decode/collabbenchmark.h"

#include "io/h5util.h"
#include "jobs/error.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <cmath>

namespace nwc {

namespace {

const QString kFormat = QStringLiteral("nwc-collab-bench");
constexpr int64_t kVersion = 1;

std::vector<uint8_t> flags(const std::vector<CollabItemResult> &items,
                           bool CollabItemResult::*member) {
    std::vector<uint8_t> values;
    for (const CollabItemResult &item : items)
        values.push_back(item.*member ? 1 : 0);
    return values;
}

std::vector<QString> strings(const std::vector<CollabItemResult> &items,
                             QString CollabItemResult::*member) {
    std::vector<QString> values;
    for (const CollabItemResult &item : items)
        values.push_back(item.*member);
    return values;
}

QJsonArray doubles(const std::vector<double> &values) {
    QJsonArray array;
    for (double value : values)
        array.append(value);
    return array;
}

} // namespace

void saveCollabBench(const CollabBenchResult &result, const QString &path) {
    h5::silenceErrors();
    try {
        h5::AtomicFile atomic(path);
        H5::Group root = atomic.file().openGroup("/");
        const CollabBenchSettings &s = result.settings;
        h5::setAttribute(root, QStringLiteral("format"), kFormat);
        h5::setAttribute(root, QStringLiteral("format_version"), kVersion);
        h5::setAttribute(root, QStringLiteral("student"), s.studentName);
        h5::setAttribute(root, QStringLiteral("teacher"), s.teacherName);
        h5::setAttribute(root, QStringLiteral("data"), s.dataName);
        h5::setAttribute(root, QStringLiteral("prompt_template"), s.promptTemplate);
        h5::setAttribute(root, QStringLiteral("answer_pattern"), s.answerPattern);
        h5::setAttribute(root, QStringLiteral("calibration_fraction"), s.calibrationFraction);
        h5::setAttribute(root, QStringLiteral("max_tokens"), int64_t(s.maxTokens));
        h5::setAttribute(root, QStringLiteral("student_identity"), result.studentIdentity);
        h5::setAttribute(root, QStringLiteral("teacher_identity"), result.teacherIdentity);
        h5::setAttribute(root, QStringLiteral("data_identity"), result.dataIdentity);
        h5::setAttribute(root, QStringLiteral("total_items"), int64_t(result.totalItems));
        h5::setAttribute(root, QStringLiteral("seconds"), result.seconds);
        h5::writeDoubles(root, QStringLiteral("alphas"), s.alphas);
        h5::writeI64(root, QStringLiteral("ns"), std::vector<int64_t>(s.ns.begin(), s.ns.end()));
        h5::writeDoubles(root, QStringLiteral("taus"), s.taus);
        H5::Group items = h5::ensureGroup(root, QStringLiteral("items"));
        const auto &list = result.items;
        h5::setAttribute(items, QStringLiteral("count"), int64_t(list.size()));
        if (!list.empty()) {
            h5::writeU8(items, QStringLiteral("student_correct"),
                        flags(list, &CollabItemResult::studentCorrect));
            h5::writeU8(items, QStringLiteral("teacher_correct"),
                        flags(list, &CollabItemResult::teacherCorrect));
            std::vector<double> entropies;
            std::vector<int64_t> prefixes;
            std::vector<uint8_t> correct;
            std::vector<uint8_t> gated;
            std::vector<int64_t> steered;
            std::vector<int64_t> teacherUsed;
            for (const CollabItemResult &item : list) {
                steered.insert(steered.end(), item.gatedSteeredTokens.begin(),
                               item.gatedSteeredTokens.end());
                teacherUsed.insert(teacherUsed.end(), item.gatedTeacherTokens.begin(),
                                   item.gatedTeacherTokens.end());
                entropies.push_back(item.firstTokenEntropy);
                prefixes.push_back(item.distinctPrefixes);
                correct.insert(correct.end(), item.correct.begin(), item.correct.end());
                gated.insert(gated.end(), item.gatedCorrect.begin(), item.gatedCorrect.end());
            }
            h5::writeDoubles(items, QStringLiteral("first_token_entropy"), entropies);
            h5::writeI64(items, QStringLiteral("distinct_prefixes"), prefixes);
            h5::writeU8(items, QStringLiteral("correct"), correct);
            h5::writeU8(items, QStringLiteral("gated_correct"), gated);
            // Only when every item has them (items resumed from an older session do not).
            if (steered.size() == gated.size() && teacherUsed.size() == gated.size()) {
                h5::writeI64(items, QStringLiteral("gated_steered_tokens"), steered);
                h5::writeI64(items, QStringLiteral("gated_teacher_tokens"), teacherUsed);
            }
            h5::writeStrings(items, QStringLiteral("student_completion"),
                             strings(list, &CollabItemResult::studentCompletion));
            h5::writeStrings(items, QStringLiteral("teacher_completion"),
                             strings(list, &CollabItemResult::teacherCompletion));
            h5::writeStrings(items, QStringLiteral("student_answer"),
                             strings(list, &CollabItemResult::studentAnswer));
            h5::writeStrings(items, QStringLiteral("teacher_answer"),
                             strings(list, &CollabItemResult::teacherAnswer));
        }
        atomic.commit();
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("cannot write the benchmark session %1: %2")
                        .arg(path, h5::errorText(error)));
    }
}

CollabBenchResult loadCollabBench(const QString &path) {
    h5::silenceErrors();
    CollabBenchResult result;
    try {
        H5::H5File file = h5::openReadOnly(path);
        H5::Group root = file.openGroup("/");
        if (!h5::hasAttribute(root, QStringLiteral("format")) ||
            h5::stringAttribute(root, QStringLiteral("format"), path) != kFormat)
            throw Error(
                QStringLiteral("%1 is not a collaborative-benchmark session file").arg(path));
        if (h5::intAttribute(root, QStringLiteral("format_version"), path) != kVersion)
            throw Error(QStringLiteral("%1 has an unsupported format version").arg(path));
        CollabBenchSettings &s = result.settings;
        s.studentName = h5::stringAttribute(root, QStringLiteral("student"), path);
        s.teacherName = h5::stringAttribute(root, QStringLiteral("teacher"), path);
        s.dataName = h5::stringAttribute(root, QStringLiteral("data"), path);
        s.promptTemplate = h5::stringAttribute(root, QStringLiteral("prompt_template"), path);
        // Sessions from before these were recorded: the built-in rule, half for calibration.
        s.answerPattern = h5::hasAttribute(root, QStringLiteral("answer_pattern"))
                              ? h5::stringAttribute(root, QStringLiteral("answer_pattern"), path)
                              : QString();
        if (h5::hasAttribute(root, QStringLiteral("calibration_fraction")))
            s.calibrationFraction =
                h5::doubleAttribute(root, QStringLiteral("calibration_fraction"), path);
        s.maxTokens = int(h5::intAttribute(root, QStringLiteral("max_tokens"), path));
        result.studentIdentity =
            h5::stringAttribute(root, QStringLiteral("student_identity"), path);
        result.teacherIdentity =
            h5::stringAttribute(root, QStringLiteral("teacher_identity"), path);
        result.dataIdentity = h5::stringAttribute(root, QStringLiteral("data_identity"), path);
        result.totalItems = int(h5::intAttribute(root, QStringLiteral("total_items"), path));
        result.seconds = h5::doubleAttribute(root, QStringLiteral("seconds"), path);
        s.alphas = h5::readDoubles(root, QStringLiteral("alphas"), path);
        const std::vector<int64_t> ns = h5::readI64(root, QStringLiteral("ns"), path);
        s.ns.assign(ns.begin(), ns.end());
        s.taus = h5::readDoubles(root, QStringLiteral("taus"), path);
        H5::Group items = file.openGroup("/items");
        const int64_t count = h5::intAttribute(items, QStringLiteral("count"), path);
        if (count > 0) {
            const auto studentCorrect = h5::readU8(items, QStringLiteral("student_correct"), path);
            const auto teacherCorrect = h5::readU8(items, QStringLiteral("teacher_correct"), path);
            const auto entropies =
                h5::readDoubles(items, QStringLiteral("first_token_entropy"), path);
            const auto prefixes = h5::readI64(items, QStringLiteral("distinct_prefixes"), path);
            const auto correct = h5::readU8(items, QStringLiteral("correct"), path);
            const auto gated = h5::readU8(items, QStringLiteral("gated_correct"), path);
            const bool hasShares = h5::exists(items, QStringLiteral("gated_steered_tokens"));
            const auto steered =
                hasShares ? h5::readI64(items, QStringLiteral("gated_steered_tokens"), path)
                          : std::vector<int64_t>();
            const auto teacherUsed =
                hasShares ? h5::readI64(items, QStringLiteral("gated_teacher_tokens"), path)
                          : std::vector<int64_t>();
            const auto studentCompletion =
                h5::readStrings(items, QStringLiteral("student_completion"), path);
            const auto teacherCompletion =
                h5::readStrings(items, QStringLiteral("teacher_completion"), path);
            const auto studentAnswer =
                h5::readStrings(items, QStringLiteral("student_answer"), path);
            const auto teacherAnswer =
                h5::readStrings(items, QStringLiteral("teacher_answer"), path);
            const size_t perItem = s.ns.size() * s.alphas.size();
            const size_t perItemGated = perItem * s.taus.size();
            const size_t n = size_t(count);
            if (studentCorrect.size() != n || teacherCorrect.size() != n || entropies.size() != n ||
                prefixes.size() != n || correct.size() != n * perItem ||
                gated.size() != n * perItemGated || studentCompletion.size() != n ||
                teacherCompletion.size() != n || studentAnswer.size() != n ||
                teacherAnswer.size() != n ||
                (hasShares && (steered.size() != n * perItemGated ||
                               teacherUsed.size() != n * perItemGated)))
                throw Error(QStringLiteral("%1: the per-item datasets do not hold %2 items; the "
                                           "file is corrupt")
                                .arg(path)
                                .arg(count));
            for (size_t i = 0; i < n; ++i) {
                CollabItemResult item;
                item.studentCorrect = studentCorrect[i] != 0;
                item.teacherCorrect = teacherCorrect[i] != 0;
                item.firstTokenEntropy = entropies[i];
                item.distinctPrefixes = int(prefixes[i]);
                item.correct.assign(correct.begin() + std::ptrdiff_t(i * perItem),
                                    correct.begin() + std::ptrdiff_t((i + 1) * perItem));
                item.gatedCorrect.assign(gated.begin() + std::ptrdiff_t(i * perItemGated),
                                         gated.begin() + std::ptrdiff_t((i + 1) * perItemGated));
                if (hasShares) {
                    const auto from = std::ptrdiff_t(i * perItemGated);
                    const auto to = std::ptrdiff_t((i + 1) * perItemGated);
                    item.gatedSteeredTokens.assign(steered.begin() + from, steered.begin() + to);
                    item.gatedTeacherTokens.assign(teacherUsed.begin() + from,
                                                   teacherUsed.begin() + to);
                }
                item.studentCompletion = studentCompletion[i];
                item.teacherCompletion = teacherCompletion[i];
                item.studentAnswer = studentAnswer[i];
                item.teacherAnswer = teacherAnswer[i];
                result.items.push_back(item);
            }
        }
    } catch (const H5::Exception &error) {
        throw Error(QStringLiteral("cannot read the benchmark session %1: %2")
                        .arg(path, h5::errorText(error)));
    }
    summarize(result);
    return result;
}

QByteArray collabBenchCsv(const CollabBenchResult &result) {
    const CollabBenchSettings &s = result.settings;
    const int total = result.testCount; // the figures are on the test split
    QStringList lines{QStringLiteral("kind,n,alpha,tau,correct,total,accuracy")};
    const auto row = [&](const QString &kind, const QString &n, const QString &alpha,
                         const QString &tau, double accuracy) {
        lines << QStringLiteral("%1,%2,%3,%4,%5,%6,%7")
                     .arg(kind, n, alpha, tau)
                     .arg(std::lround(accuracy * total))
                     .arg(total)
                     .arg(accuracy, 0, 'g', 6);
    };
    row(QStringLiteral("student"), QString(), QString(), QString(), result.studentAccuracy);
    row(QStringLiteral("teacher"), QString(), QString(), QString(), result.teacherAccuracy);
    for (size_t n = 0; n < s.ns.size() && n < result.accuracy.size(); ++n) {
        for (size_t a = 0; a < s.alphas.size(); ++a)
            row(QStringLiteral("fixed"), QString::number(s.ns[n]), QString::number(s.alphas[a]),
                QString(), result.accuracy[n][a]);
        for (size_t t = 0; t < s.taus.size(); ++t)
            row(QStringLiteral("gated"), QString::number(s.ns[n]),
                QString::number(s.alphas[size_t(result.bestAlpha[n])]), QString::number(s.taus[t]),
                result.gatedAccuracy[n][t]);
    }
    lines << QString()
          << QStringLiteral("entropy_low,entropy_high,count,student,teacher,n,"
                            "collaborative,gain");
    for (const EntropyBucket &bucket : result.entropyBuckets) {
        for (size_t n = 0; n < s.ns.size(); ++n)
            lines << QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8")
                         .arg(bucket.low, 0, 'g', 6)
                         .arg(bucket.high, 0, 'g', 6)
                         .arg(bucket.count)
                         .arg(bucket.studentAccuracy, 0, 'g', 6)
                         .arg(bucket.teacherAccuracy, 0, 'g', 6)
                         .arg(s.ns[n])
                         .arg(bucket.collaborativeAccuracy[n], 0, 'g', 6)
                         .arg(bucket.gain[n], 0, 'g', 6);
    }
    lines << QString()
          << QStringLiteral("n,chosen_alpha,chosen_tau,gated_accuracy,teacher_share,"
                            "calibration_items,test_items");
    for (size_t n = 0; n < s.ns.size() && n < result.bestTau.size(); ++n)
        lines << QStringLiteral("%1,%2,%3,%4,%5,%6,%7")
                     .arg(s.ns[n])
                     .arg(s.alphas[size_t(result.bestAlpha[n])])
                     .arg(s.taus[size_t(result.bestTau[n])])
                     .arg(result.gatedAccuracy[n][size_t(result.bestTau[n])], 0, 'g', 6)
                     .arg(std::isnan(result.teacherShare[n])
                              ? QString()
                              : QString::number(result.teacherShare[n], 'g', 6))
                     .arg(result.calibrationCount)
                     .arg(result.testCount);
    lines << QString() << QStringLiteral("n,best_alpha,examples");
    for (size_t n = 0; n < result.bestAlphaHistogram.size(); ++n) {
        for (size_t a = 0; a < result.bestAlphaHistogram[n].size(); ++a)
            lines << QStringLiteral("%1,%2,%3")
                         .arg(s.ns[n])
                         .arg(a < s.alphas.size() ? QString::number(s.alphas[a])
                                                  : QStringLiteral("none"))
                         .arg(result.bestAlphaHistogram[n][a]);
    }
    return (lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8();
}

QByteArray collabBenchJson(const CollabBenchResult &result) {
    const CollabBenchSettings &s = result.settings;
    QJsonObject root;
    QJsonObject settings;
    settings[QStringLiteral("student")] = s.studentName;
    settings[QStringLiteral("teacher")] = s.teacherName;
    settings[QStringLiteral("data")] = s.dataName;
    settings[QStringLiteral("prompt_template")] = s.promptTemplate;
    settings[QStringLiteral("answer_pattern")] = s.answerPattern;
    settings[QStringLiteral("calibration_fraction")] = s.calibrationFraction;
    settings[QStringLiteral("alphas")] = doubles(s.alphas);
    QJsonArray ns;
    for (int n : s.ns)
        ns.append(n);
    settings[QStringLiteral("ns")] = ns;
    settings[QStringLiteral("taus")] = doubles(s.taus);
    settings[QStringLiteral("max_tokens")] = s.maxTokens;
    root[QStringLiteral("settings")] = settings;
    root[QStringLiteral("items")] = int(result.items.size());
    root[QStringLiteral("calibration_items")] = result.calibrationCount;
    root[QStringLiteral("test_items")] = result.testCount;
    root[QStringLiteral("total_items")] = result.totalItems;
    root[QStringLiteral("seconds")] = result.seconds;
    root[QStringLiteral("student_accuracy")] = result.studentAccuracy;
    root[QStringLiteral("teacher_accuracy")] = result.teacherAccuracy;
    QJsonArray perN;
    for (size_t n = 0; n < s.ns.size() && n < result.accuracy.size(); ++n) {
        QJsonObject object;
        object[QStringLiteral("n")] = s.ns[n];
        object[QStringLiteral("accuracy")] = doubles(result.accuracy[n]);
        object[QStringLiteral("best_alpha")] = s.alphas[size_t(result.bestAlpha[n])];
        object[QStringLiteral("best_accuracy")] = result.accuracy[n][size_t(result.bestAlpha[n])];
        object[QStringLiteral("gated_accuracy")] = doubles(result.gatedAccuracy[n]);
        object[QStringLiteral("chosen_tau")] = s.taus[size_t(result.bestTau[n])];
        object[QStringLiteral("gated_best_accuracy")] =
            result.gatedAccuracy[n][size_t(result.bestTau[n])];
        object[QStringLiteral("teacher_share")] = std::isnan(result.teacherShare[n])
                                                      ? QJsonValue()
                                                      : QJsonValue(result.teacherShare[n]);
        QJsonArray histogram;
        for (int value : result.bestAlphaHistogram[n])
            histogram.append(value);
        object[QStringLiteral("best_alpha_histogram")] = histogram; // last entry: none
        perN.append(object);
    }
    root[QStringLiteral("per_n")] = perN;
    QJsonArray buckets;
    for (const EntropyBucket &bucket : result.entropyBuckets) {
        QJsonObject object;
        object[QStringLiteral("low")] = bucket.low;
        object[QStringLiteral("high")] = bucket.high;
        object[QStringLiteral("count")] = bucket.count;
        object[QStringLiteral("student_accuracy")] = bucket.studentAccuracy;
        object[QStringLiteral("teacher_accuracy")] = bucket.teacherAccuracy;
        object[QStringLiteral("collaborative_accuracy")] = doubles(bucket.collaborativeAccuracy);
        object[QStringLiteral("gain")] = doubles(bucket.gain);
        buckets.append(object);
    }
    root[QStringLiteral("entropy_buckets")] = buckets;
    QJsonArray items;
    for (const CollabItemResult &item : result.items) {
        QJsonObject object;
        object[QStringLiteral("student_completion")] = item.studentCompletion;
        object[QStringLiteral("teacher_completion")] = item.teacherCompletion;
        object[QStringLiteral("student_answer")] = item.studentAnswer;
        object[QStringLiteral("teacher_answer")] = item.teacherAnswer;
        object[QStringLiteral("student_correct")] = item.studentCorrect;
        object[QStringLiteral("teacher_correct")] = item.teacherCorrect;
        object[QStringLiteral("first_token_entropy")] = item.firstTokenEntropy;
        QJsonArray bestAlphas;
        for (size_t n = 0; n < s.ns.size(); ++n) {
            const int best = perExampleBestAlpha(result, item, int(n));
            bestAlphas.append(best < 0 ? QJsonValue() : QJsonValue(s.alphas[size_t(best)]));
        }
        object[QStringLiteral("best_alpha_per_n")] = bestAlphas;
        items.append(object);
    }
    root[QStringLiteral("per_item")] = items;
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace nwc
