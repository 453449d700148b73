// nwc demo: the main job on the built-in demo models. Loads demo:student and demo:teacher,
// measures held-out perplexity and greedy arithmetic accuracy, and shows one worked answer.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "cli/evaluationgroup.h"

#include "analysis/modelcompressor.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "lm/evaluator.h"
#include "lm/qabenchmark.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

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

/// The demo's results as JSON.
QJsonObject demoJson(const std::vector<DemoRow> &rows, const std::vector<CompressedRow> &compressed,
                     const QString &heldoutPath, const QString &qaPath,
                     const PerplexitySettings &settings) {
    QJsonObject root;
    root[QStringLiteral("models")] = jsonArray(rows, [](const DemoRow &row) {
        QJsonObject object;
        object[QStringLiteral("model")] = row.model->checkpoint()->source();
        object[QStringLiteral("parameters")] = double(row.parameters);
        object[QStringLiteral("perplexity")] = row.perplexity.perplexity;
        object[QStringLiteral("bits_per_byte")] = row.perplexity.bitsPerByte;
        object[QStringLiteral("tokens_scored")] = double(row.perplexity.tokensScored);
        object[QStringLiteral("arithmetic_correct")] = row.qa.correct;
        object[QStringLiteral("arithmetic_questions")] = int(row.qa.outcomes.size());
        return object;
    });
    root[QStringLiteral("heldout")] = heldoutPath;
    root[QStringLiteral("bytes")] = double(rows.front().perplexity.bytes);
    root[QStringLiteral("context_length")] = settings.contextLength;
    root[QStringLiteral("stride")] = rows.front().perplexity.stride;
    root[QStringLiteral("qa_set")] = qaPath;
    root[QStringLiteral("compressed_teacher")] =
        jsonArray(compressed, [](const CompressedRow &row) {
            QJsonObject object;
            object[QStringLiteral("method")] = compressionMethodName(row.summary.method);
            object[QStringLiteral("target_bpw")] = row.summary.targetBitsPerWeight;
            object[QStringLiteral("achieved_bpw")] = row.summary.achievedBitsPerWeight;
            object[QStringLiteral("file_bytes")] = double(row.summary.fileBytes);
            object[QStringLiteral("perplexity")] = row.perplexity.perplexity;
            object[QStringLiteral("mean_kl")] = row.comparison.meanKl;
            object[QStringLiteral("arithmetic_correct")] = row.qa.correct;
            return object;
        });
    return root;
}

/// "7/20": correct answers of all.
QString correctOfAll(const QaResult &qa) {
    return QStringLiteral("%1/%2").arg(qa.correct).arg(qa.outcomes.size());
}

/// The demo's results as text: a table of the models, one of the compressed teachers, and the
/// first question's answers.
void printDemo(QTextStream &out, const std::vector<DemoRow> &rows,
               const std::vector<CompressedRow> &compressed, const QVector<QaItem> &items) {
    const QList<int> modelColumns = {10, 12, 12, 11, 14};
    out << fixedColumns({QStringLiteral("model"), QStringLiteral("parameters"),
                         QStringLiteral("perplexity"), QStringLiteral("bits/byte"),
                         QStringLiteral("arithmetic")},
                        modelColumns)
        << '\n';
    for (const DemoRow &row : rows)
        out << fixedColumns({row.model->displayName(), QString::number(row.parameters),
                             QString::number(row.perplexity.perplexity, 'f', 3),
                             QString::number(row.perplexity.bitsPerByte, 'f', 3),
                             correctOfAll(row.qa)},
                            modelColumns)
            << '\n';
    if (!compressed.empty()) {
        const QList<int> compressedColumns = {10, 12, 12, 12, 11, 14};
        out << "\nteacher, linear layers compressed ("
            << compressed.front().summary.compressedWeights
            << " weights; embeddings, norms and head kept):\n"
            << fixedColumns({QStringLiteral("method"), QStringLiteral("bits/weight"),
                             QStringLiteral("file bytes"), QStringLiteral("perplexity"),
                             QStringLiteral("KL (nats)"), QStringLiteral("arithmetic")},
                            compressedColumns)
            << '\n';
        for (const CompressedRow &row : compressed)
            out << fixedColumns({compressionMethodName(row.summary.method),
                                 QString::number(row.summary.achievedBitsPerWeight, 'f', 3),
                                 QString::number(row.summary.fileBytes),
                                 QString::number(row.perplexity.perplexity, 'f', 3),
                                 QString::number(row.comparison.meanKl, 'f', 4),
                                 correctOfAll(row.qa)},
                                compressedColumns)
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
}

/// Everything `nwc demo` was asked to do.
struct DemoCommand {
    int questions = 20;
    EvaluationOptions evaluation;
    bool compress = true;
    CommonOptions common;
};

} // namespace

int runDemo(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("demo"));
    options.addValue(QStringLiteral("questions"),
                     QStringLiteral("Arithmetic questions to answer (default 20)."),
                     QStringLiteral("N"), QStringLiteral("20"));
    // Perplexity on the first bytes of the held-out text, context 256, non-overlapping windows.
    EvaluationSpec evaluationSpec;
    evaluationSpec.textHelp.clear();
    evaluationSpec.windows = false;
    evaluationSpec.bosOption = false;
    evaluationSpec.maxBytes = 30000;
    addEvaluationOptions(options, evaluationSpec);
    options.addFlag(QStringLiteral("headless"),
                    QStringLiteral("Accepted for nwc-workbench compatibility."));
    options.addFlag(QStringLiteral("no-compress"),
                    QStringLiteral("Skip compressing the teacher (NWC and RTN at about 4 bits per "
                                   "weight)."));
    const CommonSpec commonSpec;
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    DemoCommand command;
    command.questions = options.intValue(QStringLiteral("questions"));
    command.evaluation = readEvaluationOptions(options, evaluationSpec);
    command.compress = !options.isSet(QStringLiteral("no-compress"));
    command.common = readCommonOptions(options, commonSpec);
    const int questionCount = command.questions;
    const PerplexitySettings &settings = command.evaluation.windows;

    const QString dataDir = demoDataDirectory();
    const QString heldoutPath = dataDir + QStringLiteral("/heldout.txt");
    const QString qaPath = dataDir + QStringLiteral("/arithmetic_qa.jsonl");
    const QByteArray heldout = readFile(heldoutPath);
    QVector<QaItem> items = loadQaSet(qaPath);
    if (questionCount > 0 && questionCount < items.size())
        items.resize(questionCount);

    const OutputOptions &output = command.common.output;
    if (output.textOnStdout())
        QTextStream(stdout) << "NWC Workbench demo: built-in models demo:student and "
                               "demo:teacher\n\n";
    PrintedProgress progress;
    std::vector<DemoRow> rows;
    for (const QString &name : {QStringLiteral("student"), QStringLiteral("teacher")}) {
        DemoRow row;
        row.model = loadModel(command.common, QStringLiteral("demo:") + name);
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
            compression.compute = command.common.compute;
            const QString path =
                scratch.filePath(compressionMethodName(method) + QStringLiteral(".nwc"));
            CompressedRow row;
            row.summary =
                compressModel(QStringLiteral("demo:teacher"), compression, path, &progress);
            row.model = loadModel(command.common, path);
            row.perplexity = evaluatePerplexity(*row.model, heldout, settings, &progress);
            row.comparison =
                compareWithReference(*row.model, *teacher, heldout, settings, &progress);
            row.qa = evaluateQa(*row.model, items, kPromptTemplate, 64, &progress);
            compressed.push_back(row);
        }
    }
    clearProgressLine();
    const QJsonObject json = demoJson(rows, compressed, heldoutPath, qaPath, settings);
    output.writeResult(QJsonDocument(json),
                       [&](QTextStream &out) { printDemo(out, rows, compressed, items); });
    return 0;
}

} // namespace nwc::cli
