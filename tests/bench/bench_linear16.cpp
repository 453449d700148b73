// Benchmark (not a test): the ways to multiply float32 activations by 16-bit weights with this
// LibTorch, at the layer shapes of real models, against this machine's memory read bandwidth
// measured in the same run. Prints a Markdown table; `cmake --build --preset dev --target
// bench-linear16` runs it. See docs/architecture.md, 16-bit weights.
//
// Ways compared per shape, rows (1 = decode, 128 = prefill) and thread count:
//   fp32     torch linear with float32 weights (what the runtime did before: 4 bytes/weight)
//   bf16     torch linear with x and W in bfloat16 (LibTorch's own 16-bit path)
//   widen    W.to(float32) on every call, then torch linear
//   mixed    nwc::mixedLinear (fused kernel up to kFusedLinearMaxRows rows, scratch above)
#include "compute/linear16.h"
#include "compute/threadwaiting.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

/// Median seconds of `repeats` calls after two warm-up calls.
double medianSeconds(const std::function<void()> &call, int repeats) {
    call();
    call();
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto start = Clock::now();
        call();
        times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

/// GB/s of reading a 1 GiB float32 tensor (torch::sum, vectorised, memory-bound).
double readBandwidth() {
    const torch::Tensor big = torch::ones({int64_t(1) << 28});
    volatile float sink = 0;
    const double seconds = medianSeconds([&] { sink = big.sum().item<float>(); }, 5);
    (void)sink;
    return double(big.numel()) * 4.0 / seconds / 1e9;
}

struct Shape {
    const char *name;
    int64_t in;
    int64_t out;
};

} // namespace

int main(int, char **argv) {
    nwc::restartWithPassiveThreadWaiting(argv); // before any thread starts
    torch::NoGradGuard noGrad;
    const Shape shapes[] = {
        {"demo teacher gate/up", 256, 688},     {"Qwen2.5-0.5B gate/up", 896, 4864},
        {"Qwen2.5-0.5B down", 4864, 896},       {"Qwen2.5-0.5B lm_head", 896, 151936},
        {"TinyLlama-1.1B gate/up", 2048, 5632}, {"TinyLlama-1.1B down", 5632, 2048},
        {"Llama-2-7B gate/up", 4096, 11008},
    };
    std::printf("fused kernel: %s\n\n", nwc::fusedLinear16Isa());
    for (int threads : {1, 2}) {
        at::set_num_threads(threads);
        std::printf("threads %d: memory read bandwidth %.1f GB/s (1 GiB float32 sum)\n\n", threads,
                    readBandwidth());
    }
    std::printf("idle threads: %s\n\n", qPrintable(nwc::threadWaitingDescription()));
    std::printf("| shape | rows | threads | fp32 ms | bf16 ms | widen ms | mixed ms | mixed GB/s "
                "of bf16 weights |\n|---|---|---|---|---|---|---|---|\n");
    for (const Shape &shape : shapes) {
        torch::manual_seed(1);
        const torch::Tensor w32 = torch::randn({shape.out, shape.in}) * 0.02;
        const torch::Tensor w16 = w32.to(torch::kBFloat16);
        for (int64_t rows : {int64_t(1), int64_t(128)}) {
            const torch::Tensor x = torch::randn({rows, shape.in});
            const torch::Tensor x16 = x.to(torch::kBFloat16);
            for (int threads : {1, 2}) {
                at::set_num_threads(threads);
                const int repeats = rows == 1 ? 15 : 5;
                const double fp32 =
                    medianSeconds([&] { (void)torch::nn::functional::linear(x, w32); }, repeats);
                const double bf16 =
                    medianSeconds([&] { (void)torch::nn::functional::linear(x16, w16); }, repeats);
                const double widen = medianSeconds(
                    [&] { (void)torch::nn::functional::linear(x, w16.to(torch::kFloat)); },
                    repeats);
                const double mixed = medianSeconds(
                    [&] { (void)nwc::mixedLinear(x, w16, torch::Tensor()); }, repeats);
                std::printf("| %s | %lld | %d | %.3f | %.3f | %.3f | %.3f | %.1f |\n", shape.name,
                            static_cast<long long>(rows), threads, fp32 * 1e3, bf16 * 1e3,
                            widen * 1e3, mixed * 1e3, double(w16.numel()) * 2.0 / mixed / 1e9);
                std::fflush(stdout);
            }
        }
    }
    return 0;
}
