// Golden test on the committed demo models (resources/demo): the files are complete and share a
// tokenizer, the evaluation data regenerate from the recorded seed, perplexities equal the
// values `nwc train-demo` measured when it trained them (training_report.json, same context and
// stride), the teacher is better than the student on both perplexity and arithmetic, and greedy
// QA outcomes reproduce the recorded run.
#include "analysis/calibrationwindows.h"
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

// QA items re-answered here (all 100 take too long for the default test run).
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

QJsonObject evaluation(const char *model) {
    return report()
        .value(QLatin1String(model))
        .toObject()
        .value(QLatin1String("evaluation"))
        .toObject();
}

/// The settings train-demo measured perplexity with.
PerplexitySettings perplexitySettings() {
    const QJsonObject recorded = evaluation("student");
    PerplexitySettings settings;
    settings.contextLength = recorded.value(QLatin1String("context_length")).toInt();
    settings.stride = recorded.value(QLatin1String("stride")).toInt();
    settings.addBos = recorded.value(QLatin1String("bos")).toBool();
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
        // The demo calibration stream excludes exactly these splits.
        QCOMPARE(seed, quint64(kDemoCorpusSeed));
        QCOMPARE(trainDocuments, kDemoTrainDocuments);
        QCOMPARE(heldoutDocuments, kDemoHeldoutDocuments);
        QCOMPARE(DemoCorpus::qaJsonLines(splits.qa),
                 readFile(demoPath(QStringLiteral("arithmetic_qa.jsonl"))));
    }

    void perplexityMatchesMeasuredValues() {
        const QByteArray heldout = readFile(demoPath(QStringLiteral("heldout.txt")));
        const LanguageModelPtr student = LanguageModel::load(demoPath(QStringLiteral("student")));
        const LanguageModelPtr teacher = LanguageModel::load(demoPath(QStringLiteral("teacher")));
        const PerplexityResult s = evaluatePerplexity(*student, heldout, perplexitySettings());
        const PerplexityResult t = evaluatePerplexity(*teacher, heldout, perplexitySettings());
        qInfo("student perplexity %.6f, teacher perplexity %.6f (context %d, stride %d)",
              s.perplexity, t.perplexity, s.contextLength, s.stride);
        QVERIFY(s.contextLength >= 64);
        QCOMPARE(s.tokensScored, t.tokensScored);
        QCOMPARE(s.tokensScored,
                 qint64(evaluation("student").value(QLatin1String("tokens_scored")).toDouble()));
        QVERIFY(t.perplexity < s.perplexity);
        for (const auto &[name, value] :
             {std::make_pair("student", s.perplexity), std::make_pair("teacher", t.perplexity)}) {
            const double recorded = evaluation(name).value(QLatin1String("perplexity")).toDouble();
            QVERIFY2(qAbs(value / recorded - 1.0) < 1e-3,
                     qPrintable(QStringLiteral("%1: measured %2, recorded %3")
                                    .arg(QLatin1String(name))
                                    .arg(value, 0, 'f', 6)
                                    .arg(recorded, 0, 'f', 6)));
        }
    }

    void teacherIsBetterAtArithmetic() {
        const QJsonObject student = evaluation("student");
        const QJsonObject teacher = evaluation("teacher");
        const int total = teacher.value(QLatin1String("qa_total")).toInt();
        QCOMPARE(student.value(QLatin1String("qa_total")).toInt(), total);
        QVERIFY(total >= 50);
        const int studentCorrect = student.value(QLatin1String("qa_correct")).toInt();
        const int teacherCorrect = teacher.value(QLatin1String("qa_correct")).toInt();
        qInfo("recorded arithmetic accuracy: student %d/%d, teacher %d/%d", studentCorrect, total,
              teacherCorrect, total);
        // "Clearly better": at least ten questions more out of the set.
        QVERIFY(teacherCorrect >= studentCorrect + total / 10);
    }

    void teacherAnswersArithmetic() {
        const QVector<QaItem> qa = loadQaSet(demoPath(QStringLiteral("arithmetic_qa.jsonl")));
        const LanguageModelPtr teacher = LanguageModel::load(demoPath(QStringLiteral("teacher")));
        SamplingSettings greedy;
        greedy.temperature = 0;
        greedy.maxTokens = 64;
        const QJsonArray outcomes =
            evaluation("teacher").value(QLatin1String("qa_outcomes")).toArray();
        int index = 0;
        while (index < outcomes.size() && !outcomes.at(index).toBool())
            ++index;
        QVERIFY(index < qa.size());
        const QaItem &item = qa.at(index);
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
        QVERIFY(correct[1] > correct[0]);
    }
};

QTEST_GUILESS_MAIN(TestDemoModels)
#include "tst_demomodels.moc"
