// The .nwc container: every field of compressed tensors, codecs, passthrough tensors, header,
// tokenizer files and analysis round-trips bit-exactly and in order, and version 1 files still
// read (damaged files: tst_nwccontainer_damage). CompressedCheckpoint opens an RTN-8 container
// of demo:student as a model that evaluates like the original, and `nwc decompress` output
// loads with identical floats.
#include "nwccontainerfixture.h"

using namespace nwc;
using namespace nwc::testing;

class TestNwcContainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void compressedTensorsRoundTrip();
    void codecRoundTrip();
    void passthroughAndOrder();
    void headerTokenizerAnalysis();
    void summary();
    void version1FileStillReads();
    void transposedHalfTensor();
    void compressedCheckpoint();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestNwcContainer::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestNwcContainer::compressedTensorsRoundTrip() {
    const Sample sample;
    sample.writeFile(path(QStringLiteral("a.nwc")));
    const NwcReader reader(path(QStringLiteral("a.nwc")));
    QCOMPARE(reader.tensorNames(),
             (std::vector<QString>{sample.nwc.name, sample.rtn.name, sample.gptq.name}));
    compareTensors(reader.tensor(sample.nwc.name), sample.nwc);
    compareTensors(reader.tensor(sample.rtn.name), sample.rtn);
    compareTensors(reader.tensor(sample.gptq.name), sample.gptq);
    // The RTN tensors still decode to what they encoded.
    QCOMPARE(dequantizeGroups(reader.tensor(sample.rtn.name)), dequantizeGroups(sample.rtn));
    QVERIFY(reader.hasTensor(sample.nwc.name));
    QVERIFY(!reader.hasTensor(sample.norm.name));
    const QString missing = errorOf([&] { reader.tensor(QStringLiteral("nope")); });
    QVERIFY2(missing.contains(QLatin1String("nope")) && missing.contains(QLatin1String("a.nwc")),
             qPrintable(missing));
}

void TestNwcContainer::codecRoundTrip() {
    const Sample sample;
    sample.writeFile(path(QStringLiteral("a.nwc")));
    const NwcReader reader(path(QStringLiteral("a.nwc")));
    QCOMPARE(reader.codecIds(), std::vector<QString>{sample.codec.id});
    const CodecParameters codec = reader.codec(sample.codec.id);
    QCOMPARE(codec.id, sample.codec.id);
    QCOMPARE(codec.preset, sample.codec.preset);
    QCOMPARE(codec.chunk, sample.codec.chunk);
    QCOMPARE(codec.hidden, sample.codec.hidden);
    QCOMPARE(codec.blocks, sample.codec.blocks);
    QCOMPARE(codec.levels, sample.codec.levels);
    QCOMPARE(codec.lambda, sample.codec.lambda);
    QCOMPARE(codec.rateWeights, sample.codec.rateWeights);
    QCOMPARE(codec.steps, sample.codec.steps);
    QCOMPARE(codec.nominalBitsPerWeight, sample.codec.nominalBitsPerWeight);
    QCOMPARE(codec.trainedOn, sample.codec.trainedOn);
    QCOMPARE(codec.arrays.size(), sample.codec.arrays.size());
    for (size_t i = 0; i < codec.arrays.size(); ++i) {
        QCOMPARE(codec.arrays[i].name, sample.codec.arrays[i].name);
        QCOMPARE(codec.arrays[i].shape, sample.codec.arrays[i].shape);
        QCOMPARE(codec.arrays[i].values, sample.codec.arrays[i].values);
    }
    QVERIFY(!errorOf([&] { reader.codec(QStringLiteral("missing")); }).isEmpty());
}

void TestNwcContainer::passthroughAndOrder() {
    const Sample sample;
    sample.writeFile(path(QStringLiteral("a.nwc")));
    const NwcReader reader(path(QStringLiteral("a.nwc")));
    QCOMPARE(reader.order(), sample.order);
    QCOMPARE(reader.passthroughNames(),
             (std::vector<QString>{sample.embed.name, sample.norm.name, sample.scalar.name}));
    for (const PassthroughTensor *expected : {&sample.norm, &sample.embed, &sample.scalar}) {
        const PassthroughTensor p = reader.passthrough(expected->name);
        QCOMPARE(p.name, expected->name);
        QCOMPARE(p.dtype, expected->dtype);
        QCOMPARE(p.shape, expected->shape);
        QCOMPARE(p.bytes, expected->bytes);
        const PassthroughTensor info = reader.passthroughInfo(expected->name);
        QCOMPARE(info.shape, expected->shape);
        QVERIFY(info.bytes.isEmpty());
    }
}

void TestNwcContainer::headerTokenizerAnalysis() {
    const Sample sample;
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-2);
    sample.writeFile(path(QStringLiteral("a.nwc")));
    const NwcReader reader(path(QStringLiteral("a.nwc")));
    const NwcHeader &h = reader.header();
    QCOMPARE(h.sourceModel, sample.header.sourceModel);
    QCOMPARE(h.method, sample.header.method);
    QCOMPARE(h.targetBitsPerWeight, sample.header.targetBitsPerWeight);
    QCOMPARE(h.achievedBitsPerWeight, sample.header.achievedBitsPerWeight);
    QCOMPARE(h.settingsJson, sample.header.settingsJson);
    QCOMPARE(h.formatVersion, kNwcFormatVersion);
    QCOMPARE(h.toolVersion, QStringLiteral(NWC_VERSION));
    const QDateTime created = QDateTime::fromString(h.created, Qt::ISODate);
    QVERIFY2(created.isValid() && created >= before, qPrintable(h.created));

    QCOMPARE(reader.configJson(), sample.config);
    QCOMPARE(reader.tokenizerFileNames(),
             (std::vector<QString>{QStringLiteral("tokenizer.json"),
                                   QStringLiteral("tokenizer_config.json")}));
    QCOMPARE(reader.primaryTokenizerFile(), QStringLiteral("tokenizer.json"));
    QCOMPARE(reader.tokenizerFile(QStringLiteral("tokenizer.json")), sample.tokenizer);
    QCOMPARE(reader.tokenizerFile(QStringLiteral("tokenizer_config.json")), sample.tokenizerConfig);

    QCOMPARE(reader.analysisArrayNames(),
             std::vector<QString>{QStringLiteral("importance.layer0")});
    std::vector<int64_t> shape;
    QCOMPARE(reader.analysisArray(QStringLiteral("importance.layer0"), &shape), sample.importance);
    QCOMPARE(shape, (std::vector<int64_t>{2, 3}));
    QCOMPARE(reader.analysisJson(), sample.analysisJson);
}

void TestNwcContainer::summary() {
    const Sample sample;
    sample.writeFile(path(QStringLiteral("a.nwc")));
    const NwcReader reader(path(QStringLiteral("a.nwc")));
    const NwcSummary s = reader.summary();
    QCOMPARE(s.tensors.size(), size_t(3));
    int64_t counted = 0;
    int64_t weights = 0;
    for (const NwcTensorSummary &t : s.tensors) {
        const CompressedTensor full = reader.tensor(t.name);
        QCOMPARE(t.countedBytes, full.countedBytes());
        QCOMPARE(t.bitsPerWeight(), full.bitsPerWeight());
        QCOMPARE(t.method, full.method);
        QCOMPARE(t.step, full.step);
        QCOMPARE(t.bits, full.bits);
        counted += t.countedBytes;
        weights += t.weightCount();
    }
    const NwcTensorSummary &nwc = s.tensors.front();
    QCOMPARE(nwc.payloadBytes, int64_t(sample.nwc.bitstream.size()));
    std::vector<int64_t> histogram(4, 0);
    for (uint8_t level : sample.nwc.levels)
        ++histogram[level];
    QCOMPARE(nwc.levelColumns, histogram);
    QCOMPARE(s.countedBytes, counted);
    QCOMPARE(s.compressedWeights, weights);
    QCOMPARE(s.bitsPerWeight, 8.0 * double(counted) / double(weights));
    QCOMPARE(s.estimatedBitstreamBits, sample.nwc.estimatedBits);
    // Coded symbols only: the lane streams' headers are side information.
    const int64_t headers = std::min<int64_t>(
        sample.nwc.bitstream.size(),
        streamHeaderBytes(sample.nwc.streamFormat, int64_t(sample.nwc.streamOffsets.size()) - 1));
    QCOMPARE(s.actualBitstreamBits, 8.0 * double(sample.nwc.bitstream.size() - headers));
    QCOMPARE(s.passthroughCount, int64_t(3));
    QCOMPARE(s.passthroughBytes, int64_t(20 + 24 + 8));
    QCOMPARE(s.codecBytes, int64_t(4 * 8 + 4 * (12 + 5 + 1)));
    QCOMPARE(s.fileBytes, QFileInfo(path(QStringLiteral("a.nwc"))).size());
}

void TestNwcContainer::version1FileStillReads() {
    // Written by an earlier build (format version 1, single-state rANS streams, an identity
    // codec): it still opens and every tensor decodes with its checksums and stream checks.
    const QString file =
        QStringLiteral(NWC_SOURCE_RESOURCES "/../fuzz/corpus/nwc/tiny-nwc-identity.nwc");
    const NwcReader reader(file);
    QCOMPARE(reader.header().formatVersion, int64_t(1));
    int nwcTensors = 0;
    for (const QString &name : reader.tensorNames()) {
        const CompressedTensor t = reader.tensor(name);
        if (t.method == CompressionMethod::Nwc) {
            QCOMPARE(t.streamFormat, CompressedTensor::kSingleStateStreams);
            ++nwcTensors;
        }
    }
    QVERIFY(nwcTensors > 0);
    const CheckpointPtr checkpoint = Checkpoint::open(file);
    for (const TensorInfo &info : checkpoint->tensors()) {
        const std::vector<float> values = checkpoint->readFloat32(info.name);
        QVERIFY(!values.empty());
        QVERIFY(
            std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); }));
    }
}

void TestNwcContainer::transposedHalfTensor() {
    // A [6, 4] F16 GPT-2 Conv1D weight coded as 4 x 6 (transposed), read back in the file layout
    // and dtype.
    const QString name = QStringLiteral("h.0.mlp.c_fc.weight");
    CompressedTensor t = rtnTensor(name, 4, 6, 8, 3, 11);
    t.transposed = true;
    t.originalDtype = DType::F16;
    const QString file = path(QStringLiteral("half.nwc"));
    {
        NwcWriter writer(file);
        writer.setConfigJson(gpt2ConfigJson());
        writer.addTensor(t);
        writer.commit();
    }
    const CheckpointPtr checkpoint = Checkpoint::open(file);
    QCOMPARE(checkpoint->format(), CheckpointFormat::Nwc);
    QCOMPARE(checkpoint->displayName(), QStringLiteral("half"));
    QCOMPARE(checkpoint->tokenizerPath(), QString());
    const TensorInfo *info = checkpoint->findTensor(name);
    QVERIFY(info);
    QCOMPARE(info->dtype, DType::F16);
    QCOMPARE(info->shape, (QVector<qint64>{6, 4}));
    QCOMPARE(info->byteSize, quint64(48));

    const std::vector<float> coded = dequantizeGroups(t); // [4, 6]
    std::vector<float> expected(24);
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 6; ++c)
            expected[size_t(c * 4 + r)] = halfToFloat(floatToHalf(coded[size_t(r * 6 + c)]));
    QCOMPARE(checkpoint->readFloat32(name), expected);
    const QByteArray raw = checkpoint->readRaw(name);
    QCOMPARE(raw.size(), qsizetype(48));
    std::vector<float> fromRaw(24);
    convertToFloat32(raw.constData(), DType::F16, 24, fromRaw.data());
    QCOMPARE(fromRaw, expected);
}

void TestNwcContainer::compressedCheckpoint() {
    const CheckpointPtr original = Checkpoint::open(QStringLiteral("demo:student"));
    const QString file = path(QStringLiteral("student-rtn8.nwc"));
    int compressedCount = 0;
    {
        NwcWriter writer(file);
        NwcHeader header;
        header.sourceModel = QStringLiteral("demo:student");
        header.method = QStringLiteral("rtn");
        header.targetBitsPerWeight = 8.0;
        writer.setHeader(header);
        writer.setConfigJson(original->configJson());
        for (const auto &tokenizerFile : collectTokenizerFiles(original->tokenizerPath()))
            writer.addTokenizerFile(tokenizerFile.first, tokenizerFile.second);
        for (const TensorInfo &info : original->tensors()) {
            if (isBlockWeight(info)) {
                const std::vector<float> weights = original->readFloat32(info.name);
                writer.addTensor(
                    rtnCompress(info.name, weights.data(), info.shape[0], info.shape[1], 8, 32));
                ++compressedCount;
            } else {
                writer.addPassthrough(info.name, info.dtype, info.shape,
                                      original->readRaw(info.name));
            }
        }
        writer.commit();
    }
    QCOMPARE(compressedCount, 21);
    // NWC_TST_NWCCONTAINER_KEEP=PATH keeps a copy of the container for trying the CLI by hand.
    const QString keep = qEnvironmentVariable("NWC_TST_NWCCONTAINER_KEEP");
    if (!keep.isEmpty()) {
        QFile::remove(keep);
        QVERIFY(QFile::copy(file, keep));
    }

    const CheckpointPtr opened = Checkpoint::open(file);
    const auto *checkpoint = dynamic_cast<const CompressedCheckpoint *>(opened.get());
    QVERIFY(checkpoint);
    QCOMPARE(checkpoint->format(), CheckpointFormat::Nwc);
    QCOMPARE(checkpoint->source(), file);
    QCOMPARE(checkpoint->displayName(), QStringLiteral("student-rtn8"));
    QCOMPARE(checkpoint->config(), original->config());
    QCOMPARE(checkpoint->configJson(), original->configJson());
    QCOMPARE(checkpoint->tensors().size(), original->tensors().size());
    for (int i = 0; i < original->tensors().size(); ++i) {
        const TensorInfo &a = original->tensors().at(i);
        const TensorInfo &b = checkpoint->tensors().at(i);
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.dtype, a.dtype);
        QCOMPARE(b.shape, a.shape);
        QCOMPARE(b.byteSize, a.byteSize);
        QCOMPARE(checkpoint->isCompressed(a.name), isBlockWeight(a));
    }
    QVERIFY(!errorOf([&] { checkpoint->readFloat32(QStringLiteral("nope")); }).isEmpty());

    // Tokenizer files extracted side by side, verbatim.
    const QFileInfo tokenizer(checkpoint->tokenizerPath());
    QCOMPARE(tokenizer.fileName(), QStringLiteral("tokenizer.json"));
    QCOMPARE(readFile(tokenizer.filePath()), readFile(original->tokenizerPath()));
    const QString originalConfig = QFileInfo(original->tokenizerPath())
                                       .dir()
                                       .filePath(QStringLiteral("tokenizer_config.json"));
    QCOMPARE(readFile(tokenizer.dir().filePath(QStringLiteral("tokenizer_config.json"))),
             readFile(originalConfig));

    // Values: passthrough exact, compressed within the 8-bit quantization error.
    for (const TensorInfo &info : original->tensors()) {
        const std::vector<float> a = original->readFloat32(info.name);
        const std::vector<float> b = checkpoint->readFloat32(info.name);
        QCOMPARE(b.size(), a.size());
        if (!isBlockWeight(info)) {
            QCOMPARE(b, a);
            QCOMPARE(checkpoint->readRaw(info.name), original->readRaw(info.name));
            continue;
        }
        const auto [low, high] = std::minmax_element(a.begin(), a.end());
        const double range = std::max(double(*high), 0.0) - std::min(double(*low), 0.0);
        const double bound = 0.5 * range / 255.0 * (1.0 + 1.0 / 1024) + 1e-7;
        QVERIFY2(maxDifference(a, b) <= bound, qPrintable(QStringLiteral("%1: error %2 > %3")
                                                              .arg(info.name)
                                                              .arg(maxDifference(a, b))
                                                              .arg(bound)));
        QVERIFY(maxDifference(a, b) > 0);
        const QByteArray raw = checkpoint->readRaw(info.name);
        QCOMPARE(raw, QByteArray(reinterpret_cast<const char *>(b.data()),
                                 qsizetype(b.size() * sizeof(float))));
    }

    // Concurrent reads give the same values.
    {
        const QString name = QStringLiteral("model.layers.1.mlp.down_proj.weight");
        const std::vector<float> expected = checkpoint->readFloat32(name);
        std::vector<std::vector<float>> results(4);
        std::vector<std::thread> threads;
        for (size_t i = 0; i < results.size(); ++i)
            threads.emplace_back([&, i] { results[i] = checkpoint->readFloat32(name); });
        for (std::thread &thread : threads)
            thread.join();
        for (const auto &result : results)
            QCOMPARE(result, expected);
    }

    // Bit accounting: 8-bit codes + fp16 scale and zero per 32 weights, header allowance.
    const NwcSummary &summary = checkpoint->summary();
    QCOMPARE(summary.tensors.size(), size_t(21));
    QVERIFY2(summary.bitsPerWeight > 9.0 && summary.bitsPerWeight < 9.05,
             qPrintable(QString::number(summary.bitsPerWeight)));
    QCOMPARE(checkpoint->header().achievedBitsPerWeight, summary.bitsPerWeight);
    QCOMPARE(summary.tensors.front().method, CompressionMethod::Rtn);
    QCOMPARE(summary.tensors.front().bits, 8);

    // It runs as a model and evaluates like the original.
    const LanguageModelPtr compressedModel = LanguageModel::load(file);
    const LanguageModelPtr originalModel = LanguageModel::load(QStringLiteral("demo:student"));
    const QByteArray text =
        readFile(QStringLiteral(NWC_SOURCE_RESOURCES "/demo/heldout.txt")).left(4000);
    QVERIFY(!text.isEmpty());
    PerplexitySettings settings;
    settings.contextLength = 128;
    const double compressedPerplexity =
        evaluatePerplexity(*compressedModel, text, settings).perplexity;
    const double originalPerplexity = evaluatePerplexity(*originalModel, text, settings).perplexity;
    QVERIFY2(std::abs(compressedPerplexity / originalPerplexity - 1.0) < 0.03,
             qPrintable(QStringLiteral("perplexity %1 vs. %2")
                            .arg(compressedPerplexity)
                            .arg(originalPerplexity)));

    // nwc decompress: a Hugging Face folder with identical floats.
    const QString out = path(QStringLiteral("decompressed"));
    {
        CallbackProgress cancelled;
        cancelled.cancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 decompressToDirectory(*checkpoint, out, false, &cancelled));
        QVERIFY(!QFileInfo::exists(out));
    }
    int reports = 0;
    CallbackProgress progress([&](double, const QString &) { ++reports; });
    decompressToDirectory(*checkpoint, out, false, &progress);
    QVERIFY(reports >= original->tensors().size());
    const CheckpointPtr decompressed = Checkpoint::open(out);
    QCOMPARE(decompressed->format(), CheckpointFormat::HuggingFace);
    QCOMPARE(decompressed->tensors().size(), checkpoint->tensors().size());
    for (const TensorInfo &info : checkpoint->tensors()) {
        const TensorInfo *stored = decompressed->findTensor(info.name);
        QVERIFY(stored);
        QCOMPARE(stored->dtype, info.dtype);
        QCOMPARE(stored->shape, info.shape);
        QCOMPARE(decompressed->readFloat32(info.name), checkpoint->readFloat32(info.name));
    }
    QCOMPARE(decompressed->configJson(), original->configJson());
    QCOMPARE(readFile(decompressed->tokenizerPath()), readFile(original->tokenizerPath()));
    QCOMPARE(readFile(QDir(out).filePath(QStringLiteral("tokenizer_config.json"))),
             readFile(originalConfig));
    QVERIFY(LanguageModel::load(out));

    // A non-empty folder needs overwrite; a folder with a shadowing index is always refused.
    const QString busy = errorOf([&] { decompressToDirectory(*checkpoint, out, false); });
    QVERIFY2(busy.contains(out) && busy.contains(QLatin1String("--force")), qPrintable(busy));
    decompressToDirectory(*checkpoint, out, true);
    QVERIFY(writeFile(QDir(out).filePath(QStringLiteral("model.safetensors.index.json")), "{}"));
    const QString shadow = errorOf([&] { decompressToDirectory(*checkpoint, out, true); });
    QVERIFY2(shadow.contains(QLatin1String("model.safetensors.index.json")), qPrintable(shadow));
}

QTEST_GUILESS_MAIN(TestNwcContainer)
#include "tst_nwccontainer.moc"
