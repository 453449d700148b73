// TensorTreeModel: grouping by layer, natural order, columns; checked by QAbstractItemModelTester.
#include "syntheticcheckpoint.h"
#include "tensortreemodel.h"

#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace nwc;

class TestTensorTreeModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void layerPrefix_data();
    void layerPrefix();
    void emptyModel();
    void groupsSyntheticCheckpoint();
    void columnsAndRoles();
    void resetToAnotherCheckpoint();
    void filterProxyKeepsTreeValid();
};

void TestTensorTreeModel::layerPrefix_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<int>("layer");
    QTest::newRow("llama") << QStringLiteral("model.layers.12.mlp.up_proj.weight")
                           << QStringLiteral("model.layers.12") << 12;
    QTest::newRow("gpt2") << QStringLiteral("transformer.h.3.attn.c_attn.weight")
                          << QStringLiteral("transformer.h.3") << 3;
    QTest::newRow("embedding") << QStringLiteral("model.embed_tokens.weight") << QString() << -1;
    QTest::newRow("head") << QStringLiteral("lm_head.weight") << QString() << -1;
    QTest::newRow("no number") << QStringLiteral("model.layers.weight") << QString() << -1;
}

void TestTensorTreeModel::layerPrefix() {
    QFETCH(QString, name);
    QFETCH(QString, prefix);
    QFETCH(int, layer);
    int found = -1;
    QCOMPARE(TensorTreeModel::layerPrefix(name, &found), prefix);
    QCOMPARE(found, layer);
}

void TestTensorTreeModel::emptyModel() {
    TensorTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(TensorTreeModel::ColumnCount));
    QVERIFY(!model.indexOfTensor(QStringLiteral("anything")).isValid());
}

void TestTensorTreeModel::groupsSyntheticCheckpoint() {
    TensorTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto checkpoint = test::SyntheticCheckpoint::llama(12);
    model.setCheckpoint(checkpoint);

    // embeddings, 12 layers in numeric order, final norm, LM head
    QCOMPARE(model.rowCount(), 1 + 12 + 2);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("model.embed_tokens.weight"));
    for (int layer = 0; layer < 12; ++layer) {
        const QModelIndex group = model.index(1 + layer, 0);
        QCOMPARE(group.data().toString(), QStringLiteral("model.layers.%1").arg(layer));
        QVERIFY(group.data(TensorTreeModel::IsGroupRole).toBool());
        QCOMPARE(model.rowCount(group), 3);
        QCOMPARE(model.index(0, 0, group).data().toString(),
                 QStringLiteral("input_layernorm.weight"));
        QCOMPARE(model.index(0, 0, group).data(TensorTreeModel::TensorNameRole).toString(),
                 QStringLiteral("model.layers.%1.input_layernorm.weight").arg(layer));
        QCOMPARE(model.parent(model.index(2, 0, group)), group);
    }
    QCOMPARE(model.index(13, 0).data().toString(), QStringLiteral("lm_head.weight"));
    QCOMPARE(model.index(14, 0).data().toString(), QStringLiteral("model.norm.weight"));

    // every tensor is reachable by name and leads back to itself
    for (const TensorInfo &info : checkpoint->tensors()) {
        const QModelIndex index = model.indexOfTensor(info.name);
        QVERIFY2(index.isValid(), qPrintable(info.name));
        QCOMPARE(index.data(TensorTreeModel::TensorNameRole).toString(), info.name);
        QCOMPARE(model.tensorAt(index)->name, info.name);
    }
    QVERIFY(!model.tensorAt(model.index(1, 0)));
}

void TestTensorTreeModel::columnsAndRoles() {
    TensorTreeModel model;
    model.setCheckpoint(test::SyntheticCheckpoint::llama(2, 8));
    const QModelIndex q =
        model.indexOfTensor(QStringLiteral("model.layers.1.self_attn.q_proj.weight"));
    QVERIFY(q.isValid());
    QCOMPARE(q.siblingAtColumn(TensorTreeModel::ShapeColumn).data().toString(),
             QStringLiteral("[8, 8]"));
    QCOMPARE(q.siblingAtColumn(TensorTreeModel::DTypeColumn).data().toString(),
             QStringLiteral("F32"));
    QCOMPARE(q.siblingAtColumn(TensorTreeModel::BytesColumn)
                 .data(TensorTreeModel::SortRole)
                 .toULongLong(),
             quint64(8 * 8 * 4));
    QCOMPARE(q.siblingAtColumn(TensorTreeModel::BytesColumn).data().toString(),
             QLocale().formattedDataSize(256, 1));

    const QModelIndex group = model.parent(q);
    QCOMPARE(group.data().toString(), QStringLiteral("model.layers.1"));
    // layer bytes: norm 8 + down 8*16 + q 8*8 floats
    QCOMPARE(group.siblingAtColumn(TensorTreeModel::BytesColumn)
                 .data(TensorTreeModel::SortRole)
                 .toULongLong(),
             quint64((8 + 128 + 64) * 4));
    QCOMPARE(group.siblingAtColumn(TensorTreeModel::DTypeColumn).data().toString(),
             QStringLiteral("F32"));
    QVERIFY(group.siblingAtColumn(TensorTreeModel::ShapeColumn)
                .data()
                .toString()
                .contains(QLatin1Char('3')));
    QCOMPARE(model.headerData(TensorTreeModel::NameColumn, Qt::Horizontal).toString(),
             QStringLiteral("Name"));
    QVERIFY(!q.data(Qt::ToolTipRole).toString().isEmpty());
}

void TestTensorTreeModel::resetToAnotherCheckpoint() {
    TensorTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCheckpoint(test::SyntheticCheckpoint::llama(3));
    QCOMPARE(model.rowCount(), 6);
    model.setCheckpoint(test::SyntheticCheckpoint::llama(1));
    QCOMPARE(model.rowCount(), 4);
    model.setCheckpoint(nullptr);
    QCOMPARE(model.rowCount(), 0);
}

void TestTensorTreeModel::filterProxyKeepsTreeValid() {
    TensorTreeModel model;
    model.setCheckpoint(test::SyntheticCheckpoint::llama(4));
    QSortFilterProxyModel proxy;
    proxy.setRecursiveFilteringEnabled(true);
    proxy.setAutoAcceptChildRows(true);
    proxy.setFilterRole(TensorTreeModel::FilterRole);
    proxy.setSortRole(TensorTreeModel::SortRole);
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(TensorTreeModel::BytesColumn, Qt::DescendingOrder);
    proxy.setFilterFixedString(QStringLiteral("q_proj"));
    QCOMPARE(proxy.rowCount(), 4); // one group per layer, each with its q_proj only
    QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 1);
    proxy.setFilterFixedString(QStringLiteral("layers.2"));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 3); // the whole layer
    proxy.setFilterFixedString(QString());
    proxy.sort(TensorTreeModel::NameColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(1, 0).data().toString(), QStringLiteral("model.layers.0"));
}

QTEST_GUILESS_MAIN(TestTensorTreeModel)
#include "tst_tensortreemodel.moc"
