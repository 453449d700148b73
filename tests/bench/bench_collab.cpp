// Benchmark (not a test): collaborative decoding at real sizes. A random-weight bf16 pair that
// shares Qwen3's tokenizer — the Qwen2.5-0.5B shape as the student, the Qwen2.5-1.5B shape as
// the teacher (written once into the folder) — generates the same number of tokens greedily as
// the student alone, the teacher alone, and the student steered for its first N tokens. Prints
// tokens/s and the ratio to the student alone: the teacher runs for the prompt and N tokens only,
// so the overhead is bounded by N. `cmake --build --preset dev --target bench-collab`.
//
// usage: bench_collab [--folder DIR] [--tokens N] [--ns 1,5,16] [--prompt WORDS]
#include "compute/threadwaiting.h"
#include "randomcheckpoint.h"

#include "decode/collaborativedecoder.h"
#include "lm/languagemodel.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>

#include <cstdio>

using namespace nwc;

namespace {

/// The Qwen2.5-1.5B configuration (config.json of the public model): the 0.5B shape's family.
bench::RealShape qwen15B(const bench::RealShape &small) {
    bench::RealShape shape{QStringLiteral("Qwen2.5-1.5B"), small.config};
    shape.config.hiddenSize = 1536;
    shape.config.intermediateSize = 8960;
    shape.config.numLayers = 28;
    shape.config.numHeads = 12;
    shape.config.numKvHeads = 2;
    shape.config.headDim = 128;
    return shape;
}

struct Run {
    QString label;
    double seconds = 0;
    int tokens = 0;
    int teacherSteps = 0;
};

Run timeRun(const QString &label, const LanguageModelPtr &student, const LanguageModelPtr &teacher,
            CollaborativeSettings settings, const QString &prompt) {
    CollaborativeDecoder decoder(student, teacher, settings);
    QElapsedTimer clock;
    clock.start();
    const CollaborativeResult result = decoder.run(prompt);
    Run run;
    run.label = label;
    run.seconds = double(clock.nsecsElapsed()) / 1e9;
    run.tokens = int(result.steps.size());
    run.teacherSteps = result.teacherSteps();
    return run;
}

} // namespace

int main(int argc, char **argv) {
    nwc::restartWithPassiveThreadWaiting(argv); // before any thread starts
    QCoreApplication app(argc, argv);
    QString folder = QDir::temp().filePath(QStringLiteral("nwc-bench-models"));
    int tokens = 64;
    int promptWords = 64;
    QList<int> ns = {1, 5, 16};
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--folder"))
            folder = args[i + 1];
        else if (args[i] == QLatin1String("--tokens"))
            tokens = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--prompt"))
            promptWords = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--ns")) {
            ns.clear();
            for (const QString &n : args[i + 1].split(QLatin1Char(',')))
                ns << n.toInt();
        }
    }
    bench::RealShape small;
    for (const bench::RealShape &shape : bench::realShapes())
        if (shape.name == QLatin1String("Qwen2.5-0.5B"))
            small = shape;
    const QString external = QStringLiteral(NWC_BENCH_EXTERNAL_DIR);
    const QString studentFolder = bench::ensureRandomCheckpoint(folder, small, external);
    const QString teacherFolder = bench::ensureRandomCheckpoint(folder, qwen15B(small), external);
    const LanguageModelPtr student = LanguageModel::load(studentFolder);
    const LanguageModelPtr teacher = LanguageModel::load(teacherFolder);
    QStringList words;
    for (int i = 0; i < promptWords; ++i)
        words << QStringLiteral("word%1").arg(i % 17);
    const QString prompt = words.join(QLatin1Char(' '));

    CollaborativeSettings settings;
    settings.maxTokens = tokens;
    settings.stopAtEos = false; // random weights: every run makes the same number of tokens
    std::vector<Run> runs;
    settings.mode = CollaborativeMode::StudentOnly;
    runs.push_back(
        timeRun(QStringLiteral("student alone (0.5B)"), student, nullptr, settings, prompt));
    settings.mode = CollaborativeMode::TeacherOnly;
    runs.push_back(timeRun(QStringLiteral("teacher alone (1.5B, student traced)"), student, teacher,
                           settings, prompt));
    settings.mode = CollaborativeMode::FixedAlpha;
    settings.alpha = 1.0;
    for (int n : ns) {
        settings.steeredTokens = n;
        runs.push_back(timeRun(QStringLiteral("steered, N = %1 (α 1)").arg(n), student, teacher,
                               settings, prompt));
    }
    std::printf("student %s, teacher %s (random bf16 weights, Qwen3 tokenizer); prompt %d "
                "words, %d greedy tokens, intra-op threads chosen by the runtime\n\n",
                qPrintable(studentFolder), qPrintable(teacherFolder), promptWords, tokens);
    std::printf("| run | tokens | teacher steps | s | tok/s | time / student alone |\n"
                "|---|---:|---:|---:|---:|---:|\n");
    for (const Run &run : runs)
        std::printf("| %s | %d | %d | %.2f | %.2f | %.2f× |\n", qPrintable(run.label), run.tokens,
                    run.teacherSteps, run.seconds, run.tokens / run.seconds,
                    run.seconds / runs.front().seconds);
    return 0;
}
