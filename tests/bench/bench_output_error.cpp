// Cost of one NWC measurement probe's output error tr(E H Eᵀ) at real layer shapes: the float64
// product H Eᵀ the measurement used to run, against OutputErrorMeter (H = L Lᵀ factored once,
// float32 triangle blocks). Prints a Markdown table; not part of ctest.
//   bench_output_error [--threads N] [--repeats R]
#include "codec/outputerrormeter.h"
#include "compute/threadwaiting.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

using namespace nwc;

namespace {

double seconds(const std::chrono::steady_clock::time_point &start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Shape {
    const char *name;
    int64_t rows;    // outputs
    int64_t columns; // inputs (the size of H)
};

} // namespace

int main(int argc, char **argv) {
    nwc::restartWithPassiveThreadWaiting(argv); // before any thread starts
    int threads = int(std::thread::hardware_concurrency());
    int repeats = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--threads"))
            threads = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--repeats"))
            repeats = std::stoi(argv[i + 1]);
    }
    at::set_num_threads(threads);
    torch::NoGradGuard noGrad;
    const Shape shapes[] = {{"Qwen2.5-0.5B q_proj 896→896", 896, 896},
                            {"Qwen2.5-0.5B gate/up 896→4864", 4864, 896},
                            {"Qwen2.5-0.5B down 4864→896", 896, 4864},
                            {"TinyLlama-1.1B down 5632→2048", 2048, 5632}};
    std::printf("threads %d, best of %d\n\n", threads, repeats);
    std::printf("| layer | factor s | float64 H·Eᵀ ms | meter ms | speed-up | meter GFLOP/s | "
                "relative difference |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (const Shape &shape : shapes) {
        torch::manual_seed(7);
        const int64_t samples = 2 * shape.columns;
        const torch::Tensor x = torch::randn({samples, shape.columns});
        const torch::Tensor h = torch::mm(x.t(), x) / double(samples);
        const torch::Tensor errorsT = torch::randn({shape.columns, shape.rows}, torch::kFloat64);
        const torch::Tensor h64 = h.to(torch::kFloat64);
        double exact = 0.0;
        double exactBest = 1e30;
        for (int r = 0; r < repeats; ++r) {
            const auto start = std::chrono::steady_clock::now();
            exact = (torch::mm(h64, errorsT) * errorsT).sum().item<double>();
            exactBest = std::min(exactBest, seconds(start));
        }
        const auto factorStart = std::chrono::steady_clock::now();
        const OutputErrorMeter meter(h);
        const double factorTime = seconds(factorStart);
        double measured = 0.0;
        double meterBest = 1e30;
        for (int r = 0; r < repeats; ++r) {
            const auto start = std::chrono::steady_clock::now();
            measured = meter(errorsT);
            meterBest = std::min(meterBest, seconds(start));
        }
        // Multiply-adds of the triangle blocks ≈ n²/2 · rows (counted as 2 flops each).
        const double flops = double(shape.columns) * double(shape.columns) * double(shape.rows);
        std::printf("| %s | %.2f | %.1f | %.1f | %.2f× | %.0f | %.1e |\n", shape.name, factorTime,
                    exactBest * 1e3, meterBest * 1e3, exactBest / meterBest,
                    meter.factored() ? flops / meterBest * 1e-9 : 0.0,
                    std::abs(measured - exact) / exact);
    }
    return 0;
}
