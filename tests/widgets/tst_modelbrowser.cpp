// ModelBrowser: selecting a tensor computes its statistics off the GUI thread and plots them.
#include "histogramplot.h"
#include "jobs/jobrunner.h"
#include "modelbrowser.h"
#include "syntheticcheckpoint.h"
#include "tensortreemodel.h"

#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>
#include <QTreeView>
#include <cmath>

using namespace nwc;

namespace {

struct Expected {
    double min = 0;
    double max = 0;
    double mean = 0;
    double std = 0;
};

Expected expectedStatistics(const std::vector<float> &values) {
    Expected e;
    e.min = *std::min_element(values.begin(), values.end());
    e.max = *std::max_element(values.begin(), values.end());
    double sum = 0;
    for (float v : values)
        sum += v;
    e.mean = sum / double(values.size());
    double squares = 0;
    for (float v : values)
        squares += (v - e.mean) * (v - e.mean);
    e.std = std::sqrt(squares / double(values.size()));
    return e;
}

QString labelText(const QWidget &parent, const char *name) {
    const auto *label = parent.findChild<QLabel *>(QString::fromLatin1(name));
    return label ? label->text() : QStringLiteral("<missing label>");
}

// Pixels clearly drawn in the bars' blue.
int bluePixels(const QImage &image) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.blue() > c.red() + 60 && c.blue() > c.green() + 20)
                ++count;
        }
    }
    return count;
}

} // namespace

class TestModelBrowser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void selectingTensorShowsStatistics_data();
    void selectingTensorShowsStatistics();
    void histogramIsDrawn();
    void cachedStatisticsNeedNoJob();
    void newerSelectionWins();
    void readErrorIsShown();
    void layerRowShowsSummary();
    void unknownTensorIsRefused();
    void clearingTheCheckpoint();

private:
    std::unique_ptr<JobRunner> m_runner;
    std::unique_ptr<ModelBrowser> m_browser;
    std::shared_ptr<test::SyntheticCheckpoint> m_checkpoint;
};

void TestModelBrowser::init() {
    m_runner = std::make_unique<JobRunner>();
    m_browser = std::make_unique<ModelBrowser>(m_runner.get());
    m_checkpoint = test::SyntheticCheckpoint::llama(3, 16);
    m_browser->setCheckpoint(m_checkpoint);
    m_browser->resize(520, 760);
    m_browser->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_browser.get()));
}

void TestModelBrowser::cleanup() {
    m_browser.reset();
    m_runner.reset();
}

void TestModelBrowser::selectingTensorShowsStatistics_data() {
    QTest::addColumn<QString>("tensor");
    QTest::newRow("q_proj") << QStringLiteral("model.layers.1.self_attn.q_proj.weight");
    QTest::newRow("down_proj") << QStringLiteral("model.layers.2.mlp.down_proj.weight");
    QTest::newRow("embedding") << QStringLiteral("model.embed_tokens.weight");
    QTest::newRow("constant norm") << QStringLiteral("model.norm.weight");
}

void TestModelBrowser::selectingTensorShowsStatistics() {
    QFETCH(QString, tensor);
    QSignalSpy shown(m_browser.get(), &ModelBrowser::statisticsShown);
    QVERIFY(m_browser->selectTensor(tensor));
    QCOMPARE(m_browser->currentTensor(), tensor);
    QVERIFY(shown.wait(5000));
    QCOMPARE(shown.last().at(0).toString(), tensor);

    const std::vector<float> values = m_checkpoint->readFloat32(tensor);
    const Expected expected = expectedStatistics(values);
    QCOMPARE(labelText(*m_browser, "minValue"), ModelBrowser::formatValue(expected.min));
    QCOMPARE(labelText(*m_browser, "maxValue"), ModelBrowser::formatValue(expected.max));
    QCOMPARE(labelText(*m_browser, "meanValue"), ModelBrowser::formatValue(expected.mean));
    QCOMPARE(labelText(*m_browser, "stdValue"), ModelBrowser::formatValue(expected.std));
    QCOMPARE(labelText(*m_browser, "tensorTitle"), tensor);
    QCOMPARE(labelText(*m_browser, "shapeValue"), m_checkpoint->findTensor(tensor)->shapeString());
    QCOMPARE(labelText(*m_browser, "dtypeValue"), QStringLiteral("F32"));

    const std::optional<TensorStatistics> statistics = m_browser->currentStatistics();
    QVERIFY(statistics.has_value());
    QCOMPARE(statistics->count, qint64(values.size()));
    QVERIFY(std::abs(statistics->mean - expected.mean) <= 1e-9 + 1e-6 * std::abs(expected.mean));
    QVERIFY(std::abs(statistics->std - expected.std) <= 1e-9 + 1e-6 * expected.std);
    double binned = 0;
    for (double count : statistics->binCounts)
        binned += count;
    QCOMPARE(binned, double(values.size()));
    QVERIFY(m_browser->histogram()->hasData());
    QCOMPARE(m_browser->histogram()->binCount(), int(statistics->binCounts.size()));
}

void TestModelBrowser::histogramIsDrawn() {
    HistogramPlot *plot = m_browser->histogram();
    const int before = bluePixels(plot->grab().toImage());
    QCOMPARE(before, 0); // nothing selected: a message, no bars

    QSignalSpy shown(m_browser.get(), &ModelBrowser::statisticsShown);
    QVERIFY(m_browser->selectTensor(QStringLiteral("model.embed_tokens.weight")));
    QVERIFY(shown.wait(5000));
    const QImage image = plot->grab().toImage();
    QVERIFY(image.width() > 100 && image.height() > 100);
    const int blue = bluePixels(image);
    QVERIFY2(blue > image.width() * image.height() / 50,
             qPrintable(QStringLiteral("only %1 bar pixels").arg(blue)));
}

void TestModelBrowser::cachedStatisticsNeedNoJob() {
    QSignalSpy shown(m_browser.get(), &ModelBrowser::statisticsShown);
    QSignalSpy added(m_runner.get(), &JobRunner::jobAdded);
    const QString a = QStringLiteral("model.layers.0.self_attn.q_proj.weight");
    const QString b = QStringLiteral("model.layers.0.mlp.down_proj.weight");
    QVERIFY(m_browser->selectTensor(a));
    QVERIFY(shown.wait(5000));
    QVERIFY(m_browser->selectTensor(b));
    QVERIFY(shown.wait(5000));
    QCOMPARE(added.count(), 2);
    QVERIFY(m_browser->selectTensor(a));
    QCOMPARE(shown.count(), 3); // at once, from the cache
    QCOMPARE(added.count(), 2);
    QCOMPARE(shown.last().at(0).toString(), a);
}

void TestModelBrowser::newerSelectionWins() {
    QSignalSpy shown(m_browser.get(), &ModelBrowser::statisticsShown);
    const QString last = QStringLiteral("model.layers.2.self_attn.q_proj.weight");
    QVERIFY(m_browser->selectTensor(QStringLiteral("model.embed_tokens.weight")));
    QVERIFY(m_browser->selectTensor(QStringLiteral("lm_head.weight")));
    QVERIFY(m_browser->selectTensor(last));
    QTRY_COMPARE(m_runner->activeCount(), 0);
    QTest::qWait(20);
    QVERIFY(!shown.isEmpty());
    for (const QList<QVariant> &arguments : std::as_const(shown))
        QCOMPARE(arguments.at(0).toString(), last);
    QCOMPARE(labelText(*m_browser, "tensorTitle"), last);
}

void TestModelBrowser::readErrorIsShown() {
    const QString broken = QStringLiteral("model.layers.0.mlp.down_proj.weight");
    m_checkpoint->fail(broken);
    QVERIFY(m_browser->selectTensor(broken));
    QTRY_VERIFY(labelText(*m_browser, "statisticsNote").contains(QStringLiteral("truncated")));
    QVERIFY(!m_browser->histogram()->hasData());
    QVERIFY(!m_browser->currentStatistics().has_value());
}

void TestModelBrowser::layerRowShowsSummary() {
    QTreeView *view = m_browser->view();
    const auto *proxy = qobject_cast<const QSortFilterProxyModel *>(view->model());
    QVERIFY(proxy);
    QModelIndex layer;
    for (int row = 0; row < proxy->rowCount(); ++row) {
        if (proxy->index(row, 0).data().toString() == QLatin1String("model.layers.1"))
            layer = proxy->index(row, 0);
    }
    QVERIFY(layer.isValid());
    view->setCurrentIndex(layer);
    QCOMPARE(m_browser->currentTensor(), QString());
    QCOMPARE(labelText(*m_browser, "tensorTitle"), QStringLiteral("model.layers.1"));
    QVERIFY(!m_browser->histogram()->hasData());
}

void TestModelBrowser::unknownTensorIsRefused() {
    QVERIFY(!m_browser->selectTensor(QStringLiteral("model.layers.99.mlp.up_proj.weight")));
    QCOMPARE(m_browser->currentTensor(), QString());
}

void TestModelBrowser::clearingTheCheckpoint() {
    QVERIFY(m_browser->selectTensor(QStringLiteral("lm_head.weight")));
    m_browser->setCheckpoint(nullptr);
    QCOMPARE(m_browser->currentTensor(), QString());
    QCOMPARE(m_browser->view()->model()->rowCount(), 0);
    QTRY_COMPARE(m_runner->activeCount(), 0);
    QVERIFY(!m_browser->histogram()->hasData());
}

QTEST_MAIN(TestModelBrowser)
#include "tst_modelbrowser.moc"
