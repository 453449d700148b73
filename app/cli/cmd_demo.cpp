// nwc demo: the main job on the built-in demo models. Loads demo:student and demo:teacher,
// measures held-out perplexity and greedy arithmetic accuracy, and shows one worked answer.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/computegroup.h"
#include "cli/evaluationgroup.h"
#include "cli/outputgroup.h"

#include "analysis/modelcompressor.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/evaluator.h"
#include "lm/languagemodel.h"
#include "lm/qabenchmark.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

#include <unistd.h>

namespace nwc::cli {
namespace {

const QString kPromptTemplate = QStringLiteral("Question: {question}\nAnswer:");

/// The folder holding the demo models and their evaluation data.
QString demoDataDirectory() {
    const QString teacher = Checkpoint::resolveSpec(QStringLiteral("demo:teacher"));
    return QFileInfo(teacher).dir().path();
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read %1: %2 (the demo data ships with the models in "
                                   "resources/demo)")
                        .arg(path, file.errorString()));
    return file.readAll();
}

struct DemoRow {
    LanguageModelPtr model;
    qint64 parameters = 0;
    PerplexityResult perplexity;
    QaResult qa;
};

struct CompressedRow {
    CompressionSummary summary;
    std::shared_ptr<LanguageModel> model;
    PerplexityResult perplexity;
    ReferenceComparison comparison;
    QaResult qa;
};

/// Everything `nwc demo` was asked to do.
struct DemoCommand {
    int questions = 20;
    EvaluationOptions evaluation;
    bool compress = true;
    ComputeOptions compute;
    OutputOptions output;
};

} // namespace

int runDemo(const QStringList &args) {
    CommandOptions options(QStringLiteral("demo"),
                           QStringLiteral("Run the main job on the built-in demo models: "
                                          "held-out perplexity and arithmetic accuracy of "
                                          "demo:student and demo:teacher."));
    options.add(QCommandLineOption(QStringLiteral("questions"),
                                   QStringLiteral("Arithmetic questions to answer (default 20)."),
                                   QStringLiteral("N"), QStringLiteral("20")));
    // Perplexity on the first bytes of the held-out text, context 256, non-overlapping windows.
    EvaluationSpec evaluationSpec;
    evaluationSpec.textHelp.clear();
    evaluationSpec.windows = false;
    evaluationSpec.bosOption = false;
    evaluationSpec.maxBytes = 30000;
    addEvaluationOptions(options, evaluationSpec);
    options.add(QCommandLineOption(QStringLiteral("headless"),
                                   QStringLiteral("Accepted for nwc-workbench compatibility.")));
    options.add(QCommandLineOption(
        QStringLiteral("no-compress"),
        QStringLiteral("Skip compressing the teacher (NWC and RTN at about 4 bits per "
                       "weight).")));
    addComputeOptions(options);
    addOutputOptions(options);
    int exitCode = 0;
    if (!options.parse(args, &exitCode))
        return exitCode;
    DemoCommand command;
    command.questions = options.intValue(QStringLiteral("questions"));
    command.evaluation = readEvaluationOptions(options, evaluationSpec);
    command.compress = !options.isSet(QStringLiteral("no-compress"));
    command.compute = useComputeOptions(options);
    command.output = readOutputOptions(options);
    const int questionCount = command.questions;
    const PerplexitySettings &settings = command.evaluation.windows;

    const QString dataDir = demoDataDirectory();
    const QString heldoutPath = dataDir + QStringLiteral("/heldout.txt");
    const QString qaPath = dataDir + QStringLiteral("/arithmetic_qa.jsonl");
    const QByteArray heldout = readFile(heldoutPath);
    QVector<QaItem> items = loadQaSet(qaPath);
    if (questionCount > 0 && questionCount < items.size())
        items.resize(questionCount);

    QTextStream out(stdout);
    const bool json = !command.output.textOnStdout();
    if (!json) {
        out << "NWC Workbench demo: built-in models demo:student and demo:teacher\n\n";
        out.flush();
    }
    CallbackProgress progress(
        [](double fraction, const QString &message) { printProgress(fraction, message); });
    std::vector<DemoRow> rows;
    for (const QString &name : {QStringLiteral("student"), QStringLiteral("teacher")}) {
        DemoRow row;
        row.model = LanguageModel::load(QStringLiteral("demo:") + name, QString(), &progress,
                                        command.compute);
        for (const TensorInfo &info : row.model->checkpoint()->tensors())
            row.parameters += info.elementCount();
        row.perplexity = evaluatePerplexity(*row.model, heldout, settings, &progress);
        row.qa = evaluateQa(*row.model, items, kPromptTemplate, 64, &progress);
        rows.push_back(row);
    }
    // The teacher's linear layers compressed at about 4 bits per weight, evaluated the same way.
    std::vector<CompressedRow> compressed;
    QTemporaryDir scratch;
    if (command.compress) {
        if (!scratch.isValid())
            throw Error(
                QStringLiteral("cannot create a temporary folder for the compressed models"));
        const LanguageModelPtr &teacher = rows.back().model;
        for (const auto &[method, bits] : {std::make_pair(CompressionMethod::Nwc, 4.0),
                                           std::make_pair(CompressionMethod::Rtn, 4.0)}) {
            CompressionSettings compression;
            compression.method = method;
            compression.targetBitsPerWeight = bits;
            compression.compute = command.compute;
            const QString path =
                scratch.filePath(compressionMethodName(method) + QStringLiteral(".nwc"));
            CompressedRow row;
            row.summary =
                compressModel(QStringLiteral("demo:teacher"), compression, path, &progress);
            row.model = LanguageModel::load(path, QString(), &progress, command.compute);
            row.perplexity = evaluatePerplexity(*row.model, heldout, settings, &progress);
            row.comparison =
                compareWithReference(*row.model, *teacher, heldout, settings, &progress);
            row.qa = evaluateQa(*row.model, items, kPromptTemplate, 64, &progress);
            compressed.push_back(row);
        }
    }
    if (isatty(2))
        QTextStream(stderr) << "\r\x1b[K";

    if (command.output.json) {
        QJsonArray models;
        for (const DemoRow &row : rows) {
            QJsonObject object;
            object[QStringLiteral("model")] = row.model->checkpoint()->source();
            object[QStringLiteral("parameters")] = double(row.parameters);
            object[QStringLiteral("perplexity")] = row.perplexity.perplexity;
            object[QStringLiteral("bits_per_byte")] = row.perplexity.bitsPerByte;
            object[QStringLiteral("tokens_scored")] = double(row.perplexity.tokensScored);
            object[QStringLiteral("arithmetic_correct")] = row.qa.correct;
            object[QStringLiteral("arithmetic_questions")] = int(row.qa.outcomes.size());
            models.append(object);
        }
        QJsonObject root;
        root[QStringLiteral("models")] = models;
        root[QStringLiteral("heldout")] = heldoutPath;
        root[QStringLiteral("bytes")] = double(rows.front().perplexity.bytes);
        root[QStringLiteral("context_length")] = settings.contextLength;
        root[QStringLiteral("stride")] = rows.front().perplexity.stride;
        root[QStringLiteral("qa_set")] = qaPath;
        QJsonArray compressedJson;
        for (const CompressedRow &row : compressed) {
            QJsonObject object;
            object[QStringLiteral("method")] = compressionMethodName(row.summary.method);
            object[QStringLiteral("target_bpw")] = row.summary.targetBitsPerWeight;
            object[QStringLiteral("achieved_bpw")] = row.summary.achievedBitsPerWeight;
            object[QStringLiteral("file_bytes")] = double(row.summary.fileBytes);
            object[QStringLiteral("perplexity")] = row.perplexity.perplexity;
            object[QStringLiteral("mean_kl")] = row.comparison.meanKl;
            object[QStringLiteral("arithmetic_correct")] = row.qa.correct;
            compressedJson.append(object);
        }
        root[QStringLiteral("compressed_teacher")] = compressedJson;
        command.output.writeJson(QJsonDocument(root));
        if (json)
            return 0;
    }

    out << QStringLiteral("model").leftJustified(10)
        << QStringLiteral("parameters").rightJustified(12)
        << QStringLiteral("perplexity").rightJustified(12)
        << QStringLiteral("bits/byte").rightJustified(11)
        << QStringLiteral("arithmetic").rightJustified(14) << '\n';
    for (const DemoRow &row : rows) {
        out << row.model->displayName().leftJustified(10)
            << QString::number(row.parameters).rightJustified(12)
            << QString::number(row.perplexity.perplexity, 'f', 3).rightJustified(12)
            << QString::number(row.perplexity.bitsPerByte, 'f', 3).rightJustified(11)
            << QStringLiteral("%1/%2")
                   .arg(row.qa.correct)
                   .arg(row.qa.outcomes.size())
                   .rightJustified(14)
            << '\n';
    }
    if (!compressed.empty()) {
        out << "\nteacher, linear layers compressed ("
            << compressed.front().summary.compressedWeights
            << " weights; embeddings, norms and head kept):\n"
            << QStringLiteral("method").leftJustified(10)
            << QStringLiteral("bits/weight").rightJustified(12)
            << QStringLiteral("file bytes").rightJustified(12)
            << QStringLiteral("perplexity").rightJustified(12)
            << QStringLiteral("KL (nats)").rightJustified(11)
            << QStringLiteral("arithmetic").rightJustified(14) << '\n';
        for (const CompressedRow &row : compressed)
            out << compressionMethodName(row.summary.method).leftJustified(10)
                << QString::number(row.summary.achievedBitsPerWeight, 'f', 3).rightJustified(12)
                << QString::number(row.summary.fileBytes).rightJustified(12)
                << QString::number(row.perplexity.perplexity, 'f', 3).rightJustified(12)
                << QString::number(row.comparison.meanKl, 'f', 4).rightJustified(11)
                << QStringLiteral("%1/%2")
                       .arg(row.qa.correct)
                       .arg(row.qa.outcomes.size())
                       .rightJustified(14)
                << '\n';
        out << "bits/weight = 8 x bytes written for the linear layers / their weights (NWC: "
               "default "
               "codec ladder,\ncalibration on the demo corpus; RTN: 4-bit codes, fp16 scale and "
               "zero per group of 128)\n";
    }
    const PerplexityResult &p = rows.front().perplexity;
    out << "\nperplexity: first " << p.bytes << " bytes of heldout.txt, context " << p.contextLength
        << ", stride " << p.stride << ", BOS per window, " << p.tokensScored
        << " tokens scored\narithmetic: greedy answers to the first " << items.size()
        << " questions of arithmetic_qa.jsonl, prompt \"Question: ...\\nAnswer:\"\n\n";
    out << "Question: " << items.first().question << '\n';
    for (const DemoRow &row : rows)
        out << "  " << row.model->displayName() << ": "
            << row.qa.outcomes.first().completion.trimmed()
            << (row.qa.outcomes.first().correct ? "   [correct]" : "   [wrong]") << '\n';
    return 0;
}

} // namespace nwc::cli
