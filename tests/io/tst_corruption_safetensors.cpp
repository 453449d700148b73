// Corruption suite for .safetensors checkpoints: truncations at many offsets and seeded single-bit
// flips never crash the reader or throw anything but nwc::Error, and every error names the file.
//
// safetensors has no checksum. A flip inside tensor data therefore legitimately changes values
// (the reader cannot tell), and so does a flip inside a tensor name or a __metadata__ value that
// keeps the JSON valid. What is checked:
//  - truncation anywhere: always an error naming the file (the file must end at the last tensor);
//  - a flip in the length prefix or the JSON header: an error naming the file, or a checkpoint
//    whose tensors have the original dtypes, shapes and bit-identical values in the original
//    order (only the names may differ, see above);
//  - a flip in the data: an error naming the file or a successful read with the original
//    dtypes and shapes (values may differ).
#include "corruptiontesting.h"
#include "io/checkpoint.h"
#include "io/safetensorswriter.h"
#include "jobs/error.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <cstring>
#include <random>
#include <vector>

using namespace nwc;

namespace {

/// What a checkpoint holds, in file order.
struct Snapshot {
    QStringList names;
    QVector<DType> dtypes;
    QVector<QVector<qint64>> shapes;
    std::vector<std::vector<float>> values;
};

Snapshot readAll(const QString &path) {
    const CheckpointPtr checkpoint = Checkpoint::open(path);
    Snapshot snapshot;
    for (const TensorInfo &info : checkpoint->tensors()) {
        snapshot.names.append(info.name);
        snapshot.dtypes.append(info.dtype);
        snapshot.shapes.append(info.shape);
        snapshot.values.push_back(checkpoint->readFloat32(info.name));
    }
    return snapshot;
}

using test::kTinyLlamaConfigJson;
using test::replaceFileBytes;
using test::sameBits;

} // namespace

class TestCorruptionSafetensors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void truncations();
    void headerBitFlips();
    void dataBitFlips();

private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_original;
    qsizetype m_headerEnd = 0;
    Snapshot m_expected;
};

void TestCorruptionSafetensors::initTestCase() {
    QVERIFY(m_dir.isValid());
    QVERIFY(replaceFileBytes(m_dir.filePath(QStringLiteral("config.json")),
                             QByteArray(kTinyLlamaConfigJson)));
    m_path = m_dir.filePath(QStringLiteral("model.safetensors"));

    std::mt19937_64 rng(20240607);
    std::normal_distribution<float> normal(0.0f, 0.5f);
    auto values = [&](int count) {
        std::vector<float> v(size_t(count), 0.0f);
        for (float &x : v)
            x = normal(rng);
        return v;
    };
    SafetensorsWriter writer;
    writer.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
    writer.addFloat32(QStringLiteral("model.embed_tokens.weight"), {16, 8}, values(128),
                      DType::F16);
    writer.addFloat32(QStringLiteral("model.layers.0.input_layernorm.weight"), {8}, values(8),
                      DType::BF16);
    writer.addFloat32(QStringLiteral("model.layers.0.self_attn.q_proj.weight"), {8, 8}, values(64));
    writer.addFloat32(QStringLiteral("model.layers.0.mlp.down_proj.weight"), {8, 16}, values(128),
                      DType::F16);
    writer.addFloat32(QStringLiteral("model.norm.weight"), {8}, values(8));
    writer.write(m_path);

    QFile file(m_path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    m_original = file.readAll();
    m_headerEnd = qsizetype(8 + qFromLittleEndian<quint64>(m_original.constData()));
    QVERIFY(m_headerEnd > 8 && m_headerEnd < m_original.size());
    m_expected = readAll(m_path);
    QCOMPARE(m_expected.names.size(), 5);
}

void TestCorruptionSafetensors::truncations() {
    const qsizetype size = m_original.size();
    // The length prefix, the bytes around the header's end, and the last bytes.
    QVector<qsizetype> sensitive;
    for (qsizetype o = 0; o <= 16; ++o)
        sensitive.append(o);
    for (qsizetype o = m_headerEnd - 8; o <= m_headerEnd + 8; ++o)
        sensitive.append(o);
    const QVector<qsizetype> offsets = test::truncationOffsets(size, sensitive);
    QVERIFY(offsets.front() >= 0 && offsets.back() < size);
    test::verifyTruncationsRefused<Snapshot>(m_path, m_original, offsets, readAll);
}

void TestCorruptionSafetensors::headerBitFlips() {
    const int cases = 2000;
    const test::FlipResults results = test::bitFlipFailures<Snapshot>(
        m_path, m_original, 6001, 0, m_headerEnd - 1, cases, readAll,
        [this](qsizetype at, int bit) {
            return QStringLiteral("bit %1 of header byte %2 ('%3')")
                .arg(bit)
                .arg(at)
                .arg(QLatin1Char(m_original[at]));
        },
        [this](const Snapshot &got) {
            // Read without an error: everything but the names must be as written.
            bool same = got.names.size() == m_expected.names.size() &&
                        got.dtypes == m_expected.dtypes && got.shapes == m_expected.shapes;
            for (size_t t = 0; same && t < got.values.size(); ++t)
                same = sameBits(got.values[t], m_expected.values[t]);
            return same ? QString() : QStringLiteral("silent wrong result");
        });
    QVERIFY2(results.failures.isEmpty(), qPrintable(test::failureReport(results.failures, cases)));
    qInfo("%d header flips, %d refused, %d read back identical", cases, results.refused,
          cases - results.refused);
}

void TestCorruptionSafetensors::dataBitFlips() {
    const int cases = 100;
    const test::FlipResults results = test::bitFlipFailures<Snapshot>(
        m_path, m_original, 6002, m_headerEnd, m_original.size() - 1, cases, readAll,
        [](qsizetype at, int bit) {
            return QStringLiteral("bit %1 of data byte %2").arg(bit).arg(at);
        },
        [this](const Snapshot &got) {
            // No checksum: values may change, the layout may not.
            const bool sameLayout = got.names == m_expected.names &&
                                    got.dtypes == m_expected.dtypes &&
                                    got.shapes == m_expected.shapes;
            return sameLayout ? QString() : QStringLiteral("layout changed");
        });
    QVERIFY2(results.failures.isEmpty(), qPrintable(test::failureReport(results.failures, cases)));
}

QTEST_GUILESS_MAIN(TestCorruptionSafetensors)
#include "tst_corruption_safetensors.moc"
