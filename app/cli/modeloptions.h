#pragma once
// Options shared by commands that load a model (MODEL positional + --tokenizer).

#include "lm/languagemodel.h"

#include <QCommandLineParser>

namespace nwc::cli {

/// The --tokenizer option.
QCommandLineOption tokenizerOption();
/// Loads the model named by the first positional argument, with --tokenizer when set;
/// reports loading progress on stderr.
LanguageModelPtr loadModel(const QCommandLineParser &parser, const QString &spec);

} // namespace nwc::cli
