// OutputErrorMeter: the factored float32 trace against the float64 product it replaces.
#include "codec/outputerrormeter.h"
#include "jobs/error.h"

#include <QtTest>

using namespace nwc;

namespace {

/// tr(E H Eᵀ) in float64, the reference.
double exactTrace(const torch::Tensor &hessian, const torch::Tensor &errorsT) {
    const torch::Tensor h = hessian.to(torch::kFloat64);
    const torch::Tensor e = errorsT.to(torch::kFloat64);
    return (torch::mm(h, e) * e).sum().item<double>();
}

/// H = XᵀX / m of m random inputs with columns of very different scales (as real activations).
torch::Tensor inputStatistics(int64_t n, int64_t m, uint64_t seed) {
    torch::manual_seed(seed);
    const torch::Tensor scales = torch::exp(torch::randn({1, n}) * 1.5);
    const torch::Tensor x = torch::randn({m, n}, torch::kFloat64) * scales.to(torch::kFloat64);
    return (torch::mm(x.t(), x) / double(m)).to(torch::kFloat32);
}

} // namespace

class TestOutputErrorMeter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void factoredTraceMatchesFloat64() {
        // 300 columns: three row blocks of Lᵀ, the last one short.
        for (int64_t n : {1, 7, 300}) {
            const torch::Tensor h = inputStatistics(n, 4 * n + 8, uint64_t(n));
            const OutputErrorMeter meter(h);
            QVERIFY(meter.factored());
            QCOMPARE(meter.columns(), n);
            for (int trial = 0; trial < 3; ++trial) {
                const torch::Tensor e = torch::randn({n, 53}) * std::pow(10.0, -trial);
                const double exact = exactTrace(h, e);
                const double measured = meter(e);
                QVERIFY2(std::abs(measured - exact) <= 2e-5 * exact,
                         qPrintable(QStringLiteral("n %1: %2 vs %3").arg(n).arg(measured).arg(exact)));
            }
        }
    }

    void singularStatisticsFallBackToTheExactProduct() {
        torch::Tensor h = inputStatistics(40, 200, 5).to(torch::kFloat64);
        h.index_put_({11}, 0.0); // a dead input: row and column 11 are zero
        h.index_put_({torch::indexing::Slice(), 11}, 0.0);
        const OutputErrorMeter meter(h);
        QVERIFY(!meter.factored());
        const torch::Tensor e = torch::randn({40, 9}, torch::kFloat64);
        QCOMPARE(meter(e), exactTrace(h, e));
    }

    void zeroErrorCostsNothing() {
        const OutputErrorMeter meter(inputStatistics(64, 300, 9));
        QCOMPARE(meter(torch::zeros({64, 5})), 0.0);
    }

    void refusesMismatchedShapes() {
        QVERIFY_THROWS_EXCEPTION(Error, OutputErrorMeter(torch::zeros({3, 4})));
        const OutputErrorMeter meter(inputStatistics(16, 80, 3));
        QVERIFY_THROWS_EXCEPTION(Error, meter(torch::zeros({15, 2})));
    }
};

QTEST_GUILESS_MAIN(TestOutputErrorMeter)
#include "tst_outputerrormeter.moc"
