// The .nwc container refuses what it cannot trust: files whose checksums do not match, truncated
// files, garbage, foreign HDF5 files, newer format versions and damaged sizes, each with an
// nwc::Error naming the file (and the tensor); the writer refuses bad input and is atomic (an
// abandoned or failed write leaves nothing behind and an existing file intact).
#include "nwccontainerfixture.h"

using namespace nwc;
using namespace nwc::testing;

class TestNwcContainerDamage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void checksumMismatch_data();
    void checksumMismatch();
    void truncated_data();
    void truncated();
    void garbage_data();
    void garbage();
    void foreignHdf5();
    void newerVersionRefused();
    void damagedSizesRefused();
    void writerRefusesBadInput();
    void abandonedWriterLeavesNothing();
    void existingFileSurvivesFailedWrite();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestNwcContainerDamage::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestNwcContainerDamage::checksumMismatch_data() {
    QTest::addColumn<QString>("part");
    QTest::newRow("bitstream") << QStringLiteral("bitstream");
    QTest::newRow("passthrough") << QStringLiteral("passthrough");
    QTest::newRow("tokenizer") << QStringLiteral("tokenizer");
}

void TestNwcContainerDamage::checksumMismatch() {
    QFETCH(QString, part);
    const Sample sample;
    const QString file = path(QStringLiteral("damaged.nwc"));
    sample.writeFile(file);
    QByteArray bytes = readFile(file);
    const QByteArray needle = part == QLatin1String("bitstream")     ? sample.nwc.bitstream
                              : part == QLatin1String("passthrough") ? sample.embed.bytes
                                                                     : sample.tokenizer;
    const qsizetype at = bytes.indexOf(needle);
    QVERIFY(at > 0);
    QCOMPARE(bytes.indexOf(needle, at + 1), qsizetype(-1));
    bytes[at + needle.size() / 2] = char(bytes[at + needle.size() / 2] ^ 0x10);
    QVERIFY(writeFile(file, bytes));

    const NwcReader reader(file);
    QString message;
    QString name;
    if (part == QLatin1String("bitstream")) {
        name = sample.nwc.name;
        message = errorOf([&] { reader.tensor(name); });
        // The other tensors are intact.
        compareTensors(reader.tensor(sample.rtn.name), sample.rtn);
    } else if (part == QLatin1String("passthrough")) {
        name = sample.embed.name;
        message = errorOf([&] { reader.passthrough(name); });
    } else {
        name = QStringLiteral("tokenizer.json");
        message = errorOf([&] { reader.tokenizerFile(name); });
    }
    QVERIFY2(message.contains(name) && message.contains(QLatin1String("checksum")) &&
                 message.contains(file) && message.contains(QLatin1String("re-export")),
             qPrintable(message));
}

void TestNwcContainerDamage::truncated_data() {
    QTest::addColumn<double>("fraction");
    for (double fraction : {0.0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.9999})
        QTest::newRow(qPrintable(QString::number(fraction))) << fraction;
}

void TestNwcContainerDamage::truncated() {
    QFETCH(double, fraction);
    const Sample sample;
    const QString file = path(QStringLiteral("cut.nwc"));
    sample.writeFile(file);
    const QByteArray bytes = readFile(file);
    QVERIFY(writeFile(file, bytes.left(qsizetype(double(bytes.size()) * fraction))));
    const QString message = errorOf([&] { readEverything(file); });
    QVERIFY2(!message.isEmpty(), "a truncated file was read without an error");
    QVERIFY2(message.contains(file), qPrintable(message));
}

void TestNwcContainerDamage::garbage_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("random") << randomBytes(5000, 42);
    QTest::newRow("hdf5 signature then random")
        << (QByteArray("\x89HDF\r\n\x1a\n", 8) + randomBytes(5000, 43));
    QTest::newRow("json") << QByteArrayLiteral("{\"model_type\": \"llama\"}");
}

void TestNwcContainerDamage::garbage() {
    QFETCH(QByteArray, content);
    const QString file = path(QStringLiteral("garbage.nwc"));
    QVERIFY(writeFile(file, content));
    const QString message = errorOf([&] { readEverything(file); });
    QVERIFY2(message.contains(file), qPrintable(message));
    const QString viaCheckpoint = errorOf([&] { Checkpoint::open(file); });
    QVERIFY2(viaCheckpoint.contains(file), qPrintable(viaCheckpoint));
}

void TestNwcContainerDamage::foreignHdf5() {
    const QString file = path(QStringLiteral("other.h5"));
    {
        h5::AtomicFile other(file);
        h5::setAttribute(other.file(), QStringLiteral("format"), QStringLiteral("codec"));
        other.commit();
    }
    const QString message = errorOf([&] { NwcReader reader(file); });
    QVERIFY2(message.contains(file) && message.contains(QLatin1String("not an NWC container")),
             qPrintable(message));
    // Checkpoint::open recognizes HDF5 by content and gives the same answer.
    QCOMPARE(errorOf([&] { Checkpoint::open(file); }), message);
}

void TestNwcContainerDamage::newerVersionRefused() {
    const Sample sample;
    const QString file = path(QStringLiteral("future.nwc"));
    sample.writeFile(file);
    {
        h5::silenceErrors();
        H5::H5File h5(file.toStdString(), H5F_ACC_RDWR);
        h5::setAttribute(h5, QStringLiteral("format_version"), int64_t(7));
        h5.close();
    }
    const QString message = errorOf([&] { NwcReader reader(file); });
    QVERIFY2(message.contains(file) && message.contains(QLatin1String("version 7")) &&
                 message.contains(QStringLiteral("version %1").arg(kNwcFormatVersion)) &&
                 message.contains(QLatin1String("Update")),
             qPrintable(message));
}

void TestNwcContainerDamage::damagedSizesRefused() {
    // Found by fuzz_nwc (fuzz/corpus/nwc/): a level count near 2^63 overflowed the check of the
    // packed levels' size, and a dataset whose extent claims more data than the file holds was
    // allocated in full before HDF5 found the data missing.
    const Sample sample;
    const std::string tensor = sample.nwc.name.toStdString();
    h5::silenceErrors();
    const QString levels = path(QStringLiteral("levels.nwc"));
    sample.writeFile(levels);
    {
        H5::H5File h5(levels.toStdString(), H5F_ACC_RDWR);
        H5::Group group = h5.openGroup("tensors").openGroup(tensor);
        h5::setAttribute(group, QStringLiteral("level_count"), std::numeric_limits<int64_t>::max());
    }
    for (const QString &message : {errorOf([&] { NwcReader(levels).tensor(sample.nwc.name); }),
                                   errorOf([&] { NwcReader(levels).summary(); })})
        QVERIFY2(message.contains(levels) && message.contains(QLatin1String("levels")),
                 qPrintable(message));

    const QString extent = path(QStringLiteral("extent.nwc"));
    sample.writeFile(extent);
    {
        H5::H5File h5(extent.toStdString(), H5F_ACC_RDWR);
        H5::Group group = h5.openGroup("tensors").openGroup(tensor);
        group.unlink("column_scales");
        const hsize_t dims[1] = {hsize_t(1) << 40};
        const hsize_t chunk[1] = {4096};
        H5::DSetCreatPropList properties;
        properties.setChunk(1, chunk);
        properties.setDeflate(4);
        group.createDataSet("column_scales", H5::PredType::STD_U16LE, H5::DataSpace(1, dims),
                            properties);
    }
    for (const QString &message : {errorOf([&] { NwcReader(extent).tensor(sample.nwc.name); }),
                                   errorOf([&] { NwcReader(extent).summary(); })})
        QVERIFY2(message.contains(extent) && message.contains(QLatin1String("claims more data")),
                 qPrintable(message));

    // Found while triaging the fuzz findings: H5Aread writes every element of an attribute, so
    // one whose dataspace was damaged into several values overran the one-value buffer.
    const QString values = path(QStringLiteral("values.nwc"));
    sample.writeFile(values);
    {
        H5::H5File h5(values.toStdString(), H5F_ACC_RDWR);
        h5.removeAttr("format_version");
        const hsize_t dims[1] = {2};
        const int64_t two[2] = {1, 1};
        h5.createAttribute("format_version", H5::PredType::STD_I64LE, H5::DataSpace(1, dims))
            .write(H5::PredType::NATIVE_INT64, two);
    }
    const QString message = errorOf([&] { NwcReader reader(values); });
    QVERIFY2(message.contains(values) && message.contains(QLatin1String("holds 2 values")),
             qPrintable(message));
}

void TestNwcContainerDamage::writerRefusesBadInput() {
    const QString file = path(QStringLiteral("bad.nwc"));
    NwcWriter writer(file);
    auto refused = [&](const std::function<void()> &body, const QString &expected) {
        const QString message = errorOf(body);
        QVERIFY2(message.contains(expected) && message.contains(file), qPrintable(message));
    };
    CompressedTensor level = nwcTensor(QStringLiteral("level"), 1);
    level.levels[3] = 4;
    refused([&] { writer.addTensor(level); }, QStringLiteral("quality level 4"));
    CompressedTensor offsets = nwcTensor(QStringLiteral("offsets"), 1);
    offsets.streamOffsets.back() = 199;
    refused([&] { writer.addTensor(offsets); }, QStringLiteral("stream offsets"));
    CompressedTensor codes = rtnTensor(QStringLiteral("codes"), 3, 8, 4, 4, 1);
    codes.packedCodes.chop(1);
    refused([&] { writer.addTensor(codes); }, QStringLiteral("bytes of packed codes"));
    CompressedTensor slash = nwcTensor(QStringLiteral("a/b"), 1);
    refused([&] { writer.addTensor(slash); }, QStringLiteral("a/b"));
    refused([&] { writer.addPassthrough(QStringLiteral("p"), DType::F32, {3}, QByteArray(8, 0)); },
            QStringLiteral("8 bytes given"));
    writer.addTensor(nwcTensor(QStringLiteral("twice"), 1));
    refused(
        [&] { writer.addPassthrough(QStringLiteral("twice"), DType::F32, {1}, QByteArray(4, 0)); },
        QStringLiteral("'twice' was added twice"));
    refused([&] { writer.addTokenizerFile(QStringLiteral("../x.json"), QByteArray()); },
            QStringLiteral("x.json"));
    refused([&] { writer.commit(); }, QStringLiteral("config"));
}

void TestNwcContainerDamage::abandonedWriterLeavesNothing() {
    const Sample sample;
    {
        NwcWriter writer(path(QStringLiteral("a.nwc")));
        sample.write(writer);
        QCOMPARE(filesIn(m_dir->path()).size(), 1); // the temporary file
    }
    QCOMPARE(filesIn(m_dir->path()), QStringList());
}

void TestNwcContainerDamage::existingFileSurvivesFailedWrite() {
    const Sample sample;
    const QString file = path(QStringLiteral("a.nwc"));
    sample.writeFile(file);
    const QByteArray original = readFile(file);
    {
        // Abandoned half-way.
        NwcWriter writer(file);
        writer.setConfigJson(QByteArrayLiteral("{}"));
        writer.addTensor(sample.rtn);
    }
    {
        // A failed commit.
        NwcWriter writer(file);
        writer.addTensor(sample.rtn);
        QVERIFY(!errorOf([&] { writer.commit(); }).isEmpty());
    }
    QCOMPARE(readFile(file), original);
    QCOMPARE(filesIn(m_dir->path()), QStringList{QStringLiteral("a.nwc")});
    // A successful rewrite replaces it.
    {
        NwcWriter writer(file);
        writer.setConfigJson(sample.config);
        writer.addTensor(sample.gptq);
        writer.commit();
    }
    QCOMPARE(NwcReader(file).order(), std::vector<QString>{sample.gptq.name});
    QCOMPARE(filesIn(m_dir->path()), QStringList{QStringLiteral("a.nwc")});
}

QTEST_GUILESS_MAIN(TestNwcContainerDamage)
#include "tst_nwccontainer_damage.moc"
