// CollabBenchView: accuracy curves per N with the single-model lines, the best-alpha histogram
// and the entropy gain bars from a hand-made CollabBenchResult, and their export.
#include "collabbenchview.h"
#include "plottesting.h"

#include <QFile>
#include <QTemporaryDir>

using namespace nwc;

namespace {

/// `count` steps with entropy in [low, high): the student's accuracy there and the collaborative
/// one per N; the gain is their difference.
EntropyBucket entropyBucket(double low, double high, int count, double studentAccuracy,
                            const std::vector<double> &collaborativeAccuracy) {
    EntropyBucket bucket;
    bucket.low = low;
    bucket.high = high;
    bucket.count = count;
    bucket.studentAccuracy = studentAccuracy;
    bucket.collaborativeAccuracy = collaborativeAccuracy;
    for (double accuracy : collaborativeAccuracy)
        bucket.gain.push_back(accuracy - studentAccuracy);
    return bucket;
}

CollabBenchResult handMadeResult() {
    CollabBenchResult result;
    result.settings.studentName = QStringLiteral("demo:student");
    result.settings.teacherName = QStringLiteral("demo:teacher");
    result.settings.alphas = {0.0, 0.5, 1.0, 2.0};
    result.settings.ns = {1, 2};
    result.totalItems = 4;
    result.items.resize(4);
    result.studentAccuracy = 0.25;
    result.teacherAccuracy = 0.75;
    result.accuracy = {{0.25, 0.5, 0.5, 0.25}, {0.25, 0.5, 0.75, 0.5}};
    result.bestAlpha = {1, 2};
    result.bestAlphaHistogram = {{1, 1, 0, 0, 2}, {1, 1, 1, 0, 1}};
    result.entropyBuckets = {entropyBucket(0, 0.5, 2, 0.5, {0.5, 0.5}),
                             entropyBucket(0.5, 2, 2, 0, {0.5, 1.0})};
    return result;
}

} // namespace

class TestCollabBenchView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyShowsAMessage();
    void accuracyCurves();
    void histogramAndEntropyBars();
    void exports();
};

void TestCollabBenchView::emptyShowsAMessage() {
    CollabBenchView view;
    QCOMPARE(view.accuracyPlot()->graphCount(), 0);
    QCOMPARE(view.accuracyPlot()->itemCount(), 1);
}

void TestCollabBenchView::accuracyCurves() {
    CollabBenchView view;
    view.setResult(handMadeResult());
    QCustomPlot *plot = view.accuracyPlot();
    QCOMPARE(plot->graphCount(), 4); // N = 1, N = 2, student alone, teacher alone
    QCOMPARE(plot->graph(0)->name(), QStringLiteral("N = 1"));
    QCOMPARE(plot->graph(1)->name(), QStringLiteral("N = 2"));
    QCOMPARE(plot->graph(1)->data()->size(), 4);
    QCOMPARE(plot->graph(1)->data()->at(2)->key, 1.0);
    QCOMPARE(plot->graph(1)->data()->at(2)->value, 75.0);
    QCOMPARE(plot->graph(0)->data()->at(1)->value, 50.0);
    QVERIFY(plot->graph(2)->name().startsWith(QStringLiteral("student alone")));
    QCOMPARE(plot->graph(2)->data()->at(0)->value, 25.0);
    QCOMPARE(plot->graph(2)->data()->at(1)->key, 2.0);
    QVERIFY(plot->graph(3)->name().startsWith(QStringLiteral("teacher alone")));
    QCOMPARE(plot->graph(3)->data()->at(1)->value, 75.0);
    QCOMPARE(plot->graph(3)->pen().style(), Qt::DashLine);
}

void TestCollabBenchView::histogramAndEntropyBars() {
    CollabBenchView view;
    view.setResult(handMadeResult());
    QCustomPlot *histogram = view.bestAlphaPlot();
    QCOMPARE(histogram->plottableCount(), 2);
    auto *bars = qobject_cast<QCPBars *>(histogram->plottable(1));
    QVERIFY(bars);
    QCOMPARE(bars->data()->size(), 5); // four alphas and "none"
    QCOMPARE(bars->data()->at(2)->value, 1.0);
    QCOMPARE(bars->data()->at(4)->value, 1.0);

    QCustomPlot *entropy = view.entropyPlot();
    QCOMPARE(entropy->plottableCount(), 2);
    auto *gain = qobject_cast<QCPBars *>(entropy->plottable(1));
    QVERIFY(gain);
    QCOMPARE(gain->data()->size(), 2);
    QCOMPARE(gain->data()->at(1)->value, 100.0);

    view.setCurrentTab(CollabBenchView::Tab::BestAlpha);
    QCOMPARE(view.plot(), histogram);
    QVERIFY(view.csv().contains(QStringLiteral("1,none,2\n")));
    view.setCurrentTab(CollabBenchView::Tab::Entropy);
    QCOMPARE(view.plot(), entropy);
    QVERIFY(view.csv().contains(QStringLiteral("2,0.5,2,2,0,1,1\n")));
}

void TestCollabBenchView::exports() {
    CollabBenchView view;
    view.setResult(handMadeResult());
    QVERIFY(test::showView(view, QSize(800, 500)));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    QVERIFY2(view.exportTo(dir.filePath(QStringLiteral("a.png")), &error), qPrintable(error));
    QVERIFY2(view.exportTo(dir.filePath(QStringLiteral("a.pdf")), &error), qPrintable(error));
    QVERIFY2(view.exportTo(dir.filePath(QStringLiteral("a.csv")), &error), qPrintable(error));
    QFile csv(dir.filePath(QStringLiteral("a.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(csv.readAll());
    QVERIFY(text.startsWith(QStringLiteral("n,alpha,accuracy\n")));
    QVERIFY(text.contains(QStringLiteral("2,1,0.75\n")));
    QVERIFY(text.contains(QStringLiteral("teacher,,0.75\n")));
    QImage png(dir.filePath(QStringLiteral("a.png")));
    QVERIFY(!png.isNull());
    QVERIFY(QFileInfo(dir.filePath(QStringLiteral("a.pdf"))).size() > 0);
}

QTEST_MAIN(TestCollabBenchView)
#include "tst_collabbenchview.moc"
