// nwc tokenize MODEL|TOKENIZER (--text FILE | -- TEXT...): the token ids and pieces of a text,
// with BOS exactly when evaluation adds it (what llama.cpp's llama-tokenize shows).
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"
#include "cli/evaluationgroup.h"
#include "cli/tokenizersource.h"
#include "cli/tokenpieces.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <vector>

namespace nwc::cli {
namespace {

/// What the text lines on stdout hold.
enum class Listing { Table, Ids, Pieces };

/// The evaluation group as tokenize offers it: --text and --no-bos, no windows.
EvaluationSpec tokenizeEvaluationSpec() {
    EvaluationSpec spec;
    spec.textHelp = QStringLiteral("UTF-8 text file to tokenize (the evaluation text of nwc "
                                   "eval), instead of the text after --.");
    spec.windows = false;
    spec.maxBytesOption = false;
    spec.bosHelp = QStringLiteral("Do not put BOS first (by default it is, when the tokenizer "
                                  "has one, as nwc eval starts its windows).");
    return spec;
}

/// Everything `nwc tokenize` was asked to do.
struct TokenizeCommand {
    QString source;
    /// --text FILE; empty: the words after "--".
    QString textPath;
    QStringList words;
    bool addBos = true;
    Listing listing = Listing::Table;
    CommonOptions common;
};

/// The ids of `text` as evaluation sees them: the text without special tokens, BOS first when
/// `addBos` and the tokenizer has one (lm/evaluator.cpp decides the same way).
std::vector<int32_t> tokenizeText(const Tokenizer &tokenizer, const QByteArray &text, bool addBos,
                                  bool *bosAdded) {
    std::vector<int32_t> ids = tokenizer.encode(text, false, false);
    *bosAdded = addBos && tokenizer.bosId() >= 0;
    if (*bosAdded)
        ids.insert(ids.begin(), tokenizer.bosId());
    return ids;
}

/// Reads the options into `command`; returns false with *exitCode set after a usage error.
bool readCommand(const CommandOptions &options, const QStringList &args,
                 const CommonSpec &commonSpec, TokenizeCommand *command, int *exitCode) {
    const auto usage = [exitCode](const QString &message) {
        printError(message + QStringLiteral(" (see 'nwc tokenize --help')"));
        *exitCode = 2;
        return false;
    };
    // Everything after "--" is the text; QCommandLineParser lists it with the positionals.
    const qsizetype dashes = args.indexOf(QStringLiteral("--"), 2);
    const QStringList positionals = options.positionalArguments();
    const qsizetype wordCount = dashes < 0 ? 0 : args.size() - dashes - 1;
    if (positionals.size() - wordCount != 1)
        return usage(dashes < 0 && positionals.size() > 1
                         ? QStringLiteral("tokenize expects one MODEL or TOKENIZER; put the text "
                                          "after --")
                         : QStringLiteral("tokenize expects one MODEL or TOKENIZER"));
    const EvaluationOptions evaluation = readEvaluationOptions(options, tokenizeEvaluationSpec());
    command->source = positionals.first();
    command->words = positionals.mid(1);
    command->textPath = evaluation.textPath;
    command->addBos = evaluation.windows.addBos;
    const bool textGiven = options.isSet(QStringLiteral("text"));
    if (textGiven == (dashes >= 0))
        return usage(textGiven ? QStringLiteral("give the text either with --text FILE or after "
                                                "--, not both")
                               : QStringLiteral("tokenize needs a text: --text FILE or -- TEXT"));
    if (!textGiven && command->words.isEmpty())
        return usage(QStringLiteral("no text after --; write the text after it or use --text "
                                    "FILE"));
    const bool ids = options.isSet(QStringLiteral("ids"));
    const bool pieces = options.isSet(QStringLiteral("pieces"));
    command->common = readCommonOptions(options, commonSpec);
    if (ids && pieces)
        return usage(QStringLiteral("--ids and --pieces exclude each other"));
    if ((ids || pieces) && command->common.output.jsonOnStdout())
        return usage(QStringLiteral("--json prints JSON instead of the %1 listing; write "
                                    "--json=FILE to get both")
                         .arg(ids ? QStringLiteral("--ids") : QStringLiteral("--pieces")));
    command->listing = ids ? Listing::Ids : pieces ? Listing::Pieces : Listing::Table;
    return true;
}

void printListing(QTextStream &out, Listing listing, const std::vector<int32_t> &ids,
                  TokenPieces &pieces) {
    switch (listing) {
    case Listing::Ids:
        for (size_t i = 0; i < ids.size(); ++i)
            out << (i ? " " : "") << ids[i];
        out << '\n';
        break;
    case Listing::Pieces:
        for (const int32_t id : ids)
            out << pieces.shown(id) << '\n';
        break;
    case Listing::Table:
        for (const int32_t id : ids)
            out << id << "\t'" << pieces.shown(id) << "'\n";
        break;
    }
}

QJsonObject resultJson(const TokenizerSource &source, bool bosAdded,
                       const std::vector<int32_t> &ids, TokenPieces &pieces) {
    QJsonArray idArray;
    QJsonArray pieceArray;
    for (const int32_t id : ids) {
        idArray.append(id);
        pieceArray.append(pieces.shown(id));
    }
    QJsonObject json;
    json[QStringLiteral("tokenizer")] = source.path;
    json[QStringLiteral("kind")] = source.tokenizer->kind();
    json[QStringLiteral("bos_added")] = bosAdded;
    json[QStringLiteral("count")] = double(ids.size());
    json[QStringLiteral("ids")] = idArray;
    json[QStringLiteral("pieces")] = pieceArray;
    return json;
}

} // namespace

int runTokenize(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("tokenize"));
    options.addPositional(QStringLiteral("MODEL|TOKENIZER"),
                          QStringLiteral("HF directory, llama2.c .bin, .nwc or demo:NAME; or a "
                                         "tokenizer.json, tokenizer.model, tok*.bin or a folder "
                                         "with a tokenizer and no weights"));
    options.addPositional(QStringLiteral("TEXT"),
                          QStringLiteral("The text, after --; words are joined by single "
                                         "spaces."),
                          QStringLiteral("[-- TEXT...]"));
    addEvaluationOptions(options, tokenizeEvaluationSpec());
    options.addFlag(QStringLiteral("ids"), QStringLiteral("Print only the ids, on one line."));
    options.addFlag(QStringLiteral("pieces"),
                    QStringLiteral("Print only the pieces, one per line."));
    CommonSpec commonSpec;
    commonSpec.model = true;
    commonSpec.compute = false;
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    TokenizeCommand command;
    int exitCode = 0;
    if (!readCommand(options, args, commonSpec, &command, &exitCode))
        return exitCode;

    const QByteArray text = command.textPath.isEmpty()
                                ? command.words.join(QStringLiteral(" ")).toUtf8()
                                : readEvaluationText(command.textPath, true);
    const TokenizerSource source =
        openTokenizerSource(command.source, command.common.model.tokenizer);
    if (source.model.isEmpty() && !command.common.model.tokenizer.isEmpty()) {
        printError(QStringLiteral("--tokenizer goes with a MODEL; %1 is a tokenizer already, "
                                  "give only one of them")
                       .arg(command.source));
        return 2;
    }
    bool bosAdded = false;
    const std::vector<int32_t> ids =
        tokenizeText(*source.tokenizer, text, command.addBos, &bosAdded);
    TokenPieces pieces(*source.tokenizer);

    const QJsonObject json = resultJson(source, bosAdded, ids, pieces);
    command.common.output.writeResult(
        QJsonDocument(json), [&](QTextStream &out) {
            printListing(out, command.listing, ids, pieces);
            out.flush(); // the listing before the count on stderr
            if (command.listing == Listing::Table)
                QTextStream(stderr)
                    << QStringLiteral("[%1 tokens, %2; %3 tokenizer %4]\n")
                           .arg(ids.size())
                           .arg(bosAdded
                                    ? QStringLiteral("BOS %1 first").arg(source.tokenizer->bosId())
                                    : QStringLiteral("no BOS"))
                           .arg(source.tokenizer->kind(), source.path);
        });
    return 0;
}

} // namespace nwc::cli
