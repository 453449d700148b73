// LanguageModel::load / fromParts: finding the tokenizer, refusing mismatched ones, addsBos.
#include "bytetokenizer.h"
#include "memorycheckpoint.h"

#include "jobs/error.h"
#include "lm/languagemodel.h"

#include <QFileInfo>
#include <QTest>

using namespace nwc;
using namespace nwc::test;

namespace {

QString externalPath(const char *relative) {
    return QStringLiteral(NWC_EXTERNAL_DIR "/") + QLatin1String(relative);
}

/// A minimal checkpoint of the given architecture whose embedding has `vocab` rows.
std::shared_ptr<MemoryCheckpoint> tinyCheckpoint(Architecture architecture, int vocab) {
    ModelConfig config = ModelConfig::withShape({4, 8, 1, 1, 1, vocab, 16}, architecture);
    config.tieWordEmbeddings = true;
    const bool gpt2 = architecture == Architecture::Gpt2;
    const bool bias = gpt2 || architecture == Architecture::Qwen2;
    config.attentionBias = bias;
    config.mlpBias = gpt2;
    config.hiddenAct = gpt2 ? QStringLiteral("gelu_new") : QStringLiteral("silu");
    auto checkpoint = std::make_shared<MemoryCheckpoint>(config);
    const auto values = [](qint64 n) { return std::vector<float>(size_t(n), 0.5f); };
    if (gpt2) {
        const QString p = QStringLiteral("transformer.h.0.");
        checkpoint->add(QStringLiteral("transformer.wte.weight"), {vocab, 4}, values(vocab * 4));
        checkpoint->add(QStringLiteral("transformer.wpe.weight"), {16, 4}, values(64));
        for (const char *norm : {"ln_1", "ln_2"}) {
            checkpoint->add(p + QLatin1String(norm) + QStringLiteral(".weight"), {4}, values(4));
            checkpoint->add(p + QLatin1String(norm) + QStringLiteral(".bias"), {4}, values(4));
        }
        checkpoint->add(p + QStringLiteral("attn.c_attn.weight"), {4, 12}, values(48));
        checkpoint->add(p + QStringLiteral("attn.c_attn.bias"), {12}, values(12));
        checkpoint->add(p + QStringLiteral("attn.c_proj.weight"), {4, 4}, values(16));
        checkpoint->add(p + QStringLiteral("attn.c_proj.bias"), {4}, values(4));
        checkpoint->add(p + QStringLiteral("mlp.c_fc.weight"), {4, 8}, values(32));
        checkpoint->add(p + QStringLiteral("mlp.c_fc.bias"), {8}, values(8));
        checkpoint->add(p + QStringLiteral("mlp.c_proj.weight"), {8, 4}, values(32));
        checkpoint->add(p + QStringLiteral("mlp.c_proj.bias"), {4}, values(4));
        checkpoint->add(QStringLiteral("transformer.ln_f.weight"), {4}, values(4));
        checkpoint->add(QStringLiteral("transformer.ln_f.bias"), {4}, values(4));
        return checkpoint;
    }
    const QString p = QStringLiteral("model.layers.0.");
    checkpoint->add(QStringLiteral("model.embed_tokens.weight"), {vocab, 4}, values(vocab * 4));
    checkpoint->add(p + QStringLiteral("input_layernorm.weight"), {4}, values(4));
    checkpoint->add(p + QStringLiteral("post_attention_layernorm.weight"), {4}, values(4));
    for (const char *name : {"q_proj", "k_proj", "v_proj", "o_proj"}) {
        const QString prefix = p + QStringLiteral("self_attn.") + QLatin1String(name);
        checkpoint->add(prefix + QStringLiteral(".weight"), {4, 4}, values(16));
        if (bias && QLatin1String(name) != QLatin1String("o_proj"))
            checkpoint->add(prefix + QStringLiteral(".bias"), {4}, values(4));
    }
    checkpoint->add(p + QStringLiteral("mlp.gate_proj.weight"), {8, 4}, values(32));
    checkpoint->add(p + QStringLiteral("mlp.up_proj.weight"), {8, 4}, values(32));
    checkpoint->add(p + QStringLiteral("mlp.down_proj.weight"), {4, 8}, values(32));
    checkpoint->add(QStringLiteral("model.norm.weight"), {4}, values(4));
    return checkpoint;
}

} // namespace

class TestLanguageModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void addsBosOnlyForLlamaFamily_data() {
        QTest::addColumn<int>("architecture");
        QTest::addColumn<bool>("addsBos");
        QTest::newRow("llama") << int(Architecture::Llama) << true;
        QTest::newRow("mistral") << int(Architecture::Mistral) << true;
        QTest::newRow("qwen2") << int(Architecture::Qwen2) << false;
        QTest::newRow("gpt2") << int(Architecture::Gpt2) << false;
    }

    void addsBosOnlyForLlamaFamily() {
        QFETCH(int, architecture);
        QFETCH(bool, addsBos);
        const auto model = LanguageModel::fromParts(tinyCheckpoint(Architecture(architecture), 300),
                                                    std::make_shared<ByteTokenizer>());
        QCOMPARE(model->addsBos(), addsBos);
        QCOMPARE(model->displayName(), QStringLiteral("memory"));
        QCOMPARE(model->tokenizer().vocabSize(), 259);
    }

    void tokenizerLargerThanEmbeddingIsRefused() {
        try {
            LanguageModel::fromParts(tinyCheckpoint(Architecture::Llama, 100),
                                     std::make_shared<ByteTokenizer>());
            QFAIL("a 259-token tokenizer was accepted for a 100-row embedding");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("259")) &&
                         error.message().contains(QLatin1String("100")) &&
                         error.message().contains(QLatin1String("--tokenizer")),
                     qPrintable(error.message()));
        }
    }

    void missingTokenizerSaysWhereItLooked() {
        const QString directory = externalPath("tiny-random-llama-2-hf");
        if (!QFileInfo::exists(directory + QStringLiteral("/config.json")))
            QSKIP("external/tiny-random-llama-2-hf is not available");
        try {
            LanguageModel::load(directory);
            QFAIL("a model without a tokenizer loaded");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QFileInfo(directory).absoluteFilePath()) &&
                         error.message().contains(QLatin1String("--tokenizer")),
                     qPrintable(error.message()));
        }
    }

    void tokenizerBesideLlama2cCheckpointIsFound() {
        const QString checkpoint = externalPath("llama2c-stories260K/stories260K.bin");
        if (!QFileInfo::exists(checkpoint))
            QSKIP("external/llama2c-stories260K is not available");
        const auto model = LanguageModel::load(checkpoint);
        QCOMPARE(model->tokenizer().kind(), QStringLiteral("llama2c"));
        QCOMPARE(model->tokenizer().vocabSize(), 512);
        QVERIFY(model->addsBos());
    }
};

QTEST_GUILESS_MAIN(TestLanguageModel)
#include "tst_languagemodel.moc"
