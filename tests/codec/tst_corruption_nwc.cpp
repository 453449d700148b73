// Corruption suite for .nwc containers: truncations at many offsets and seeded single-bit flips
// anywhere in the file never crash the reader or throw anything but nwc::Error, every error
// names the file, and a file that still reads gives exactly the values that were written — the
// payload of every tensor is covered by a CRC-32, so a flip there must be refused, and a flip in
// HDF5 free space or unused bytes must not change anything. Both NwcReader (every compressed and
// passthrough tensor) and Checkpoint::open + readFloat32 (every tensor) are exercised. The
// fixture is written in container format version 2 (an NWC tensor in lane streams, its codec,
// analysis arrays): there every attribute is under a checksum too, so a file that still reads
// must give back every attribute, codec field and analysis value unchanged as well.
#include "analysis/rtnquantizer.h"
#include "codec/columnchunks.h"
#include "codec/nwccontainer.h"
#include "codec/nwctensorcoder.h"
#include "codecfixtures.h"
#include "corruptiontesting.h"
#include "io/checkpoint.h"
#include "jobs/error.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

using namespace nwc;

namespace {

std::vector<float> randomFloats(int count, std::mt19937_64 &rng) {
    std::normal_distribution<float> normal(0.0f, 0.5f);
    std::vector<float> values(size_t(count), 0.0f);
    for (float &v : values)
        v = normal(rng);
    return values;
}

QByteArray bytesOf(const std::vector<float> &values) {
    return QByteArray(reinterpret_cast<const char *>(values.data()),
                      qsizetype(values.size() * sizeof(float)));
}

/// Every header field, codec, tensor attribute and analysis value, as text.
QByteArray metadataOf(const NwcReader &reader) {
    QByteArray text;
    QDataStream out(&text, QIODevice::WriteOnly);
    const NwcHeader &h = reader.header();
    out << h.sourceModel << h.method << h.targetBitsPerWeight << h.achievedBitsPerWeight
        << h.settingsJson << qint64(h.formatVersion) << h.toolVersion << h.created
        << reader.primaryTokenizerFile() << reader.configJson();
    for (const QString &file : reader.tokenizerFileNames())
        out << file << reader.tokenizerFile(file);
    for (const QString &id : reader.codecIds()) {
        const CodecParameters c = reader.codec(id);
        out << c.id << c.preset << c.chunk << c.hidden << c.blocks << c.levels << c.lambda
            << qint64(c.steps) << c.nominalBitsPerWeight;
        for (double w : c.rateWeights)
            out << w;
        for (const QString &model : c.trainedOn)
            out << model;
        for (const NamedArray &array : c.arrays) {
            out << array.name << qint64(array.shape.size());
            for (int64_t d : array.shape)
                out << qint64(d);
            for (float v : array.values)
                out << v;
        }
    }
    for (const QString &name : reader.tensorNames()) {
        const CompressedTensor t = reader.tensor(name);
        out << t.codecId << t.step << t.columnsPerStream << t.estimatedBits << t.tableChecksum
            << t.streamFormat << t.bitstream << qint64(t.levels.size());
        for (uint8_t level : t.levels)
            out << level;
        for (uint16_t scale : t.columnScales)
            out << scale;
        for (uint64_t offset : t.streamOffsets)
            out << quint64(offset);
    }
    for (const QString &name : reader.analysisArrayNames()) {
        std::vector<int64_t> shape;
        out << name;
        for (double v : reader.analysisArray(name, &shape))
            out << v;
        for (int64_t d : shape)
            out << qint64(d);
    }
    out << reader.analysisJson();
    return text;
}

/// Everything that determines the values of a container's tensors, as read back.
struct Snapshot {
    QByteArray metadata;
    std::vector<QString> order;
    std::vector<CompressedTensor> compressed;
    std::vector<PassthroughTensor> passthrough;
    QStringList checkpointNames;
    QVector<DType> checkpointDtypes;
    QVector<QVector<qint64>> checkpointShapes;
    std::vector<std::vector<float>> checkpointValues;
};

Snapshot readAll(const QString &path) {
    Snapshot snapshot;
    {
        const NwcReader reader(path);
        snapshot.metadata = metadataOf(reader);
        snapshot.order = reader.order();
        for (const QString &name : reader.tensorNames())
            snapshot.compressed.push_back(reader.tensor(name));
        for (const QString &name : reader.passthroughNames())
            snapshot.passthrough.push_back(reader.passthrough(name));
    }
    const CheckpointPtr checkpoint = Checkpoint::open(path);
    for (const TensorInfo &info : checkpoint->tensors()) {
        snapshot.checkpointNames.append(info.name);
        snapshot.checkpointDtypes.append(info.dtype);
        snapshot.checkpointShapes.append(info.shape);
        snapshot.checkpointValues.push_back(checkpoint->readFloat32(info.name));
    }
    return snapshot;
}

/// Whether the fields that decide a compressed tensor's values agree.
bool sameValues(const CompressedTensor &a, const CompressedTensor &b) {
    return a.name == b.name && a.rows == b.rows && a.columns == b.columns &&
           a.transposed == b.transposed && a.originalDtype == b.originalDtype &&
           a.method == b.method && a.bits == b.bits && a.groupSize == b.groupSize &&
           a.packedCodes == b.packedCodes && a.groupScales == b.groupScales &&
           a.groupZeros == b.groupZeros;
}

/// Empty when `got` holds the same tensors and values as `expected`; else what differs.
QString difference(const Snapshot &got, const Snapshot &expected) {
    if (got.metadata != expected.metadata)
        return QStringLiteral("header, codec, attribute or analysis metadata");
    if (got.order != expected.order)
        return QStringLiteral("tensor order");
    if (got.compressed.size() != expected.compressed.size())
        return QStringLiteral("compressed tensor count");
    for (size_t i = 0; i < got.compressed.size(); ++i)
        if (!sameValues(got.compressed[i], expected.compressed[i]))
            return QStringLiteral("compressed tensor ") + expected.compressed[i].name;
    if (got.passthrough.size() != expected.passthrough.size())
        return QStringLiteral("passthrough tensor count");
    for (size_t i = 0; i < got.passthrough.size(); ++i) {
        const PassthroughTensor &a = got.passthrough[i];
        const PassthroughTensor &b = expected.passthrough[i];
        if (a.name != b.name || a.dtype != b.dtype || a.shape != b.shape || a.bytes != b.bytes)
            return QStringLiteral("passthrough tensor ") + b.name;
    }
    if (got.checkpointNames != expected.checkpointNames ||
        got.checkpointDtypes != expected.checkpointDtypes ||
        got.checkpointShapes != expected.checkpointShapes)
        return QStringLiteral("checkpoint tensor list");
    for (size_t i = 0; i < got.checkpointValues.size(); ++i)
        if (!test::sameBits(got.checkpointValues[i], expected.checkpointValues[i]))
            return QStringLiteral("readFloat32 of ") + expected.checkpointNames[int(i)];
    return QString();
}

using test::kTinyLlamaConfigJson;
using test::replaceFileBytes;

} // namespace

class TestCorruptionNwc : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void truncations();
    void bitFlips();

private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_original;
    Snapshot m_expected;
};

void TestCorruptionNwc::initTestCase() {
    QVERIFY(m_dir.isValid());
    const QString written = m_dir.filePath(QStringLiteral("written.nwc"));
    std::mt19937_64 rng(6003);
    {
        NwcWriter writer(written);
        NwcHeader header;
        header.sourceModel = QStringLiteral("synthetic");
        header.method = QStringLiteral("rtn");
        header.targetBitsPerWeight = 4.0;
        writer.setHeader(header);
        writer.setConfigJson(QByteArray(kTinyLlamaConfigJson));
        const std::vector<float> embed = randomFloats(128, rng);
        writer.addPassthrough(QStringLiteral("model.embed_tokens.weight"), DType::F32, {16, 8},
                              bytesOf(embed));
        const std::vector<float> q = randomFloats(64, rng);
        writer.addTensor(rtnCompress(QStringLiteral("model.layers.0.self_attn.q_proj.weight"),
                                     q.data(), 8, 8, 4, 4));
        const std::vector<float> down = randomFloats(128, rng);
        writer.addTensor(rtnCompress(QStringLiteral("model.layers.0.mlp.down_proj.weight"),
                                     down.data(), 8, 16, 3, 8));
        writer.addPassthrough(QStringLiteral("model.norm.weight"), DType::F32, {8},
                              bytesOf(randomFloats(8, rng)));
        // An NWC tensor in lane streams, its codec, and analysis results.
        const CodecParameters codec = test::freshCodec(QStringLiteral("identity"));
        NwcTensorCoder coder(codec);
        const std::vector<float> v = randomFloats(8 * 8, rng);
        coder.setTensor(makeColumnChunks(v.data(), 8, 8, codec.chunk), std::vector<uint8_t>(8, 1),
                        {});
        writer.addCodec(codec);
        writer.addTensor(coder.encode(QStringLiteral("model.layers.0.self_attn.v_proj.weight"), 0.5,
                                      false, DType::F32));
        writer.addTokenizerFile(QStringLiteral("tokenizer.json"),
                                QByteArrayLiteral("{\"model\": {\"type\": \"BPE\"}}"));
        writer.addAnalysisArray(QStringLiteral("importance"), {0.5, 1.5, 2.5, 3.5}, {2, 2});
        writer.setAnalysisJson(QByteArrayLiteral("{\"note\": \"fixture\"}"));
        writer.commit();
    }
    QFile file(written);
    QVERIFY(file.open(QIODevice::ReadOnly));
    m_original = file.readAll();
    m_path = m_dir.filePath(QStringLiteral("model.nwc"));
    // NWC_TST_CORRUPTION_KEEP=PATH keeps a copy of the intact fixture for looking at offsets.
    const QString keep = qEnvironmentVariable("NWC_TST_CORRUPTION_KEEP");
    if (!keep.isEmpty())
        QVERIFY(replaceFileBytes(keep, m_original));
    m_expected = readAll(written);
    QCOMPARE(m_expected.compressed.size(), size_t(3));
    QCOMPARE(m_expected.passthrough.size(), size_t(2));
    QCOMPARE(m_expected.checkpointNames.size(), 5);
    qInfo("fixture: %d bytes", int(m_original.size()));
}

void TestCorruptionNwc::truncations() {
    const qsizetype size = m_original.size();
    // The superblock and root object header, and the last bytes (the end-of-file address).
    QVector<qsizetype> superblock;
    for (qsizetype o = 0; o <= 128; o += 4)
        superblock.append(o);
    test::verifyTruncationsRefused<Snapshot>(m_path, m_original,
                                             test::truncationOffsets(size, superblock), readAll);
}

void TestCorruptionNwc::bitFlips() {
    const int cases = 2000;
    const test::FlipResults results = test::bitFlipFailures<Snapshot>(
        m_path, m_original, 6004, 0, m_original.size() - 1, cases, readAll,
        [](qsizetype at, int bit) { return QStringLiteral("bit %1 of byte %2").arg(bit).arg(at); },
        [this](const Snapshot &got) {
            const QString differs = difference(got, m_expected);
            return differs.isEmpty() ? QString()
                                     : QStringLiteral("silent wrong result in ") + differs;
        });
    QVERIFY2(results.failures.isEmpty(), qPrintable(test::failureReport(results.failures, cases)));
    qInfo("%d flips, %d refused, %d read back identical", cases, results.refused,
          cases - results.refused);
}

QTEST_GUILESS_MAIN(TestCorruptionNwc)
#include "tst_corruption_nwc.moc"
