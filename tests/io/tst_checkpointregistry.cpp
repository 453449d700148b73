// CheckpointRegistry: io's own formats, which format is chosen for each kind of path, the errors
// for paths no format recognizes, and that io opens safetensors models without core/codec (this
// test links nwc_core_io only, so no .nwc format is registered).

#include "io/checkpoint.h"
#include "io/checkpointregistry.h"
#include "testfiles.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace nwc;
using nwc::test::errorOf;
using nwc::test::writeFile;

namespace {

const QString StudentDir = QStringLiteral(NWC_SOURCE_RESOURCES "/demo/student");

QStringList idsOf(const CheckpointRegistry &registry) {
    QStringList ids;
    for (const CheckpointOpener *opener : registry.formats())
        ids.append(opener->id());
    return ids;
}

/// A format that recognizes files with one suffix, as surely as it is told; open() is not used.
class SuffixOpener : public CheckpointOpener {
public:
    SuffixOpener(QString id, QString suffix, Recognition recognition)
        : m_id(std::move(id))
        , m_suffix(std::move(suffix))
        , m_recognition(recognition) {}
    QString id() const override { return m_id; }
    QString description() const override {
        return QStringLiteral("a .") + m_suffix + QStringLiteral(" file");
    }
    Recognition recognize(const QFileInfo &path) const override {
        return path.suffix() == m_suffix ? m_recognition : Recognition::No;
    }
    CheckpointPtr open(const QFileInfo &, const QString &) const override { return nullptr; }

private:
    QString m_id;
    QString m_suffix;
    Recognition m_recognition;
};

} // namespace

class TestCheckpointRegistry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void builtinFormats();
    void formatForPath_data();
    void formatForPath();
    void unknownFileRefused();
    void nwcNeedsCodec_data();
    void nwcNeedsCodec();
    void opensSafetensorsWithoutCodec();
    void surestFormatWins();
    void duplicateIdRefused();
};

void TestCheckpointRegistry::builtinFormats() {
    const QStringList builtin{QStringLiteral("hf-directory"), QStringLiteral("safetensors"),
                              QStringLiteral("llama2c")};
    QCOMPARE(idsOf(CheckpointRegistry()), builtin);
    // Without core/codec linked the program's registry holds io's formats only.
    QCOMPARE(idsOf(CheckpointRegistry::instance()), builtin);
    QVERIFY(CheckpointRegistry::instance().find(QStringLiteral("safetensors")));
    QVERIFY(!CheckpointRegistry::instance().find(QStringLiteral("nwc")));
    for (const CheckpointOpener *opener : CheckpointRegistry::instance().formats())
        QVERIFY2(opener->description().startsWith(QLatin1String("a ")),
                 qPrintable(opener->description()));
}

void TestCheckpointRegistry::formatForPath_data() {
    QTest::addColumn<QString>("fileName"); // empty: the folder itself
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected"); // empty: no format
    const QByteArray hdf5("\x89HDF\r\n\x1a\n", 8);
    QTest::newRow("directory") << QString() << QByteArray() << QStringLiteral("hf-directory");
    QTest::newRow("config.json") << QStringLiteral("config.json") << QByteArray("{}")
                                 << QStringLiteral("hf-directory");
    QTest::newRow("shard index") << QStringLiteral("model.safetensors.index.json")
                                 << QByteArray("{}") << QStringLiteral("hf-directory");
    QTest::newRow(".safetensors") << QStringLiteral("model.safetensors") << QByteArray("x")
                                  << QStringLiteral("safetensors");
    QTest::newRow(".SAFETENSORS") << QStringLiteral("Model.SAFETENSORS") << QByteArray("x")
                                  << QStringLiteral("safetensors");
    QTest::newRow("HDF5 .safetensors")
        << QStringLiteral("odd.safetensors") << hdf5 << QStringLiteral("safetensors");
    QTest::newRow("llama2.c .bin") << QStringLiteral("stories260K.bin")
                                   << QByteArray("ak42\1\0\0\0") << QStringLiteral("llama2c");
    QTest::newRow("HDF5 .bin") << QStringLiteral("weights.bin") << hdf5
                               << QStringLiteral("llama2c");
    QTest::newRow("pytorch_model.bin")
        << QStringLiteral("pytorch_model.bin") << QByteArray("x") << QString();
    QTest::newRow("zip .bin") << QStringLiteral("weights.bin") << QByteArray("PK\3\4") << QString();
    QTest::newRow(".pt") << QStringLiteral("model.pt") << QByteArray("PK\3\4") << QString();
    QTest::newRow(".nwc") << QStringLiteral("model.nwc") << hdf5 << QString();
    QTest::newRow("text") << QStringLiteral("notes.txt") << QByteArray("hello") << QString();
}

void TestCheckpointRegistry::formatForPath() {
    QFETCH(QString, fileName);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString path = dir.path();
    if (!fileName.isEmpty()) {
        path = dir.filePath(fileName);
        writeFile(path, bytes);
    }
    const CheckpointOpener *opener = CheckpointRegistry::instance().formatFor(QFileInfo(path));
    QCOMPARE(opener ? opener->id() : QString(), expected);
}

void TestCheckpointRegistry::unknownFileRefused() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.txt"));
    writeFile(path, "hello");
    QString message = errorOf([&] { Checkpoint::open(path); });
    QVERIFY2(message.contains(path), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("unrecognized checkpoint")), qPrintable(message));
    // The message lists what this program can open.
    for (const CheckpointOpener *opener : CheckpointRegistry::instance().formats())
        QVERIFY2(message.contains(opener->description()), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("demo:student")), qPrintable(message));
    QVERIFY2(!message.contains(QLatin1String(".nwc")), qPrintable(message));

    const QString missing = dir.filePath(QStringLiteral("missing.safetensors"));
    message = errorOf([&] { Checkpoint::open(missing); });
    QVERIFY2(message.contains(missing) && message.contains(QLatin1String("no such file")),
             qPrintable(message));
}

void TestCheckpointRegistry::nwcNeedsCodec_data() {
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("bytes");
    const QByteArray hdf5("\x89HDF\r\n\x1a\n\0\0\0\0", 12);
    QTest::newRow(".nwc") << QStringLiteral("model.nwc") << hdf5;
    QTest::newRow(".nwc, not HDF5") << QStringLiteral("model.nwc") << QByteArray("garbage");
    QTest::newRow("HDF5, no suffix") << QStringLiteral("compressed") << hdf5;
}

void TestCheckpointRegistry::nwcNeedsCodec() {
    QFETCH(QString, fileName);
    QFETCH(QByteArray, bytes);
    QTemporaryDir dir;
    const QString path = dir.filePath(fileName);
    writeFile(path, bytes);
    const QString message = errorOf([&] { Checkpoint::open(path); });
    QVERIFY2(message.contains(path), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String(".nwc container")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("without the NWC codec")), qPrintable(message));
}

void TestCheckpointRegistry::opensSafetensorsWithoutCodec() {
    const CheckpointPtr directory = Checkpoint::open(StudentDir);
    QCOMPARE(directory->format(), CheckpointFormat::HuggingFace);
    QCOMPARE(directory->displayName(), QStringLiteral("student"));
    QVERIFY(!directory->tensors().isEmpty());

    const QString file = StudentDir + QStringLiteral("/model.safetensors");
    const CheckpointPtr single = Checkpoint::open(file);
    QCOMPARE(single->format(), CheckpointFormat::HuggingFace);
    QCOMPARE(single->source(), file);
    QCOMPARE(single->displayName(), QStringLiteral("student"));
    QCOMPARE(single->tensors().size(), directory->tensors().size());

    const CheckpointPtr config = Checkpoint::open(StudentDir + QStringLiteral("/config.json"));
    QCOMPARE(config->tensors().size(), directory->tensors().size());
}

void TestCheckpointRegistry::surestFormatWins() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("model.test"));
    writeFile(path, "x");
    CheckpointRegistry registry;
    QVERIFY(registry.add(std::make_unique<SuffixOpener>(
        QStringLiteral("likely"), QStringLiteral("test"), Recognition::Likely)));
    QCOMPARE(registry.formatFor(QFileInfo(path))->id(), QStringLiteral("likely"));
    QVERIFY(registry.add(std::make_unique<SuffixOpener>(
        QStringLiteral("certain"), QStringLiteral("test"), Recognition::Certain)));
    QVERIFY(registry.add(std::make_unique<SuffixOpener>(
        QStringLiteral("also-certain"), QStringLiteral("test"), Recognition::Certain)));
    // A surer format registered later wins; of two equally sure ones, the first.
    QCOMPARE(registry.formatFor(QFileInfo(path))->id(), QStringLiteral("certain"));
    QCOMPARE(registry.formats().size(), 6);
    // The program's registry is untouched.
    QVERIFY(!CheckpointRegistry::instance().find(QStringLiteral("certain")));
}

void TestCheckpointRegistry::duplicateIdRefused() {
    CheckpointRegistry registry;
    QVERIFY(!registry.add(std::make_unique<SuffixOpener>(
        QStringLiteral("safetensors"), QStringLiteral("st"), Recognition::Certain)));
    QCOMPARE(registry.formats().size(), 3);
    QCOMPARE(registry.find(QStringLiteral("safetensors"))->description(),
             QStringLiteral("a .safetensors file"));
}

QTEST_GUILESS_MAIN(TestCheckpointRegistry)
#include "tst_checkpointregistry.moc"
