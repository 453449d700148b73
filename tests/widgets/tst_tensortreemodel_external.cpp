// TensorTreeModel over a real Hugging Face checkpoint (external test data).
#include "tensortreemodel.h"

#include <QAbstractItemModelTester>
#include <QFileInfo>
#include <QTest>

using namespace nwc;

class TestTensorTreeModelExternal : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tinyRandomLlama();
};

void TestTensorTreeModelExternal::tinyRandomLlama() {
    const QString path = QStringLiteral(NWC_EXTERNAL_DIR "/tiny-random-llama-2-hf");
    if (!QFileInfo::exists(path + QStringLiteral("/model.safetensors")))
        QSKIP("tiny-random-llama-2-hf is not in the external test data");
    const CheckpointPtr checkpoint = Checkpoint::open(path);
    TensorTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCheckpoint(checkpoint);

    // embed_tokens, layers 0 and 1, lm_head, norm
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("model.embed_tokens.weight"));
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("model.layers.0"));
    QCOMPARE(model.index(2, 0).data().toString(), QStringLiteral("model.layers.1"));
    int leaves = 0;
    quint64 bytes = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex top = model.index(row, 0);
        const int children = model.rowCount(top);
        leaves += children == 0 ? 1 : children;
        bytes += top.siblingAtColumn(TensorTreeModel::BytesColumn)
                     .data(TensorTreeModel::SortRole)
                     .toULongLong();
    }
    QCOMPARE(leaves, int(checkpoint->tensors().size()));
    quint64 expectedBytes = 0;
    for (const TensorInfo &info : checkpoint->tensors())
        expectedBytes += info.byteSize;
    QCOMPARE(bytes, expectedBytes);

    const QModelIndex q =
        model.indexOfTensor(QStringLiteral("model.layers.0.self_attn.q_proj.weight"));
    QVERIFY(q.isValid());
    QCOMPARE(q.siblingAtColumn(TensorTreeModel::ShapeColumn).data().toString(),
             QStringLiteral("[16, 16]"));
    QCOMPARE(q.siblingAtColumn(TensorTreeModel::DTypeColumn).data().toString(),
             QStringLiteral("BF16"));
}

QTEST_GUILESS_MAIN(TestTensorTreeModelExternal)
#include "tst_tensortreemodel_external.moc"
