#pragma once
// The `nwc` command-line tool: one function per sub-command, each parsing its own options with
// QCommandLineParser. `args` starts with the program name followed by the sub-command name.
// Results go to stdout (tables, or JSON with --json); progress and statistics to stderr.
// User errors print one line "nwc: error: ..." and return a non-zero exit code.

#include "cli/commandoptions.h"

#include <QStringList>

namespace nwc::cli {

int runInfo(const QStringList &args);
/// The token ids and pieces of a text under a model's tokenizer or a tokenizer file.
int runTokenize(const QStringList &args);
int runGenerate(const QStringList &args);
int runEval(const QStringList &args);
int runTrainDemo(const QStringList &args);
int runBench(const QStringList &args);
int runCalibrate(const QStringList &args);
int runDecompress(const QStringList &args);
int runInspect(const QStringList &args);
/// Where the weight error of compressed containers lands in the layers' outputs.
int runAnatomy(const QStringList &args);
int runTrainCodec(const QStringList &args);
int runCompress(const QStringList &args);
/// Rate–distortion sweep over methods and bit rates, resumable through a session file.
int runSweep(const QStringList &args);
/// Student alone vs. student steered by a teacher for its first N tokens, with a trace.
int runCollab(const QStringList &args);
/// QA accuracy of the collaborative rule over an alpha x N grid (resumable).
int runCollabBench(const QStringList &args);
/// Starts N local ranks of a distributed job (docs/distributed.md), rank-prefixed output.
int runLaunch(const QStringList &args);
/// The main job on the built-in demo (what `nwc-workbench --headless` runs).
int runDemo(const QStringList &args);

/// The options of the sub-command `command` ("compress"), headed in --help by its description
/// from the command table; each run function starts by declaring its options on these.
CommandOptions commandOptions(const QString &command);

/// Whether `command` joins the process group that `nwc launch` (or torchrun) starts and splits
/// its work across the ranks: calibrate, compress, sweep and train-codec.
bool runsDistributed(const QString &command);
/// "calibrate, compress, sweep and train-codec", for messages.
QString distributedCommandList();

/// Whether argv runs parallel computation: not for help, --version, and the commands that only
/// read files or start other processes (info, inspect, tokenize, launch). main() restarts with
/// passive thread waiting (compute/threadwaiting.h) only when it does, sparing the others the
/// second program start (about half a second).
bool commandLineComputes(int argc, char *argv[]);

/// Dispatches argv to a sub-command; prints usage for --help or an unknown command.
int runCommandLine(const QStringList &args);

} // namespace nwc::cli
