#include "text/gpt2filesreader.h"

#include "jobs/error.h"
#include "text/bpetokenizer.h"
#include "text/jsonfile.h"
#include "text/regexpattern.h"
#include "text/utf8.h"

namespace nwc {

namespace {

constexpr int32_t kLlama3FirstSpecial = 128000;

} // namespace

QStringList Gpt2FilesReader::llama3SpecialTokens() {
    // As in meta-llama/Llama-3.2-1B tokenizer.json; the rest are reserved placeholders.
    QStringList names;
    int reserved = 0;
    const auto nextReserved = [&reserved] {
        return QStringLiteral("<|reserved_special_token_%1|>").arg(reserved++);
    };
    names << QStringLiteral("<|begin_of_text|>") << QStringLiteral("<|end_of_text|>");
    names << nextReserved() << nextReserved();
    names << QStringLiteral("<|finetune_right_pad_id|>") << nextReserved();
    names << QStringLiteral("<|start_header_id|>") << QStringLiteral("<|end_header_id|>");
    names << QStringLiteral("<|eom_id|>") << QStringLiteral("<|eot_id|>");
    names << QStringLiteral("<|python_tag|>");
    while (names.size() < 256)
        names << nextReserved();
    return names;
}

std::unique_ptr<BpeTokenizer>
Gpt2FilesReader::read(const QString &vocabPath, const QString &mergesPath, const QString &hint) {
    return fromJson(JsonFile::readObject(vocabPath), vocabPath, mergesPath, hint);
}

std::unique_ptr<BpeTokenizer> Gpt2FilesReader::fromJson(const QJsonObject &vocab,
                                                        const QString &vocabPath,
                                                        const QString &mergesPath,
                                                        const QString &hint) {
    const QByteArray merges = JsonFile::readAll(mergesPath);
    auto tokenizer = std::make_unique<BpeTokenizer>(true);
    tokenizer->reserve(int(vocab.size()), int(merges.count('\n')) + 1);
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        if (!it.value().isDouble())
            throw Error(QStringLiteral("%1: entry \"%2\" is not a token id; expected a "
                                       "vocab.json/encoder.json mapping pieces to ids")
                            .arg(vocabPath, it.key()));
        tokenizer->addPiece(it.key(), JsonFile::tokenId(it.value(), vocab.size(), vocabPath,
                                                        QStringLiteral("piece"), it.key()));
    }

    const QList<QByteArray> lines = merges.split('\n');
    for (qsizetype index = 0; index < lines.size(); ++index) {
        QByteArray line = lines[index];
        const int lineNumber = int(index + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty() || (lineNumber == 1 && line.startsWith("#version")))
            continue;
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() != 2 ||
            !tokenizer->addMerge(Utf8::decode(parts[0]), Utf8::decode(parts[1])))
            throw Error(QStringLiteral("%1, line %2: not a merge of two vocabulary pieces; the "
                                       "file is damaged or does not belong to %3")
                            .arg(mergesPath)
                            .arg(lineNumber)
                            .arg(vocabPath));
    }
    complete(*tokenizer, hint, vocabPath);
    return tokenizer;
}

void Gpt2FilesReader::complete(BpeTokenizer &tokenizer, const QString &hint, const QString &path) {
    const QString patternName = hint.isEmpty() ? QStringLiteral("gpt2") : hint;
    const QString pattern = RegexPattern::builtin(patternName);
    if (pattern.isEmpty())
        throw Error(QStringLiteral("%1: unknown pre-tokenizer \"%2\"; use gpt2, llama3 or qwen2")
                        .arg(path, hint));
    tokenizer.setPreTokenizer(PreTokenizer::byteLevelRegex(pattern, path));
    if (patternName == QLatin1String("llama3")) {
        const QStringList names = llama3SpecialTokens();
        for (int i = 0; i < names.size(); ++i) {
            if (!tokenizer.tokenText(kLlama3FirstSpecial + i).isEmpty())
                throw Error(QStringLiteral("%1: id %2 is already used; this is not a Llama 3 "
                                           "vocabulary (drop the llama3 pre-tokenizer hint)")
                                .arg(path)
                                .arg(kLlama3FirstSpecial + i));
            AddedVocabulary::Token token;
            token.content = names.at(i);
            token.id = kLlama3FirstSpecial + i;
            token.special = true;
            tokenizer.addAddedToken(token);
        }
        tokenizer.model().setIgnoreMerges(true);
        tokenizer.setTemplate({kLlama3FirstSpecial}, {});
        tokenizer.setBosEos(kLlama3FirstSpecial, kLlama3FirstSpecial + 1);
    } else {
        const int32_t endOfText = tokenizer.pieceId(QStringLiteral("<|endoftext|>"));
        if (endOfText >= 0) {
            AddedVocabulary::Token token;
            token.content = QStringLiteral("<|endoftext|>");
            token.id = endOfText;
            token.special = true;
            tokenizer.addAddedToken(token);
        }
        tokenizer.setBosEos(endOfText, endOfText);
    }
    tokenizer.finalize();
}

} // namespace nwc
