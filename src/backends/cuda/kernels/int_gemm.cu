// Integer GEMM: see int_gemm.h. Plain, for correctness: integer products are rare on the GPU
// paths Kiln serves (quantized models run as float Q/DQ there).
#include "backends/cuda/kernels/int_gemm.h"

#include "backends/cuda/kernels/pointwise_common.cuh"

namespace kiln::cuda {
namespace {

__global__ void __launch_bounds__(pw::kThreads) int32GemmKernel(int32_t* c, const int32_t* a, const int32_t* b,
                                                                 IntGemmParams p) {
    const int64_t total = p.batches * p.m * p.n;
    for (int64_t o = pw::firstIndex(); o < total; o += pw::indexStep()) {
        const int64_t j = o % p.n, i = (o / p.n) % p.m, batch = o / (p.n * p.m);
        const int32_t* pa = a + (p.affine ? batch * p.strideA : p.aOffset[batch]);
        const int32_t* pb = b + (p.affine ? batch * p.strideB : p.bOffset[batch]);
        int64_t acc = 0;
        for (int64_t q = 0; q < p.k; ++q) {
            const int64_t av = pa[p.aTrans ? q * p.m + i : i * p.k + q];
            const int64_t bv = pb[p.bTrans ? j * p.k + q : q * p.n + j];
            acc += av * bv;
        }
        c[o] = static_cast<int32_t>(acc);
    }
}

}  // namespace

int launchInt32Gemm(int32_t* c, const int32_t* a, const int32_t* b, const IntGemmParams& p, void* stream) {
    const int64_t total = p.batches * p.m * p.n;
    if (total <= 0) return cudaSuccess;
    if (p.k == 0) return static_cast<int>(cudaMemsetAsync(c, 0, static_cast<size_t>(total) * sizeof(int32_t),
                                                          static_cast<cudaStream_t>(stream)));
    int32GemmKernel<<<gridFor(total, pw::kThreads), pw::kThreads, 0, static_cast<cudaStream_t>(stream)>>>(c, a, b, p);
    return static_cast<int>(cudaGetLastError());
}

}  // namespace kiln::cuda
