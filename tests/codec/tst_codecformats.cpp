// The .nwc format in io's CheckpointRegistry: registered by linking nwc_core_codec alone, chosen
// for .nwc files and for HDF5 files under other names, and opened by Checkpoint::open as a
// CompressedCheckpoint. This test deliberately references nothing in codec/codecformats.cpp, so
// it checks that the linker keeps that object (and its start-up registration) by itself.

#include "codec/nwccontainer.h"
#include "io/checkpoint.h"
#include "io/checkpointregistry.h"
#include "testfiles.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace nwc;

namespace {

QByteArray studentConfigJson() {
    QFile file(QStringLiteral(NWC_SOURCE_RESOURCES "/demo/student/config.json"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// A container holding one passthrough tensor of four F32 values.
void writeContainer(const QString &path) {
    NwcWriter writer(path);
    writer.setConfigJson(studentConfigJson());
    writer.addPassthrough(QStringLiteral("model.norm.weight"), DType::F32, {4},
                          QByteArray(16, '\0'));
    writer.commit();
}

QStringList registeredIds() {
    QStringList ids;
    for (const CheckpointOpener *opener : CheckpointRegistry::instance().formats())
        ids.append(opener->id());
    return ids;
}

} // namespace

class TestCodecFormats : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void registeredByLinking();
    void opensContainer_data();
    void opensContainer();
    void unknownFileListsNwc();
};

void TestCodecFormats::registeredByLinking() {
    const QStringList expected{QStringLiteral("hf-directory"), QStringLiteral("safetensors"),
                               QStringLiteral("llama2c"), QStringLiteral("nwc")};
    QCOMPARE(registeredIds(), expected);
    QCOMPARE(CheckpointRegistry::instance().find(QStringLiteral("nwc"))->description(),
             QStringLiteral("a compressed .nwc file"));
}

void TestCodecFormats::opensContainer_data() {
    QTest::addColumn<QString>("fileName");
    QTest::newRow(".nwc") << QStringLiteral("student.nwc");
    QTest::newRow("other suffix") << QStringLiteral("student.bin");
    QTest::newRow("no suffix") << QStringLiteral("student");
}

void TestCodecFormats::opensContainer() {
    QFETCH(QString, fileName);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(fileName);
    writeContainer(path);
    const CheckpointOpener *opener = CheckpointRegistry::instance().formatFor(QFileInfo(path));
    QVERIFY(opener);
    QCOMPARE(opener->id(), QStringLiteral("nwc"));
    const CheckpointPtr checkpoint = Checkpoint::open(path);
    QCOMPARE(checkpoint->format(), CheckpointFormat::Nwc);
    QCOMPARE(checkpoint->source(), path);
    QCOMPARE(checkpoint->tensors().size(), 1);
    QCOMPARE(checkpoint->readFloat32(QStringLiteral("model.norm.weight")),
             std::vector<float>(4, 0.0f));
}

void TestCodecFormats::unknownFileListsNwc() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.txt"));
    test::writeFile(path, "hello");
    QCOMPARE(test::errorOf([&] { Checkpoint::open(path); }),
             path + QStringLiteral(": unrecognized checkpoint. Open a Hugging Face model "
                                   "directory (config.json + model.safetensors), a .safetensors "
                                   "file, a llama2.c .bin file, a compressed .nwc file, or "
                                   "demo:student / demo:teacher."));
}

QTEST_GUILESS_MAIN(TestCodecFormats)
#include "tst_codecformats.moc"
