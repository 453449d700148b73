// Calibration: block-wise evaluation equals forward(), H accumulated block by block equals H
// from one plain forward pass, importance = diag(H), the HDF5 file round-trips and is reused by
// model + data hash, windows are drawn as documented, and errors/cancellation leave no file.
#include "analysis/calibration.h"
#include "analysis/calibrationwindows.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "jobs/progresssink.h"
#include "lm/languagemodel.h"
#include "lm/transformer.h"
#include "text/democorpus.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <map>
#include <thread>

using namespace nwc;

namespace {

/// H from one blockwise-independent forward() over all windows: the reference.
constexpr double kHessianTolerance = 1e-5; // max |ΔH| relative to max |H|

void writeFile(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    QCOMPARE(file.write(bytes), bytes.size());
}

/// `samples` windows of `sequenceLength` tokens drawn with `seed`.
CalibrationSettings windowSettings(int samples, int sequenceLength,
                                   uint64_t seed = CalibrationSettings().seed) {
    CalibrationSettings settings;
    settings.samples = samples;
    settings.sequenceLength = sequenceLength;
    settings.seed = seed;
    return settings;
}

QByteArray demoText(quint64 seed, int documents) {
    DemoCorpus corpus(seed);
    QStringList texts;
    for (int i = 0; i < documents; ++i)
        texts.append(corpus.document());
    return DemoCorpus::joinDocuments(texts);
}

ModelConfig tinyConfig(Architecture architecture) {
    ModelConfig config;
    config.architecture = architecture;
    config.architectureName = architectureName(architecture);
    config.hiddenSize = 16;
    config.intermediateSize = 24;
    config.numLayers = 3;
    config.numHeads = 4;
    config.numKvHeads = architecture == Architecture::Gpt2 ? 4 : 2;
    config.vocabSize = 50;
    config.maxPositions = 64;
    if (architecture == Architecture::Gpt2) {
        config.hiddenAct = QStringLiteral("gelu_new");
        config.attentionBias = true;
        config.mlpBias = true;
        config.tieWordEmbeddings = true;
    }
    if (architecture == Architecture::Mistral)
        config.slidingWindow = 5;
    if (architecture == Architecture::Qwen2)
        config.attentionBias = true;
    return config;
}

std::vector<int64_t> windowIds(const CalibrationWindows &windows) {
    return std::vector<int64_t>(windows.ids.begin(), windows.ids.end());
}

/// max |a - b| / max |b| over two row-major arrays.
double relativeDifference(const std::vector<float> &a, const std::vector<double> &b) {
    double difference = 0;
    double scale = 0;
    for (size_t i = 0; i < b.size(); ++i) {
        difference = std::max(difference, std::abs(double(a[i]) - b[i]));
        scale = std::max(scale, std::abs(b[i]));
    }
    return scale > 0 ? difference / scale : difference;
}

bool hasTemporaryFiles(const QString &folder) {
    return !QDir(folder).entryList({QStringLiteral("*.tmp-*")}, QDir::Files).isEmpty();
}

} // namespace

class TestCalibration : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void blockwiseEqualsForward_data();
    void blockwiseEqualsForward();
    void blockwiseOnDemoStudent();
    void windowsComeFromTheText();
    void shortTextUsesNonOverlappingWindows();
    void tooShortTextNamesTheFile();
    void demoCorpusOnlyForDemoModels();
    void hessianMatchesFullForward();
    void fileRoundTripsAndIsReused();
    void concurrentCalibrationsOnOneModel();
    void modelHashIsRememberedPerFile();
    void cacheFolderIsShared();
    void changedTextChangesDataHash();
    void cancellationLeavesNoFile();
    void badFileIsRefused();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    LanguageModelPtr m_student;
    QString m_textPath;
    QStringList m_cacheFiles;
};

void TestCalibration::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_student = LanguageModel::load(QStringLiteral("demo:student"));
    m_textPath = m_dir.filePath(QStringLiteral("text.txt"));
    writeFile(m_textPath, demoText(99, 40));
}

void TestCalibration::blockwiseEqualsForward_data() {
    QTest::addColumn<int>("architecture");
    QTest::newRow("llama") << int(Architecture::Llama);
    QTest::newRow("mistral-sliding-window") << int(Architecture::Mistral);
    QTest::newRow("qwen2") << int(Architecture::Qwen2);
    QTest::newRow("gpt2") << int(Architecture::Gpt2);
}

void TestCalibration::blockwiseEqualsForward() {
    QFETCH(int, architecture);
    torch::manual_seed(3);
    Transformer module(tinyConfig(Architecture(architecture)));
    module->eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor ids = torch::randint(0, 50, {2, 11}, torch::kLong);
    const torch::Tensor expected = module->forward(ids);
    torch::Tensor hidden = module->embed(ids);
    QCOMPARE(module->blockCount(), 3);
    for (int block = 0; block < module->blockCount(); ++block)
        hidden = module->forwardBlock(block, hidden);
    const torch::Tensor logits = module->head(hidden);
    QCOMPARE(logits.sizes().vec(), expected.sizes().vec());
    const double difference = (logits - expected).abs().max().item<double>();
    QVERIFY2(difference <= 1e-6, qPrintable(QString::number(difference)));
    QVERIFY_THROWS_EXCEPTION(Error, module->forwardBlock(3, hidden));
    QVERIFY_THROWS_EXCEPTION(Error, module->forwardBlock(0, torch::zeros({1, 4, 7})));
}

void TestCalibration::blockwiseOnDemoStudent() {
    TransformerImpl &module = *m_student->runtime().module();
    torch::NoGradGuard noGrad;
    const std::vector<int32_t> tokens =
        m_student->tokenizer().encode(QByteArrayLiteral("Tom has 3 apples. He buys 4 more."));
    std::vector<int64_t> ids(tokens.begin(), tokens.end());
    const torch::Tensor input = torch::tensor(ids, torch::kLong).view({1, -1});
    const torch::Tensor expected = module.forward(input);
    torch::Tensor hidden = module.embed(input);
    for (int block = 0; block < module.blockCount(); ++block)
        hidden = module.forwardBlock(block, hidden);
    const double difference = (module.head(hidden) - expected).abs().max().item<double>();
    QVERIFY2(difference <= 1e-5, qPrintable(QString::number(difference)));
}

void TestCalibration::windowsComeFromTheText() {
    CalibrationSettings settings = windowSettings(5, 40, 11);
    const CalibrationWindows windows = calibrationWindows(*m_student, m_textPath, settings);
    QCOMPARE(windows.count, 5);
    QCOMPARE(windows.length, 40);
    QCOMPARE(windows.ids.size(), size_t(5 * 40));
    QCOMPARE(windows.source, m_textPath);
    // The demo tokenizer has BOS, so every window starts with it (as the evaluator's windows).
    const int32_t bos = m_student->tokenizer().bosId();
    QVERIFY(bos >= 0);
    QVERIFY(windows.bos);
    QFile file(m_textPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const std::vector<int32_t> text = m_student->tokenizer().encode(file.readAll());
    QCOMPARE(windows.textTokens, int64_t(text.size()));
    for (int w = 0; w < windows.count; ++w) {
        const auto begin = windows.ids.begin() + w * 40;
        QCOMPARE(*begin, bos);
        // The other 39 tokens are a contiguous run of the text.
        const auto found = std::search(text.begin(), text.end(), begin + 1, begin + 40);
        QVERIFY2(found != text.end(), qPrintable(QStringLiteral("window %1").arg(w)));
    }
    // Deterministic for a seed, different for another seed.
    QCOMPARE(calibrationWindows(*m_student, m_textPath, settings).ids, windows.ids);
    QCOMPARE(calibrationWindows(*m_student, m_textPath, settings).dataHash(), windows.dataHash());
    settings.seed = 12;
    const CalibrationWindows other = calibrationWindows(*m_student, m_textPath, settings);
    QVERIFY(other.ids != windows.ids);
    QVERIFY(other.dataHash() != windows.dataHash());
}

void TestCalibration::shortTextUsesNonOverlappingWindows() {
    const QString path = m_dir.filePath(QStringLiteral("short.txt"));
    writeFile(path, demoText(5, 3));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const std::vector<int32_t> text = m_student->tokenizer().encode(file.readAll());
    const CalibrationSettings settings = windowSettings(1000, 32);
    const CalibrationWindows windows = calibrationWindows(*m_student, path, settings);
    const int expected = int(text.size()) / 31; // 31 text tokens after BOS per window
    QVERIFY(expected >= 2);
    QCOMPARE(windows.count, expected);
    QCOMPARE(windows.requested, 1000);
    for (int w = 0; w < windows.count; ++w) {
        for (int i = 1; i < 32; ++i)
            QCOMPARE(windows.ids[size_t(w * 32 + i)], text[size_t(w * 31 + i - 1)]);
    }
}

void TestCalibration::tooShortTextNamesTheFile() {
    const QString path = m_dir.filePath(QStringLiteral("tiny.txt"));
    writeFile(path, QByteArrayLiteral("Tom has 3 apples."));
    const CalibrationSettings settings = windowSettings(2, 64);
    const QString output = m_dir.filePath(QStringLiteral("tiny.h5"));
    try {
        calibrate(*m_student, path, settings, output, nullptr);
        QFAIL("a text shorter than one window was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(path), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QLatin1String("tokens")) &&
                     error.message().contains(QLatin1String("63")),
                 qPrintable(error.message()));
    }
    QVERIFY(!QFileInfo::exists(output));
    const QString missing = m_dir.filePath(QStringLiteral("missing.txt"));
    try {
        calibrationWindows(*m_student, missing, settings);
        QFAIL("a missing text was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(missing), qPrintable(error.message()));
    }
}

void TestCalibration::demoCorpusOnlyForDemoModels() {
    const CalibrationSettings settings = windowSettings(3, 48);
    const CalibrationWindows windows = calibrationWindows(*m_student, QString(), settings);
    QCOMPARE(windows.count, 3);
    QVERIFY2(windows.source.contains(QLatin1String("demo corpus")), qPrintable(windows.source));
    QVERIFY(!windows.bos); // the stream holds BOS document EOS as in training
    QVERIFY(windows.textTokens >= 2 * 3 * 48);

    // The same weights in another folder are not a demo model: a text is required.
    const QString copy = m_dir.filePath(QStringLiteral("student-copy"));
    QVERIFY(QDir().mkpath(copy));
    const QDir source(Checkpoint::resolveSpec(QStringLiteral("demo:student")));
    for (const char *name : {"config.json", "model.safetensors", "tokenizer.json"})
        QVERIFY(QFile::copy(source.filePath(QLatin1String(name)),
                            QDir(copy).filePath(QLatin1String(name))));
    const LanguageModelPtr other = LanguageModel::load(copy);
    QVERIFY(!isDemoModel(*other->checkpoint()));
    QVERIFY(isDemoModel(*m_student->checkpoint()));
    try {
        calibrationWindows(*other, QString(), settings);
        QFAIL("the demo corpus was accepted for a model that is not a demo model");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(QLatin1String("--text")), qPrintable(error.message()));
    }
    // The model hash depends on the content, not on where the files are.
    QCOMPARE(modelHash(*other->checkpoint()), modelHash(*m_student->checkpoint()));
    const CheckpointPtr teacher = Checkpoint::open(QStringLiteral("demo:teacher"));
    QVERIFY(modelHash(*teacher) != modelHash(*m_student->checkpoint()));
}

void TestCalibration::hessianMatchesFullForward() {
    const CalibrationSettings settings = windowSettings(6, 48, 5);
    const QString output = m_dir.filePath(QStringLiteral("forward.h5"));
    const CalibrationData data = calibrate(*m_student, m_textPath, settings, output, nullptr);
    QVERIFY(!data.fromCache());

    // Reference: one plain forward() of all windows at once with an observer.
    const CalibrationWindows windows = calibrationWindows(*m_student, m_textPath, settings);
    std::vector<int64_t> ids = windowIds(windows);
    std::map<QString, torch::Tensor> reference;
    std::map<QString, torch::Tensor> referenceSum;
    std::map<QString, QStringList> shared;
    TransformerImpl &module = *m_student->runtime().module();
    module.setInputObserver([&](const QStringList &names, const torch::Tensor &input) {
        const torch::Tensor x = input.reshape({-1, input.size(-1)}).to(torch::kDouble);
        torch::Tensor &h = reference[names.first()];
        h = h.defined() ? h + x.t().mm(x) : x.t().mm(x);
        torch::Tensor &sum = referenceSum[names.first()];
        sum = sum.defined() ? sum + x.sum(0) : x.sum(0);
        shared[names.first()] = names;
    });
    {
        torch::NoGradGuard noGrad;
        module.forward(torch::from_blob(ids.data(), {windows.count, windows.length}, torch::kLong));
    }
    module.setInputObserver({});

    // Every linear weight: 3 blocks x (q, k, v, o, gate, up, down) + the tied embedding as
    // lm_head.
    QCOMPARE(data.weightNames().size(), 3 * 7 + 1);
    QCOMPARE(data.inputGroups().size(), 3 * 4 + 1);
    QCOMPARE(int(reference.size()), data.inputGroups().size());
    QVERIFY(data.has(QStringLiteral("model.layers.2.mlp.down_proj.weight")));
    QVERIFY(data.has(QStringLiteral("model.embed_tokens.weight")));
    QVERIFY(!data.has(QStringLiteral("model.norm.weight")));
    double worst = 0;
    for (const auto &entry : reference) {
        const QStringList &names = shared[entry.first];
        QCOMPARE(data.inputGroups().contains(names), true);
        const torch::Tensor h = entry.second.contiguous();
        const int64_t in = h.size(0);
        const std::vector<double> expected(h.data_ptr<double>(), h.data_ptr<double>() + in * in);
        for (const QString &name : names) {
            QCOMPARE(data.inFeatures(name), in);
            const std::vector<float> hessian = data.hessian(name);
            QCOMPARE(hessian.size(), size_t(in * in));
            const double difference = relativeDifference(hessian, expected);
            worst = std::max(worst, difference);
            QVERIFY2(difference <= kHessianTolerance,
                     qPrintable(QStringLiteral("%1: %2").arg(name).arg(difference)));
            // importance = diag(H), kept in float64.
            const std::vector<double> importance = data.importance(name);
            QCOMPARE(importance.size(), size_t(in));
            for (int64_t j = 0; j < in; ++j) {
                const double diagonal = expected[size_t(j * in + j)];
                QVERIFY(importance[size_t(j)] > 0);
                QVERIFY2(std::abs(importance[size_t(j)] - diagonal) <= 1e-9 * diagonal + 1e-12,
                         qPrintable(QStringLiteral("%1 column %2").arg(name).arg(j)));
                QVERIFY(std::abs(double(hessian[size_t(j * in + j)]) - importance[size_t(j)]) <=
                        1e-6 * importance[size_t(j)]);
            }
            // Σ x, kept in float64, so that the mean input is known.
            const std::vector<double> inputSum = data.inputSum(name);
            QCOMPARE(inputSum.size(), size_t(in));
            const torch::Tensor expectedSum = referenceSum[entry.first].contiguous();
            for (int64_t j = 0; j < in; ++j) {
                const double value = expectedSum.data_ptr<double>()[j];
                QVERIFY2(std::abs(inputSum[size_t(j)] - value) <=
                             1e-9 * std::sqrt(double(data.tokens()) * importance[size_t(j)]),
                         qPrintable(QStringLiteral("%1 input sum %2").arg(name).arg(j)));
            }
        }
    }
    qInfo("largest relative H difference, block-wise vs forward(): %g", worst);
    // q/k/v read one input and share one H.
    QCOMPARE(data.importance(QStringLiteral("model.layers.1.self_attn.q_proj.weight")),
             data.importance(QStringLiteral("model.layers.1.self_attn.v_proj.weight")));
}

void TestCalibration::fileRoundTripsAndIsReused() {
    CalibrationSettings settings = windowSettings(4, 32, 21);
    const QString output = m_dir.filePath(QStringLiteral("roundtrip.h5"));
    QElapsedTimer timer;
    timer.start();
    const CalibrationData first = calibrate(*m_student, m_textPath, settings, output, nullptr);
    const qint64 firstMs = timer.elapsed();
    QVERIFY(!first.fromCache());
    QCOMPARE(first.path(), output);
    QCOMPARE(first.modelHash(), modelHash(*m_student->checkpoint()));
    QCOMPARE(first.dataHash(), calibrationWindows(*m_student, m_textPath, settings).dataHash());
    QCOMPARE(first.modelHash().size(), 64);
    QCOMPARE(first.settings().samples, 4);
    QCOMPARE(first.settings().sequenceLength, 32);
    QCOMPARE(first.settings().seed, uint64_t(21));
    QCOMPARE(first.requestedSamples(), 4);
    QCOMPARE(first.tokens(), int64_t(4 * 32));
    QCOMPARE(first.textSource(), m_textPath);
    QVERIFY(first.startsWithBos());
    QCOMPARE(first.modelName(), m_student->displayName());
    QVERIFY(first.seconds() > 0);
    QVERIFY(!hasTemporaryFiles(m_dir.path()));

    const CalibrationData loaded = CalibrationData::load(output);
    QCOMPARE(loaded.modelHash(), first.modelHash());
    QCOMPARE(loaded.dataHash(), first.dataHash());
    QCOMPARE(loaded.weightNames(), first.weightNames());
    QCOMPARE(loaded.tokens(), first.tokens());
    const QString down = QStringLiteral("model.layers.0.mlp.down_proj.weight");
    QCOMPARE(loaded.hessian(down), first.hessian(down));
    QCOMPARE(loaded.importance(down), first.importance(down));
    QCOMPARE(loaded.inFeatures(down), int64_t(192));
    QVERIFY_THROWS_EXCEPTION(Error, loaded.importance(QStringLiteral("no.such.weight")));

    // Same model + data: the file is reused, not rewritten.
    const QDateTime modified = QFileInfo(output).lastModified();
    QTest::qWait(20);
    timer.restart();
    const CalibrationData second = calibrate(*m_student, m_textPath, settings, output, nullptr);
    const qint64 secondMs = timer.elapsed();
    QVERIFY(second.fromCache());
    QCOMPARE(second.dataHash(), first.dataHash());
    QCOMPARE(second.modelHash(), first.modelHash());
    QCOMPARE(QFileInfo(output).lastModified(), modified);
    qInfo("computed in %lld ms, reused in %lld ms", firstMs, secondMs);

    // Other settings: recomputed and replaced.
    settings.seed = 22;
    const CalibrationData third = calibrate(*m_student, m_textPath, settings, output, nullptr);
    QVERIFY(!third.fromCache());
    QVERIFY(third.dataHash() != first.dataHash());
    QCOMPARE(CalibrationData::load(output).dataHash(), third.dataHash());
}

void TestCalibration::concurrentCalibrationsOnOneModel() {
    // The workbench calibrates on the model it has open while the generation pane may run it:
    // each calibration sees only its own thread's forward calls.
    const CalibrationSettings settings = windowSettings(6, 48, 77);
    const CalibrationData alone = calibrate(*m_student, m_textPath, settings,
                                            m_dir.filePath(QStringLiteral("alone.h5")), nullptr);
    std::atomic<bool> stop{false};
    std::atomic<int> forwardCalls{0};
    std::thread generating([&] {
        torch::NoGradGuard noGrad;
        const torch::Tensor ids = torch::arange(1, 40, torch::kLong).unsqueeze(0);
        while (!stop) {
            m_student->runtime().module()->forward(ids);
            ++forwardCalls;
        }
    });
    CalibrationData first;
    CalibrationData second;
    std::thread other([&] {
        second = calibrate(*m_student, m_textPath, settings,
                           m_dir.filePath(QStringLiteral("second.h5")), nullptr);
    });
    first = calibrate(*m_student, m_textPath, settings, m_dir.filePath(QStringLiteral("first.h5")),
                      nullptr);
    other.join();
    stop = true;
    generating.join();
    QVERIFY(forwardCalls > 0);
    QVERIFY(!first.fromCache() && !second.fromCache());
    QCOMPARE(first.weightNames(), alone.weightNames());
    for (const CalibrationData *data : {&first, &second}) {
        for (const QString &name : alone.weightNames()) {
            const std::vector<float> expected = alone.hessian(name);
            const std::vector<float> actual = data->hessian(name);
            QCOMPARE(actual.size(), expected.size());
            double largest = 0;
            double difference = 0;
            for (size_t i = 0; i < expected.size(); ++i) {
                largest = std::max(largest, double(std::abs(expected[i])));
                difference = std::max(difference, double(std::abs(actual[i] - expected[i])));
            }
            QVERIFY2(difference <= kHessianTolerance * largest,
                     qPrintable(QStringLiteral("%1: max |dH| %2 of max |H| %3")
                                    .arg(name)
                                    .arg(difference)
                                    .arg(largest)));
        }
    }
}

void TestCalibration::modelHashIsRememberedPerFile() {
    // A copy of demo:student in a folder of its own, so its files have their own stamps.
    const QDir source(Checkpoint::resolveSpec(QStringLiteral("demo:student")));
    const QString folder = m_dir.filePath(QStringLiteral("hashed-student"));
    QVERIFY(QDir().mkpath(folder));
    for (const QFileInfo &file : source.entryInfoList(QDir::Files))
        QVERIFY(QFile::copy(file.filePath(), folder + QLatin1Char('/') + file.fileName()));

    struct Counter : ProgressSink {
        int hashing = 0;
        void report(double, const QString &message) override {
            hashing += message.startsWith(QLatin1String("hashing")) ? 1 : 0;
        }
        bool cancelled() const override { return false; }
    };
    Counter first;
    const QString hash = modelHash(*Checkpoint::open(folder), &first);
    QVERIFY(first.hashing > 0);
    QCOMPARE(hash, modelHash(*m_student->checkpoint())); // same content, same hash
    Counter second;
    QCOMPARE(modelHash(*Checkpoint::open(folder), &second), hash);
    QCOMPARE(second.hashing, 0); // remembered, not read again

    // Another weight in the file: a new stamp, so the hash is computed again and differs.
    const QString weights = folder + QStringLiteral("/model.safetensors");
    QFile file(weights);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QByteArray bytes = file.readAll();
    bytes[bytes.size() - 1] = char(bytes[bytes.size() - 1] ^ 0x01);
    QVERIFY(file.seek(0));
    QCOMPARE(file.write(bytes), bytes.size());
    file.close();
    // The size is unchanged; the modification time moves on.
    QFile touched(weights);
    QVERIFY(touched.open(QIODevice::ReadWrite));
    QVERIFY(touched.setFileTime(QDateTime::currentDateTime().addSecs(5),
                                QFileDevice::FileModificationTime));
    touched.close();
    Counter third;
    const QString changed = modelHash(*Checkpoint::open(folder), &third);
    QVERIFY(third.hashing > 0);
    QVERIFY(changed != hash);
}

void TestCalibration::cacheFolderIsShared() {
    const CalibrationSettings settings = windowSettings(2, 24, 31);
    const QString cached = defaultCalibrationCachePath(*m_student, m_textPath, settings);
    m_cacheFiles.append(cached);
    QFile::remove(cached);
    QVERIFY2(
        cached.startsWith(QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)),
        qPrintable(cached));
    const CalibrationData first = calibrate(*m_student, m_textPath, settings, QString(), nullptr);
    QVERIFY(!first.fromCache());
    QCOMPARE(first.path(), cached);
    QVERIFY(QFileInfo::exists(cached));

    // Another output path: the cached file is copied there without running the model.
    const QString output = m_dir.filePath(QStringLiteral("from-cache.h5"));
    const CalibrationData second = calibrate(*m_student, m_textPath, settings, output, nullptr);
    QVERIFY(second.fromCache());
    QCOMPARE(second.path(), output);
    QCOMPARE(second.dataHash(), first.dataHash());
    const QString q = QStringLiteral("model.layers.0.self_attn.q_proj.weight");
    QCOMPARE(second.hessian(q), first.hessian(q));
}

void TestCalibration::changedTextChangesDataHash() {
    const CalibrationSettings settings = windowSettings(3, 32);
    const QString changed = m_dir.filePath(QStringLiteral("changed.txt"));
    QFile file(m_textPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    writeFile(changed, file.readAll() + "One more line at the end.\n");
    const CalibrationWindows a = calibrationWindows(*m_student, m_textPath, settings);
    const CalibrationWindows b = calibrationWindows(*m_student, changed, settings);
    QVERIFY(a.textHash != b.textHash);
    QVERIFY(a.dataHash() != b.dataHash());
    QCOMPARE(a.dataHash().size(), 64);
}

void TestCalibration::cancellationLeavesNoFile() {
    const CalibrationSettings settings = windowSettings(4, 32, 41);
    const QString output = m_dir.filePath(QStringLiteral("cancelled.h5"));
    QStringList messages;
    CallbackProgress *self = nullptr;
    CallbackProgress progress([&](double, const QString &message) {
        messages.append(message);
        if (message == QLatin1String("block 2/3"))
            self->cancel();
    });
    self = &progress;
    bool cancelled = false;
    try {
        calibrate(*m_student, m_textPath, settings, output, &progress);
    } catch (const Cancelled &) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QVERIFY(messages.contains(QStringLiteral("block 1/3")));
    QVERIFY(!QFileInfo::exists(output));
    QVERIFY(!hasTemporaryFiles(m_dir.path()));

    // The observer was removed: a plain run afterwards works and reports every block.
    messages.clear();
    CallbackProgress plain([&](double, const QString &message) { messages.append(message); });
    const CalibrationData data = calibrate(*m_student, m_textPath, settings, output, &plain);
    QVERIFY(!data.fromCache());
    QVERIFY(messages.contains(QStringLiteral("block 3/3")));
}

void TestCalibration::badFileIsRefused() {
    const QString path = m_dir.filePath(QStringLiteral("not-calibration.h5"));
    writeFile(path, QByteArrayLiteral("plain text"));
    try {
        CalibrationData::load(path);
        QFAIL("a text file was accepted as a calibration file");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(path), qPrintable(error.message()));
    }
}

void TestCalibration::cleanupTestCase() {
    for (const QString &path : m_cacheFiles)
        QFile::remove(path);
}

QTEST_GUILESS_MAIN(TestCalibration)
#include "tst_calibration.moc"
