// mixedLinear: 16-bit weights × float32 activations against a float64 reference of the same
// (widened) weights, for both kernels (fused for few rows, widened scratch for many), both 16-bit
// types, widths that leave vector tails, several threads, and a bias.
#include "compute/linear16.h"

#include <torch/torch.h>

#include <QtTest>

using namespace nwc;

namespace {

/// max |mixedLinear - reference| / max |reference| for x [rows, in], W [out, in] of `type`.
double relativeError(int64_t rows, int64_t in, int64_t out, torch::ScalarType type, bool bias) {
    torch::manual_seed(uint64_t(rows * 1000003 + in * 101 + out));
    const torch::Tensor x = torch::randn({rows, in});
    const torch::Tensor w = torch::randn({out, in}).to(type);
    const torch::Tensor b = bias ? torch::randn({out}) : torch::Tensor();
    torch::Tensor reference =
        torch::mm(x.to(torch::kDouble), w.to(torch::kDouble).t()); // exact products of the inputs
    if (bias)
        reference = reference + b.to(torch::kDouble);
    const torch::Tensor got = mixedLinear(x, w, b);
    if (got.scalar_type() != torch::kFloat || got.sizes() != reference.sizes())
        return 1e9;
    return (got.to(torch::kDouble) - reference).abs().max().item<double>() /
           reference.abs().max().item<double>();
}

/// One product to check: x [rows, in] × W [out, in] of float16 (half) or bfloat16, with a bias.
struct LinearCase {
    int rows = 0;
    int in = 0;
    int out = 0;
    bool half = false;
    bool bias = false;
};

} // namespace

Q_DECLARE_METATYPE(LinearCase)

class TestLinear16 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void matchesReference_data();
    void matchesReference();
    void keepsLeadingDimensions();
    void sameTypeIsPlainLinear();
    void threadsGiveSameResult();
};

void TestLinear16::initTestCase() {
    qInfo("fused kernel: %s", fusedLinear16Isa());
}

void TestLinear16::matchesReference_data() {
    QTest::addColumn<LinearCase>("shape");
    for (bool half : {false, true}) {
        const char *type = half ? "f16" : "bf16";
        // Fused: 1..8 rows (groups of 4 and a remainder), widths with and without vector tails.
        for (int rows : {1, 3, 4, 5, 8})
            for (int in : {16, 37, 256})
                QTest::addRow("%s fused %dx%d", type, rows, in)
                    << LinearCase{rows, in, 200, half, rows % 2 == 1};
        // Scratch path: many rows (a split into several scratch blocks: threadsGiveSameResult).
        QTest::addRow("%s widened 64x300", type) << LinearCase{64, 300, 130, half, true};
    }
}

void TestLinear16::matchesReference() {
    QFETCH(LinearCase, shape);
    const double error = relativeError(shape.rows, shape.in, shape.out,
                                       shape.half ? torch::kFloat16 : torch::kBFloat16, shape.bias);
    // Fused kernel and float16 scratch path: float32 accumulation of `in` products, a few
    // float32 ulps per term at most. Many rows of bfloat16 weights run LibTorch's bfloat16 GEMM,
    // which rounds the activations and the outputs to bfloat16 (8 significant bits: 2^-8 each).
    const bool bfloat16Gemm = !shape.half && shape.rows > kFusedLinearMaxRows;
    QVERIFY2(error < (bfloat16Gemm ? 1e-2 : 1e-5), qPrintable(QString::number(error)));
}

void TestLinear16::keepsLeadingDimensions() {
    const torch::Tensor x = torch::randn({2, 3, 40});
    const torch::Tensor w = torch::randn({24, 40}).to(torch::kBFloat16);
    const torch::Tensor y = mixedLinear(x, w, torch::Tensor());
    QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{2, 3, 24}));
    const torch::Tensor expected = torch::matmul(x, w.to(torch::kFloat).t());
    QVERIFY(torch::allclose(y, expected, 1e-5, 1e-5));
}

void TestLinear16::sameTypeIsPlainLinear() {
    const torch::Tensor x = torch::randn({5, 33});
    const torch::Tensor w = torch::randn({7, 33});
    const torch::Tensor b = torch::randn({7});
    QVERIFY(torch::equal(mixedLinear(x, w, b), torch::nn::functional::linear(x, w, b)));
}

void TestLinear16::threadsGiveSameResult() {
    // The fused kernel splits output rows over threads; each output is one thread's sum, so the
    // result does not depend on the thread count. The scratch path splits a wide output into
    // blocks of kWidenScratchFloats / in rows (float16 weights; bfloat16 ones use LibTorch's GEMM).
    const int64_t in = 64;
    const int64_t out = kWidenScratchFloats / in + 300;
    torch::manual_seed(5);
    const torch::Tensor w = torch::randn({out, in}).to(torch::kFloat16);
    const torch::Tensor few = torch::randn({2, in});
    const torch::Tensor many = torch::randn({12, in});
    const int saved = at::get_num_threads();
    at::set_num_threads(1);
    const torch::Tensor fewOne = mixedLinear(few, w, torch::Tensor());
    const torch::Tensor manyOne = mixedLinear(many, w, torch::Tensor());
    at::set_num_threads(2);
    const torch::Tensor fewTwo = mixedLinear(few, w, torch::Tensor());
    at::set_num_threads(saved);
    QVERIFY(torch::equal(fewOne, fewTwo));
    const torch::Tensor expected = torch::mm(many, w.to(torch::kFloat).t());
    QVERIFY(torch::allclose(manyOne, expected, 1e-5, 1e-5));
}

QTEST_GUILESS_MAIN(TestLinear16)
#include "tst_linear16.moc"
