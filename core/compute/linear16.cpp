// 16-bit weight × float32 activation products: a fused convert-and-multiply kernel for few rows
// (AVX-512, AVX2 or scalar, chosen at run time) and a widen-into-scratch path for many.
#include "compute/linear16.h"

#include <ATen/Parallel.h>
#include <c10/util/Half.h>
#include <torch/nn/functional/linear.h>

#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

// GCC 12 reports the intrinsics' own undefined-value placeholders (_mm512_undefined_*) inside the
// conversion intrinsics as maybe-uninitialized; the values are fully written.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace nwc {

namespace {

/// Output rows per parallel task: enough work per task to hide the scheduling.
constexpr int64_t kRowsPerTask = 64;

float widenBf16(uint16_t bits) {
    const uint32_t wide = uint32_t(bits) << 16;
    float value;
    std::memcpy(&value, &wide, sizeof value);
    return value;
}

float widenHalf(uint16_t bits) {
    return c10::detail::fp16_ieee_to_fp32_value(bits);
}

template <int Rows>
void rowsScalar(const float *x, const uint16_t *w, float *y, int64_t in, int64_t out, int64_t begin,
                int64_t end, bool float16) {
    for (int64_t o = begin; o < end; ++o) {
        const uint16_t *row = w + o * in;
        float acc[Rows] = {};
        for (int64_t i = 0; i < in; ++i) {
            const float v = float16 ? widenHalf(row[i]) : widenBf16(row[i]);
            for (int r = 0; r < Rows; ++r)
                acc[r] += v * x[r * in + i];
        }
        for (int r = 0; r < Rows; ++r)
            y[r * out + o] = acc[r];
    }
}

__attribute__((target("avx2,fma,f16c"))) float horizontalSum(__m256 v) {
    const __m128 pair = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 two = _mm_add_ps(pair, _mm_movehl_ps(pair, pair));
    return _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps(two, two, 1)));
}

template <int Rows>
__attribute__((target("avx2,fma,f16c"))) void rowsAvx2(const float *x, const uint16_t *w, float *y,
                                                       int64_t in, int64_t out, int64_t begin,
                                                       int64_t end, bool float16) {
    const int64_t vectorEnd = in - in % 8;
    for (int64_t o = begin; o < end; ++o) {
        const uint16_t *row = w + o * in;
        __m256 acc[Rows];
        for (int r = 0; r < Rows; ++r)
            acc[r] = _mm256_setzero_ps();
        for (int64_t i = 0; i < vectorEnd; i += 8) {
            const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i *>(row + i));
            const __m256 v =
                float16 ? _mm256_cvtph_ps(raw)
                        : _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(raw), 16));
            for (int r = 0; r < Rows; ++r)
                acc[r] = _mm256_fmadd_ps(v, _mm256_loadu_ps(x + r * in + i), acc[r]);
        }
        for (int r = 0; r < Rows; ++r) {
            float sum = horizontalSum(acc[r]);
            for (int64_t i = vectorEnd; i < in; ++i)
                sum += (float16 ? widenHalf(row[i]) : widenBf16(row[i])) * x[r * in + i];
            y[r * out + o] = sum;
        }
    }
}

/// 16 bfloat16 or float16 values -> 16 floats.
__attribute__((target("avx512f,avx512bw,avx512vl,fma,f16c"))) inline __m512 widen16(__m256i raw,
                                                                                    bool float16) {
    return float16 ? _mm512_cvtph_ps(raw)
                   : _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(raw), 16));
}

template <int Rows>
__attribute__((target("avx512f,avx512bw,avx512vl,fma,f16c"))) void
rowsAvx512(const float *x, const uint16_t *w, float *y, int64_t in, int64_t out, int64_t begin,
           int64_t end, bool float16) {
    // Independent accumulators per row so that few rows do not wait on one FMA chain: the
    // product is then bound by reading the weights.
    constexpr int Chains = Rows >= 4 ? 1 : 4 / Rows;
    constexpr int64_t Step = 16 * Chains;
    const int64_t unrolledEnd = in - in % Step;
    const int64_t vectorEnd = in - in % 16;
    const __mmask16 tail = __mmask16((1u << (in % 16)) - 1u);
    for (int64_t o = begin; o < end; ++o) {
        const uint16_t *row = w + o * in;
        __m512 acc[Rows][Chains];
        for (int r = 0; r < Rows; ++r)
            for (int c = 0; c < Chains; ++c)
                acc[r][c] = _mm512_setzero_ps();
        for (int64_t i = 0; i < unrolledEnd; i += Step) {
            for (int c = 0; c < Chains; ++c) {
                const int64_t at = i + 16 * c;
                const __m512 v = widen16(
                    _mm256_loadu_si256(reinterpret_cast<const __m256i *>(row + at)), float16);
                for (int r = 0; r < Rows; ++r)
                    acc[r][c] = _mm512_fmadd_ps(v, _mm512_loadu_ps(x + r * in + at), acc[r][c]);
            }
        }
        for (int64_t i = unrolledEnd; i < vectorEnd; i += 16) {
            const __m512 v =
                widen16(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(row + i)), float16);
            for (int r = 0; r < Rows; ++r)
                acc[r][0] = _mm512_fmadd_ps(v, _mm512_loadu_ps(x + r * in + i), acc[r][0]);
        }
        if (tail) {
            const __m512 v = widen16(_mm256_maskz_loadu_epi16(tail, row + vectorEnd), float16);
            for (int r = 0; r < Rows; ++r)
                acc[r][0] = _mm512_fmadd_ps(v, _mm512_maskz_loadu_ps(tail, x + r * in + vectorEnd),
                                            acc[r][0]);
        }
        for (int r = 0; r < Rows; ++r) {
            __m512 sum = acc[r][0];
            for (int c = 1; c < Chains; ++c)
                sum = _mm512_add_ps(sum, acc[r][c]);
            y[r * out + o] = _mm512_reduce_add_ps(sum);
        }
    }
}

enum class Isa { Avx512, Avx2, Scalar };

Isa detectIsa() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
        return Isa::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return Isa::Avx2;
    return Isa::Scalar;
}

Isa isa() {
    static const Isa chosen = detectIsa();
    return chosen;
}

template <int Rows>
void rowsFor(const float *x, const uint16_t *w, float *y, int64_t in, int64_t out, int64_t begin,
             int64_t end, bool float16) {
    switch (isa()) {
    case Isa::Avx512:
        return rowsAvx512<Rows>(x, w, y, in, out, begin, end, float16);
    case Isa::Avx2:
        return rowsAvx2<Rows>(x, w, y, in, out, begin, end, float16);
    case Isa::Scalar:
        return rowsScalar<Rows>(x, w, y, in, out, begin, end, float16);
    }
}

/// Up to four activation rows against output rows [begin, end).
void rowGroup(const float *x, const uint16_t *w, float *y, int rows, int64_t in, int64_t out,
              int64_t begin, int64_t end, bool float16) {
    switch (rows) {
    case 1:
        return rowsFor<1>(x, w, y, in, out, begin, end, float16);
    case 2:
        return rowsFor<2>(x, w, y, in, out, begin, end, float16);
    case 3:
        return rowsFor<3>(x, w, y, in, out, begin, end, float16);
    default:
        return rowsFor<4>(x, w, y, in, out, begin, end, float16);
    }
}

bool isSixteenBit(torch::ScalarType type) {
    return type == torch::kBFloat16 || type == torch::kFloat16;
}

/// x [rows, in] × widened weight blocks -> y [rows, out], through one reused scratch buffer.
void widenedProduct(const torch::Tensor &x, const torch::Tensor &weight, torch::Tensor &y) {
    const int64_t out = weight.size(0);
    const int64_t in = weight.size(1);
    const int64_t block = std::max<int64_t>(1, kWidenScratchFloats / std::max<int64_t>(1, in));
    thread_local torch::Tensor scratch;
    const int64_t needed = std::min(block, out) * in;
    if (!scratch.defined() || scratch.numel() < needed)
        scratch = torch::empty({needed}, torch::kFloat);
    for (int64_t begin = 0; begin < out; begin += block) {
        const int64_t count = std::min(block, out - begin);
        torch::Tensor wide = scratch.narrow(0, 0, count * in).view({count, in});
        wide.copy_(weight.narrow(0, begin, count));
        if (count == out)
            torch::mm_out(y, x, wide.t());
        else
            y.narrow(1, begin, count).copy_(torch::mm(x, wide.t()));
    }
}

} // namespace

bool nativeBfloat16Gemm() {
#if defined(__GNUC__) && defined(__x86_64__)
    static const bool native = [] {
        __builtin_cpu_init();
        const char *wanted = std::getenv("NWC_BF16_GEMM");
        if (wanted && (std::strcmp(wanted, "off") == 0 || std::strcmp(wanted, "0") == 0))
            return false;
        return bool(__builtin_cpu_supports("avx512bf16"));
    }();
    return native;
#else
    return false;
#endif
}

const char *fusedLinear16Isa() {
    switch (isa()) {
    case Isa::Avx512:
        return "avx512";
    case Isa::Avx2:
        return "avx2";
    case Isa::Scalar:
        return "scalar";
    }
    return "scalar";
}

void fusedLinear16(const float *x, const uint16_t *weight, float *y, int64_t rows, int64_t in,
                   int64_t out, bool float16) {
    at::parallel_for(0, out, kRowsPerTask, [&](int64_t begin, int64_t end) {
        for (int64_t r = 0; r < rows; r += 4) {
            const int group = int(std::min<int64_t>(4, rows - r));
            rowGroup(x + r * in, weight, y + r * out, group, in, out, begin, end, float16);
        }
    });
}

torch::Tensor mixedLinear(const torch::Tensor &x, const torch::Tensor &weight,
                          const torch::Tensor &bias) {
    const bool hostSixteen = isSixteenBit(weight.scalar_type()) &&
                             x.scalar_type() == torch::kFloat && weight.device().is_cpu() &&
                             x.device().is_cpu() && weight.dim() == 2;
    if (!hostSixteen) {
        if (weight.scalar_type() == x.scalar_type())
            return torch::nn::functional::linear(x, weight, bias);
        return torch::nn::functional::linear(x, weight.to(x.scalar_type()),
                                             bias.defined() ? bias.to(x.scalar_type()) : bias);
    }
    const int64_t out = weight.size(0);
    const int64_t in = weight.size(1);
    TORCH_CHECK(x.size(-1) == in, "mixedLinear: input has ", x.size(-1), " features, weight ", in);
    const torch::Tensor input = x.contiguous();
    const torch::Tensor w = weight.contiguous();
    const int64_t rows = in > 0 ? input.numel() / in : 0;
    std::vector<int64_t> sizes = x.sizes().vec();
    sizes.back() = out;
    torch::Tensor y = torch::empty({rows, out}, x.options());
    if (rows <= kFusedLinearMaxRows) {
        fusedLinear16(input.data_ptr<float>(), reinterpret_cast<const uint16_t *>(w.data_ptr()),
                      y.data_ptr<float>(), rows, in, out, w.scalar_type() == torch::kFloat16);
    } else if (w.scalar_type() == torch::kBFloat16 && nativeBfloat16Gemm()) {
        // LibTorch's bfloat16 GEMM (oneDNN on AVX512-BF16) with float32 accumulation: the
        // activations are rounded to bfloat16 (bench_linear16 on an AVX512-BF16 CPU: 2x the
        // float32 GEMM, 2.6x widening into scratch, at the prefill shapes of 0.5-7 B models).
        y = torch::mm(input.view({rows, in}).to(torch::kBFloat16), w.t()).to(torch::kFloat);
    } else {
        widenedProduct(input.view({rows, in}), w, y);
    }
    if (bias.defined())
        y.add_(bias.to(torch::kFloat));
    return y.view(sizes);
}

} // namespace nwc
