// generate(): prompt handling, EOS and context limits, UTF-8-safe streaming, seeds,
// cancellation. The model is a scripted bigram model: the next token depends only on the current
// one, so greedy decoding follows a chain chosen by the test.
#include "bytetokenizer.h"
#include "memorycheckpoint.h"

#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/generator.h"
#include "lm/languagemodel.h"

#include <QTest>

#include <map>

using namespace nwc;
using namespace nwc::test;

namespace {

constexpr int Hidden = 8;
constexpr int Vocab = 256 + ByteTokenizer::Offset;
constexpr int32_t Bos = 1;
constexpr int32_t Eos = 2;

int32_t byteToken(uchar byte) {
    return int32_t(byte) + ByteTokenizer::Offset;
}

/// A Llama whose blocks add nothing (zero weights), so logits = lm_head · rmsnorm(e_current).
/// Token chain[i] gets the unit embedding e_i and lm_head row chain[i+1] = 10 e_i, so greedy
/// decoding walks the chain; all other tokens have zero embeddings (uniform next token).
std::shared_ptr<LanguageModel> chainModel(const std::vector<int32_t> &chain, int maxPositions) {
    ModelConfig config = ModelConfig::withShape({Hidden, 16, 1, 2, 1, Vocab, maxPositions});
    config.bosTokenId = Bos;
    config.eosTokenId = Eos;
    std::vector<float> embedding(size_t(Vocab * Hidden), 0.0f);
    std::vector<float> head(size_t(Vocab * Hidden), 0.0f);
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
        Q_ASSERT(i < size_t(Hidden));
        embedding[size_t(chain[i]) * Hidden + i] = 1.0f;
        head[size_t(chain[i + 1]) * Hidden + i] = 10.0f;
    }
    auto checkpoint = std::make_shared<MemoryCheckpoint>(config);
    const auto zeros = [](qint64 n) { return std::vector<float>(size_t(n), 0.0f); };
    const auto ones = [](qint64 n) { return std::vector<float>(size_t(n), 1.0f); };
    checkpoint->add(QStringLiteral("model.embed_tokens.weight"), {Vocab, Hidden}, embedding);
    const QString p = QStringLiteral("model.layers.0.");
    checkpoint->add(p + QStringLiteral("input_layernorm.weight"), {Hidden}, ones(Hidden));
    checkpoint->add(p + QStringLiteral("self_attn.q_proj.weight"), {8, Hidden}, zeros(64));
    checkpoint->add(p + QStringLiteral("self_attn.k_proj.weight"), {4, Hidden}, zeros(32));
    checkpoint->add(p + QStringLiteral("self_attn.v_proj.weight"), {4, Hidden}, zeros(32));
    checkpoint->add(p + QStringLiteral("self_attn.o_proj.weight"), {Hidden, 8}, zeros(64));
    checkpoint->add(p + QStringLiteral("post_attention_layernorm.weight"), {Hidden}, ones(Hidden));
    checkpoint->add(p + QStringLiteral("mlp.gate_proj.weight"), {16, Hidden}, zeros(128));
    checkpoint->add(p + QStringLiteral("mlp.up_proj.weight"), {16, Hidden}, zeros(128));
    checkpoint->add(p + QStringLiteral("mlp.down_proj.weight"), {Hidden, 16}, zeros(128));
    checkpoint->add(QStringLiteral("model.norm.weight"), {Hidden}, ones(Hidden));
    checkpoint->add(QStringLiteral("lm_head.weight"), {Vocab, Hidden}, head);
    return LanguageModel::fromParts(checkpoint, std::make_shared<ByteTokenizer>());
}

SamplingSettings greedy(int maxTokens) {
    SamplingSettings settings;
    settings.temperature = 0;
    settings.maxTokens = maxTokens;
    return settings;
}

/// BOS → "a" → "é" (2 bytes) → "€" (3 bytes) → EOS
const std::vector<int32_t> &utf8Chain() {
    static const std::vector<int32_t> chain{Bos,
                                            byteToken('a'),
                                            byteToken(0xC3),
                                            byteToken(0xA9),
                                            byteToken(0xE2),
                                            byteToken(0x82),
                                            byteToken(0xAC),
                                            Eos};
    return chain;
}

} // namespace

class TestGenerator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void streamsWholeCharactersAndStopsAtEos() {
        const auto model = chainModel(utf8Chain(), 64);
        QVERIFY(model->addsBos());
        QStringList pieces;
        const GenerationResult result = generate(
            *model, QString(), greedy(50), [&](const QString &piece) { pieces.append(piece); });
        QCOMPARE(result.promptIds, (std::vector<int32_t>{Bos}));
        QCOMPARE(result.generatedIds,
                 std::vector<int32_t>(utf8Chain().begin() + 1, utf8Chain().end()));
        QVERIFY(result.stoppedAtEos);
        QCOMPARE(result.completion, QStringLiteral("a\u00e9\u20ac"));
        QCOMPARE(pieces, (QStringList{QStringLiteral("a"), QStringLiteral("\u00e9"),
                                      QStringLiteral("\u20ac")}));
    }

    void promptIsNotRepeated() {
        const auto model = chainModel(utf8Chain(), 64);
        QString streamed;
        const GenerationResult result = generate(*model, QStringLiteral("a"), greedy(50),
                                                 [&](const QString &piece) { streamed += piece; });
        QCOMPARE(result.promptIds, (std::vector<int32_t>{Bos, byteToken('a')}));
        QCOMPARE(result.completion, QStringLiteral("\u00e9\u20ac"));
        QCOMPARE(streamed, result.completion);
    }

    void ignoringEosContinues() {
        const auto model = chainModel(utf8Chain(), 64);
        SamplingSettings settings = greedy(9);
        settings.stopAtEos = false;
        const GenerationResult result = generate(*model, QString(), settings);
        QVERIFY(!result.stoppedAtEos);
        QCOMPARE(int(result.generatedIds.size()), 9);
        QCOMPARE(result.generatedIds[6], Eos);
    }

    void maxTokensAndContextLimit() {
        // A chain that never ends: a → b → a → ...
        const std::vector<int32_t> loop{Bos, byteToken('a'), byteToken('b'), byteToken('a')};
        const auto model = chainModel(loop, 8);
        GenerationResult result = generate(*model, QString(), greedy(5));
        QCOMPARE(result.completion, QStringLiteral("ababa"));
        // The context holds 8 positions: BOS + 7 generated tokens are run through the model,
        // and the token produced at the last position makes 8 generated tokens.
        result = generate(*model, QString(), greedy(100));
        QCOMPARE(int(result.generatedIds.size()), 8);
        QCOMPARE(result.completion, QStringLiteral("abababab"));
        result = generate(*model, QStringLiteral("ab"), greedy(100));
        QCOMPARE(int(result.generatedIds.size()), 6);
        QVERIFY_THROWS_EXCEPTION(Error, generate(*model, QStringLiteral("abababab"), greedy(1)));
        QVERIFY(generate(*model, QString(), greedy(0)).generatedIds.empty());
    }

    void seedsAreReproducible() {
        const auto model = chainModel(utf8Chain(), 64);
        SamplingSettings settings;
        settings.temperature = 1.0;
        settings.maxTokens = 30;
        settings.stopAtEos = false;
        settings.seed = 1234;
        const GenerationResult first = generate(*model, QStringLiteral("x"), settings);
        const GenerationResult second = generate(*model, QStringLiteral("x"), settings);
        QCOMPARE(first.generatedIds, second.generatedIds);
        settings.seed = 4321;
        const GenerationResult third = generate(*model, QStringLiteral("x"), settings);
        QVERIFY(third.generatedIds != first.generatedIds);
        // Streamed pieces always add up to the completion, even for arbitrary bytes.
        QString streamed;
        const GenerationResult random = generate(*model, QStringLiteral("x"), settings,
                                                 [&](const QString &p) { streamed += p; });
        QCOMPARE(streamed, random.completion);
    }

    void cancellation() {
        const auto model = chainModel(utf8Chain(), 64);
        CallbackProgress progress;
        progress.cancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled, generate(*model, QString(), greedy(5), {}, &progress));
        SamplingSettings invalid = greedy(5);
        invalid.topP = 0;
        QVERIFY_THROWS_EXCEPTION(Error, generate(*model, QString(), invalid));
    }
};

QTEST_GUILESS_MAIN(TestGenerator)
#include "tst_generator.moc"
