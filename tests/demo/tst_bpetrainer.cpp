// BpeTrainer: expected merges on a tiny corpus, determinism, the tokenizer.json it writes
// loading with Tokenizer::load, and exact round trips.
#include "jobs/error.h"
#include "text/bpetrainer.h"
#include "text/democorpus.h"
#include "text/tokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace nwc;

namespace {

QStringList demoDocuments(int count) {
    return DemoCorpus::makeSplits(5, count, 1, 1).train;
}

BpeTrainer trainOn(const QStringList &documents, int vocabSize) {
    BpeTrainerSettings settings;
    settings.vocabSize = vocabSize;
    BpeTrainer trainer(settings);
    for (const QString &document : documents)
        trainer.addText(document.toUtf8());
    trainer.train();
    return trainer;
}

/// Reference byte-level BPE encoder: within each pre-tokenizer piece, repeatedly merge the
/// adjacent pair with the lowest merge rank (what HF tokenizers does).
std::vector<int32_t> referenceEncode(const BpeTrainer &trainer, const QByteArray &utf8) {
    std::map<std::pair<QByteArray, QByteArray>, int> ranks;
    for (size_t i = 0; i < trainer.merges().size(); ++i)
        ranks.emplace(trainer.merges()[i], int(i));
    QHash<QByteArray, int32_t> ids;
    for (size_t id = 2; id < trainer.tokens().size(); ++id)
        ids.insert(trainer.tokens()[id], int32_t(id));
    std::vector<int32_t> result;
    for (const QByteArray &piece : BpeTrainer::preTokenize(utf8)) {
        std::vector<QByteArray> symbols;
        for (char c : piece)
            symbols.emplace_back(1, c);
        while (symbols.size() > 1) {
            int best = -1;
            int bestRank = INT_MAX;
            for (size_t i = 0; i + 1 < symbols.size(); ++i) {
                const auto it = ranks.find({symbols[i], symbols[i + 1]});
                if (it != ranks.end() && it->second < bestRank) {
                    bestRank = it->second;
                    best = int(i);
                }
            }
            if (best < 0)
                break;
            symbols[size_t(best)] += symbols[size_t(best) + 1];
            symbols.erase(symbols.begin() + best + 1);
        }
        for (const QByteArray &symbol : symbols)
            result.push_back(ids.value(symbol, -1));
    }
    return result;
}

} // namespace

class TestBpeTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void preTokenizerIsolatesDigits() {
        const QVector<QByteArray> pieces =
            BpeTrainer::preTokenize("Tom has 12 apples. 12 + 5 = 17.\nThe answer's 17.");
        const QVector<QByteArray> expected = {"Tom", " has", " 1",      "2",  " apples", ".", " 1",
                                              "2",   " +",   " 5",      " =", " 1",      "7", ".",
                                              "\n",  "The",  " answer", "'s", " 1",      "7", "."};
        QCOMPARE(pieces, expected);
    }

    void expectedFirstMerges() {
        // Pieces "aaa", " aaa", " aab": (a,a) occurs 5 times and is merged first; then
        // (" ", "aa") and ("aa", "a") both occur twice and the tie goes to the smaller bytes
        // (' ' < 'a'); then three pairs occur once and (" aa", "a") is the smallest.
        BpeTrainerSettings settings;
        settings.vocabSize = 258 + 3;
        settings.minFrequency = 1;
        BpeTrainer trainer(settings);
        trainer.addText("aaa aaa aab");
        trainer.train();
        QCOMPARE(trainer.merges().size(), size_t(3));
        QCOMPARE(trainer.merges()[0], std::make_pair(QByteArray("a"), QByteArray("a")));
        QCOMPARE(trainer.merges()[1], std::make_pair(QByteArray(" "), QByteArray("aa")));
        QCOMPARE(trainer.merges()[2], std::make_pair(QByteArray(" aa"), QByteArray("a")));
        QCOMPARE(trainer.vocabSize(), 261);
        QCOMPARE(trainer.tokens()[258], QByteArray("aa"));
        QCOMPARE(trainer.tokens()[260], QByteArray(" aaa"));

        const QJsonObject model = QJsonDocument::fromJson(trainer.tokenizerJson())
                                      .object()
                                      .value(QLatin1String("model"))
                                      .toObject();
        const QJsonArray merges = model.value(QLatin1String("merges")).toArray();
        QCOMPARE(merges.size(), 3);
        QCOMPARE(merges.at(0).toString(), QStringLiteral("a a"));
        QCOMPARE(merges.at(1).toString(), QString(QChar(0x120)) + QStringLiteral(" aa"));
        QCOMPARE(model.value(QLatin1String("vocab"))
                     .toObject()
                     .value(QString(QChar(0x120)) + QStringLiteral("aaa"))
                     .toInt(),
                 260);
    }

    void minFrequencyStopsEarly() {
        BpeTrainer trainer; // minFrequency 2
        trainer.addText("aaa aaa aab");
        trainer.train();
        QCOMPARE(trainer.merges().size(), size_t(2));
        QCOMPARE(trainer.vocabSize(), 260);
    }

    void tooSmallVocabularyThrows() {
        BpeTrainerSettings settings;
        settings.vocabSize = 100;
        QVERIFY_THROWS_EXCEPTION(Error, BpeTrainer trainer(settings));
    }

    void deterministic() {
        const QStringList documents = demoDocuments(600);
        const BpeTrainer a = trainOn(documents, 500);
        const BpeTrainer b = trainOn(documents, 500);
        QCOMPARE(a.vocabSize(), 500);
        QCOMPARE(a.tokenizerJson(), b.tokenizerJson());
        // Order of addText calls does not matter: only counts do.
        QStringList reversed = documents;
        std::reverse(reversed.begin(), reversed.end());
        QCOMPARE(trainOn(reversed, 500).tokenizerJson(), a.tokenizerJson());
        // No merged token ever contains a digit next to anything else.
        for (const QByteArray &token : a.tokens()) {
            if (token.size() < 2)
                continue;
            int digits = 0;
            for (char c : token)
                digits += (c >= '0' && c <= '9') ? 1 : 0;
            QVERIFY2(digits == 0 || (digits == 1 && token.size() == 2 && token.at(0) == ' '),
                     token.constData());
        }
    }

    void tokenizerJsonLoadsAndRoundTrips() {
        const QStringList documents = demoDocuments(1500);
        const BpeTrainer trainer = trainOn(documents, 700);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        trainer.save(dir.path());
        const QString path = dir.filePath(QStringLiteral("tokenizer.json"));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("tokenizer_config.json"))));

        const QJsonObject root = [&] {
            QFile file(path);
            file.open(QIODevice::ReadOnly);
            return QJsonDocument::fromJson(file.readAll()).object();
        }();
        const QJsonObject model = root.value(QLatin1String("model")).toObject();
        QCOMPARE(model.value(QLatin1String("type")).toString(), QStringLiteral("BPE"));
        QCOMPARE(model.value(QLatin1String("byte_fallback")).toBool(true), false);
        QCOMPARE(model.value(QLatin1String("vocab")).toObject().size(), 700);
        QCOMPARE(root.value(QLatin1String("added_tokens")).toArray().size(), 2);

        const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::load(path);
        QCOMPARE(tokenizer->vocabSize(), 700);
        QCOMPARE(tokenizer->bosId(), 0);
        QCOMPARE(tokenizer->eosId(), 1);
        QCOMPARE(tokenizer->kind(), QStringLiteral("bpe-bytelevel"));

        for (const QString &document : documents.mid(0, 300) + demoDocuments(1700).mid(1500)) {
            const QByteArray utf8 = document.toUtf8();
            const std::vector<int32_t> ids = tokenizer->encode(utf8);
            QCOMPARE(tokenizer->decodeBytes(ids), utf8);
            QCOMPARE(ids, referenceEncode(trainer, utf8));
            QVERIFY(ids.size() < size_t(utf8.size()) / 2); // merges compress the text
        }
        // Text the corpus never saw still round-trips through the byte tokens.
        const QByteArray unseen = "Zebra \xc3\xa9t\xc3\xa9 42\t\xe2\x9c\x93 {x}";
        QCOMPARE(tokenizer->decodeBytes(tokenizer->encode(unseen)), unseen);

        // The post-processor adds BOS; the special tokens are recognised when asked to.
        const std::vector<int32_t> withBos = tokenizer->encode(QByteArray("Tom has 3"), true);
        QCOMPARE(withBos.front(), 0);
        QCOMPARE(std::vector<int32_t>(withBos.begin() + 1, withBos.end()),
                 tokenizer->encode(QByteArray("Tom has 3")));
        const std::vector<int32_t> special =
            tokenizer->encode(QByteArray("Tom<|eos|>"), false, true);
        QCOMPARE(special.back(), 1);
        QCOMPARE(tokenizer->decode(special, true), QStringLiteral("Tom"));
    }
};

QTEST_GUILESS_MAIN(TestBpeTrainer)
#include "tst_bpetrainer.moc"
