// The collaborative QA benchmark: its shared-prefix tree agrees with CollaborativeDecoder run
// configuration by configuration, the summary follows its documented definitions, a cancelled
// run resumes to the same result as an uninterrupted one, a session refuses other settings, and
// the built-in held-out set is reproducible and disjoint from the demo training questions.
#include "decode/collabbenchmark.h"
#include "decode/collaborativedecoder.h"
#include "decode/heldoutarithmetic.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"
#include "lm/qabenchmark.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace nwc;

namespace {

QString demoFile(const QString &name) {
    return QFileInfo(Checkpoint::resolveSpec(QStringLiteral("demo:teacher"))).dir().filePath(name);
}

/// Cancels when asked to report the start of question `stopAt` + 1.
class CancelAfter : public ProgressSink {
public:
    explicit CancelAfter(int stopAt)
        : m_stopAt(QStringLiteral("question %1/").arg(stopAt + 1)) {}
    void report(double, const QString &message) override {
        if (message.startsWith(m_stopAt))
            m_cancelled = true;
    }
    bool cancelled() const override { return m_cancelled; }

private:
    QString m_stopAt;
    bool m_cancelled = false;
};

QString cut(QString completion) {
    const int next = completion.indexOf(QLatin1String("Question:"));
    if (next >= 0)
        completion.truncate(next);
    return completion;
}

} // namespace

class TestCollabBenchmark : public QObject {
    Q_OBJECT

private:
    LanguageModelPtr m_student;
    LanguageModelPtr m_teacher;
    QVector<QaItem> m_items;

    CollabBenchSettings smallGrid() const {
        CollabBenchSettings settings;
        settings.studentName = QStringLiteral("demo:student");
        settings.teacherName = QStringLiteral("demo:teacher");
        settings.alphas = {-1.0, 0.0, 0.5, 1.0, 2.5};
        settings.ns = {1, 5};
        settings.taus = {0.0, 0.5, 3.0};
        settings.maxTokens = 40;
        return settings;
    }

private Q_SLOTS:
    void initTestCase() {
        m_student = LanguageModel::load(QStringLiteral("demo:student"));
        m_teacher = LanguageModel::load(QStringLiteral("demo:teacher"));
        m_items = loadQaSet(demoFile(QStringLiteral("collab_heldout_qa.jsonl")));
        QVERIFY(m_items.size() >= 200);
    }

    /// Every configuration's verdict equals running CollaborativeDecoder for it. The reference
    /// answer of each question is set to what one configuration extracts, so that verdicts
    /// differ between configurations.
    void agreesWithDecoder() {
        const CollabBenchSettings settings = smallGrid();
        struct Config {
            CollaborativeMode mode;
            double alpha;
            int n;
            double tau;
        };
        std::vector<Config> configs;
        for (int n : settings.ns) {
            for (double alpha : settings.alphas)
                configs.push_back({CollaborativeMode::FixedAlpha, alpha, n, 0});
            for (double alpha : settings.alphas) {
                for (double tau : settings.taus)
                    configs.push_back({CollaborativeMode::GatedAlpha, alpha, n, tau});
            }
        }
        QVector<QaItem> items;
        std::vector<std::vector<QString>> extracted;
        // Per question and configuration: steered tokens and those where the gate was open.
        std::vector<std::vector<std::pair<int, int>>> teacherUse;
        QStringList studentCompletions;
        for (int i = 0; i < 4; ++i) {
            QaItem item = m_items[i];
            const QString prompt = QString(settings.promptTemplate)
                                       .replace(QLatin1String("{question}"), item.question);
            std::vector<QString> answers;
            std::vector<std::pair<int, int>> uses;
            for (const Config &config : configs) {
                CollaborativeSettings decoding;
                decoding.mode = config.mode;
                decoding.alpha = config.alpha;
                decoding.steeredTokens = config.n;
                decoding.tau = config.tau;
                decoding.maxTokens = settings.maxTokens;
                CollaborativeDecoder decoder(m_student, m_teacher, decoding);
                const CollaborativeResult run = decoder.run(prompt);
                answers.push_back(extractAnswer(cut(run.completion)));
                const int steered = std::min(config.n, int(run.steps.size()));
                int open = 0;
                for (int k = 0; k < steered; ++k)
                    open += run.steps[size_t(k)].source == TokenSource::TeacherSteered ? 1 : 0;
                uses.push_back({steered, open});
            }
            teacherUse.push_back(uses);
            // Pick as reference an answer that not every configuration gives, when there is one.
            item.answer = answers[(size_t(i) * 7) % answers.size()];
            for (const QString &answer : answers) {
                if (answer != answers[0] && i % 2 == 1)
                    item.answer = answer;
            }
            items.append(item);
            extracted.push_back(answers);
        }
        const CollabBenchResult result =
            runCollabBenchmark(*m_student, *m_teacher, items, settings);
        QCOMPARE(int(result.items.size()), 4);
        const size_t alphas = settings.alphas.size();
        const size_t taus = settings.taus.size();
        const QaResult student = evaluateQa(*m_student, items, settings.promptTemplate, 40);
        const QaResult teacher = evaluateQa(*m_teacher, items, settings.promptTemplate, 40);
        for (int i = 0; i < 4; ++i) {
            const CollabItemResult &item = result.items[size_t(i)];
            QCOMPARE(item.studentCompletion, student.outcomes[i].completion);
            QCOMPARE(item.teacherCompletion, teacher.outcomes[i].completion);
            QCOMPARE(item.studentCorrect, student.outcomes[i].correct);
            QCOMPARE(item.teacherCorrect, teacher.outcomes[i].correct);
            size_t c = 0;
            for (size_t n = 0; n < settings.ns.size(); ++n) {
                for (size_t a = 0; a < alphas; ++a, ++c) {
                    const bool expected = !extracted[size_t(i)][c].isEmpty() &&
                                          extracted[size_t(i)][c] == items[i].answer;
                    QCOMPARE(bool(item.correct[n * alphas + a]), expected);
                }
                for (size_t a = 0; a < alphas; ++a) {
                    for (size_t t = 0; t < taus; ++t, ++c) {
                        const bool expected = !extracted[size_t(i)][c].isEmpty() &&
                                              extracted[size_t(i)][c] == items[i].answer;
                        const size_t index = (n * alphas + a) * taus + t;
                        QCOMPARE(bool(item.gatedCorrect[index]), expected);
                        QCOMPARE(int(item.gatedSteeredTokens[index]),
                                 teacherUse[size_t(i)][c].first);
                        QCOMPARE(int(item.gatedTeacherTokens[index]),
                                 teacherUse[size_t(i)][c].second);
                    }
                }
            }
        }
    }

    void summary() {
        CollabBenchResult result;
        result.settings.alphas = {-1.0, 0.0, 1.0, 2.0};
        result.settings.ns = {1};
        result.settings.taus = {0.0, 1.0};
        result.settings.calibrationFraction = 0; // choose and report on all four
        const auto item = [](bool student, std::vector<uint8_t> correct, double entropy) {
            CollabItemResult value;
            value.studentCorrect = student;
            value.correct = std::move(correct);
            value.gatedCorrect = {1, 1, 1, 1, 1, 0, 1, 1}; // [alpha][tau]
            value.firstTokenEntropy = entropy;
            return value;
        };
        result.items = {item(true, {0, 1, 1, 0}, 0.1), item(false, {0, 0, 1, 1}, 0.2),
                        item(false, {1, 0, 0, 1}, 0.3), item(false, {0, 0, 0, 0}, 0.4)};
        result.totalItems = 4;
        summarize(result);
        QCOMPARE(result.studentAccuracy, 0.25);
        QCOMPARE(result.accuracy[0], (std::vector<double>{0.25, 0.25, 0.5, 0.5}));
        // alpha 1 and 2 tie at 2/4: the smaller |alpha| wins.
        QCOMPARE(result.bestAlpha[0], 2);
        // Gated at alpha 1 (index 2): tau 0 -> 4/4, tau 1 -> 0/4 ... per item {1, 0}.
        QCOMPARE(result.gatedAccuracy[0], (std::vector<double>{1.0, 0.0}));
        QCOMPARE(result.bestTau[0], 0);
        // Per-example best alpha (the smallest |alpha| that is correct): 0, 1, -1, none.
        QCOMPARE(perExampleBestAlpha(result, result.items[0], 0), 1);
        QCOMPARE(perExampleBestAlpha(result, result.items[1], 0), 2);
        QCOMPARE(perExampleBestAlpha(result, result.items[2], 0), 0);
        QCOMPARE(perExampleBestAlpha(result, result.items[3], 0), -1);
        QCOMPARE(result.bestAlphaHistogram[0], (std::vector<int>{1, 1, 1, 0, 1}));
        QCOMPARE(int(result.entropyBuckets.size()), 4);
        int counted = 0;
        for (const EntropyBucket &bucket : result.entropyBuckets)
            counted += bucket.count;
        QCOMPARE(counted, 4);
        QCOMPARE(result.entropyBuckets[0].gain[0], 0.0); // item 0: student right, alpha 1 right
        QCOMPARE(result.entropyBuckets[1].gain[0], 1.0); // item 1: alpha 1 fixes it
        QCOMPARE(result.entropyBuckets[3].gain[0], 0.0);
    }

    /// Alpha and tau are chosen on the calibration split and every figure is on the test split;
    /// the teacher's share counts the test split's steered tokens at the chosen alpha and tau.
    void calibrationSplit() {
        QVERIFY(isCalibrationQuestion(1, 0.5) && !isCalibrationQuestion(0, 0.5));
        QVERIFY(!isCalibrationQuestion(2, 0.5) && isCalibrationQuestion(3, 0.5));
        int chosen = 0;
        for (int i = 0; i < 100; ++i)
            chosen += isCalibrationQuestion(i, 0.3) ? 1 : 0;
        QCOMPARE(chosen, 30);

        CollabBenchResult result;
        result.settings.alphas = {0.0, 1.0};
        result.settings.ns = {2};
        result.settings.taus = {0.0, 1.0};
        const auto item = [](bool student, std::vector<uint8_t> correct, std::vector<uint8_t> gated,
                             std::vector<uint16_t> open) {
            CollabItemResult value;
            value.studentCorrect = student;
            value.correct = std::move(correct);
            value.gatedCorrect = std::move(gated); // [alpha][tau]
            value.gatedSteeredTokens = {2, 2, 2, 2};
            value.gatedTeacherTokens = std::move(open);
            return value;
        };
        // Even indices test, odd calibration. On calibration alpha 1 wins (2 of 2) and tau 1
        // ties tau 0 (2 of 2): the larger tau is chosen.
        result.items = {item(false, {0, 0}, {0, 0, 0, 0}, {0, 0, 2, 1}),
                        item(false, {0, 1}, {0, 0, 1, 1}, {0, 0, 2, 0}),
                        item(true, {1, 1}, {1, 1, 1, 0}, {0, 0, 2, 2}),
                        item(false, {0, 1}, {0, 0, 1, 1}, {0, 0, 2, 1})};
        result.totalItems = 4;
        summarize(result);
        QCOMPARE(result.calibrationCount, 2);
        QCOMPARE(result.testCount, 2);
        QCOMPARE(result.bestAlpha[0], 1);
        QCOMPARE(result.bestTau[0], 1);
        QCOMPARE(result.studentAccuracy, 0.5);
        QCOMPARE(result.accuracy[0], (std::vector<double>{0.5, 0.5}));
        QCOMPARE(result.gatedAccuracy[0], (std::vector<double>{0.5, 0.0}));
        // Test items 0 and 2 at alpha 1, tau 1: 1 + 2 teacher tokens of 4 steered.
        QCOMPARE(result.teacherShare[0], 0.75);

        // Chosen and reported on all four questions: alpha 1 still wins, tau 0 now does (3 of 4
        // against 2 of 4).
        result.settings.calibrationFraction = 0;
        summarize(result);
        QCOMPARE(result.testCount, 4);
        QCOMPARE(result.gatedAccuracy[0], (std::vector<double>{0.75, 0.5}));
        QCOMPARE(result.bestTau[0], 0);

        // Sessions from before the shares were recorded: no share, not a made-up one.
        for (CollabItemResult &value : result.items) {
            value.gatedSteeredTokens.clear();
            value.gatedTeacherTokens.clear();
        }
        summarize(result);
        QVERIFY(std::isnan(result.teacherShare[0]));
    }

    /// Cancel after 2 of 5 questions, rerun: the same outcome as one uninterrupted run, and the
    /// files round-trip.
    void resume() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("session.h5"));
        CollabBenchSettings settings = smallGrid();
        const QVector<QaItem> items = m_items.mid(10, 5);
        CancelAfter cancel(2);
        QVERIFY_THROWS_EXCEPTION(
            Cancelled, runCollabBenchmark(*m_student, *m_teacher, items, settings, path, &cancel));
        const CollabBenchResult partial = loadCollabBench(path);
        QCOMPARE(int(partial.items.size()), 2);
        QVERIFY(!partial.complete());
        const CollabBenchResult resumed =
            runCollabBenchmark(*m_student, *m_teacher, items, settings, path);
        const CollabBenchResult direct =
            runCollabBenchmark(*m_student, *m_teacher, items, settings);
        QVERIFY(resumed.complete());
        QCOMPARE(resumed.items.size(), direct.items.size());
        for (size_t i = 0; i < direct.items.size(); ++i) {
            QCOMPARE(resumed.items[i].correct, direct.items[i].correct);
            QCOMPARE(resumed.items[i].gatedCorrect, direct.items[i].gatedCorrect);
            QCOMPARE(resumed.items[i].studentCompletion, direct.items[i].studentCompletion);
            QCOMPARE(resumed.items[i].teacherCompletion, direct.items[i].teacherCompletion);
            QCOMPARE(resumed.items[i].firstTokenEntropy, direct.items[i].firstTokenEntropy);
        }
        QCOMPARE(resumed.accuracy, direct.accuracy);
        QCOMPARE(resumed.gatedAccuracy, direct.gatedAccuracy);
        const CollabBenchResult loaded = loadCollabBench(path);
        QCOMPARE(loaded.accuracy, direct.accuracy);
        QCOMPARE(loaded.bestAlphaHistogram, direct.bestAlphaHistogram);
        QCOMPARE(loaded.teacherShare, direct.teacherShare);
        QVERIFY(!std::isnan(loaded.teacherShare[0]));
        QCOMPARE(loaded.testCount + loaded.calibrationCount, 5);
        QVERIFY(collabBenchCsv(loaded).startsWith("kind,n,alpha,tau,correct,total,accuracy\n"));
        QVERIFY(collabBenchJson(loaded).contains("\"per_n\""));

        // Other settings are refused, naming the difference.
        settings.alphas = {0.0, 1.0};
        try {
            runCollabBenchmark(*m_student, *m_teacher, items, settings, path);
            QFAIL("a session with another alpha grid was resumed");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("alpha grid")),
                     qPrintable(error.message()));
        }
        try {
            CollabBenchSettings other = smallGrid();
            other.answerPattern = QStringLiteral("is (\\d+)");
            runCollabBenchmark(*m_student, *m_teacher, items, other, path);
            QFAIL("a session with another answer pattern was resumed");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("answer pattern")),
                     qPrintable(error.message()));
        }
        try {
            runCollabBenchmark(*m_student, *m_teacher, m_items.mid(11, 5), smallGrid(), path);
            QFAIL("a session with other questions was resumed");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("data")), qPrintable(error.message()));
        }
        try {
            runCollabBenchmark(*m_student, *m_student, items, smallGrid(), path);
            QFAIL("a session with another teacher was resumed");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("teacher model")),
                     qPrintable(error.message()));
        }
    }

    void grids() {
        QCOMPARE(parseGrid(QStringLiteral("-1:3:0.25"), QStringLiteral("--alphas")),
                 CollabBenchSettings::defaultAlphas());
        QCOMPARE(parseGrid(QStringLiteral("0, 0.5,2"), QStringLiteral("--alphas")),
                 (std::vector<double>{0, 0.5, 2}));
        QVERIFY_THROWS_EXCEPTION(Error, parseGrid(QStringLiteral("1:0:0.5"), QStringLiteral("x")));
        QVERIFY_THROWS_EXCEPTION(Error, parseGrid(QStringLiteral("a,b"), QStringLiteral("x")));
        QCOMPARE(CollabBenchSettings::defaultAlphas().size(), size_t(17));
        QCOMPARE(CollabBenchSettings::defaultTaus().back(), 2.0);
    }

    /// Each shipped built-in set is what its recipe generates, and none of its questions occurs
    /// in the demo models' training split or in arithmetic_qa.jsonl.
    void heldOutSet_data() {
        QTest::addColumn<QString>("id");
        for (const BuiltInQaSet &set : builtInQaSets())
            QTest::newRow(qPrintable(set.id)) << set.id;
    }
    void heldOutSet() {
        QFETCH(QString, id);
        const BuiltInQaSet &set = builtInQaSet(id);
        const HeldOutArithmeticRecipe &recipe = set.recipe;
        // The recipe names the training run the demo models came from.
        QFile reportFile(demoFile(QStringLiteral("training_report.json")));
        QVERIFY(reportFile.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(reportFile.readAll()).object();
        QCOMPARE(report.value(QLatin1String("seed")).toString().toULongLong(), recipe.trainSeed);
        QCOMPARE(report.value(QLatin1String("train_documents")).toInt(), recipe.trainDocuments);
        const QSet<QString> training =
            demoTrainingQuestions(recipe.trainSeed, recipe.trainDocuments);
        QVERIFY(training.size() > 30000);
        QSet<QString> excluded = training;
        for (const QaItem &item : loadQaSet(demoFile(QStringLiteral("arithmetic_qa.jsonl"))))
            excluded.insert(item.question);
        const QVector<ArithmeticProblem> problems = heldOutArithmetic(recipe, excluded);
        const QVector<QaItem> items = loadQaSet(builtInQaSetPath(set));
        QCOMPARE(int(items.size()), recipe.count);
        QSet<QString> seen;
        for (int i = 0; i < items.size(); ++i) {
            QCOMPARE(items[i].question, problems[i].question);
            QCOMPARE(items[i].answer, QString::number(problems[i].answer));
            QVERIFY(!excluded.contains(items[i].question));
            QVERIFY(!seen.contains(items[i].question));
            seen.insert(items[i].question);
            if (recipe.oneStep)
                QVERIFY(!problems[i].working.contains(QLatin1String("Then")));
        }
        QVERIFY(set.showcaseQuestion >= 0 && set.showcaseQuestion < items.size());
    }

    /// The sets differ in what they ask for; an unknown id names the known ones.
    void builtInSets() {
        QCOMPARE(builtInQaSets().first().id, QStringLiteral("short-answer"));
        QCOMPARE(builtInQaSet(QStringLiteral("short-answer")).promptTemplate,
                 QStringLiteral("Question: {question}\nShort answer:"));
        QCOMPARE(builtInQaSet(QStringLiteral("worked")).promptTemplate,
                 QStringLiteral("Question: {question}\nAnswer:"));
        const BuiltInQaSet &shortSet = builtInQaSet(QStringLiteral("short-answer"));
        const QaItem item{QStringLiteral("q"), QStringLiteral("37")};
        QVERIFY(answersBuiltInQuestion(shortSet, item,
                                       QStringLiteral(" 37. Tom has 40. 40 - 3 = 37.")));
        // The short answer counts, not the working's last number.
        QVERIFY(!answersBuiltInQuestion(shortSet, item, QStringLiteral(" 36. 40 - 3 = 37.")));
        try {
            builtInQaSet(QStringLiteral("gsm8k"));
            QFAIL("no error");
        } catch (const Error &error) {
            QVERIFY(error.message().contains(QLatin1String("short-answer, worked")));
        }
    }
};

QTEST_GUILESS_MAIN(TestCollabBenchmark)
#include "tst_collabbenchmark.moc"
