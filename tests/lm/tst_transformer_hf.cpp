// Golden test of the Llama forward pass against transformers' logits for
// stas/tiny-random-llama-2 (external/tiny-random-llama-2-hf/corpus.json).
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "lm/transformer.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>

using namespace nwc;

namespace {

QString modelDir() {
    return QStringLiteral(NWC_EXTERNAL_DIR "/tiny-random-llama-2-hf");
}

torch::Tensor idsTensor(const std::vector<int64_t> &ids) {
    return torch::tensor(ids, torch::kLong).view({1, int64_t(ids.size())});
}

std::vector<int64_t> toIds(const QJsonArray &array) {
    std::vector<int64_t> ids;
    for (const QJsonValue &value : array)
        ids.push_back(value.toInteger());
    return ids;
}

} // namespace

class TestTransformerHf : public QObject {
    Q_OBJECT

private:
    Transformer m_model{nullptr};
    QJsonObject m_corpus;

private Q_SLOTS:
    void initTestCase() {
        if (!QFileInfo::exists(modelDir() + QStringLiteral("/model.safetensors")))
            QSKIP("external/tiny-random-llama-2-hf is not available");
        QFile file(modelDir() + QStringLiteral("/corpus.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        m_corpus = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(!m_corpus.isEmpty());
        const CheckpointPtr checkpoint = Checkpoint::open(modelDir());
        QCOMPARE(checkpoint->config().architecture, Architecture::Llama);
        QVERIFY(!checkpoint->config().tieWordEmbeddings);
        m_model = Transformer(checkpoint->config());
        m_model->loadWeights(*checkpoint);
        m_model->eval();
    }

    void referenceLogits_data() {
        QTest::addColumn<int>("index");
        const QJsonArray cases = m_corpus.value(QStringLiteral("model_cases")).toArray();
        QCOMPARE(cases.size(), 3);
        for (int i = 0; i < cases.size(); ++i) {
            const QJsonArray ids = cases[i].toObject().value(QStringLiteral("input_ids")).toArray();
            QTest::addRow("%d-tokens", int(ids.size())) << i;
        }
    }

    void referenceLogits() {
        QFETCH(int, index);
        const QJsonObject tolerance = m_corpus.value(QStringLiteral("logit_tolerance")).toObject();
        const double absolute = tolerance.value(QStringLiteral("absolute")).toDouble();
        const double relative = tolerance.value(QStringLiteral("relative")).toDouble();
        QVERIFY(absolute > 0 && absolute <= 1e-5);
        const QJsonObject testCase =
            m_corpus.value(QStringLiteral("model_cases")).toArray()[index].toObject();
        const std::vector<int64_t> ids =
            toIds(testCase.value(QStringLiteral("input_ids")).toArray());

        torch::NoGradGuard noGrad;
        const torch::Tensor logits = m_model->forward(idsTensor(ids));
        QCOMPARE(logits.size(0), 1);
        QCOMPARE(logits.size(1), int64_t(ids.size()));
        QCOMPARE(logits.size(2), 3000);
        const torch::Tensor last = logits[0][int64_t(ids.size()) - 1].contiguous();
        const float *values = last.data_ptr<float>();

        const QJsonObject sampled = testCase.value(QStringLiteral("sampled_logits")).toObject();
        QCOMPARE(sampled.size(), 11);
        for (auto it = sampled.begin(); it != sampled.end(); ++it) {
            const int vocabIndex = it.key().toInt();
            const double expected = it.value().toDouble();
            const double actual = values[vocabIndex];
            const double allowed = absolute + relative * std::abs(expected);
            if (std::abs(actual - expected) > allowed)
                QFAIL(qPrintable(QStringLiteral("logit %1: got %2, expected %3 (tolerance %4)")
                                     .arg(vocabIndex)
                                     .arg(actual, 0, 'g', 10)
                                     .arg(expected, 0, 'g', 10)
                                     .arg(allowed)));
        }
        QCOMPARE(last.argmax().item<int64_t>(),
                 testCase.value(QStringLiteral("greedy_token")).toInteger());

        // Greedy continuation of 4 tokens, full recomputation each step.
        std::vector<int64_t> sequence = ids;
        std::vector<int64_t> continuation;
        for (int step = 0; step < 4; ++step) {
            const torch::Tensor stepLogits = m_model->forward(idsTensor(sequence));
            const int64_t next =
                stepLogits[0][int64_t(sequence.size()) - 1].argmax().item<int64_t>();
            continuation.push_back(next);
            sequence.push_back(next);
        }
        QCOMPARE(continuation,
                 toIds(testCase.value(QStringLiteral("greedy_continuation")).toArray()));
    }

    void kvCacheMatchesFullSequence() {
        const std::vector<int64_t> ids{1, 42, 99, 1031, 2185, 688, 2844, 7, 2999, 0};
        torch::NoGradGuard noGrad;
        const torch::Tensor full = m_model->forward(idsTensor(ids))[0];

        // One token at a time.
        KvCache cache;
        for (size_t i = 0; i < ids.size(); ++i) {
            const torch::Tensor step = m_model->forward(idsTensor({ids[i]}), &cache)[0][0];
            QCOMPARE(cache.length, int64_t(i + 1));
            const double difference = (step - full[int64_t(i)]).abs().max().item<double>();
            QVERIFY2(
                difference <= 1e-5,
                qPrintable(QStringLiteral("position %1 differs by %2").arg(i).arg(difference)));
        }
        // Two layers of preallocated [1, 4 kv heads, capacity, 4] float32 keys and values.
        QCOMPARE(int(cache.layerCount()), 2);
        QVERIFY(cache.capacity() >= 10);
        QCOMPARE(cache.bytes(), int64_t(2 * 2 * 1 * 4 * 4 * 4) * cache.capacity());

        // A prefill of 4 tokens followed by chunks of 3 and 1 and 2.
        KvCache chunked;
        size_t position = 0;
        for (size_t length : {size_t(4), size_t(3), size_t(1), size_t(2)}) {
            const std::vector<int64_t> chunk(ids.begin() + long(position),
                                             ids.begin() + long(position + length));
            const torch::Tensor out = m_model->forward(idsTensor(chunk), &chunked)[0];
            const double difference = (out - full.narrow(0, int64_t(position), int64_t(length)))
                                          .abs()
                                          .max()
                                          .item<double>();
            QVERIFY2(difference <= 1e-5, qPrintable(QString::number(difference)));
            position += length;
        }
    }

    void trainingModeHasGradients() {
        Transformer model(m_model->config());
        model->train();
        const torch::Tensor ids = torch::randint(0, 3000, {2, 8}, torch::kLong);
        const torch::Tensor logits = model->forward(ids);
        QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2, 8, 3000}));
        const torch::Tensor loss = torch::nn::functional::cross_entropy(
            logits.reshape({-1, 3000}), torch::randint(0, 3000, {16}, torch::kLong));
        loss.backward();
        int withGradient = 0;
        for (const torch::Tensor &parameter : model->parameters()) {
            if (parameter.grad().defined() && parameter.grad().abs().sum().item<double>() > 0)
                ++withGradient;
        }
        QCOMPARE(withGradient, int(model->parameters().size()));
        // embed + 2 x (2 norms + 4 attention + 3 mlp) + final norm + lm_head
        QCOMPARE(int(model->parameters().size()), 1 + 2 * 9 + 1 + 1);
        QVERIFY(model->named_parameters().contains("model.layers.1.self_attn.q_proj.weight"));
        QVERIFY(model->named_parameters().contains("lm_head.weight"));
    }

    void exportMatchesCheckpoint() {
        const CheckpointPtr checkpoint = Checkpoint::open(modelDir());
        const auto exported = m_model->exportWeights();
        QCOMPARE(int(exported.size()), checkpoint->tensors().size());
        for (const auto &entry : exported) {
            const TensorInfo *info = checkpoint->findTensor(entry.first);
            QVERIFY2(info, qPrintable(entry.first));
            const std::vector<float> stored = checkpoint->readFloat32(entry.first);
            QCOMPARE(entry.second.numel(), int64_t(stored.size()));
            QVERIFY(std::equal(stored.begin(), stored.end(), entry.second.data_ptr<float>()));
        }
    }

    void missingTensorIsNamed() {
        ModelConfig config = m_model->config();
        config.numLayers = 3; // the checkpoint has 2
        Transformer bigger(config);
        const CheckpointPtr checkpoint = Checkpoint::open(modelDir());
        try {
            bigger->loadWeights(*checkpoint);
            QFAIL("loading a 3-layer model from a 2-layer checkpoint succeeded");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("model.layers.2.")),
                     qPrintable(error.message()));
        }
        config = m_model->config();
        config.intermediateSize = 32;
        Transformer narrower(config);
        try {
            narrower->loadWeights(*checkpoint);
            QFAIL("loading with a wrong intermediate size succeeded");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("mlp.gate_proj.weight")) &&
                         error.message().contains(QLatin1String("[64, 16]")),
                     qPrintable(error.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestTransformerHf)
#include "tst_transformer_hf.moc"
