// Golden test on the committed demo models (resources/demo): the files are complete and share a
// tokenizer, the evaluation data regenerate from the recorded seed, perplexities equal the
// values measured when they were trained (teacher below student), and greedy QA outcomes
// reproduce the recorded run (in which the teacher is NOT better at arithmetic: 18 vs 68 of 100).
#include "lm/evaluator.h"
#include "lm/generator.h"
#include "lm/languagemodel.h"
#include "lm/qabenchmark.h"
#include "text/democorpus.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace nwc;

namespace {

// Measured by `nwc train-demo` (see resources/demo/README.md): held-out perplexity with context
// 128, stride 64, BOS at each window start.
constexpr double kStudentPerplexity = 3.305245902;
constexpr double kTeacherPerplexity = 3.183435900;
// A QA item the teacher answered correctly in that run.
constexpr int kTeacherCorrectItem = 5;
constexpr int kCheckedQaItems = 20;

QString demoPath(const QString &name) {
    return QDir(QStringLiteral(NWC_SOURCE_RESOURCES "/demo")).filePath(name);
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    return file.readAll();
}

QJsonObject report() {
    return QJsonDocument::fromJson(readFile(demoPath(QStringLiteral("training_report.json"))))
        .object();
}

PerplexitySettings perplexitySettings() {
    PerplexitySettings settings;
    settings.contextLength = 128;
    settings.stride = 64;
    settings.addBos = true;
    return settings;
}

} // namespace

class TestDemoModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        for (const QString &model : {QStringLiteral("student"), QStringLiteral("teacher")}) {
            for (const QString &file :
                 {QStringLiteral("config.json"), QStringLiteral("model.safetensors"),
                  QStringLiteral("tokenizer.json"), QStringLiteral("tokenizer_config.json")}) {
                const QString path = demoPath(model + QLatin1Char('/') + file);
                QVERIFY2(QFile::exists(path),
                         qPrintable(path + QStringLiteral(" is missing: run 'nwc train-demo'")));
            }
        }
        QVERIFY(!report().isEmpty());
    }

    void modelsShareTokenizerAndHaveDemoSizes() {
        QCOMPARE(readFile(demoPath(QStringLiteral("student/tokenizer.json"))),
                 readFile(demoPath(QStringLiteral("teacher/tokenizer.json"))));
        const LanguageModelPtr student = LanguageModel::load(demoPath(QStringLiteral("student")));
        const LanguageModelPtr teacher = LanguageModel::load(demoPath(QStringLiteral("teacher")));
        QCOMPARE(student->tokenizer().fingerprint(), teacher->tokenizer().fingerprint());
        QCOMPARE(student->config().bosTokenId, 0);
        QCOMPARE(student->config().eosTokenId, 1);
        QCOMPARE(teacher->config().bosTokenId, 0);
        QCOMPARE(teacher->config().eosTokenId, 1);
        QVERIFY(student->addsBos());
        const qint64 studentParameters = student->config().parameterCount();
        const qint64 teacherParameters = teacher->config().parameterCount();
        QVERIFY2(studentParameters >= 300000 && studentParameters <= 500000,
                 qPrintable(QString::number(studentParameters)));
        QVERIFY2(teacherParameters >= 3000000 && teacherParameters <= 5000000,
                 qPrintable(QString::number(teacherParameters)));
    }

    void evaluationDataRegenerateFromSeed() {
        const QJsonObject json = report();
        const quint64 seed = json.value(QLatin1String("seed")).toString().toULongLong();
        const int trainDocuments = json.value(QLatin1String("train_documents")).toInt();
        const QByteArray heldout = readFile(demoPath(QStringLiteral("heldout.txt")));
        const QVector<QaItem> qa = loadQaSet(demoPath(QStringLiteral("arithmetic_qa.jsonl")));
        const int heldoutDocuments =
            int(QString::fromUtf8(heldout).trimmed().split(QStringLiteral("\n\n")).size());
        const DemoSplits splits =
            DemoCorpus::makeSplits(seed, trainDocuments, heldoutDocuments, int(qa.size()));
        QCOMPARE(DemoCorpus::joinDocuments(splits.heldout), heldout);
        QCOMPARE(DemoCorpus::qaJsonLines(splits.qa),
                 readFile(demoPath(QStringLiteral("arithmetic_qa.jsonl"))));
    }

    void perplexityMatchesMeasuredValues() {
        const QByteArray heldout = readFile(demoPath(QStringLiteral("heldout.txt")));
        const LanguageModelPtr student = LanguageModel::load(demoPath(QStringLiteral("student")));
        const LanguageModelPtr teacher = LanguageModel::load(demoPath(QStringLiteral("teacher")));
        const PerplexityResult s = evaluatePerplexity(*student, heldout, perplexitySettings());
        const PerplexityResult t = evaluatePerplexity(*teacher, heldout, perplexitySettings());
        qInfo("student perplexity %.6f, teacher perplexity %.6f", s.perplexity, t.perplexity);
        QCOMPARE(s.contextLength, 128);
        QCOMPARE(s.stride, 64);
        QCOMPARE(s.tokensScored, t.tokensScored);
        QVERIFY(t.perplexity < s.perplexity);
        QVERIFY2(qAbs(s.perplexity / kStudentPerplexity - 1.0) < 1e-3,
                 qPrintable(QString::number(s.perplexity, 'f', 6)));
        QVERIFY2(qAbs(t.perplexity / kTeacherPerplexity - 1.0) < 1e-3,
                 qPrintable(QString::number(t.perplexity, 'f', 6)));
        // The numbers in the training report are the same measurement.
        const QJsonObject json = report();
        for (const auto &[name, value] :
             {std::make_pair("student", s.perplexity), std::make_pair("teacher", t.perplexity)}) {
            const double recorded = json.value(QLatin1String(name))
                                        .toObject()
                                        .value(QLatin1String("evaluation"))
                                        .toObject()
                                        .value(QLatin1String("perplexity"))
                                        .toDouble();
            QVERIFY2(qAbs(value / recorded - 1.0) < 1e-3, name);
        }
    }

    void teacherAnswersArithmetic() {
        const QVector<QaItem> qa = loadQaSet(demoPath(QStringLiteral("arithmetic_qa.jsonl")));
        const LanguageModelPtr teacher = LanguageModel::load(demoPath(QStringLiteral("teacher")));
        SamplingSettings greedy;
        greedy.temperature = 0;
        greedy.maxTokens = 64;
        const QaItem &item = qa.at(kTeacherCorrectItem);
        QString prompt = DemoCorpus::qaPromptTemplate();
        prompt.replace(QLatin1String("{question}"), item.question);
        const GenerationResult generation = generate(*teacher, prompt, greedy);
        qInfo("%s ->%s", qPrintable(item.question), qPrintable(generation.completion));
        QVERIFY(generation.stoppedAtEos);
        QCOMPARE(extractAnswer(generation.completion), item.answer);
        QVERIFY(generation.completion.endsWith(QStringLiteral("The answer is ") + item.answer +
                                               QLatin1Char('.')));
    }

    void qaOutcomesMatchRecordedRun() {
        const QVector<QaItem> qa =
            loadQaSet(demoPath(QStringLiteral("arithmetic_qa.jsonl"))).mid(0, kCheckedQaItems);
        const QJsonObject json = report();
        int correct[2] = {0, 0};
        int index = 0;
        for (const char *name : {"student", "teacher"}) {
            const LanguageModelPtr model = LanguageModel::load(demoPath(QString::fromLatin1(name)));
            const QaResult result = evaluateQa(*model, qa, DemoCorpus::qaPromptTemplate(), 64);
            const QJsonArray recorded = json.value(QLatin1String(name))
                                            .toObject()
                                            .value(QLatin1String("evaluation"))
                                            .toObject()
                                            .value(QLatin1String("qa_outcomes"))
                                            .toArray();
            for (int i = 0; i < qa.size(); ++i)
                QCOMPARE(result.outcomes.at(i).correct, recorded.at(i).toBool());
            correct[index++] = result.correct;
        }
        qInfo("first %d QA items: student %d correct, teacher %d correct", kCheckedQaItems,
              correct[0], correct[1]);
        QVERIFY(correct[0] + correct[1] > 0);
    }
};

QTEST_GUILESS_MAIN(TestDemoModels)
#include "tst_demomodels.moc"
