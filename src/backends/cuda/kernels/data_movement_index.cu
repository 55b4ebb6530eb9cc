// Gather, Scatter and OneHot kernels: one thread per output (or update) element, elements moved
// as unsigned words of their size, indices read as int32 or int64.
#include <cuda_runtime.h>

#include <cstdint>
#include <type_traits>

#include "backends/cuda/kernels/data_movement_index.h"
#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/pointwise_common.cuh"

namespace kiln::cuda {
namespace {

constexpr int kThreads = 256;

struct alignas(16) Bytes16 {
    uint64_t lo, hi;
};

template <class Fn>
bool dispatchSize(size_t size, Fn&& fn) {
    switch (size) {
        case 1: fn(uint8_t{}); return true;
        case 2: fn(uint16_t{}); return true;
        case 4: fn(uint32_t{}); return true;
        case 8: fn(uint64_t{}); return true;
        case 16: fn(Bytes16{}); return true;
        default: return false;
    }
}

//! Calls fn(U{}, Idx{}) for the element word and the index type.
template <class Fn>
int dispatchSizeIndex(size_t size, bool indices64, Fn&& fn) {
    bool ok = dispatchSize(size, [&](auto u) {
        if (indices64)
            fn(u, int64_t{});
        else
            fn(u, int32_t{});
    });
    return ok ? static_cast<int>(cudaGetLastError()) : static_cast<int>(cudaErrorInvalidValue);
}

//! Widens contiguous runs of `run` elements into words of up to 16 bytes where alignment allows.
void widen(int64_t& run, size_t& size, const void* a, const void* b) {
    while (size < 16 && run % 2 == 0 && reinterpret_cast<uintptr_t>(a) % (2 * size) == 0 &&
           reinterpret_cast<uintptr_t>(b) % (2 * size) == 0) {
        run /= 2;
        size *= 2;
    }
}

#define KILN_GRID_LOOP(i, n)                                                                          \
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
         i += static_cast<int64_t>(gridDim.x) * blockDim.x)

//! Index made non-negative (negative counts from the end); -1 when out of [-dim, dim).
template <class Idx>
__device__ __forceinline__ int64_t wrapIndex(const Idx* indices, int64_t i, int64_t dim) {
    int64_t k = static_cast<int64_t>(indices[i]);
    if (k < 0) k += dim;
    return k >= 0 && k < dim ? k : -1;
}

template <class U, class Idx>
__global__ void gatherDefaultKernel(U* __restrict__ dst, const U* __restrict__ data, const Idx* __restrict__ indices,
                                    int64_t P, int64_t D, int64_t Q, int64_t I, int64_t n) {
    KILN_GRID_LOOP(e, n) {
        const int64_t q = e % Q;
        int64_t t = e / Q;
        const int64_t i = t % I;
        t /= I;
        const int64_t p = t % P, b = t / P;
        const int64_t k = wrapIndex(indices, b * I + i, D);
        dst[e] = k < 0 ? U{} : data[((b * P + p) * D + k) * Q + q];
    }
}

template <class U, class Idx>
__global__ void gatherElementsKernel(U* __restrict__ dst, const U* __restrict__ data, const Idx* __restrict__ indices,
                                     Layout walk, int64_t axisStride, int64_t axisDim, int64_t n) {
    KILN_GRID_LOOP(e, n) {
        const int64_t k = wrapIndex(indices, e, axisDim);
        dst[e] = k < 0 ? U{} : data[offsetOf(walk, e) + k * axisStride];
    }
}

//! Offset (in K-tuples' units) of tuple `tuple`, or -1 when an index is out of range.
template <class Idx>
__device__ __forceinline__ int64_t tupleOffset(const Idx* indices, int64_t tuple, const GatherNdParams& p) {
    int64_t off = 0;
    for (int64_t j = 0; j < p.K; ++j) {
        const int64_t k = wrapIndex(indices, tuple * p.K + j, p.dims[j]);
        if (k < 0) return -1;
        off = off * p.dims[j] + k;
    }
    return off;
}

template <class U, class Idx>
__global__ void gatherNdKernel(U* __restrict__ dst, const U* __restrict__ data, const Idx* __restrict__ indices,
                               GatherNdParams p, int64_t inner, int64_t n) {
    KILN_GRID_LOOP(e, n) {
        const int64_t r = e % p.R, t = e / p.R;  // t = b * M + m
        const int64_t off = tupleOffset(indices, t, p);
        dst[e] = off < 0 ? U{} : data[((t / p.M) * inner + off) * p.R + r];
    }
}

__device__ __forceinline__ void claim(int64_t* winners, int64_t target, int64_t n) {
    atomicMax(reinterpret_cast<long long*>(winners + target), static_cast<long long>(n));
}

template <class Idx>
__global__ void scatterElementsClaim(const Idx* __restrict__ indices, Layout walk, int64_t axisStride, int64_t axisDim,
                                     int64_t* winners, int64_t n) {
    KILN_GRID_LOOP(e, n) {
        const int64_t k = wrapIndex(indices, e, axisDim);
        if (k >= 0) claim(winners, offsetOf(walk, e) + k * axisStride, e);
    }
}

template <class U, class Idx>
__global__ void scatterElementsWrite(U* __restrict__ out, const Idx* __restrict__ indices, const U* __restrict__ updates,
                                     Layout walk, int64_t axisStride, int64_t axisDim, const int64_t* winners,
                                     int64_t n) {
    KILN_GRID_LOOP(e, n) {
        const int64_t k = wrapIndex(indices, e, axisDim);
        if (k < 0) continue;
        const int64_t target = offsetOf(walk, e) + k * axisStride;
        if (winners[target] == e) out[target] = updates[e];
    }
}

template <class Idx>
__global__ void scatterNdClaim(const Idx* __restrict__ indices, GatherNdParams p, int64_t* winners) {
    KILN_GRID_LOOP(m, p.M) {
        const int64_t off = tupleOffset(indices, m, p);
        if (off >= 0) claim(winners, off, m);
    }
}

template <class U, class Idx>
__global__ void scatterNdWrite(U* __restrict__ out, const Idx* __restrict__ indices, const U* __restrict__ updates,
                               GatherNdParams p, const int64_t* winners, int64_t n) {
    KILN_GRID_LOOP(e, n) {
        const int64_t m = e / p.R, r = e - m * p.R;
        const int64_t off = tupleOffset(indices, m, p);
        if (off >= 0 && winners[off] == m) out[off * p.R + r] = updates[e];
    }
}

template <class U, class Idx>
__global__ void oneHotKernel(U* __restrict__ dst, const Idx* __restrict__ indices, const U* __restrict__ values,
                             int64_t depth, int64_t inner, int64_t n) {
    const U off = values[0], on = values[1];
    KILN_GRID_LOOP(e, n) {
        const int64_t k = e % inner, t = e / inner;
        const int64_t d = t % depth, o = t / depth;
        int64_t idx = static_cast<int64_t>(indices[o * inner + k]);
        if (idx < 0) idx += depth;
        dst[e] = idx == d ? on : off;
    }
}


// ---- Scatter with a reduction: each target is combined with its updates in the reference's
// order (one thread walks one data line of ScatterElements, or one column of ScatterND's rows),
// so results are deterministic and equal to the reference's, duplicates included.

template <class C>
__device__ __forceinline__ C combineScatter(int32_t reduction, C x, C y) {
    if constexpr (std::is_integral_v<C>) {  // sums and products wrap, as the reference's
        const auto ux = static_cast<uint64_t>(static_cast<int64_t>(x));
        const auto uy = static_cast<uint64_t>(static_cast<int64_t>(y));
        if (reduction == static_cast<int32_t>(ScatterReduction::kSUM)) return static_cast<C>(ux + uy);
        if (reduction == static_cast<int32_t>(ScatterReduction::kPROD)) return static_cast<C>(ux * uy);
    }
    switch (static_cast<ScatterReduction>(reduction)) {
        case ScatterReduction::kSUM: return static_cast<C>(x + y);
        case ScatterReduction::kPROD: return static_cast<C>(x * y);
        case ScatterReduction::kMAX: return x > y || x != x ? x : y;  // NaN already there stays
        case ScatterReduction::kMIN: return x < y || x != x ? x : y;
        default: return y;
    }
}

template <class T, class Idx>
__global__ void scatterElementsReduceKernel(T* out, const Idx* __restrict__ indices, const T* __restrict__ updates,
                                            Layout walk, int32_t axis, int64_t axisStride, int64_t axisDim,
                                            int32_t reduction, int64_t lines) {
    const int64_t len = walk.dims[axis];
    int64_t alongAxis = 1;  // the indices' stride along the axis
    for (int32_t d = axis + 1; d < walk.rank; ++d) alongAxis *= walk.dims[d];
    KILN_GRID_LOOP(line, lines) {
        int64_t rem = line, base = 0, first = 0, step = 1;
        for (int32_t d = walk.rank - 1; d >= 0; --d) {
            if (d == axis) {
                step *= walk.dims[d];
                continue;
            }
            const int64_t c = rem % walk.dims[d];
            rem /= walk.dims[d];
            base += c * walk.strides[d];
            first += c * step;
            step *= walk.dims[d];
        }
        for (int64_t j = 0; j < len; ++j) {
            const int64_t e = first + j * alongAxis;
            const int64_t k = wrapIndex(indices, e, axisDim);
            if (k < 0) continue;
            const int64_t t = base + k * axisStride;
            pw::st(out, t, combineScatter(reduction, pw::ld(out, t), pw::ld(updates, e)));
        }
    }
}

template <class T, class Idx>
__global__ void scatterNdReduceKernel(T* out, const Idx* __restrict__ indices, const T* __restrict__ updates,
                                      GatherNdParams p, int32_t reduction) {
    KILN_GRID_LOOP(r, p.R) {
        for (int64_t m = 0; m < p.M; ++m) {
            const int64_t off = tupleOffset(indices, m, p);
            if (off < 0) continue;
            const int64_t t = off * p.R + r;
            pw::st(out, t, combineScatter(reduction, pw::ld(out, t), pw::ld(updates, m * p.R + r)));
        }
    }
}

//! fn(T{}, Idx{}) for the data types a reduction takes (the numeric ones) and the index type.
template <class Fn>
int dispatchReduceTypes(DataType type, bool indices64, Fn&& fn) {
    int status = static_cast<int>(cudaErrorInvalidValue);
    pw::dispatchType(type, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (!pw::kIsBool<T>) {
            if (indices64) {
                fn(T{}, int64_t{});
            } else {
                fn(T{}, int32_t{});
            }
            status = static_cast<int>(cudaGetLastError());
        }
    });
    return status;
}

}  // namespace

int launchGatherDefault(void* dst, const void* data, const void* indices, bool indices64, int64_t B, int64_t P,
                        int64_t D, int64_t Q, int64_t I, size_t elemSize, void* stream) {
    int64_t n = B * P * I * Q;
    if (n == 0) return cudaSuccess;
    widen(Q, elemSize, dst, data);
    n = B * P * I * Q;
    const auto s = static_cast<cudaStream_t>(stream);
    return dispatchSizeIndex(elemSize, indices64, [&](auto u, auto idx) {
        using U = decltype(u);
        using Idx = decltype(idx);
        gatherDefaultKernel<U, Idx><<<gridFor(n, kThreads), kThreads, 0, s>>>(
            static_cast<U*>(dst), static_cast<const U*>(data), static_cast<const Idx*>(indices), P, D, Q, I, n);
    });
}

int launchGatherElements(void* dst, const void* data, const void* indices, bool indices64, const Layout& walk,
                         int64_t axisStride, int64_t axisDim, size_t elemSize, void* stream) {
    const int64_t n = numelOf(walk);
    if (n == 0) return cudaSuccess;
    const auto s = static_cast<cudaStream_t>(stream);
    return dispatchSizeIndex(elemSize, indices64, [&](auto u, auto idx) {
        using U = decltype(u);
        using Idx = decltype(idx);
        gatherElementsKernel<U, Idx><<<gridFor(n, kThreads), kThreads, 0, s>>>(
            static_cast<U*>(dst), static_cast<const U*>(data), static_cast<const Idx*>(indices), walk, axisStride,
            axisDim, n);
    });
}

int launchGatherNd(void* dst, const void* data, const void* indices, bool indices64, const GatherNdParams& p0,
                   size_t elemSize, void* stream) {
    GatherNdParams p = p0;
    if (p.B * p.M * p.R == 0) return cudaSuccess;
    widen(p.R, elemSize, dst, data);
    int64_t inner = 1;
    for (int64_t j = 0; j < p.K; ++j) inner *= p.dims[j];
    const int64_t n = p.B * p.M * p.R;
    const auto s = static_cast<cudaStream_t>(stream);
    return dispatchSizeIndex(elemSize, indices64, [&](auto u, auto idx) {
        using U = decltype(u);
        using Idx = decltype(idx);
        gatherNdKernel<U, Idx><<<gridFor(n, kThreads), kThreads, 0, s>>>(
            static_cast<U*>(dst), static_cast<const U*>(data), static_cast<const Idx*>(indices), p, inner, n);
    });
}

int launchScatterElements(void* out, const void* indices, bool indices64, const void* updates, const Layout& walk,
                          int64_t axisStride, int64_t axisDim, int64_t nbTargets, void* winners, size_t elemSize,
                          void* stream) {
    const int64_t n = numelOf(walk);
    if (n == 0 || nbTargets == 0) return cudaSuccess;
    const auto s = static_cast<cudaStream_t>(stream);
    auto* win = static_cast<int64_t*>(winners);
    cudaError_t status = cudaMemsetAsync(win, 0xff, static_cast<size_t>(nbTargets) * sizeof(int64_t), s);  // -1
    if (status != cudaSuccess) return status;
    return dispatchSizeIndex(elemSize, indices64, [&](auto u, auto idx) {
        using U = decltype(u);
        using Idx = decltype(idx);
        const auto* ind = static_cast<const Idx*>(indices);
        scatterElementsClaim<Idx><<<gridFor(n, kThreads), kThreads, 0, s>>>(ind, walk, axisStride, axisDim, win, n);
        scatterElementsWrite<U, Idx><<<gridFor(n, kThreads), kThreads, 0, s>>>(
            static_cast<U*>(out), ind, static_cast<const U*>(updates), walk, axisStride, axisDim, win, n);
    });
}

int launchScatterNd(void* out, const void* indices, bool indices64, const void* updates, const GatherNdParams& p0,
                    void* winners, size_t elemSize, void* stream) {
    GatherNdParams p = p0;
    if (p.M * p.R == 0) return cudaSuccess;
    widen(p.R, elemSize, out, updates);
    int64_t targets = 1;
    for (int64_t j = 0; j < p.K; ++j) targets *= p.dims[j];
    if (targets == 0) return cudaSuccess;
    const auto s = static_cast<cudaStream_t>(stream);
    auto* win = static_cast<int64_t*>(winners);
    cudaError_t status = cudaMemsetAsync(win, 0xff, static_cast<size_t>(targets) * sizeof(int64_t), s);
    if (status != cudaSuccess) return status;
    const int64_t n = p.M * p.R;
    return dispatchSizeIndex(elemSize, indices64, [&](auto u, auto idx) {
        using U = decltype(u);
        using Idx = decltype(idx);
        const auto* ind = static_cast<const Idx*>(indices);
        scatterNdClaim<Idx><<<gridFor(p.M, kThreads), kThreads, 0, s>>>(ind, p, win);
        scatterNdWrite<U, Idx><<<gridFor(n, kThreads), kThreads, 0, s>>>(static_cast<U*>(out), ind,
                                                                        static_cast<const U*>(updates), p, win, n);
    });
}

int launchOneHot(void* dst, const void* indices, bool indices64, const void* values, int64_t outer, int64_t depth,
                 int64_t inner, size_t elemSize, void* stream) {
    const int64_t n = outer * depth * inner;
    if (n == 0) return cudaSuccess;
    const auto s = static_cast<cudaStream_t>(stream);
    if (elemSize > 8) return cudaErrorInvalidValue;
    return dispatchSizeIndex(elemSize, indices64, [&](auto u, auto idx) {
        using U = decltype(u);
        using Idx = decltype(idx);
        if constexpr (sizeof(U) <= 8)
            oneHotKernel<U, Idx><<<gridFor(n, kThreads), kThreads, 0, s>>>(
                static_cast<U*>(dst), static_cast<const Idx*>(indices), static_cast<const U*>(values), depth, inner, n);
    });
}

int launchScatterElementsReduce(void* out, const void* indices, bool indices64, const void* updates, DataType type,
                                const Layout& walk, int32_t axis, int64_t axisStride, int64_t axisDim,
                                ScatterReduction reduction, void* stream) {
    const int64_t n = numelOf(walk);
    if (n == 0 || walk.dims[axis] == 0) return cudaSuccess;
    const int64_t lines = n / walk.dims[axis];
    const auto s = static_cast<cudaStream_t>(stream);
    return dispatchReduceTypes(type, indices64, [&](auto t, auto idx) {
        using T = decltype(t);
        using Idx = decltype(idx);
        scatterElementsReduceKernel<T, Idx><<<gridFor(lines, kThreads), kThreads, 0, s>>>(
            static_cast<T*>(out), static_cast<const Idx*>(indices), static_cast<const T*>(updates), walk, axis,
            axisStride, axisDim, static_cast<int32_t>(reduction), lines);
    });
}

int launchScatterNdReduce(void* out, const void* indices, bool indices64, const void* updates, DataType type,
                          const GatherNdParams& p, ScatterReduction reduction, void* stream) {
    if (p.M * p.R == 0) return cudaSuccess;
    const auto s = static_cast<cudaStream_t>(stream);
    return dispatchReduceTypes(type, indices64, [&](auto t, auto idx) {
        using T = decltype(t);
        using Idx = decltype(idx);
        scatterNdReduceKernel<T, Idx><<<gridFor(p.R, kThreads), kThreads, 0, s>>>(
            static_cast<T*>(out), static_cast<const Idx*>(indices), static_cast<const T*>(updates), p,
            static_cast<int32_t>(reduction));
    });
}

}  // namespace kiln::cuda
