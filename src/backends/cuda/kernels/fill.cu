// fill: the first device kernel, so that the toolchain (nvcc, sm_90a) is exercised from day one.
#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/fill.h"

namespace kiln::cuda {
namespace {

__global__ void fillKernel(float* data, int64_t n, float value) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x)
        data[i] = value;
}

}  // namespace

int fill(float* data, int64_t n, float value, void* stream) {
    if (n <= 0) return cudaSuccess;
    const int threads = 256;
    const int blocks = static_cast<int>((n + threads - 1) / threads < 65535 ? (n + threads - 1) / threads : 65535);
    fillKernel<<<blocks, threads, 0, static_cast<cudaStream_t>(stream)>>>(data, n, value);
    return cudaGetLastError();
}

}  // namespace kiln::cuda
