// Pooling: one thread per output element walks its (clipped) window. Sums in double and the
// padded-window count exactly as the reference, so average/blend results round the same way.
#include <cfloat>
#include <cmath>
#include <limits>
#include <type_traits>

#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/reduction.h"

namespace kiln::cuda {
namespace {

template <class T>
constexpr bool isFloatT() {
    return std::is_same<T, float>::value || std::is_same<T, __half>::value || std::is_same<T, __nv_bfloat16>::value;
}
//! The reference's compute type: float for the float types, the integer type itself otherwise.
template <class T>
using ComputeT = typename std::conditional<isFloatT<T>(), float, T>::type;

template <class T>
__device__ __forceinline__ ComputeT<T> loadC(T v) {
    if constexpr (isFloatT<T>()) return toFloat(v);
    else return v;
}
template <class T>
__device__ __forceinline__ T storeC(ComputeT<T> v) {
    if constexpr (isFloatT<T>()) return fromFloat<T>(v);
    else return v;
}

template <class T>
__global__ void poolKernel(T* dst, const T* src, PoolParams p, ComputeT<T> lowest) {
    using C = ComputeT<T>;
    int64_t inVol = 1, outVol = 1;
    for (int d = 0; d < p.ns; ++d) inVol *= p.in[d], outVol *= p.out[d];
    const int64_t total = p.outer * outVol;
    for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
         idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t b = idx / outVol;
        int64_t rem = idx - b * outVol;
        int64_t lo[kMaxRank], hi[kMaxRank], pos[kMaxRank];
        int64_t padded = 1;
        bool empty = false;
        for (int d = p.ns - 1; d >= 0; --d) {
            const int64_t o = rem % p.out[d];
            rem /= p.out[d];
            const int64_t start = o * p.stride[d] - p.pre[d];
            const int64_t e = start + p.window[d] < p.end[d] ? start + p.window[d] : p.end[d];
            padded *= e - (start > -p.pre[d] ? start : -p.pre[d]);
            lo[d] = start > 0 ? start : 0;
            hi[d] = start + p.window[d] < p.in[d] ? start + p.window[d] : p.in[d];
            empty = empty || lo[d] >= hi[d];
            pos[d] = lo[d];
        }
        const T* xb = src + b * inVol;
        C mx = lowest;
        double sum = 0;
        int64_t count = 0;
        while (!empty) {
            int64_t off = 0;
            for (int d = 0; d < p.ns; ++d) off = off * p.in[d] + pos[d];
            const C v = loadC(xb[off]);
            mx = (v > mx || v != v) ? v : mx;  // NaN propagates
            sum += static_cast<double>(v);
            ++count;
            int d = p.ns - 1;
            for (; d >= 0 && ++pos[d] == hi[d]; --d) pos[d] = lo[d];
            if (d < 0) break;
        }
        const double avg = count ? sum / static_cast<double>(p.excludePadding ? count : padded) : 0.0;
        C result;
        if (p.type == static_cast<int32_t>(PoolingType::kMAX)) {
            result = count ? mx : C{};
        } else if (p.type == static_cast<int32_t>(PoolingType::kAVERAGE)) {
            result = static_cast<C>(avg);
        } else {
            const double m = count ? static_cast<double>(mx) : 0.0;
            result = static_cast<C>(p.blend * m + (1.0 - p.blend) * avg);
        }
        dst[idx] = storeC<T>(result);
    }
}

template <class Fn>
bool dispatchPool(DataType type, Fn&& fn) {
    switch (type) {
        case DataType::kFLOAT: fn(float{}); return true;
        case DataType::kHALF: fn(__half{}); return true;
        case DataType::kBF16: fn(__nv_bfloat16{}); return true;
        case DataType::kINT8: fn(int8_t{}); return true;
        case DataType::kUINT8: fn(uint8_t{}); return true;
        case DataType::kINT32: fn(int32_t{}); return true;
        case DataType::kINT64: fn(int64_t{}); return true;
        default: return false;
    }
}

}  // namespace

bool poolingSupportsType(DataType type) {
    return dispatchPool(type, [](auto) {});
}

int launchPooling(void* dst, const void* src, DataType type, const PoolParams& p, void* stream) {
    int64_t total = p.outer;
    for (int d = 0; d < p.ns; ++d) total *= p.out[d];
    if (total == 0) return cudaSuccess;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    const bool ok = dispatchPool(type, [&](auto tag) {
        using T = decltype(tag);
        using C = ComputeT<T>;
        poolKernel<T><<<gridFor(total), 256, 0, s>>>(static_cast<T*>(dst), static_cast<const T*>(src), p,
                                                      std::numeric_limits<C>::lowest());
    });
    return ok ? static_cast<int>(cudaGetLastError()) : static_cast<int>(cudaErrorInvalidValue);
}

}  // namespace kiln::cuda
