// BpeModel (merge loop, byte fallback, unknowns, long-word cutting), the GPT-2 byte map and
// added-token splitting, on small hand-made vocabularies and against a naive reference.

#include "text/addedvocabulary.h"
#include "text/bpemodel.h"
#include "text/bytelevel.h"

#include <QRandomGenerator>
#include <QtTest>

#include <map>
#include <set>

using namespace nwc;

namespace {

struct Rule {
    int32_t left;
    int32_t right;
    int32_t merged;
    int32_t rank;
};

// The textbook loop: find the lowest-rank adjacent pair (leftmost on ties), merge, repeat.
std::vector<int32_t> naiveMerge(std::vector<int32_t> ids, const std::vector<Rule> &rules) {
    std::map<std::pair<int32_t, int32_t>, Rule> table;
    for (const Rule &r : rules)
        table.emplace(std::make_pair(r.left, r.right), r);
    for (;;) {
        int best = -1;
        int32_t bestRank = 0;
        for (size_t i = 0; i + 1 < ids.size(); ++i) {
            const auto found = table.find({ids[i], ids[i + 1]});
            if (found != table.end() && (best < 0 || found->second.rank < bestRank)) {
                best = int(i);
                bestRank = found->second.rank;
            }
        }
        if (best < 0)
            return ids;
        ids[size_t(best)] = table.at({ids[size_t(best)], ids[size_t(best) + 1]}).merged;
        ids.erase(ids.begin() + best + 1);
    }
}

// A vocabulary grown like BPE training: random pairs of existing tokens become new tokens.
struct RandomVocab {
    std::vector<QByteArray> pieces;
    std::vector<Rule> rules;
};

// The last alphabet entry never takes part in a merge.
RandomVocab randomVocab(QRandomGenerator &rng, const QList<QByteArray> &alphabet, int merges,
                        bool tiedRanks) {
    RandomVocab v;
    for (const QByteArray &c : alphabet)
        v.pieces.push_back(c);
    std::map<QByteArray, int32_t> ids;
    for (size_t i = 0; i < v.pieces.size(); ++i)
        ids.emplace(v.pieces[i], int32_t(i));
    std::set<std::pair<int32_t, int32_t>> used;
    while (int(v.rules.size()) < merges) {
        const auto a = int32_t(rng.bounded(int(v.pieces.size())));
        const auto b = int32_t(rng.bounded(int(v.pieces.size())));
        const auto never = int32_t(alphabet.size() - 1);
        if (a == never || b == never || !used.insert({a, b}).second)
            continue;
        const QByteArray joined = v.pieces[size_t(a)] + v.pieces[size_t(b)];
        int32_t id;
        const auto found = ids.find(joined);
        if (found != ids.end()) {
            id = found->second;
        } else {
            id = int32_t(v.pieces.size());
            v.pieces.push_back(joined);
            ids.emplace(joined, id);
        }
        const int32_t rank = tiedRanks ? int32_t(v.rules.size() / 3) : int32_t(v.rules.size());
        v.rules.push_back(Rule{a, b, id, rank});
    }
    return v;
}

} // namespace

class TestBpeModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mergeOrder_data();
    void mergeOrder();
    void matchesNaiveLoop_data();
    void matchesNaiveLoop();
    void byteFallbackAndUnknown();
    void ignoreMerges();
    void byteLevelMap();
    void addedTokens_data();
    void addedTokens();
};

void TestBpeModel::mergeOrder_data() {
    QTest::addColumn<QByteArray>("word");
    QTest::addColumn<QList<int>>("ids");
    // Vocabulary: a=0 b=1 c=2 ab=3 bc=4 abc=5 aa=6; merges by rank: ab, abc, bc, aa.
    QTest::newRow("lowest rank first") << QByteArray("abc") << QList<int>{5};
    QTest::newRow("rank beats position") << QByteArray("bcab") << QList<int>{4, 3};
    QTest::newRow("leftmost on equal pairs") << QByteArray("aaa") << QList<int>{6, 0};
    QTest::newRow("no merge") << QByteArray("cba") << QList<int>{2, 1, 0};
    QTest::newRow("chain") << QByteArray("abcabc") << QList<int>{5, 5};
}

void TestBpeModel::mergeOrder() {
    QFETCH(QByteArray, word);
    QFETCH(QList<int>, ids);
    BpeModel model;
    const char *pieces[] = {"a", "b", "c", "ab", "bc", "abc", "aa"};
    for (int i = 0; i < 7; ++i)
        model.addToken(QByteArray(pieces[i]), i);
    model.addMerge(0, 1, 3, 0);
    model.addMerge(3, 2, 5, 1);
    model.addMerge(1, 2, 4, 2);
    model.addMerge(0, 0, 6, 3);
    model.finalize();
    std::vector<int32_t> out;
    model.encodeWord(word.constData(), int(word.size()), out);
    QCOMPARE(QList<int>(out.begin(), out.end()), ids);
}

void TestBpeModel::matchesNaiveLoop_data() {
    QTest::addColumn<bool>("chars");
    QTest::addColumn<bool>("tiedRanks");
    QTest::addColumn<int>("maxLength");
    QTest::newRow("bytes, short words") << false << false << 40;
    QTest::newRow("bytes, long words") << false << false << 400;
    QTest::newRow("characters, long words (cut into segments)") << true << false << 400;
    QTest::newRow("characters, tied ranks") << true << true << 400;
}

// The priority-queue loop (and the cutting of long words) gives exactly the naive result.
void TestBpeModel::matchesNaiveLoop() {
    QFETCH(bool, chars);
    QFETCH(bool, tiedRanks);
    QFETCH(int, maxLength);
    QRandomGenerator rng(1234);
    const QList<QByteArray> alphabet =
        chars ? QList<QByteArray>{"a", "b", "\xc3\xa9", "\xe2\x96\x81", " ", "x"}
              : QList<QByteArray>{"a", "b", "c", " ", "\n", "x"};
    const RandomVocab vocab = randomVocab(rng, alphabet, 60, tiedRanks);
    BpeModel model;
    model.setAlphabet(chars ? BpeModel::Alphabet::Utf8Chars : BpeModel::Alphabet::Bytes);
    for (size_t i = 0; i < vocab.pieces.size(); ++i)
        model.addToken(vocab.pieces[i], int32_t(i));
    for (const Rule &r : vocab.rules)
        model.addMerge(r.left, r.right, r.merged, r.rank);
    model.finalize();
    for (int n = 0; n < 300; ++n) {
        const int length = 1 + int(rng.bounded(maxLength));
        QByteArray word;
        std::vector<int32_t> symbols;
        for (int i = 0; i < length; ++i) {
            // "x" (last) never takes part in a merge: long words get cut there.
            const int pick = int(rng.bounded(int(alphabet.size())));
            word += alphabet[pick];
            symbols.push_back(pick);
        }
        std::vector<int32_t> fast;
        model.encodeWord(word.constData(), int(word.size()), fast);
        const std::vector<int32_t> slow = naiveMerge(symbols, vocab.rules);
        QCOMPARE(QList<int>(fast.begin(), fast.end()), QList<int>(slow.begin(), slow.end()));
        // Second call comes from the cache for short words; same answer.
        std::vector<int32_t> again;
        model.encodeWord(word.constData(), int(word.size()), again);
        QCOMPARE(again, fast);
    }
}

void TestBpeModel::byteFallbackAndUnknown() {
    BpeModel model;
    model.setAlphabet(BpeModel::Alphabet::Utf8Chars);
    model.addToken("<unk>", 0);
    model.addToken("a", 1);
    model.addToken("<0xC3>", 2);
    model.addToken("<0xA9>", 3);
    model.finalize();
    std::vector<int32_t> out;
    const QByteArray word = "a\xc3\xa9\xe2\x82\xac\xe2\x82\xac"
                            "a"; // a é € € a
    model.setUnknown(0, false);
    model.encodeWord(word.constData(), int(word.size()), out);
    QCOMPARE(out, (std::vector<int32_t>{1, 0, 0, 0, 1})); // no byte fallback: é € € unknown
    out.clear();
    model.setUnknown(0, true);
    model.encodeWord(word.constData(), int(word.size()), out);
    QCOMPARE(out, (std::vector<int32_t>{1, 0, 1})); // fused
    out.clear();
    model.setByteFallback(true);
    model.encodeWord(word.constData(), int(word.size()), out);
    // é has both byte pieces; the two €s lack theirs and fuse into one unknown.
    QCOMPARE(out, (std::vector<int32_t>{1, 2, 3, 0, 1}));
}

void TestBpeModel::ignoreMerges() {
    BpeModel model;
    model.addToken("a", 0);
    model.addToken("b", 1);
    model.addToken("ab", 2);
    model.addToken("abb", 3);
    model.addMerge(0, 1, 2, 0);
    model.finalize();
    std::vector<int32_t> out;
    model.encodeWord("abb", 3, out);
    QCOMPARE(out, (std::vector<int32_t>{2, 1}));
    out.clear();
    model.setIgnoreMerges(true);
    model.encodeWord("abb", 3, out);
    QCOMPARE(out, (std::vector<int32_t>{3}));
}

void TestBpeModel::byteLevelMap() {
    QByteArray all;
    for (int b = 0; b < 256; ++b)
        all.append(char(b));
    const QString mapped = ByteLevel::encode(all);
    QCOMPARE(mapped.size(), 256);
    QCOMPARE(ByteLevel::decode(mapped), std::optional<QByteArray>(all));
    QCOMPARE(ByteLevel::charForByte(' '), QChar(0x0120));  // "Ġ"
    QCOMPARE(ByteLevel::charForByte('\n'), QChar(0x010A)); // "Ċ"
    QCOMPARE(ByteLevel::charForByte('!'), QChar(u'!'));
    QCOMPARE(ByteLevel::charForByte(0xAD), QChar(0x0143));
    QCOMPARE(ByteLevel::decode(QStringLiteral("\u0120hello")), std::optional<QByteArray>(" hello"));
    QCOMPARE(ByteLevel::decode(QStringLiteral("a b")), std::nullopt); // a raw space is not mapped
}

void TestBpeModel::addedTokens_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("parseSpecial");
    QTest::addColumn<QStringList>("segments"); // "#id" for tokens
    QTest::newRow("longest match")
        << QStringLiteral("x<|ab|>y") << true
        << QStringList{QStringLiteral("x"), QStringLiteral("#11"), QStringLiteral("y")};
    QTest::newRow("specials need parseSpecial")
        << QStringLiteral("x<|ab|>y") << false << QStringList{QStringLiteral("x<|ab|>y")};
    QTest::newRow("non-special always")
        << QStringLiteral("a  b") << false
        << QStringList{QStringLiteral("a"), QStringLiteral("#20"), QStringLiteral("b")};
    QTest::newRow("rstrip and lstrip")
        << QStringLiteral("a <R>  b <L>c") << true
        << QStringList{QStringLiteral("a "), QStringLiteral("#30"), QStringLiteral("b"),
                       QStringLiteral("#31"), QStringLiteral("c")};
    QTest::newRow("single word") << QStringLiteral("cat ok okay") << true
                                 << QStringList{QStringLiteral("cat "), QStringLiteral("#40"),
                                                QStringLiteral(" okay")};
    QTest::newRow("token at both ends")
        << QStringLiteral("<|a|>x<|a|>") << true
        << QStringList{QStringLiteral("#10"), QStringLiteral("x"), QStringLiteral("#10")};
}

void TestBpeModel::addedTokens() {
    QFETCH(QString, text);
    QFETCH(bool, parseSpecial);
    QFETCH(QStringList, segments);
    AddedVocabulary added;
    const auto add = [&added](const char *content, int32_t id, bool special) {
        AddedVocabulary::Token token;
        token.content = QString::fromUtf8(content);
        token.id = id;
        token.special = special;
        return token;
    };
    added.add(add("<|a|>", 10, true));
    added.add(add("<|ab|>", 11, true));
    added.add(add("<|a", 12, true));
    added.add(add("  ", 20, false));
    AddedVocabulary::Token r = add("<R>", 30, true);
    r.rstrip = true;
    added.add(r);
    AddedVocabulary::Token l = add("<L>", 31, true);
    l.lstrip = true;
    added.add(l);
    AddedVocabulary::Token w = add("ok", 40, true);
    w.singleWord = true;
    added.add(w);
    added.finalize(nullptr);
    std::vector<AddedVocabulary::Segment> out;
    added.split(text, false, parseSpecial, out);
    QStringList got;
    for (const AddedVocabulary::Segment &s : out)
        got << (s.id >= 0 ? QStringLiteral("#%1").arg(s.id) : s.text);
    QCOMPARE(got, segments);
    QVERIFY(out.front().atStart);
}

QTEST_GUILESS_MAIN(TestBpeModel)
#include "tst_bpemodel.moc"
