// End-to-end tests of the `nwc` command-line tool, run as a separate process.
#include "clitesting.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using Run = nwc::test::CliRun;
using nwc::test::runNwc;

QString external(const QString &relative) {
    return QStringLiteral(NWC_EXTERNAL_DIR "/") + relative;
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void helpListsCommands();
    void unknownCommandFails();
    void badInputGivesOneLineError_data();
    void badInputGivesOneLineError();
    void mismatchPrintsDetails();
    void infoJsonOnDemoTeacher();
    void infoTableOnLlama2c();
    void generateAnswersArithmetic();
    void generateGoldenStories260k();
    void evalReportsSettings();
    void idleThreadsSleepUnlessTheUserChose_data();
    void idleThreadsSleepUnlessTheUserChose();
};

void TestCli::helpListsCommands() {
    const Run run = runNwc({QStringLiteral("--help")});
    QCOMPARE(run.exitCode, 0);
    for (const char *command : {"demo", "info", "generate", "eval", "train-demo", "bench"})
        QVERIFY2(run.out.contains(QLatin1String(command)), command);
    for (const char *command : {"info", "generate", "eval", "bench", "demo", "train-demo"}) {
        const Run sub = runNwc({QLatin1String(command), QStringLiteral("--help")});
        QCOMPARE(sub.exitCode, 0);
        QVERIFY2(sub.out.contains(QLatin1String("nwc ") + QLatin1String(command)), command);
    }
}

void TestCli::unknownCommandFails() {
    const Run run = runNwc({QStringLiteral("frobnicate")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.startsWith(QLatin1String("nwc: error: unknown command")));
}

void TestCli::badInputGivesOneLineError_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("missing dir") << QStringList{QStringLiteral("info"),
                                                QStringLiteral("/nonexistent/model")}
                                 << QStringLiteral("/nonexistent/model");
    QTest::newRow("unknown demo") << QStringList{QStringLiteral("info"),
                                                 QStringLiteral("demo:nosuch")}
                                  << QStringLiteral("demo:teacher");
    QTest::newRow("bad number") << QStringList{QStringLiteral("generate"),
                                               QStringLiteral("demo:student"),
                                               QStringLiteral("--max-tokens"),
                                               QStringLiteral("many")}
                                << QStringLiteral("--max-tokens");
    QTest::newRow("missing text") << QStringList{QStringLiteral("eval"),
                                                 QStringLiteral("demo:student"),
                                                 QStringLiteral("--text"),
                                                 QStringLiteral("/nonexistent.txt")}
                                  << QStringLiteral("/nonexistent.txt");
    QTest::newRow("launch of a one-process command")
        << QStringList{QStringLiteral("launch"), QStringLiteral("-n"),
                       QStringLiteral("2"),      QStringLiteral("--"),
                       QStringLiteral("info"),   QStringLiteral("demo:student")}
        << QStringLiteral("'info' does not run as several ranks");
}

void TestCli::badInputGivesOneLineError() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    const Run run = runNwc(arguments);
    QCOMPARE(run.exitCode, 1);
    const QString line = run.err.trimmed().split(QLatin1Char('\n')).last();
    QVERIFY2(line.startsWith(QLatin1String("nwc: error: ")), qPrintable(run.err));
    QVERIFY2(line.contains(mentions), qPrintable(line));
}

void TestCli::mismatchPrintsDetails() {
    // A model larger than the memory the job may use: the one-line error, then its details.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("NWC_MEMORY_LIMIT"), QStringLiteral("4M"));
    const Run run = runNwc({QStringLiteral("generate"), QStringLiteral("demo:teacher"),
                            QStringLiteral("--prompt"), QStringLiteral("2+2=")},
                           environment);
    QCOMPARE(run.exitCode, 1);
    const QStringList lines = run.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY2(lines[0].startsWith(QLatin1String("nwc: error: demo:teacher")) &&
                 lines[0].contains(QLatin1String("needs 14.75 MB")),
             qPrintable(run.err));
    QCOMPARE(lines[2], QStringLiteral("  memory needed: 14.75 MB (14754816 bytes)"));
    QCOMPARE(lines[3], QStringLiteral(
                           "  memory available: 4.19 MB (4194304 bytes), set by NWC_MEMORY_LIMIT"));
}

void TestCli::infoJsonOnDemoTeacher() {
    const Run run =
        runNwc({QStringLiteral("info"), QStringLiteral("demo:teacher"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject root = QJsonDocument::fromJson(run.out.toUtf8()).object();
    QCOMPARE(root.value(QLatin1String("config"))
                 .toObject()
                 .value(QLatin1String("architectures"))
                 .toArray()
                 .first()
                 .toString(),
             QStringLiteral("LlamaForCausalLM"));
    const double parameters = root.value(QLatin1String("parameters")).toDouble();
    QVERIFY2(parameters >= 3e6 && parameters <= 5e6, qPrintable(QString::number(parameters)));
    QVERIFY(root.value(QLatin1String("tensors")).toArray().size() > 10);
    QVERIFY(root.value(QLatin1String("tokenizer"))
                .toObject()
                .value(QLatin1String("vocab_size"))
                .toInt() > 256);
}

void TestCli::infoTableOnLlama2c() {
    const QString model = external(QStringLiteral("llama2c-stories260K/stories260K.bin"));
    if (!QFile::exists(model))
        QSKIP("../shared/external/llama2c-stories260K is not available");
    const Run run = runNwc({QStringLiteral("info"), model});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains(QLatin1String("LlamaForCausalLM")));
    QVERIFY(run.out.contains(QLatin1String("model.layers.4.mlp.down_proj.weight")));
    QVERIFY(run.out.contains(QLatin1String("[64, 172]")));
    QVERIFY(run.out.contains(QLatin1String("8 query / 4 key-value")));
}

void TestCli::generateAnswersArithmetic() {
    // The first QA item the teacher answered correctly when the demo models were trained
    // (resources/demo/training_report.json records every outcome).
    QFile reportFile(QStringLiteral(NWC_SOURCE_RESOURCES "/demo/training_report.json"));
    QVERIFY(reportFile.open(QIODevice::ReadOnly));
    const QJsonArray outcomes = QJsonDocument::fromJson(reportFile.readAll())
                                    .object()
                                    .value(QLatin1String("teacher"))
                                    .toObject()
                                    .value(QLatin1String("evaluation"))
                                    .toObject()
                                    .value(QLatin1String("qa_outcomes"))
                                    .toArray();
    int item = 0;
    while (item < outcomes.size() && !outcomes.at(item).toBool())
        ++item;
    QVERIFY2(item < outcomes.size(), "the teacher answered no QA item correctly");
    QFile qa(QStringLiteral(NWC_SOURCE_RESOURCES "/demo/arithmetic_qa.jsonl"));
    QVERIFY(qa.open(QIODevice::ReadOnly));
    for (int i = 0; i < item; ++i)
        qa.readLine();
    const QJsonObject entry = QJsonDocument::fromJson(qa.readLine()).object();
    const QString question = entry.value(QLatin1String("question")).toString();
    const QString answer = entry.value(QLatin1String("answer")).isDouble()
                               ? QString::number(entry.value(QLatin1String("answer")).toDouble())
                               : entry.value(QLatin1String("answer")).toString();
    const QString prompt = QStringLiteral("Question: ") + question + QStringLiteral("\nAnswer:");
    const Run run =
        runNwc({QStringLiteral("generate"), QStringLiteral("demo:teacher"),
                QStringLiteral("--prompt"), prompt, QStringLiteral("--temperature"),
                QStringLiteral("0"), QStringLiteral("--max-tokens"), QStringLiteral("64")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.startsWith(prompt));
    const QString completion = run.out.mid(prompt.size()).trimmed();
    QVERIFY2(completion.endsWith(QStringLiteral("The answer is ") + answer + QLatin1Char('.')),
             qPrintable(completion));
    QVERIFY(run.err.contains(QLatin1String("stopped at end of text")));
}

void TestCli::generateGoldenStories260k() {
    const QString model = external(QStringLiteral("llama2c-stories260K/stories260K.bin"));
    if (!QFile::exists(model))
        QSKIP("../shared/external/llama2c-stories260K is not available");
    // The "Zoo" vector: run.c -t 0 -i "Zoo" -n 60 (prompt tokens count toward the 60 positions).
    const Run run =
        runNwc({QStringLiteral("generate"), model, QStringLiteral("--prompt"),
                QStringLiteral("Zoo"), QStringLiteral("--temperature"), QStringLiteral("0"),
                QStringLiteral("--max-tokens"), QStringLiteral("60")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(
        run.out.startsWith(QLatin1String(
            "Zoo was a little girl named Lily. She loved to play outside in the park. One day, she "
            "saw a big, red ball. She wanted to play with it, but she didn't want to play with")),
        qPrintable(run.out));
}

void TestCli::evalReportsSettings() {
    QTemporaryDir dir;
    const QString text = dir.filePath(QStringLiteral("t.txt"));
    QFile file(text);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(
        "Once upon a time, there was a little cat. The cat liked to play with a red ball.\n");
    file.close();
    const Run run =
        runNwc({QStringLiteral("eval"), QStringLiteral("demo:student"), QStringLiteral("--text"),
                text, QStringLiteral("--ctx"), QStringLiteral("32"), QStringLiteral("--json"),
                QStringLiteral("--reference"), QStringLiteral("demo:student")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject root = QJsonDocument::fromJson(run.out.toUtf8()).object();
    QCOMPARE(root.value(QLatin1String("context_length")).toInt(), 32);
    QVERIFY(root.value(QLatin1String("perplexity")).toDouble() > 1.0);
    QVERIFY(root.value(QLatin1String("bits_per_byte")).toDouble() > 0.0);
    const QJsonObject reference = root.value(QLatin1String("reference")).toObject();
    QCOMPARE(reference.value(QLatin1String("mean_kl")).toDouble(), 0.0);
    QCOMPARE(reference.value(QLatin1String("same_top_rate")).toDouble(), 1.0);
}

void TestCli::idleThreadsSleepUnlessTheUserChose_data() {
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("described");
    QTest::newRow("not set: restarted passive")
        << QString() << QString() << QStringLiteral("idle threads passive (set at start)");
    QTest::newRow("the user's policy")
        << QStringLiteral("OMP_WAIT_POLICY") << QStringLiteral("ACTIVE")
        << QStringLiteral("idle threads active (OMP_WAIT_POLICY)");
    QTest::newRow("libgomp's default kept")
        << QStringLiteral("NWC_THREAD_WAITING") << QStringLiteral("default")
        << QStringLiteral("idle threads spin, then sleep (libgomp's default)");
}

void TestCli::idleThreadsSleepUnlessTheUserChose() {
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, described);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("OMP_WAIT_POLICY"));
    environment.remove(QStringLiteral("NWC_WAIT_POLICY_SET"));
    environment.remove(QStringLiteral("NWC_THREAD_WAITING"));
    if (!variable.isEmpty())
        environment.insert(variable, value);
    const Run run = runNwc({QStringLiteral("bench"), QStringLiteral("demo:student"),
                            QStringLiteral("--prompt-tokens"), QStringLiteral("4"),
                            QStringLiteral("--decode-tokens"), QStringLiteral("2"),
                            QStringLiteral("--repeats"), QStringLiteral("1")},
                           environment);
    QCOMPARE(run.exitCode, 0);
    const QString header = run.out.split(QLatin1Char('\n')).first();
    QVERIFY2(header.endsWith(described), qPrintable(header));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
