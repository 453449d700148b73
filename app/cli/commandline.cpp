#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/distributedgroup.h"

#include <QTextStream>

#include <cstdio>

namespace nwc::cli {
namespace {

struct CommandEntry {
    const char *name;
    const char *summary;
    int (*run)(const QStringList &);
};

const CommandEntry kCommands[] = {
    {"demo", "run the main job on the built-in demo models and print the results", runDemo},
    {"info", "architecture, parameter count and tensor table of a model", runInfo},
    {"tokenize", "token ids and pieces of a text, with BOS as evaluation adds it", runTokenize},
    {"generate", "stream a continuation of a prompt", runGenerate},
    {"eval", "perplexity, bits per byte and divergence from a reference model", runEval},
    {"train-demo", "regenerate the demo corpus, tokenizer and the two demo models", runTrainDemo},
    {"bench", "prefill and decode throughput", runBench},
    {"calibrate", "per-layer input statistics H and column importance", runCalibrate},
    {"decompress", "decode a .nwc container into a Hugging Face model folder", runDecompress},
    {"inspect", "header, per-tensor bits per weight and totals of a .nwc container", runInspect},
    {"anatomy", "where compressed containers' weight errors land in the layers' outputs",
     runAnatomy},
    {"compress", "compress a model into a .nwc container at a target bit rate", runCompress},
    {"sweep", "compress at several bit rates with several methods and measure each (resumable)",
     runSweep},
    {"train-codec", "train an NWC codec on the weights of one or more models", runTrainCodec},
    {"launch", "run an nwc command as N local ranks of one distributed job", runLaunch},
    {"collab", "student alone vs. student steered by a teacher for its first N tokens", runCollab},
    {"collab-bench", "QA accuracy of collaborative decoding over alpha, N and tau (resumable)",
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
