// ModelConfig::fromJson / toJson / parameterCount for the supported architectures.

#include "io/modelconfig.h"
#include "jobs/error.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace nwc;

namespace {

QJsonObject parse(const QByteArray &json) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return document.object();
}

// Published configs (abridged to the keys that matter) and their known parameter counts.
const QByteArray Llama2_7b = R"({"architectures":["LlamaForCausalLM"],"hidden_size":4096,
 "intermediate_size":11008,"num_hidden_layers":32,"num_attention_heads":32,
 "num_key_value_heads":32,"vocab_size":32000,"max_position_embeddings":4096,"rms_norm_eps":1e-05,
 "rope_scaling":null,"tie_word_embeddings":false,"bos_token_id":1,"eos_token_id":2})";

const QByteArray Llama32_1b = R"({"architectures":["LlamaForCausalLM"],"hidden_size":2048,
 "intermediate_size":8192,"num_hidden_layers":16,"num_attention_heads":32,"num_key_value_heads":8,
 "head_dim":64,"vocab_size":128256,"max_position_embeddings":131072,"rms_norm_eps":1e-05,
 "rope_theta":500000.0,"rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,
 "original_max_position_embeddings":8192,"rope_type":"llama3"},"tie_word_embeddings":true,
 "bos_token_id":128000,"eos_token_id":[128001,128008,128009],"hidden_act":"silu"})";

const QByteArray Mistral_7b = R"({"architectures":["MistralForCausalLM"],"hidden_size":4096,
 "intermediate_size":14336,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
 "vocab_size":32000,"max_position_embeddings":32768,"rms_norm_eps":1e-05,"rope_theta":10000.0,
 "sliding_window":4096,"tie_word_embeddings":false,"bos_token_id":1,"eos_token_id":2})";

const QByteArray Qwen25_05b = R"({"architectures":["Qwen2ForCausalLM"],"hidden_size":896,
 "intermediate_size":4864,"num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2,
 "vocab_size":151936,"max_position_embeddings":32768,"rms_norm_eps":1e-06,"rope_theta":1000000.0,
 "sliding_window":32768,"use_sliding_window":false,"tie_word_embeddings":true,
 "bos_token_id":151643,"eos_token_id":151643,"hidden_act":"silu"})";

const QByteArray Gpt2 = R"({"architectures":["GPT2LMHeadModel"],"n_embd":768,"n_layer":12,
 "n_head":12,"n_inner":null,"n_positions":1024,"n_ctx":1024,"vocab_size":50257,
 "layer_norm_epsilon":1e-05,"activation_function":"gelu_new","bos_token_id":50256,
 "eos_token_id":50256})";

} // namespace

class TestModelConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void architectures_data();
    void architectures();
    void llama3RopeScaling();
    void defaults();
    void tinyLlama();
    void refused_data();
    void refused();
};

void TestModelConfig::architectures_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<Architecture>("architecture");
    QTest::addColumn<int>("hidden");
    QTest::addColumn<int>("inner");
    QTest::addColumn<int>("layers");
    QTest::addColumn<int>("heads");
    QTest::addColumn<int>("kvHeads");
    QTest::addColumn<int>("headDim");
    QTest::addColumn<bool>("tied");
    QTest::addColumn<bool>("bias");
    QTest::addColumn<int>("eos");
    QTest::addColumn<qint64>("parameters");
    QTest::newRow("Llama 2 7B") << Llama2_7b << Architecture::Llama << 4096 << 11008 << 32 << 32
                                << 32 << 128 << false << false << 2 << qint64(6738415616);
    QTest::newRow("Llama 3.2 1B") << Llama32_1b << Architecture::Llama << 2048 << 8192 << 16 << 32
                                  << 8 << 64 << true << false << 128001 << qint64(1235814400);
    QTest::newRow("Mistral 7B") << Mistral_7b << Architecture::Mistral << 4096 << 14336 << 32 << 32
                                << 8 << 128 << false << false << 2 << qint64(7241732096);
    QTest::newRow("Qwen2.5 0.5B") << Qwen25_05b << Architecture::Qwen2 << 896 << 4864 << 24 << 14
                                  << 2 << 64 << true << true << 151643 << qint64(494032768);
    QTest::newRow("GPT-2") << Gpt2 << Architecture::Gpt2 << 768 << 3072 << 12 << 12 << 12 << 64
                           << true << true << 50256 << qint64(124439808);
}

void TestModelConfig::architectures() {
    QFETCH(QByteArray, json);
    QFETCH(Architecture, architecture);
    QFETCH(int, hidden);
    QFETCH(int, inner);
    QFETCH(int, layers);
    QFETCH(int, heads);
    QFETCH(int, kvHeads);
    QFETCH(int, headDim);
    QFETCH(bool, tied);
    QFETCH(bool, bias);
    QFETCH(int, eos);
    QFETCH(qint64, parameters);
    const ModelConfig config = ModelConfig::fromJson(parse(json), QStringLiteral("config.json"));
    QCOMPARE(config.architecture, architecture);
    QCOMPARE(config.architectureName, architectureName(architecture));
    QCOMPARE(config.hiddenSize, hidden);
    QCOMPARE(config.intermediateSize, inner);
    QCOMPARE(config.numLayers, layers);
    QCOMPARE(config.numHeads, heads);
    QCOMPARE(config.numKvHeads, kvHeads);
    QCOMPARE(config.headDim, headDim);
    QCOMPARE(config.tieWordEmbeddings, tied);
    QCOMPARE(config.attentionBias, bias);
    QCOMPARE(config.eosTokenId, eos);
    QCOMPARE(config.parameterCount(), parameters);

    // toJson round-trips through fromJson, also through text.
    const QJsonObject written = config.toJson();
    QCOMPARE(ModelConfig::fromJson(written, QStringLiteral("written")), config);
    const QByteArray text = QJsonDocument(written).toJson();
    QCOMPARE(ModelConfig::fromJson(parse(text), QStringLiteral("text")), config);
}

void TestModelConfig::llama3RopeScaling() {
    const ModelConfig config = ModelConfig::fromJson(parse(Llama32_1b), QStringLiteral("c"));
    QCOMPARE(config.ropeScalingType, QStringLiteral("llama3"));
    QCOMPARE(config.ropeFactor, 32.0);
    QCOMPARE(config.ropeLowFreqFactor, 1.0);
    QCOMPARE(config.ropeHighFreqFactor, 4.0);
    QCOMPARE(config.ropeOriginalMaxPositions, 8192);
    QCOMPARE(config.ropeTheta, 500000.0);
    QCOMPARE(config.bosTokenId, 128000);
    QCOMPARE(config.maxPositions, 131072);

    // The older "type" key is accepted too; "default" means no scaling.
    QJsonObject json = parse(Llama32_1b);
    json[QStringLiteral("rope_scaling")] =
        QJsonObject{{QStringLiteral("type"), QStringLiteral("llama3")},
                    {QStringLiteral("factor"), 8.0},
                    {QStringLiteral("original_max_position_embeddings"), 4096}};
    const ModelConfig typed = ModelConfig::fromJson(json, QStringLiteral("c"));
    QCOMPARE(typed.ropeScalingType, QStringLiteral("llama3"));
    QCOMPARE(typed.ropeFactor, 8.0);
    QCOMPARE(typed.ropeOriginalMaxPositions, 4096);
    json[QStringLiteral("rope_scaling")] =
        QJsonObject{{QStringLiteral("rope_type"), QStringLiteral("default")}};
    QVERIFY(ModelConfig::fromJson(json, QStringLiteral("c")).ropeScalingType.isEmpty());
}

void TestModelConfig::defaults() {
    // Qwen2 has q/k/v biases unless the config says otherwise; Llama has none.
    QJsonObject qwen = parse(Qwen25_05b);
    qwen.remove(QStringLiteral("tie_word_embeddings"));
    ModelConfig config = ModelConfig::fromJson(qwen, QStringLiteral("q"));
    QVERIFY(config.attentionBias);
    QVERIFY(!config.tieWordEmbeddings);
    QCOMPARE(config.slidingWindow, 0);
    qwen[QStringLiteral("use_sliding_window")] = true;
    QCOMPARE(ModelConfig::fromJson(qwen, QStringLiteral("q")).slidingWindow, 32768);
    QCOMPARE(ModelConfig::fromJson(parse(Mistral_7b), QStringLiteral("m")).slidingWindow, 4096);

    QJsonObject llama = parse(Llama2_7b);
    llama.remove(QStringLiteral("num_key_value_heads"));
    llama.remove(QStringLiteral("bos_token_id"));
    config = ModelConfig::fromJson(llama, QStringLiteral("l"));
    QCOMPARE(config.numKvHeads, 32);
    QCOMPARE(config.bosTokenId, -1);
    QVERIFY(!config.attentionBias);
    QCOMPARE(config.hiddenAct, QStringLiteral("silu"));

    // GPT-2: n_inner defaults to 4 x n_embd; embeddings are always tied.
    QJsonObject gpt2 = parse(Gpt2);
    gpt2[QStringLiteral("n_inner")] = 1000;
    gpt2[QStringLiteral("tie_word_embeddings")] = false;
    config = ModelConfig::fromJson(gpt2, QStringLiteral("g"));
    QCOMPARE(config.intermediateSize, 1000);
    QVERIFY(config.tieWordEmbeddings);
    QCOMPARE(config.maxPositions, 1024);
    QCOMPARE(config.rmsNormEps, 1e-5);
    QCOMPARE(config.hiddenAct, QStringLiteral("gelu_new"));

    // Without "architectures", model_type decides.
    QJsonObject typed = parse(Mistral_7b);
    typed.remove(QStringLiteral("architectures"));
    typed[QStringLiteral("model_type")] = QStringLiteral("mistral");
    QCOMPARE(ModelConfig::fromJson(typed, QStringLiteral("t")).architecture, Architecture::Mistral);
}

void TestModelConfig::tinyLlama() {
    // tiny-random-llama-2: 104,272 BF16 parameters = 208,544 bytes of tensor data.
    const QByteArray json = R"({"architectures":["LlamaForCausalLM"],"hidden_size":16,
     "intermediate_size":64,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":4,
     "vocab_size":3000,"tie_word_embeddings":false})";
    QCOMPARE(ModelConfig::fromJson(parse(json), QStringLiteral("c")).parameterCount(),
             qint64(104272));
}

void TestModelConfig::refused_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("unknown architecture")
        << QByteArray(R"({"architectures":["FalconForCausalLM"],"hidden_size":8})")
        << QStringList{QStringLiteral("FalconForCausalLM"), QStringLiteral("LlamaForCausalLM"),
                       QStringLiteral("MistralForCausalLM"), QStringLiteral("Qwen2ForCausalLM"),
                       QStringLiteral("GPT2LMHeadModel")};
    QTest::newRow("no architecture")
        << QByteArray("{}") << QStringList{QStringLiteral("not supported")};
    QByteArray yarn = Llama2_7b;
    yarn.replace("\"rope_scaling\":null", R"("rope_scaling":{"rope_type":"yarn","factor":4.0})");
    QTest::newRow("yarn rope scaling")
        << yarn << QStringList{QStringLiteral("yarn"), QStringLiteral("llama3")};
    QByteArray linear = Llama2_7b;
    linear.replace("\"rope_scaling\":null", R"("rope_scaling":{"type":"linear","factor":2.0})");
    QTest::newRow("linear rope scaling") << linear << QStringList{QStringLiteral("linear")};
    QByteArray noFactor = Llama2_7b;
    noFactor.replace("\"rope_scaling\":null", R"("rope_scaling":{"rope_type":"llama3"})");
    QTest::newRow("llama3 without factor") << noFactor << QStringList{QStringLiteral("factor")};
    QByteArray textFactor = Llama2_7b;
    textFactor.replace("\"rope_scaling\":null",
                       R"("rope_scaling":{"rope_type":"llama3","factor":"8",)"
                       R"("original_max_position_embeddings":8192})");
    QTest::newRow("llama3 factor not a number")
        << textFactor << QStringList{QStringLiteral("factor"), QStringLiteral("number")};
    QByteArray missing = Llama2_7b;
    missing.replace("\"hidden_size\":4096,", "");
    QTest::newRow("missing hidden_size") << missing << QStringList{QStringLiteral("hidden_size")};
    QByteArray text = Llama2_7b;
    text.replace("\"num_hidden_layers\":32", "\"num_hidden_layers\":\"32\"");
    QTest::newRow("string instead of integer")
        << text << QStringList{QStringLiteral("num_hidden_layers"), QStringLiteral("integer")};
    QByteArray gqa = Llama2_7b;
    gqa.replace("\"num_key_value_heads\":32", "\"num_key_value_heads\":5");
    QTest::newRow("heads not a multiple of kv heads")
        << gqa << QStringList{QStringLiteral("num_key_value_heads")};
    // Found by fuzz_modelconfig (fuzz/corpus/modelconfig/): a negative id was written back as
    // null, which GPT-2 reads as 50256; 4 x n_embd overflowed int; products of the sizes
    // overflowed the parameter count.
    QTest::newRow("negative token id")
        << QByteArray(R"({"architectures":["GPT2LMHeadModel"],"bos_token_id":-4140})")
        << QStringList{QStringLiteral("bos_token_id"), QStringLiteral("-4140")};
    QTest::newRow("n_embd too large for the default n_inner")
        << QByteArray(R"({"architectures":["GPT2LMHeadModel"],"n_embd":725184166})")
        << QStringList{QStringLiteral("n_embd"), QStringLiteral("n_inner")};
    QByteArray huge = Llama2_7b;
    huge.replace("\"hidden_size\":4096", "\"hidden_size\":2147483520")
        .replace("\"num_hidden_layers\":32", "\"num_hidden_layers\":2147483647");
    QTest::newRow("sizes beyond any model")
        << huge << QStringList{QStringLiteral("parameters"), QStringLiteral("damaged")};
}

void TestModelConfig::refused() {
    QFETCH(QByteArray, json);
    QFETCH(QStringList, expected);
    QString message;
    try {
        ModelConfig::fromJson(parse(json), QStringLiteral("/models/x/config.json"));
    } catch (const Error &error) {
        message = error.message();
    }
    QVERIFY2(!message.isEmpty(), "the config was accepted");
    QVERIFY2(message.startsWith(QLatin1String("/models/x/config.json")), qPrintable(message));
    for (const QString &part : expected)
        QVERIFY2(message.contains(part), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestModelConfig)
#include "tst_modelconfig.moc"
