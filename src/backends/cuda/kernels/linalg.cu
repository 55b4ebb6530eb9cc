#include <type_traits>

#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/linalg.h"

namespace kiln::cuda {
namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ int64_t firstIndex() { return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; }
__device__ __forceinline__ int64_t indexStep() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }

template <class T>
using AccOf = std::conditional_t<std::is_same_v<T, double>, double, float>;

template <class T>
__device__ __forceinline__ AccOf<T> load(const T* p, int64_t i) {
    if constexpr (std::is_same_v<T, double>) {
        return p[i];
    } else {
        return toFloat(p[i]);
    }
}

template <class T>
__device__ __forceinline__ void store(T* p, int64_t i, AccOf<T> v) {
    if constexpr (std::is_same_v<T, double>) {
        p[i] = v;
    } else {
        p[i] = fromFloat<T>(v);
    }
}

template <class T, class B>
__global__ void __launch_bounds__(kThreads) biasAddKernel(T* out, const B* bias, Layout bl, int64_t n) {
    for (int64_t i = firstIndex(); i < n; i += indexStep()) {
        const AccOf<T> b = static_cast<AccOf<T>>(load(bias, offsetOf(bl, i)));
        store(out, i, load(out, i) + b);
    }
}

//! float, half, bf16 and double (dispatchFloat has no double).
template <class Fn>
bool dispatchReal(DataType type, Fn&& fn) {
    if (type == DataType::kDOUBLE) {
        fn(double{});
        return true;
    }
    return dispatchFloat(type, fn);
}

template <class E>
__global__ void __launch_bounds__(kThreads) windowCopyKernel(const E* in, E* out, WindowCopy w, int64_t n) {
    for (int64_t i = firstIndex(); i < n; i += indexStep()) {
        int64_t rest = i, src = 0, inStride = 1;
        bool inside = true;
        for (int d = w.rank - 1; d >= 0; --d) {
            const int64_t q = rest / w.outDims[d];
            const int64_t c = rest - q * w.outDims[d] - w.offset[d];
            rest = q;
            inside = inside && c >= 0 && c < w.inDims[d];
            src += c * inStride;
            inStride *= w.inDims[d];
        }
        out[i] = inside ? in[src] : E{};
    }
}

struct alignas(8) Bytes8 {
    uint64_t v;
};

}  // namespace

int launchBiasAdd(void* out, DataType outType, const void* bias, DataType biasType, const Layout& biasLayout,
                  int64_t n, void* stream) {
    if (n <= 0) return cudaSuccess;
    auto s = static_cast<cudaStream_t>(stream);
    bool ok = false;
    dispatchReal(outType, [&](auto o) {
        using T = decltype(o);
        ok = dispatchReal(biasType, [&](auto b) {
            using B = decltype(b);
            biasAddKernel<T, B><<<gridFor(n, kThreads), kThreads, 0, s>>>(static_cast<T*>(out),
                                                                           static_cast<const B*>(bias), biasLayout, n);
        });
    });
    return ok ? static_cast<int>(cudaGetLastError()) : static_cast<int>(cudaErrorInvalidValue);
}

int launchWindowCopy(const void* in, void* out, size_t elemSize, const WindowCopy& w, void* stream) {
    int64_t n = 1;
    for (int32_t d = 0; d < w.rank; ++d) n *= w.outDims[d];
    if (n <= 0) return cudaSuccess;
    auto s = static_cast<cudaStream_t>(stream);
    const unsigned grid = gridFor(n, kThreads);
    switch (elemSize) {
        case 1:
            windowCopyKernel<<<grid, kThreads, 0, s>>>(static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out), w, n);
            break;
        case 2:
            windowCopyKernel<<<grid, kThreads, 0, s>>>(static_cast<const uint16_t*>(in), static_cast<uint16_t*>(out), w,
                                                       n);
            break;
        case 4:
            windowCopyKernel<<<grid, kThreads, 0, s>>>(static_cast<const uint32_t*>(in), static_cast<uint32_t*>(out), w,
                                                       n);
            break;
        case 8:
            windowCopyKernel<<<grid, kThreads, 0, s>>>(static_cast<const Bytes8*>(in), static_cast<Bytes8*>(out), w, n);
            break;
        default: return static_cast<int>(cudaErrorInvalidValue);
    }
    return static_cast<int>(cudaGetLastError());
}

}  // namespace kiln::cuda
