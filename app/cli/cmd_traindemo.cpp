// nwc train-demo: regenerates the demo corpus, trains the shared byte-level BPE tokenizer and
// the two demo models (student, teacher), measures them, and installs everything atomically.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"

#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/evaluator.h"
#include "lm/languagemodel.h"
#include "lm/qabenchmark.h"
#include "lm/trainer.h"
#include "text/bpetrainer.h"
#include "text/democorpus.h"
#include "text/tokenizer.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

#include <unistd.h>

namespace nwc::cli {
namespace {

/// Sizes of the generated data.
struct CorpusRecipe {
    int trainDocuments = 60000;
    int heldoutDocuments = 300;
    int qaQuestions = 100;
    int vocabSize = 1024;
};

/// One demo model: its shape and how it is trained.
struct ModelRecipe {
    QString name;
    int hidden = 0;
    int layers = 0;
    int heads = 0;
    int kvHeads = 0;
    int intermediate = 0;
    TrainerSettings training;
};

/// Everything measured for one trained model.
struct ModelResult {
    ModelRecipe recipe;
    qint64 parameters = 0;
    TrainingReport training;
    PerplexityResult perplexity;
    QaResult qa;
};

constexpr int kContextLength = 256;
constexpr int kEvalStride = 128;
constexpr int kQaMaxTokens = 64;

ModelConfig configFor(const ModelRecipe &recipe, int vocabSize, int bos, int eos) {
    ModelConfig config =
        ModelConfig::withShape({recipe.hidden, recipe.intermediate, recipe.layers, recipe.heads,
                                recipe.kvHeads, vocabSize, recipe.training.sequenceLength});
    config.tieWordEmbeddings = true;
    config.bosTokenId = bos;
    config.eosTokenId = eos;
    return config;
}

/// Progress on a terminal as a live line; otherwise (logs) one line every 30 seconds.
class StageProgress : public ProgressSink {
public:
    explicit StageProgress(QString stage)
        : m_stage(std::move(stage))
        , m_tty(isatty(2) != 0) {
        m_timer.start();
    }
    void report(double fraction, const QString &message) override {
        const QString line = m_stage + QStringLiteral(": ") + message;
        if (m_tty) {
            printProgress(fraction, line);
        } else if (m_timer.elapsed() >= 30000 || fraction >= 1.0) {
            QTextStream(stderr) << line << '\n';
            m_timer.restart();
        }
    }
    bool cancelled() const override { return false; }
    /// Ends the live line.
    void finish() { endProgressLine(); }

private:
    QString m_stage;
    bool m_tty;
    QElapsedTimer m_timer;
};

void logLine(const QString &line) {
    QTextStream(stderr) << line << '\n';
}

std::vector<int32_t> encodeDocuments(const Tokenizer &tokenizer, const QStringList &documents,
                                     const QString &what) {
    std::vector<int32_t> stream;
    for (const QString &document : documents) {
        const QByteArray utf8 = document.toUtf8();
        const std::vector<int32_t> ids = tokenizer.encode(utf8);
        if (tokenizer.decodeBytes(ids) != utf8)
            throw Error(QStringLiteral("the trained tokenizer does not round-trip a %1 document: "
                                       "%2")
                            .arg(what, document.left(80)));
        stream.push_back(tokenizer.bosId());
        stream.insert(stream.end(), ids.begin(), ids.end());
        stream.push_back(tokenizer.eosId());
    }
    return stream;
}

QJsonObject resultJson(const ModelResult &result) {
    const ModelRecipe &r = result.recipe;
    const TrainerSettings &t = r.training;
    QJsonObject model;
    model[QStringLiteral("parameters")] = double(result.parameters);
    model[QStringLiteral("hidden_size")] = r.hidden;
    model[QStringLiteral("layers")] = r.layers;
    model[QStringLiteral("heads")] = r.heads;
    model[QStringLiteral("kv_heads")] = r.kvHeads;
    model[QStringLiteral("intermediate_size")] = r.intermediate;
    QJsonObject training;
    training[QStringLiteral("steps")] = t.steps;
    training[QStringLiteral("batch_size")] = t.batchSize;
    training[QStringLiteral("sequence_length")] = t.sequenceLength;
    training[QStringLiteral("learning_rate")] = t.learningRate;
    training[QStringLiteral("warmup_steps")] = t.warmupSteps;
    training[QStringLiteral("weight_decay")] = t.weightDecay;
    training[QStringLiteral("seed")] = QString::number(t.seed);
    training[QStringLiteral("tokens")] = double(result.training.tokens);
    training[QStringLiteral("seconds")] = result.training.seconds;
    training[QStringLiteral("tokens_per_second")] = result.training.tokensPerSecond;
    training[QStringLiteral("first_train_loss")] = result.training.firstTrainLoss;
    training[QStringLiteral("final_train_loss")] = result.training.finalTrainLoss;
    training[QStringLiteral("final_eval_loss")] = result.training.finalEvalLoss;
    training[QStringLiteral("history")] =
        jsonArray(result.training.history, [](const TrainingPoint &point) {
            QJsonObject p;
            p[QStringLiteral("step")] = point.step;
            p[QStringLiteral("train_loss")] = point.trainLoss;
            p[QStringLiteral("eval_loss")] = point.evalLoss;
            p[QStringLiteral("lr")] = point.learningRate;
            p[QStringLiteral("seconds")] = point.seconds;
            return p;
        });
    QJsonObject evaluation;
    evaluation[QStringLiteral("perplexity")] = result.perplexity.perplexity;
    evaluation[QStringLiteral("bits_per_byte")] = result.perplexity.bitsPerByte;
    evaluation[QStringLiteral("tokens_scored")] = double(result.perplexity.tokensScored);
    evaluation[QStringLiteral("context_length")] = result.perplexity.contextLength;
    evaluation[QStringLiteral("stride")] = result.perplexity.stride;
    evaluation[QStringLiteral("bos")] = result.perplexity.addBos;
    evaluation[QStringLiteral("qa_correct")] = result.qa.correct;
    evaluation[QStringLiteral("qa_total")] = int(result.qa.outcomes.size());
    evaluation[QStringLiteral("qa_accuracy")] = result.qa.accuracy();
    evaluation[QStringLiteral("qa_outcomes")] =
        jsonArray(result.qa.outcomes, [](const QaOutcome &outcome) { return outcome.correct; });
    QJsonObject json;
    json[QStringLiteral("model")] = model;
    json[QStringLiteral("training")] = training;
    json[QStringLiteral("evaluation")] = evaluation;
    return json;
}

QString number(double value, int decimals) {
    return QString::number(value, 'f', decimals);
}

QByteArray readmeText(const CorpusRecipe &corpus, quint64 seed, int vocabSize,
                      const QVector<ModelResult> &results, double totalSeconds, bool quick) {
    QString text;
    QTextStream out(&text);
    out << "# Built-in demo models\n\n"
        << "Generated by `nwc train-demo" << (quick ? " --quick" : "") << " --seed " << seed
        << "` on " << QDateTime::currentDateTimeUtc().toString(Qt::ISODate)
        << "; every number below was measured by that run (total wall time "
        << number(totalSeconds / 60.0, 1) << " min, 2-core CPU, fp32, one intra-op thread + "
        << "OpenBLAS).\n\n"
        << "## Data\n\n"
        << "- `DemoCorpus` (core/text/democorpus.cpp): templated children's stories and "
        << "arithmetic word problems (one-step addition/subtraction and two-step problems) whose "
        << "worked answers end in \"The answer is N.\"; a problem with probability "
        << DemoCorpus::kDefaultProblemFraction << ", of which a share of "
        << DemoCorpus::kShortAnswerFraction << " are one-step problems written short answer "
        << "first (\"Short answer: N.\" followed by the working).\n"
        << "- Train split: " << corpus.trainDocuments << " documents (not stored; regenerate with "
        << "the seed). Each is encoded as `<|bos|> text <|eos|>`.\n"
        << "- `heldout.txt`: " << corpus.heldoutDocuments << " documents from a separate stream, "
        << "none of which occurs in the train split, joined by blank lines.\n"
        << "- `arithmetic_qa.jsonl`: " << corpus.qaQuestions << " `{question, answer}` problems "
        << "whose questions do not occur in the train split; prompt `Question: {question}\\n"
        << "Answer:`, greedy, at most " << kQaMaxTokens << " tokens.\n\n"
        << "## Tokenizer\n\n"
        << "Byte-level BPE (`BpeTrainer`), " << vocabSize << " tokens: `<|bos|>` = 0, "
        << "`<|eos|>` = 1, the 256 bytes, then merges. Pre-tokenizer regex isolates every digit. "
        << "Both models share the same `tokenizer.json`.\n\n"
        << "## Models and training\n\n"
        << "LlamaForCausalLM (RMSNorm, SwiGLU, RoPE, tied embeddings), AdamW (β = 0.9, 0.95; "
        << "weight decay on matrices only), linear warmup then cosine decay to 10 %, gradient "
        << "clipping at 1.0, random windows from the token stream.\n\n"
        << "| model | parameters | hidden | layers | heads (kv) | FFN | steps | batch × seq | "
        << "peak LR | tokens | time | tokens/s | first → final train loss | held-out loss |\n"
        << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const ModelResult &r : results) {
        const TrainerSettings &t = r.recipe.training;
        out << "| " << r.recipe.name << " | " << r.parameters << " | " << r.recipe.hidden << " | "
            << r.recipe.layers << " | " << r.recipe.heads << " (" << r.recipe.kvHeads << ") | "
            << r.recipe.intermediate << " | " << t.steps << " | " << t.batchSize << " × "
            << t.sequenceLength << " | " << t.learningRate << " | " << r.training.tokens << " | "
            << number(r.training.seconds / 60.0, 1) << " min | "
            << qint64(r.training.tokensPerSecond) << " | " << number(r.training.firstTrainLoss, 3)
            << " → " << number(r.training.finalTrainLoss, 3) << " | "
            << number(r.training.finalEvalLoss, 3) << " |\n";
    }
    out << "\n## Results on the held-out data\n\n"
        << "Perplexity of `heldout.txt` with context " << kContextLength << ", stride "
        << kEvalStride << ", windows starting with BOS (`nwc eval MODEL --text heldout.txt --ctx "
        << kContextLength << " --stride " << kEvalStride << "`); QA accuracy with greedy "
        << "generation.\n\n"
        << "| model | perplexity | bits per byte | tokens scored | QA accuracy |\n"
        << "|---|---|---|---|---|\n";
    for (const ModelResult &r : results) {
        out << "| " << r.recipe.name << " | " << number(r.perplexity.perplexity, 4) << " | "
            << number(r.perplexity.bitsPerByte, 4) << " | " << r.perplexity.tokensScored << " | "
            << r.qa.correct << "/" << r.qa.outcomes.size() << " ("
            << number(100.0 * r.qa.accuracy(), 1) << " %) |\n";
    }
    out << "\n`training_report.json` holds the same numbers, the loss curves and the per-question "
        << "QA outcomes.\n";
    out.flush();
    return text.toUtf8();
}

/// Moves `name` from the staging directory into `target`, replacing what was there.
void install(const QDir &staging, const QDir &target, const QString &name) {
    const QString source = staging.filePath(name);
    const QString destination = target.filePath(name);
    const QString old = staging.filePath(QStringLiteral("previous-") + name);
    if (QFileInfo::exists(destination) && !QDir().rename(destination, old))
        throw Error(QStringLiteral("cannot move the old %1 out of the way").arg(destination));
    if (!QDir().rename(source, destination))
        throw Error(QStringLiteral("cannot move %1 to %2").arg(source, destination));
}

/// The text of `nwc train-demo`: where the models went and how each trained and measures.
void printResults(QTextStream &out, const QDir &target, double totalSeconds,
                  const QVector<ModelResult> &results) {
    out << "demo models written to " << target.absolutePath() << " in "
        << number(totalSeconds / 60.0, 1) << " min\n\n";
    out << "model     parameters  train time  tokens/s  train loss  held-out loss  perplexity"
        << "  bits/byte  QA accuracy\n";
    for (const ModelResult &r : results) {
        out << r.recipe.name.leftJustified(9) << ' '
            << QString::number(r.parameters).rightJustified(10) << "  "
            << QString(number(r.training.seconds / 60.0, 1) + QStringLiteral(" min"))
                   .rightJustified(10)
            << "  " << QString::number(qint64(r.training.tokensPerSecond)).rightJustified(8) << "  "
            << number(r.training.finalTrainLoss, 3).rightJustified(10) << "  "
            << number(r.training.finalEvalLoss, 3).rightJustified(13) << "  "
            << number(r.perplexity.perplexity, 4).rightJustified(10) << "  "
            << number(r.perplexity.bitsPerByte, 4).rightJustified(9) << "  "
            << QStringLiteral("%1/%2")
                   .arg(r.qa.correct)
                   .arg(r.qa.outcomes.size())
                   .rightJustified(11)
            << '\n';
    }
    out << "\nperplexity: " << QFileInfo(target.filePath(QStringLiteral("heldout.txt"))).fileName()
        << ", context " << kContextLength << ", stride " << kEvalStride
        << ", BOS at window start; QA: greedy, prompt \"Question: {question}\\nAnswer:\"\n";
}

/// Everything `nwc train-demo` was asked to do.
struct TrainDemoCommand {
    quint64 seed = 20240611;
    bool quick = false;
    CommonOptions common;
};

} // namespace

int runTrainDemo(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("train-demo"));
    options.addValue(QStringLiteral("seed"),
                     QStringLiteral("Seed of corpus, initialisation and sampling (default "
                                    "20240611)."),
                     QStringLiteral("S"), QStringLiteral("20240611"));
    options.addValue(QStringLiteral("student-steps"),
                     QStringLiteral("Optimizer steps for the student."), QStringLiteral("N"));
    options.addValue(QStringLiteral("teacher-steps"),
                     QStringLiteral("Optimizer steps for the teacher."), QStringLiteral("N"));
    options.addFlag(QStringLiteral("quick"),
                    QStringLiteral("Smoke test: small corpus, few steps (default --output: a "
                                   "temporary directory)."));
    CommonSpec commonSpec;
    commonSpec.output = {
        QStringLiteral("Output directory (default: the source tree's resources/demo)."),
        QStringLiteral("DIR"), QStringLiteral("out"), false};
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;

    TrainDemoCommand command;
    command.seed = options.uint64Value(QStringLiteral("seed"));
    command.quick = options.isSet(QStringLiteral("quick"));
    command.common = readCommonOptions(options, commonSpec);
    const quint64 seed = command.seed;
    const bool quick = command.quick;
    const OutputOptions &output = command.common.output;
    QString outDir = output.output;
    if (outDir.isEmpty()) {
        outDir = quick ? QDir::temp().filePath(QStringLiteral("nwc-train-demo-quick"))
                       : QStringLiteral(NWC_SOURCE_RESOURCES "/demo");
    }

    CorpusRecipe corpus;
    ModelRecipe student{QStringLiteral("student"), 96, 3, 4, 4, 192, {}};
    student.training.steps = 1200;
    student.training.batchSize = 16;
    student.training.sequenceLength = kContextLength;
    student.training.learningRate = 4e-3;
    student.training.warmupSteps = 60;
    student.training.evalInterval = 100;
    student.training.seed = seed + 1;
    // The teacher gets a lower peak learning rate (Adam's best rate falls with width: at 3e-3 the
    // 256-wide model trained worse per token than the student) and more tokens.
    ModelRecipe teacher{QStringLiteral("teacher"), 256, 4, 8, 4, 688, {}};
    teacher.training = student.training;
    teacher.training.steps = 2000;
    teacher.training.learningRate = 1.5e-3;
    teacher.training.warmupSteps = 150;
    teacher.training.seed = seed + 2;
    if (quick) {
        corpus = {2000, 40, 8, 400};
        for (ModelRecipe *recipe : {&student, &teacher}) {
            recipe->training.steps = 12;
            recipe->training.batchSize = 4;
            recipe->training.warmupSteps = 3;
            recipe->training.evalInterval = 6;
            recipe->training.evalWindows = 8;
        }
    }
    if (options.isSet(QStringLiteral("student-steps")))
        student.training.steps = options.intValue(QStringLiteral("student-steps"));
    if (options.isSet(QStringLiteral("teacher-steps")))
        teacher.training.steps = options.intValue(QStringLiteral("teacher-steps"));
    if (student.training.steps < 1 || teacher.training.steps < 1)
        throw Error(QStringLiteral("--student-steps and --teacher-steps must be positive"));

    QElapsedTimer total;
    total.start();
    if (!QDir().mkpath(outDir))
        throw Error(QStringLiteral("cannot create output directory %1").arg(outDir));
    const QDir target(outDir);
    QTemporaryDir stagingDir(target.filePath(QStringLiteral(".train-demo-XXXXXX")));
    if (!stagingDir.isValid())
        throw Error(QStringLiteral("cannot create a staging directory in %1: %2")
                        .arg(outDir, stagingDir.errorString()));
    const QDir staging(stagingDir.path());

    // 1. Corpus.
    logLine(QStringLiteral("generating corpus (seed %1)").arg(seed));
    const DemoSplits splits = DemoCorpus::makeSplits(seed, corpus.trainDocuments,
                                                     corpus.heldoutDocuments, corpus.qaQuestions);
    for (const QString &document : splits.train) {
        if (document.startsWith(QLatin1String("Question: ")) &&
            !DemoCorpus::checkProblemDocument(document))
            throw Error(QStringLiteral("internal error: a generated problem is inconsistent: %1")
                            .arg(document));
    }
    const QByteArray heldoutText = DemoCorpus::joinDocuments(splits.heldout);
    writeFileAtomically(staging.filePath(QStringLiteral("heldout.txt")), heldoutText);
    writeFileAtomically(staging.filePath(QStringLiteral("arithmetic_qa.jsonl")),
                        DemoCorpus::qaJsonLines(splits.qa));

    // 2. Tokenizer.
    BpeTrainerSettings bpeSettings;
    bpeSettings.vocabSize = corpus.vocabSize;
    BpeTrainer bpe(bpeSettings);
    for (const QString &document : splits.train)
        bpe.addText(document.toUtf8());
    StageProgress bpeProgress(QStringLiteral("tokenizer"));
    bpe.train(&bpeProgress);
    bpeProgress.finish();
    const QString tokenizerDir = staging.filePath(QStringLiteral("tokenizer"));
    bpe.save(tokenizerDir);
    const QString tokenizerPath = QDir(tokenizerDir).filePath(QStringLiteral("tokenizer.json"));
    const QString tokenizerConfigPath =
        QDir(tokenizerDir).filePath(QStringLiteral("tokenizer_config.json"));
    const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::load(tokenizerPath);
    if (tokenizer->vocabSize() != bpe.vocabSize() || tokenizer->bosId() != bpe.bosId() ||
        tokenizer->eosId() != bpe.eosId())
        throw Error(QStringLiteral("the trained tokenizer %1 reads back with a different "
                                   "vocabulary or special tokens")
                        .arg(tokenizerPath));
    const std::vector<int32_t> trainTokens =
        encodeDocuments(*tokenizer, splits.train, QStringLiteral("training"));
    const std::vector<int32_t> heldoutTokens =
        encodeDocuments(*tokenizer, splits.heldout, QStringLiteral("held-out"));
    logLine(QStringLiteral("tokenizer: %1 tokens; train stream %2 tokens (%3 bytes), held-out "
                           "%4 tokens")
                .arg(bpe.vocabSize())
                .arg(trainTokens.size())
                .arg(splits.train.join(QString()).toUtf8().size())
                .arg(heldoutTokens.size()));

    // 3. Models.
    QVector<ModelResult> results;
    for (const ModelRecipe &recipe : {student, teacher}) {
        ModelResult result;
        result.recipe = recipe;
        Trainer trainer(configFor(recipe, bpe.vocabSize(), bpe.bosId(), bpe.eosId()),
                        recipe.training);
        result.parameters = trainer.parameterCount();
        logLine(QStringLiteral("%1: %2 parameters, %3 steps of %4 x %5 tokens")
                    .arg(recipe.name)
                    .arg(result.parameters)
                    .arg(recipe.training.steps)
                    .arg(recipe.training.batchSize)
                    .arg(recipe.training.sequenceLength));
        StageProgress progress(recipe.name);
        result.training = trainer.train(trainTokens, heldoutTokens, &progress);
        progress.finish();
        logLine(QStringLiteral("%1: trained in %2 s (%3 tokens/s), train loss %4 -> %5, "
                               "held-out loss %6")
                    .arg(recipe.name)
                    .arg(result.training.seconds, 0, 'f', 1)
                    .arg(qint64(result.training.tokensPerSecond))
                    .arg(result.training.firstTrainLoss, 0, 'f', 3)
                    .arg(result.training.finalTrainLoss, 0, 'f', 3)
                    .arg(result.training.finalEvalLoss, 0, 'f', 3));
        const QString modelDir = staging.filePath(recipe.name);
        trainer.save(modelDir, tokenizerPath);
        if (!QFile::copy(tokenizerConfigPath,
                         QDir(modelDir).filePath(QStringLiteral("tokenizer_config.json"))))
            throw Error(QStringLiteral("cannot copy tokenizer_config.json into %1").arg(modelDir));
        results.append(result);
    }

    // 4. Measurements on the saved directories, exactly as users will load them.
    PerplexitySettings perplexitySettings;
    perplexitySettings.contextLength = kContextLength;
    perplexitySettings.stride = kEvalStride;
    perplexitySettings.addBos = true;
    const QVector<QaItem> qaItems =
        loadQaSet(staging.filePath(QStringLiteral("arithmetic_qa.jsonl")));
    for (ModelResult &result : results) {
        const LanguageModelPtr model = LanguageModel::load(staging.filePath(result.recipe.name));
        StageProgress evalProgress(result.recipe.name + QStringLiteral(" evaluation"));
        result.perplexity =
            evaluatePerplexity(*model, heldoutText, perplexitySettings, &evalProgress);
        result.qa = evaluateQa(*model, qaItems, DemoCorpus::qaPromptTemplate(), kQaMaxTokens,
                               &evalProgress);
        evalProgress.finish();
    }
    const double totalSeconds = double(total.elapsed()) / 1000.0;

    QJsonObject report;
    report[QStringLiteral("seed")] = QString::number(seed);
    report[QStringLiteral("quick")] = quick;
    report[QStringLiteral("vocab_size")] = bpe.vocabSize();
    report[QStringLiteral("train_documents")] = corpus.trainDocuments;
    report[QStringLiteral("train_tokens")] = double(trainTokens.size());
    report[QStringLiteral("heldout_tokens")] = double(heldoutTokens.size());
    report[QStringLiteral("total_seconds")] = totalSeconds;
    for (const ModelResult &result : results)
        report[result.recipe.name] = resultJson(result);
    writeFileAtomically(staging.filePath(QStringLiteral("training_report.json")),
                        QJsonDocument(report).toJson(QJsonDocument::Indented));
    writeFileAtomically(staging.filePath(QStringLiteral("README.md")),
                        readmeText(corpus, seed, bpe.vocabSize(), results, totalSeconds, quick));

    for (const QString &name :
         {QStringLiteral("student"), QStringLiteral("teacher"), QStringLiteral("heldout.txt"),
          QStringLiteral("arithmetic_qa.jsonl"), QStringLiteral("training_report.json"),
          QStringLiteral("README.md")})
        install(staging, target, name);

    report[QStringLiteral("output")] = QDir(outDir).absolutePath();
    output.writeResult(QJsonDocument(report),
                       [&](QTextStream &out) { printResults(out, target, totalSeconds, results); });
    return 0;
}

} // namespace nwc::cli
