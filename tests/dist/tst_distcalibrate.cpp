// Distributed calibration (docs/distributed.md): two ranks on loopback each run half of the
// windows and sum H; the file equals the one-process file within the stated tolerance.
#include "analysis/calibrationdata.h"
#include "distributedtesting.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace nwc;
using namespace nwc::test;

namespace {

/// docs/distributed.md: H may differ by summation order only (float64 sums stored as float32).
constexpr double kRelativeTolerance = 1e-5;

/// max |a − b| / max |a|.
double relativeDifference(const std::vector<float> &a, const std::vector<float> &b) {
    double difference = 0.0;
    double scale = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        difference = std::max(difference, std::abs(double(a[i]) - double(b[i])));
        scale = std::max(scale, std::abs(double(a[i])));
    }
    return scale > 0.0 ? difference / scale : difference;
}

} // namespace

class TestDistributedCalibration : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameStatisticsAsOneProcess() {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString single = folder.filePath(QStringLiteral("single.h5"));
        const QString launched = folder.filePath(QStringLiteral("launched.h5"));
        const QStringList common = {
            QStringLiteral("calibrate"),       QStringLiteral("demo:student"),
            QStringLiteral("--calib-samples"), QStringLiteral("16"),
            QStringLiteral("--calib-length"),  QStringLiteral("128")};
        NWC_REQUIRE_RUN(runSingle(folder, common + QStringList{QStringLiteral("-o"), single}));
        const CliRun run =
            runLaunched(folder, 2, common + QStringList{QStringLiteral("-o"), launched});
        NWC_REQUIRE_RUN(run);
        QVERIFY2(run.err.contains(QLatin1String("[rank 1] nwc: rank 1 of 2 joined")),
                 qPrintable(run.err));
        QVERIFY2(run.out.contains(QLatin1String("[rank 0] model")), qPrintable(run.out));
        QVERIFY2(!run.out.contains(QLatin1String("[rank 1] model")), qPrintable(run.out));

        const CalibrationData a = CalibrationData::load(single);
        const CalibrationData b = CalibrationData::load(launched);
        QCOMPARE(b.modelHash(), a.modelHash());
        QCOMPARE(b.dataHash(), a.dataHash());
        QCOMPARE(b.tokens(), a.tokens());
        QCOMPARE(b.weightNames(), a.weightNames());
        QVERIFY(!a.weightNames().isEmpty());
        double worst = 0.0;
        for (const QString &name : a.weightNames()) {
            const std::vector<float> ha = a.hessian(name);
            const std::vector<float> hb = b.hessian(name);
            QCOMPARE(hb.size(), ha.size());
            worst = std::max(worst, relativeDifference(ha, hb));
            const std::vector<double> ia = a.importance(name);
            const std::vector<double> ib = b.importance(name);
            QCOMPARE(ib.size(), ia.size());
            for (size_t j = 0; j < ia.size(); ++j)
                QVERIFY(std::abs(ia[j] - ib[j]) <= kRelativeTolerance * std::abs(ia[j]) + 1e-12);
        }
        qInfo("largest relative difference of H: %.3g", worst);
        QVERIFY2(worst <= kRelativeTolerance, qPrintable(QString::number(worst)));
    }
};

QTEST_GUILESS_MAIN(TestDistributedCalibration)
#include "tst_distcalibrate.moc"
