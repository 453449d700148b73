#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/distributedgroup.h"

#include <QTextStream>

#include <cstdio>

#include <cstring>

namespace nwc::cli {
namespace {

/// A sub-command: what users type, its line in `nwc --help`, the description heading its own
/// --help (UTF-8), and the function that runs it.
struct CommandEntry {
    const char *name;
    const char *summary;
    const char *description;
    int (*run)(const QStringList &);
};

/// The commands that run as several ranks (docs/distributed.md).
const char *const kDistributedCommands[] = {"calibrate", "compress", "sweep", "train-codec"};

/// The commands that only read files or start other processes: no parallel computation.
const char *const kReadingCommands[] = {"info", "inspect", "tokenize", "launch"};

const CommandEntry kCommands[] = {
    {"demo", "run the main job on the built-in demo models and print the results",
     "Run the main job on the built-in demo models: held-out perplexity and arithmetic accuracy of "
     "demo:student and demo:teacher.",
     runDemo},
    {"info", "architecture, parameter count and tensor table of a model",
     "Show a model's architecture, parameters and tensors.", runInfo},
    {"tokenize", "token ids and pieces of a text, with BOS as evaluation adds it",
     "Show the token ids and pieces of a text, with BOS first exactly when nwc eval adds it. One "
     "line per token: id, tab, the piece in quotes (control characters and bytes outside UTF-8 "
     "escaped); the count goes to stderr.",
     runTokenize},
    {"generate", "stream a continuation of a prompt",
     "Generate a continuation of a prompt; the prompt and the continuation go to stdout, "
     "statistics to stderr.",
     runGenerate},
    {"eval", "perplexity, bits per byte and divergence from a reference model",
     "Measure perplexity and bits per byte of a model on a text file, optionally against a "
     "reference model.",
     runEval},
    {"train-demo", "regenerate the demo corpus, tokenizer and the two demo models",
     "Regenerate the demo corpus, train the shared BPE tokenizer and the student and teacher demo "
     "models, and measure held-out perplexity and arithmetic QA accuracy.",
     runTrainDemo},
    {"bench", "prefill and decode throughput",
     "Measure prefill and decode tokens per second (greedy, one sequence, KV cache).", runBench},
    {"calibrate", "per-layer input statistics H and column importance",
     "Run a model on calibration text one block at a time and store each linear layer's input "
     "statistics H = sum x x^T and column importance diag(H). A file with the same model and data "
     "hash is reused.",
     runCalibrate},
    {"decompress", "decode a .nwc container into a Hugging Face model folder",
     "Decode every tensor of a .nwc container and write a Hugging Face model folder with the "
     "original names, dtypes and layouts.",
     runDecompress},
    {"inspect", "header, per-tensor bits per weight and totals of a .nwc container",
     "Show a .nwc container's header and, per tensor, the method, codec, quality levels and the "
     "bytes that count toward bits per weight.",
     runInspect},
    {"anatomy", "where compressed containers' weight errors land in the layers' outputs",
     "Compare where the weight error of one or more compressed containers of MODEL lands: per "
     "linear weight the output error tr(E H E^T) relative to tr(W H W^T), the part that is the "
     "mean input's (the same output shift on every token), the factor by which errors of different "
     "columns add up coherently (full / diagonal), the shrinkage <E, W> / <W, W>, how the error "
     "scales with column and row magnitude (log-log slopes) and the side information's bits.",
     runAnatomy},
    {"compress", "compress a model into a .nwc container at a target bit rate",
     "Compress a model's linear layers into a .nwc container.", runCompress},
    {"sweep", "compress at several bit rates with several methods and measure each (resumable)",
     "Rate–distortion sweep: compress a model with each method at each bit rate and measure size, "
     "weighted MSE, perplexity and KL divergence from the original. A rerun with the same settings "
     "resumes from the session file.",
     runSweep},
    {"train-codec", "train an NWC codec on the weights of one or more models",
     "Train an NWC codec on the weights of one or more models.", runTrainCodec},
    {"launch", "run an nwc command as N local ranks of one distributed job",
     "Run an nwc command as N ranks of one distributed job on this machine: each rank gets RANK, "
     "WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1 and MASTER_PORT, its output "
     "lines are prefixed with [rank i], and when one rank fails the others are stopped and the "
     "launch fails.",
     runLaunch},
    {"collab", "student alone vs. student steered by a teacher for its first N tokens",
     "Generate with the student alone and with the student steered by the teacher for its first N "
     "tokens: S = p_s + alpha (p_t - p_s), token = argmax S.",
     runCollab},
    {"collab-bench", "QA accuracy of collaborative decoding over alpha, N and tau (resumable)",
     "QA accuracy of the student, the teacher, and the student steered for its first N tokens "
     "by S = p_s + alpha (p_t - p_s), over alpha, N and (gated) tau grids.",
     runCollabBench},
};

void printUsage(FILE *stream) {
    QTextStream out(stream);
    out << "Usage: nwc <command> [options]\n\n"
           "MODEL is a Hugging Face directory, a llama2.c .bin checkpoint, a compressed .nwc\n"
           "container (decoded on load), or demo:student / demo:teacher (the built-in demo\n"
           "models).\n\nCommands:\n";
    for (const CommandEntry &command : kCommands)
        out << "  " << QString::fromLatin1(command.name).leftJustified(12) << ' ' << command.summary
            << '\n';
    out << "\nRun 'nwc <command> --help' for a command's options.\n";
}

} // namespace

bool runsDistributed(const QString &command) {
    for (const char *name : kDistributedCommands)
        if (command == QLatin1String(name))
            return true;
    return false;
}

QString distributedCommandList() {
    QStringList names;
    for (const char *name : kDistributedCommands)
        names << QString::fromLatin1(name);
    const QString last = names.takeLast();
    return names.join(QStringLiteral(", ")) + QStringLiteral(" and ") + last;
}

bool commandLineComputes(int argc, char *argv[]) {
    if (argc < 2)
        return false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0)
            return false;
    }
    for (const char *name : kReadingCommands) {
        if (std::strcmp(argv[1], name) == 0)
            return false;
    }
    return std::strcmp(argv[1], "help") != 0 && std::strcmp(argv[1], "--version") != 0;
}

CommandOptions commandOptions(const QString &command) {
    for (const CommandEntry &entry : kCommands) {
        if (command == QLatin1String(entry.name))
            return CommandOptions(command, QString::fromUtf8(entry.description));
    }
    qFatal("nwc: '%s' is not in the command table", qPrintable(command));
}

int runCommandLine(const QStringList &args) {
    if (args.size() < 2 || args.at(1) == QLatin1String("--help") ||
        args.at(1) == QLatin1String("-h") || args.at(1) == QLatin1String("help")) {
        printUsage(args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? 2 : 0;
    }
    if (args.at(1) == QLatin1String("--version")) {
        QTextStream(stdout) << "nwc " << NWC_VERSION << '\n';
        return 0;
    }
    for (const CommandEntry &command : kCommands) {
        if (args.at(1) == QLatin1String(command.name))
            return leaveLaunchedGroup(runGuarded([&] { return command.run(args); }));
    }
    printError(QStringLiteral("unknown command '%1' (see 'nwc --help')").arg(args.at(1)));
    return 2;
}

} // namespace nwc::cli
