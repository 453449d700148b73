// nwc info MODEL: architecture, parameter count, tokenizer and tensor table.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "cli/commongroups.h"

#include "io/checkpoint.h"
#include "text/tokenizer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QTextStream>

namespace nwc::cli {
namespace {

QString formatBytes(quint64 bytes) {
    return QLocale::c().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeTraditionalFormat);
}

QJsonArray shapeJson(const TensorInfo &info) {
    return jsonArray(info.shape, [](qint64 d) { return double(d); });
}

} // namespace

int runInfo(const QStringList &args) {
    CommandOptions options = commandOptions(QStringLiteral("info"));
    addModelPositional(options);
    CommonSpec commonSpec;
    commonSpec.model = true;
    commonSpec.compute = false;
    commonSpec.onePositional = QStringLiteral("MODEL");
    if (const std::optional<int> exitCode = parseWithCommonOptions(options, args, commonSpec))
        return *exitCode;
    const CommonOptions common = readCommonOptions(options, commonSpec);

    const CheckpointPtr checkpoint = Checkpoint::open(options.positionalArguments().first());
    const ModelConfig &config = checkpoint->config();
    const QString tokenizerPath =
        common.model.tokenizer.isEmpty() ? checkpoint->tokenizerPath() : common.model.tokenizer;
    std::unique_ptr<Tokenizer> tokenizer;
    if (!tokenizerPath.isEmpty())
        tokenizer = Tokenizer::load(tokenizerPath);

    quint64 storedBytes = 0;
    qint64 storedElements = 0;
    for (const TensorInfo &info : checkpoint->tensors()) {
        storedBytes += info.byteSize;
        storedElements += info.elementCount();
    }

    QJsonObject root;
    root[QStringLiteral("source")] = checkpoint->source();
    root[QStringLiteral("name")] = checkpoint->displayName();
    root[QStringLiteral("format")] =
        checkpoint->format() == CheckpointFormat::Llama2c ? QStringLiteral("llama2.c")
        : checkpoint->format() == CheckpointFormat::Nwc   ? QStringLiteral("nwc")
                                                          : QStringLiteral("huggingface");
    root[QStringLiteral("config")] = config.toJson();
    root[QStringLiteral("parameters")] = double(storedElements);
    root[QStringLiteral("bytes")] = double(storedBytes);
    if (tokenizer) {
        QJsonObject tok;
        tok[QStringLiteral("path")] = tokenizerPath;
        tok[QStringLiteral("kind")] = tokenizer->kind();
        tok[QStringLiteral("vocab_size")] = tokenizer->vocabSize();
        tok[QStringLiteral("bos_id")] = tokenizer->bosId();
        tok[QStringLiteral("eos_id")] = tokenizer->eosId();
        root[QStringLiteral("tokenizer")] = tok;
    }
    root[QStringLiteral("tensors")] = jsonArray(checkpoint->tensors(), [](const TensorInfo &info) {
        QJsonObject t;
        t[QStringLiteral("name")] = info.name;
        t[QStringLiteral("dtype")] = dtypeName(info.dtype);
        t[QStringLiteral("shape")] = shapeJson(info);
        t[QStringLiteral("bytes")] = double(info.byteSize);
        return t;
    });
    common.output.writeResult(QJsonDocument(root), [&](QTextStream &out) {
        const QLocale c = QLocale::c();
        out << "model         " << checkpoint->displayName() << "  (" << checkpoint->source()
            << ")\n";
        out << "architecture  " << config.architectureName << '\n';
        out << "layers        " << config.numLayers << "   hidden " << config.hiddenSize
            << "   intermediate " << config.intermediateSize << '\n';
        out << "heads         " << config.numHeads << " query / " << config.numKvHeads
            << " key-value, head dim " << config.headDim << '\n';
        out << "vocabulary    " << config.vocabSize << "   context " << config.maxPositions
            << "   tied embeddings " << (config.tieWordEmbeddings ? "yes" : "no") << '\n';
        out << "rope          theta " << config.ropeTheta;
        if (!config.ropeScalingType.isEmpty())
            out << ", scaling " << config.ropeScalingType << " x" << config.ropeFactor;
        out << '\n';
        out << "parameters    " << c.toString(storedElements) << " stored in "
            << checkpoint->tensors().size() << " tensors, " << formatBytes(storedBytes) << '\n';
        if (tokenizer)
            out << "tokenizer     " << tokenizer->kind() << ", " << tokenizer->vocabSize()
                << " tokens, bos " << tokenizer->bosId() << ", eos " << tokenizer->eosId() << "  ("
                << tokenizerPath << ")\n";
        else
            out << "tokenizer     none found beside the model (pass --tokenizer)\n";
        out << '\n';

        int nameWidth = 4;
        for (const TensorInfo &info : checkpoint->tensors())
            nameWidth = std::max(nameWidth, int(info.name.size()));
        out << QStringLiteral("name").leftJustified(nameWidth) << "  dtype  "
            << QStringLiteral("shape").leftJustified(16)
            << QStringLiteral("bytes").rightJustified(12) << '\n';
        for (const TensorInfo &info : checkpoint->tensors()) {
            out << info.name.leftJustified(nameWidth) << "  "
                << dtypeName(info.dtype).leftJustified(5) << "  "
                << info.shapeString().leftJustified(16)
                << c.toString(qulonglong(info.byteSize)).rightJustified(12) << '\n';
        }
    });
    return 0;
}

} // namespace nwc::cli
