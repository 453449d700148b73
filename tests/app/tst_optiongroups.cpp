// The CLI's shared option groups: parsing into settings, deprecated spellings (read as the new
// name, named in --help, a note on stderr), --json / --json=FILE, the compute options' checks,
// and the refusal of --ladder paper. In-process where the groups are enough, through the built
// `nwc` where a whole command must run.
#include "cli/calibrationgroup.h"
#include "cli/commandoptions.h"
#include "cli/computegroup.h"
#include "cli/evaluationgroup.h"
#include "cli/modelgroup.h"
#include "cli/outputgroup.h"
#include "cli/pairgroup.h"
#include "cli/samplinggroup.h"
#include "clitesting.h"

#include "jobs/error.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace nwc;
using namespace nwc::cli;

namespace {

using Run = nwc::test::CliRun;
using nwc::test::runNwc;

/// "nwc <command> <arguments>" as runCommandLine hands it to a command.
QStringList argv(const QString &command, const QStringList &arguments) {
    return QStringList{QStringLiteral("nwc"), command} + arguments;
}

/// The error message `read` throws; empty when it throws none.
template <typename Read> QString errorOf(Read read) {
    try {
        read();
    } catch (const Error &error) {
        return error.message();
    }
    return QString();
}

/// The CLI was built against a LibTorch without CUDA (the help of --device says which).
bool cpuOnlyBuild() {
    return runNwc({QStringLiteral("generate"), QStringLiteral("--help")})
        .out.contains(QLatin1String("(CPU build)"));
}

} // namespace

class TestOptionGroups : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void evaluationGroup();
    void evaluationDefaultsPerCommand();
    void samplingGroup();
    void samplingRefusesBadValues_data();
    void samplingRefusesBadValues();
    void calibrationAndPairGroups();
    void deprecatedSpellings_data();
    void deprecatedSpellings();
    void bothSpellingsRefused();
    void helpNamesDeprecatedSpellings();
    void jsonFlagAndFile_data();
    void jsonFlagAndFile();
    void computeOptionsChecked_data();
    void computeOptionsChecked();
    void everyCommandHasJsonAndOneVocabulary();
    void deprecationNoteAndJsonFile();
    void deviceRefusedByTheCommand();
    void ladderPaperRefused();
};

void TestOptionGroups::evaluationGroup() {
    CommandOptions options(QStringLiteral("eval"), QString());
    addEvaluationOptions(options);
    addModelOptions(options);
    int exitCode = -1;
    QVERIFY(options.parse(
        argv(QStringLiteral("eval"),
             {QStringLiteral("M"), QStringLiteral("--text"), QStringLiteral("t.txt"),
              QStringLiteral("--ctx"), QStringLiteral("32"), QStringLiteral("--stride"),
              QStringLiteral("16"), QStringLiteral("--max-bytes"), QStringLiteral("1000"),
              QStringLiteral("--no-bos"), QStringLiteral("--tokenizer"),
              QStringLiteral("tok.json")}),
        &exitCode));
    const EvaluationOptions evaluation = readEvaluationOptions(options);
    QCOMPARE(evaluation.textPath, QStringLiteral("t.txt"));
    QCOMPARE(evaluation.windows.contextLength, 32);
    QCOMPARE(evaluation.windows.stride, 16);
    QCOMPARE(evaluation.windows.maxBytes, qint64(1000));
    QCOMPARE(evaluation.windows.addBos, false);
    QCOMPARE(readModelOptions(options).tokenizer, QStringLiteral("tok.json"));
    QCOMPARE(options.positionalArguments(), QStringList{QStringLiteral("M")});
}

void TestOptionGroups::evaluationDefaultsPerCommand() {
    EvaluationSpec sweep;
    sweep.stride = 128;
    sweep.bosOption = false;
    CommandOptions options(QStringLiteral("sweep"), QString());
    addEvaluationOptions(options, sweep);
    int exitCode = -1;
    QVERIFY(options.parse(argv(QStringLiteral("sweep"), {QStringLiteral("M")}), &exitCode));
    const EvaluationOptions evaluation = readEvaluationOptions(options, sweep);
    QVERIFY(evaluation.textPath.isEmpty());
    QCOMPARE(evaluation.windows.contextLength, 256);
    QCOMPARE(evaluation.windows.stride, 128);
    QCOMPARE(evaluation.windows.maxBytes, qint64(-1));
    QCOMPARE(evaluation.windows.addBos, true);
    // --no-bos is not offered where the command always starts windows with BOS.
    CommandOptions again(QStringLiteral("sweep"), QString());
    addEvaluationOptions(again, sweep);
    QVERIFY(!again.parse(argv(QStringLiteral("sweep"), {QStringLiteral("--no-bos")}), &exitCode));
    QCOMPARE(exitCode, 2);
}

void TestOptionGroups::samplingGroup() {
    SamplingSpec spec;
    CommandOptions options(QStringLiteral("generate"), QString());
    addSamplingOptions(options, spec);
    int exitCode = -1;
    QVERIFY(options.parse(
        argv(QStringLiteral("generate"),
             {QStringLiteral("--temperature"), QStringLiteral("0"), QStringLiteral("--top-k"),
              QStringLiteral("5"), QStringLiteral("--top-p"), QStringLiteral("0.9"),
              QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--max-tokens"),
              QStringLiteral("12")}),
        &exitCode));
    const SamplingSettings settings = readSamplingOptions(options, spec);
    QCOMPARE(settings.temperature, 0.0);
    QCOMPARE(settings.topK, 5);
    QCOMPARE(settings.topP, 0.9);
    QCOMPARE(settings.seed, quint64(7));
    QCOMPARE(settings.maxTokens, 12);

    // Greedy commands offer only --max-tokens.
    SamplingSpec greedy;
    greedy.sampling = false;
    greedy.defaults.maxTokens = 64;
    CommandOptions bench(QStringLiteral("collab-bench"), QString());
    addSamplingOptions(bench, greedy);
    QVERIFY(bench.parse(argv(QStringLiteral("collab-bench"), {}), &exitCode));
    QCOMPARE(readSamplingOptions(bench, greedy).maxTokens, 64);
    CommandOptions refused(QStringLiteral("collab-bench"), QString());
    addSamplingOptions(refused, greedy);
    QVERIFY(!refused.parse(argv(QStringLiteral("collab-bench"),
                                {QStringLiteral("--temperature"), QStringLiteral("1")}),
                           &exitCode));
}

void TestOptionGroups::samplingRefusesBadValues_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not a number") << QStringList{QStringLiteral("--max-tokens"),
                                                 QStringLiteral("many")}
                                  << QStringLiteral("--max-tokens expects an integer, got 'many'");
    QTest::newRow("negative seed") << QStringList{QStringLiteral("--seed"), QStringLiteral("-1")}
                                   << QStringLiteral("--seed expects a non-negative integer");
    QTest::newRow("top-p 0") << QStringList{QStringLiteral("--top-p"), QStringLiteral("0")}
                             << QStringLiteral("0 < --top-p <= 1");
}

void TestOptionGroups::samplingRefusesBadValues() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    const SamplingSpec spec;
    CommandOptions options(QStringLiteral("generate"), QString());
    addSamplingOptions(options, spec);
    int exitCode = -1;
    QVERIFY(options.parse(argv(QStringLiteral("generate"), arguments), &exitCode));
    const QString message = errorOf([&] { readSamplingOptions(options, spec); });
    QVERIFY2(message.contains(mentions), qPrintable(message));
}

void TestOptionGroups::calibrationAndPairGroups() {
    CommandOptions options(QStringLiteral("sweep"), QString());
    addCalibrationOptions(options);
    addPairOptions(options);
    int exitCode = -1;
    QVERIFY(options.parse(
        argv(QStringLiteral("sweep"), {QStringLiteral("--calib-text"), QStringLiteral("c.txt"),
                                       QStringLiteral("--calib-samples"), QStringLiteral("8"),
                                       QStringLiteral("--calib-length"), QStringLiteral("128"),
                                       QStringLiteral("--teacher"), QStringLiteral("big")}),
        &exitCode));
    const CalibrationOptions calibration = readCalibrationOptions(options);
    QCOMPARE(calibration.text, QStringLiteral("c.txt"));
    QCOMPARE(calibration.samples, 8);
    QCOMPARE(calibration.length, 128);
    QVERIFY(calibration.file.isEmpty());
    const PairOptions pair = readPairOptions(options);
    QCOMPARE(pair.student, QStringLiteral("demo:student"));
    QCOMPARE(pair.teacher, QStringLiteral("big"));

    CommandOptions tooShort(QStringLiteral("sweep"), QString());
    addCalibrationOptions(tooShort);
    QVERIFY(tooShort.parse(
        argv(QStringLiteral("sweep"), {QStringLiteral("--calib-length"), QStringLiteral("1")}),
        &exitCode));
    QVERIFY(errorOf([&] {
                readCalibrationOptions(tooShort);
            }).contains(QLatin1String("--calib-length at least 2")));
    // Where --text means evaluation text, it is never read as calibration text.
    CommandOptions sweep(QStringLiteral("sweep"), QString());
    addCalibrationOptions(sweep);
    QVERIFY(!sweep.parse(
        argv(QStringLiteral("sweep"), {QStringLiteral("--text"), QStringLiteral("e.txt")}),
        &exitCode));
}

void TestOptionGroups::deprecatedSpellings_data() {
    QTest::addColumn<QString>("old");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("--text") << "text"
                            << "calib-text"
                            << "c.txt";
    QTest::newRow("--samples") << "samples"
                               << "calib-samples"
                               << "8";
    QTest::newRow("--seq-len") << "seq-len"
                               << "calib-length"
                               << "64";
    QTest::newRow("--calib") << "calib"
                             << "calib-file"
                             << "c.h5";
}

void TestOptionGroups::deprecatedSpellings() {
    QFETCH(QString, old);
    QFETCH(QString, name);
    QFETCH(QString, value);
    // compress's spellings before the shared vocabulary.
    const CalibrationSpec spec{true, true};
    CommandOptions options(QStringLiteral("compress"), QString());
    addCalibrationOptions(options, spec);
    int exitCode = -1;
    QVERIFY(options.parse(argv(QStringLiteral("compress"), {QStringLiteral("--") + old, value}),
                          &exitCode));
    QVERIFY(options.isSet(name));
    QCOMPARE(options.value(name), value);
    QCOMPARE(options.spelling(name), QStringLiteral("--") + old);
    const CalibrationOptions calibration = readCalibrationOptions(options, spec);
    const QString read = name == QLatin1String("calib-text")   ? calibration.text
                         : name == QLatin1String("calib-file") ? calibration.file
                         : name == QLatin1String("calib-samples")
                             ? QString::number(calibration.samples)
                             : QString::number(calibration.length);
    QCOMPARE(read, value);
}

void TestOptionGroups::bothSpellingsRefused() {
    const CalibrationSpec spec{true, true};
    CommandOptions options(QStringLiteral("compress"), QString());
    addCalibrationOptions(options, spec);
    int exitCode = -1;
    QVERIFY(options.parse(
        argv(QStringLiteral("compress"), {QStringLiteral("--text"), QStringLiteral("a.txt"),
                                          QStringLiteral("--calib-text"), QStringLiteral("b.txt")}),
        &exitCode));
    const QString message = errorOf([&] { readCalibrationOptions(options, spec); });
    QVERIFY2(message.contains(QLatin1String("--calib-text and its deprecated spelling --text")),
             qPrintable(message));
}

void TestOptionGroups::helpNamesDeprecatedSpellings() {
    const CalibrationSpec spec{true, true};
    CommandOptions options(QStringLiteral("compress"), QString());
    addCalibrationOptions(options, spec);
    OutputSpec output;
    output.jsonFileSpelling = true;
    addOutputOptions(options, output);
    int exitCode = -1;
    QVERIFY(
        !options.parse(argv(QStringLiteral("compress"), {QStringLiteral("--help")}), &exitCode));
    QCOMPARE(exitCode, 0);
    const QString help = options.helpText().simplified();
    QVERIFY2(help.contains(QLatin1String(
                 "(--text in compress: deprecated alias of --calib-text, removed in 0.3)")),
             qPrintable(help));
    QVERIFY(help.contains(QLatin1String("(--calib in compress: deprecated alias of --calib-file")));
    QVERIFY(help.contains(
        QLatin1String("(--json FILE in compress: deprecated spelling of --json=FILE")));
    // The old spellings are not offered as options of their own.
    for (const QString &line : options.helpText().split(QLatin1Char('\n')))
        QVERIFY2(!line.trimmed().startsWith(QLatin1String("--text")), qPrintable(line));
    QVERIFY(help.contains(QLatin1String("Usage: nwc compress")));
}

void TestOptionGroups::jsonFlagAndFile_data() {
    QTest::addColumn<bool>("fileSpelling");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("json");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("positional");
    const QStringList model{QStringLiteral("M")};
    QTest::newRow("none") << false << model << false << QString() << model;
    QTest::newRow("--json") << false << QStringList{QStringLiteral("--json"), QStringLiteral("M")}
                            << true << QString() << model;
    QTest::newRow("--json=FILE") << false
                                 << QStringList{QStringLiteral("M"),
                                                QStringLiteral("--json=out.json")}
                                 << true << QStringLiteral("out.json") << model;
    QTest::newRow("--json=-") << false
                              << QStringList{QStringLiteral("M"), QStringLiteral("--json=-")}
                              << true << QString() << model;
    QTest::newRow("old --json FILE")
        << true
        << QStringList{QStringLiteral("M"), QStringLiteral("--json"), QStringLiteral("s.json")}
        << true << QStringLiteral("s.json") << model;
    QTest::newRow("old spelling, flag last")
        << true << QStringList{QStringLiteral("M"), QStringLiteral("--json")} << true << QString()
        << model;
    QTest::newRow("value of another option")
        << false
        << QStringList{QStringLiteral("M"), QStringLiteral("--tokenizer"),
                       QStringLiteral("--json=x")}
        << false << QString() << model;
    QTest::newRow("after --") << false
                              << QStringList{QStringLiteral("--"), QStringLiteral("--json=x")}
                              << false << QString() << QStringList{QStringLiteral("--json=x")};
}

void TestOptionGroups::jsonFlagAndFile() {
    QFETCH(bool, fileSpelling);
    QFETCH(QStringList, arguments);
    QFETCH(bool, json);
    QFETCH(QString, file);
    QFETCH(QStringList, positional);
    OutputSpec spec;
    spec.jsonFileSpelling = fileSpelling;
    CommandOptions options(QStringLiteral("sweep"), QString());
    addModelOptions(options);
    addOutputOptions(options, spec);
    int exitCode = -1;
    QVERIFY(options.parse(argv(QStringLiteral("sweep"), arguments), &exitCode));
    const OutputOptions output = readOutputOptions(options, spec);
    QCOMPARE(output.json, json);
    QCOMPARE(output.jsonFile, file);
    QCOMPARE(options.positionalArguments(), positional);
    QCOMPARE(output.jsonOnStdout(), json && file.isEmpty());
    QCOMPARE(output.textOnStdout(), !output.jsonOnStdout());

    // The file is written atomically and only when asked for.
    QTemporaryDir dir;
    OutputOptions writing = output;
    if (!writing.jsonFile.isEmpty()) {
        writing.jsonFile = dir.filePath(writing.jsonFile);
        writing.writeJson(QJsonDocument(QJsonObject{{QStringLiteral("a"), 1}}));
        QFile written(writing.jsonFile);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(written.readAll()).object().value(QLatin1String("a")),
                 QJsonValue(1));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    }
}

void TestOptionGroups::computeOptionsChecked_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("refusal");
    QTest::newRow("defaults") << QStringList{} << QString();
    QTest::newRow("cpu, 1 thread, fp32")
        << QStringList{QStringLiteral("--device"),        QStringLiteral("cpu"),
                       QStringLiteral("--threads"),       QStringLiteral("1"),
                       QStringLiteral("--compute-dtype"), QStringLiteral("fp32")}
        << QString();
    QTest::newRow("not a device") << QStringList{QStringLiteral("--device"), QStringLiteral("tpu")}
                                  << QStringLiteral("'tpu' is not a compute device");
    QTest::newRow("negative threads")
        << QStringList{QStringLiteral("--threads"), QStringLiteral("-2")}
        << QStringLiteral("--threads -2");
    QTest::newRow("threads not a number")
        << QStringList{QStringLiteral("--threads"), QStringLiteral("two")}
        << QStringLiteral("--threads expects an integer");
    QTest::newRow("bfloat16") << QStringList{QStringLiteral("--compute-dtype"),
                                             QStringLiteral("bf16")}
                              << QStringLiteral("--compute-dtype bfloat16 is not implemented yet");
    QTest::newRow("float16") << QStringList{QStringLiteral("--compute-dtype"),
                                            QStringLiteral("float16")}
                             << QStringLiteral("--compute-dtype float16 is not implemented yet");
    QTest::newRow("int8") << QStringList{QStringLiteral("--compute-dtype"), QStringLiteral("int8")}
                          << QStringLiteral("use float32, bfloat16 or float16");
}

void TestOptionGroups::computeOptionsChecked() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, refusal);
    CommandOptions options(QStringLiteral("eval"), QString());
    addComputeOptions(options);
    int exitCode = -1;
    QVERIFY(options.parse(argv(QStringLiteral("eval"), arguments), &exitCode));
    ComputeOptions compute;
    const QString message = errorOf([&] { compute = readComputeOptions(options); });
    if (refusal.isEmpty()) {
        QVERIFY2(message.isEmpty(), qPrintable(message));
        QCOMPARE(compute.device, QStringLiteral("cpu"));
        QCOMPARE(compute.dtype, ComputeDtype::Float32);
        QCOMPARE(compute.threads, arguments.isEmpty() ? 0 : 1);
    } else {
        QVERIFY2(message.contains(refusal), qPrintable(message));
    }
}

void TestOptionGroups::everyCommandHasJsonAndOneVocabulary() {
    const Run usage = runNwc({QStringLiteral("--help")});
    QStringList commands;
    bool listing = false;
    for (const QString &line : usage.out.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("Commands:"))) {
            listing = true;
        } else if (listing && line.trimmed().isEmpty()) {
            break;
        } else if (listing) {
            commands.append(line.trimmed().section(QLatin1Char(' '), 0, 0));
        }
    }
    QVERIFY(commands.size() >= 14);
    for (const QString &command : std::as_const(commands)) {
        const QString help = runNwc({command, QStringLiteral("--help")}).out;
        QVERIFY2(help.contains(QLatin1String("--json ")), qPrintable(command));
        QVERIFY2(help.contains(QLatin1String("--json=FILE")), qPrintable(command));
        // Calibration options are spelled --calib-*; --text is evaluation text only (tokenize
        // reads it as eval does: the text whose tokens eval scores).
        for (const char *old : {"  --samples ", "  --seq-len ", "  --calib ", "  --out "})
            QVERIFY2(!help.contains(QLatin1String(old)), qPrintable(command + QLatin1String(old)));
        if (help.contains(QLatin1String("  --text ")))
            QVERIFY2(command == QLatin1String("eval") || command == QLatin1String("sweep") ||
                         command == QLatin1String("tokenize"),
                     qPrintable(command));
    }
}

void TestOptionGroups::deprecationNoteAndJsonFile() {
    QTemporaryDir dir;
    const QString container = dir.filePath(QStringLiteral("rtn.nwc"));
    const QString json = dir.filePath(QStringLiteral("summary.json"));
    // RTN reads no calibration, so the old spelling only has to be accepted and noted.
    const Run run =
        runNwc({QStringLiteral("compress"), QStringLiteral("demo:student"),
                QStringLiteral("--bits"), QStringLiteral("4"), QStringLiteral("--method"),
                QStringLiteral("rtn"), QStringLiteral("--samples"), QStringLiteral("4"),
                QStringLiteral("-o"), container, QStringLiteral("--json=") + json});
    QCOMPARE(run.exitCode, 0);
    const QStringList notes = run.err.split(QLatin1Char('\n')).filter(QLatin1String("nwc: note:"));
    QCOMPARE(notes.size(), 1);
    QVERIFY2(notes.first().startsWith(QLatin1String("nwc: note: --samples is a deprecated "
                                                    "spelling in 'nwc compress': write "
                                                    "--calib-samples")),
             qPrintable(notes.first()));
    // --json=FILE: the text stays on stdout, the JSON goes into the file.
    QVERIFY2(run.out.contains(QLatin1String("achieved")), qPrintable(run.out));
    QFile file(json);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject summary = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(summary.value(QLatin1String("method")).toString(), QStringLiteral("rtn"));

    // --json alone: JSON instead of the text.
    const Run inspect = runNwc({QStringLiteral("inspect"), container, QStringLiteral("--json")});
    QCOMPARE(inspect.exitCode, 0);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(inspect.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(inspect.out));
    QVERIFY(document.object().contains(QLatin1String("totals")));
}

void TestOptionGroups::deviceRefusedByTheCommand() {
    if (!cpuOnlyBuild())
        QSKIP("this LibTorch has CUDA: the device is accepted");
    const Run run = runNwc({QStringLiteral("generate"), QStringLiteral("demo:student"),
                            QStringLiteral("--prompt"), QStringLiteral("Hi"),
                            QStringLiteral("--device"), QStringLiteral("cuda")});
    QCOMPARE(run.exitCode, 1);
    const QString line = run.err.trimmed();
    QVERIFY2(line.startsWith(QLatin1String("nwc: error: device 'cuda' needs a CUDA build of "
                                           "LibTorch")) &&
                 line.contains(QLatin1String("(CPU build)")) && !line.contains(QLatin1Char('\n')),
             qPrintable(run.err));
    QVERIFY(run.out.isEmpty());
}

void TestOptionGroups::ladderPaperRefused() {
    const QDir codecs(QStringLiteral(NWC_SOURCE_RESOURCES "/codecs"));
    if (!codecs.entryList({QStringLiteral("paper*.h5")}, QDir::Files).isEmpty())
        QSKIP("a paper-preset codec ships: --ladder paper is valid");
    QTemporaryDir dir;
    const QString container = dir.filePath(QStringLiteral("paper.nwc"));
    const Run run =
        runNwc({QStringLiteral("compress"), QStringLiteral("demo:student"),
                QStringLiteral("--bits"), QStringLiteral("4"), QStringLiteral("--ladder"),
                QStringLiteral("paper"), QStringLiteral("-o"), container});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.startsWith(QLatin1String("nwc: error: --ladder paper: no codec of the paper "
                                              "preset ships")) &&
                 run.err.contains(QLatin1String("use --ladder identity, fast or all")),
             qPrintable(run.err));
    QVERIFY(!QFile::exists(container));
}

QTEST_GUILESS_MAIN(TestOptionGroups)
#include "tst_optiongroups.moc"
