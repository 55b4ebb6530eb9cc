// Cumulative (a warp scans one column in chunks of 32, carrying the running value) and TopK
// (a warp per slice selects the k first elements one after another: the next one is the
// first element, in the total order, that comes after the previous one, so no marks needed).
#include <cmath>
#include <type_traits>

#include "backends/cuda/kernels/reduction.h"
#include "backends/cuda/kernels/reduction_common.cuh"

namespace kiln::cuda {
namespace {

constexpr int kWarpsPerBlock = 8;

template <class A>
__device__ __forceinline__ A scanCombine(A a, A v, bool product) {
    if (!product) return a + v;
    if constexpr (std::is_integral<A>::value)
        return static_cast<A>(static_cast<uint64_t>(a) * static_cast<uint64_t>(v));  // products wrap
    else
        return a * v;
}

template <class T>
__global__ void cumulativeKernel(T* dst, const T* src, Layout l, const void* axisPtr, int32_t axisIs64, int32_t product,
                                 int32_t exclusive, int32_t reverse) {
    using A = AccT<T>;
    int64_t axis = axisIs64 ? *static_cast<const int64_t*>(axisPtr) : *static_cast<const int32_t*>(axisPtr);
    if (axis < 0) axis += l.rank;
    if (axis < 0 || axis >= l.rank) return;  // the tactic checked the build-time axis
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= l.dims[d];
    for (int d = static_cast<int>(axis) + 1; d < l.rank; ++d) inner *= l.dims[d];
    const int64_t len = l.dims[axis];
    const int lane = threadIdx.x & 31;
    const A identity = product ? A(1) : A(0);
    const int64_t columns = outer * inner;
    for (int64_t c = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + (threadIdx.x >> 5); c < columns;
         c += static_cast<int64_t>(gridDim.x) * kWarpsPerBlock) {
        const int64_t o = c / inner, i = c - o * inner;
        A carry = identity;
        for (int64_t chunk = 0; chunk < len; chunk += 32) {
            const int64_t step = chunk + lane;
            const bool valid = step < len;
            const int64_t j = reverse ? len - 1 - step : step;
            const int64_t at = (o * len + j) * inner + i;
            A x = valid ? toAcc(src[at]) : identity;
            for (int off = 1; off < 32; off <<= 1) {
                const A t = __shfl_up_sync(kFullMask, x, off);
                if (lane >= off) x = scanCombine(t, x, product);
            }
            const A prev = __shfl_up_sync(kFullMask, x, 1);
            const A incl = scanCombine(carry, x, product);
            const A excl = lane == 0 ? carry : scanCombine(carry, prev, product);
            if (valid) dst[at] = fromAcc<T>(exclusive ? excl : incl);
            carry = __shfl_sync(kFullMask, incl, 31);
        }
    }
}

// ---- TopK ----

template <class T>
using KeyT = typename std::conditional<std::is_same<T, double>::value, double,
                                       typename std::conditional<isFloatT<T>(), float, int64_t>::type>::type;

template <class T>
__device__ __forceinline__ KeyT<T> keyOf(T v) {
    if constexpr (std::is_same<T, double>::value) return v;
    else if constexpr (isFloatT<T>()) return toFloat(v);
    else return static_cast<int64_t>(v);
}

//! a > b with NaN the largest value (two NaNs tie).
template <class K>
__device__ __forceinline__ bool greaterKey(K a, K b) {
    if constexpr (!std::is_integral<K>::value) {
        if (isnan(a)) return !isnan(b);
        if (isnan(b)) return false;
    }
    return a > b;
}

//! Does (av, ai) come before (bv, bi) in the output order (ties by lower index)?
template <class K>
__device__ __forceinline__ bool precedes(K av, int64_t ai, K bv, int64_t bi, bool largest) {
    const bool ab = largest ? greaterKey(av, bv) : greaterKey(bv, av);
    const bool ba = largest ? greaterKey(bv, av) : greaterKey(av, bv);
    return ab || (!ba && ai < bi);
}

template <class T>
__global__ void topkKernel(T* values, int32_t* indices, const T* src, int64_t outer, int64_t len, int64_t inner,
                           int64_t k, int32_t largest) {
    using K = KeyT<T>;
    const int lane = threadIdx.x & 31;
    const int64_t rows = outer * inner;
    for (int64_t row = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + (threadIdx.x >> 5); row < rows;
         row += static_cast<int64_t>(gridDim.x) * kWarpsPerBlock) {
        const int64_t o = row / inner, i = row - o * inner;
        const T* x = src + o * len * inner + i;
        K prevV{};
        int64_t prevI = -1;
        for (int64_t t = 0; t < k; ++t) {
            K bestV{};
            int64_t bestI = -1;  // -1: none yet
            for (int64_t j = lane; j < len; j += 32) {
                const K v = keyOf(x[j * inner]);
                if (prevI >= 0 && !precedes(prevV, prevI, v, j, largest)) continue;
                if (bestI < 0 || precedes(v, j, bestV, bestI, largest)) bestV = v, bestI = j;
            }
            for (int off = 16; off > 0; off >>= 1) {
                const K ov = __shfl_xor_sync(kFullMask, bestV, off);
                const int64_t oi = __shfl_xor_sync(kFullMask, bestI, off);
                if (oi >= 0 && (bestI < 0 || precedes(ov, oi, bestV, bestI, largest))) bestV = ov, bestI = oi;
            }
            if (lane == 0) {
                const int64_t at = (o * k + t) * inner + i;
                values[at] = x[bestI * inner];
                indices[at] = static_cast<int32_t>(bestI);
            }
            prevV = bestV;
            prevI = bestI;
        }
    }
}

unsigned warpBlocks(int64_t warps) {
    int64_t b = (warps + kWarpsPerBlock - 1) / kWarpsPerBlock;
    return static_cast<unsigned>(b < 1 ? 1 : b > (1 << 20) ? (1 << 20) : b);
}

template <class Fn>
bool dispatchScan(DataType type, Fn&& fn) {
    switch (type) {
        case DataType::kFLOAT: fn(float{}); return true;
        case DataType::kHALF: fn(__half{}); return true;
        case DataType::kBF16: fn(__nv_bfloat16{}); return true;
        case DataType::kDOUBLE: fn(double{}); return true;
        case DataType::kINT32: fn(int32_t{}); return true;
        case DataType::kINT64: fn(int64_t{}); return true;
        default: return false;
    }
}

template <class Fn>
bool dispatchTopK(DataType type, Fn&& fn) {
    switch (type) {
        case DataType::kINT8: fn(int8_t{}); return true;
        case DataType::kUINT8: fn(uint8_t{}); return true;
        default: return dispatchScan(type, fn);
    }
}

}  // namespace

bool cumulativeSupportsType(DataType type) {
    return dispatchScan(type, [](auto) {});
}

int launchCumulative(void* dst, const void* src, DataType type, const Layout& layout, const void* axisPtr,
                     bool axisIs64, bool product, bool exclusive, bool reverse, void* stream) {
    const int64_t n = numelOf(layout);
    if (n == 0) return cudaSuccess;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    // At most n columns (the axis is only known on the device); the grid-stride loop covers them.
    const bool ok = dispatchScan(type, [&](auto tag) {
        using T = decltype(tag);
        cumulativeKernel<T><<<warpBlocks(n < 65536 ? n : 65536), 32 * kWarpsPerBlock, 0, s>>>(
            static_cast<T*>(dst), static_cast<const T*>(src), layout, axisPtr, axisIs64, product, exclusive, reverse);
    });
    return ok ? static_cast<int>(cudaGetLastError()) : static_cast<int>(cudaErrorInvalidValue);
}

bool topkSupportsType(DataType type) {
    return dispatchTopK(type, [](auto) {});
}

int launchTopK(void* values, int32_t* indices, const void* src, DataType type, int64_t outer, int64_t len,
               int64_t inner, int64_t k, bool largest, void* stream) {
    if (outer * inner * k == 0) return cudaSuccess;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    const bool ok = dispatchTopK(type, [&](auto tag) {
        using T = decltype(tag);
        topkKernel<T><<<warpBlocks(outer * inner), 32 * kWarpsPerBlock, 0, s>>>(
            static_cast<T*>(values), indices, static_cast<const T*>(src), outer, len, inner, k, largest);
    });
    return ok ? static_cast<int>(cudaGetLastError()) : static_cast<int>(cudaErrorInvalidValue);
}

}  // namespace kiln::cuda
