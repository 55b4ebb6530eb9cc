// Data movement kernels: strided copies (Shuffle, fast Slice), pitched 2-D copies
// (Concatenation), the general Slice with its sample modes, Shape and zero Padding. Elements are
// moved as unsigned words of their size; indices are int32 when every index and offset fits, as
// 64-bit division costs several times more on the GPU.
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdlib>

#include "backends/cuda/kernels/data_movement.h"
#include "backends/cuda/kernels/device_common.cuh"

namespace kiln::cuda {
namespace {

struct alignas(16) Bytes16 {
    uint64_t lo, hi;
};

//! Calls fn(U{}) with the unsigned word of `size` bytes; false for other sizes.
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

// Grid-stride loops step at most gridFor's cap times 256 threads; int32 indexing is used below
// this bound so that i + step can never overflow.
constexpr int64_t kInt32Limit = int64_t{1} << 30;
constexpr int kThreads = 256;

template <class I>
struct IndexMap {
    int32_t rank{0};
    I dims[kMaxRank]{};
    I strides[kMaxRank]{};
};

template <class I>
IndexMap<I> narrowMap(const Layout& l) {
    IndexMap<I> m;
    m.rank = l.rank;
    for (int32_t d = 0; d < l.rank; ++d) {
        m.dims[d] = static_cast<I>(l.dims[d]);
        m.strides[d] = static_cast<I>(l.strides[d]);
    }
    return m;
}

template <class I>
__device__ __forceinline__ I mapIndex(const IndexMap<I>& m, I i) {
    I off = 0;
    for (int d = m.rank - 1; d >= 0; --d) {
        const I q = i / m.dims[d];
        off += (i - q * m.dims[d]) * m.strides[d];
        i = q;
    }
    return off;
}

//! Largest |offset| a layout reaches.
int64_t maxOffset(const Layout& l) {
    int64_t m = 0;
    for (int32_t d = 0; d < l.rank; ++d) m += (l.dims[d] - 1) * std::llabs(l.strides[d]);
    return m;
}

//! The same index map with size-1 dims dropped and neighbours that step contiguously merged.
Layout simplify(const Layout& l) {
    Layout r;
    for (int32_t d = 0; d < l.rank; ++d) {
        if (l.dims[d] == 1) continue;
        if (r.rank > 0 && r.strides[r.rank - 1] == l.strides[d] * l.dims[d]) {
            r.dims[r.rank - 1] *= l.dims[d];
            r.strides[r.rank - 1] = l.strides[d];
            continue;
        }
        r.dims[r.rank] = l.dims[d];
        r.strides[r.rank] = l.strides[d];
        ++r.rank;
    }
    return r;
}

template <class U, class I, bool kTwo>
__global__ void stridedCopyKernel(U* __restrict__ dst, const U* __restrict__ src, IndexMap<I> first,
                                  IndexMap<I> second, I n) {
    for (I i = static_cast<I>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += static_cast<I>(gridDim.x) * blockDim.x) {
        I off = mapIndex(first, i);
        if (kTwo) off = mapIndex(second, off);
        dst[i] = src[off];
    }
}

template <class U, class I>
__global__ void copy2DKernel(U* __restrict__ dst, I dstPitch, const U* __restrict__ src, I srcPitch, I width, I n) {
    for (I i = static_cast<I>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += static_cast<I>(gridDim.x) * blockDim.x) {
        const I row = i / width, col = i - row * width;
        dst[row * dstPitch + col] = src[row * srcPitch + col];
    }
}

template <class U, bool kTwo>
int stridedCopyTyped(void* dst, const void* src, const Layout& first, const Layout& second, int64_t n,
                     cudaStream_t stream) {
    const bool small = n < kInt32Limit && maxOffset(first) < kInt32Limit && maxOffset(second) < kInt32Limit;
    if (small) {
        stridedCopyKernel<U, int32_t, kTwo><<<gridFor(n, kThreads), kThreads, 0, stream>>>(
            static_cast<U*>(dst), static_cast<const U*>(src), narrowMap<int32_t>(first), narrowMap<int32_t>(second),
            static_cast<int32_t>(n));
    } else {
        stridedCopyKernel<U, int64_t, kTwo><<<gridFor(n, kThreads), kThreads, 0, stream>>>(
            static_cast<U*>(dst), static_cast<const U*>(src), narrowMap<int64_t>(first), narrowMap<int64_t>(second), n);
    }
    return cudaGetLastError();
}

//! The sampled input index of output position o (ir::sliceSampleIndex on the device).
__device__ __forceinline__ int64_t sliceSample(int32_t mode, int64_t start, int64_t stride, int64_t o, int64_t dim) {
    const int64_t c = start + o * stride;
    if (c >= 0 && c < dim) return c;
    if (dim <= 0) return -1;
    switch (static_cast<SampleMode>(mode)) {
        case SampleMode::kWRAP: return ((c % dim) + dim) % dim;
        case SampleMode::kCLAMP: return c < 0 ? 0 : dim - 1;
        case SampleMode::kREFLECT: {
            if (dim == 1) return 0;
            const int64_t period = 2 * (dim - 1);
            const int64_t m = ((c % period) + period) % period;
            return m < dim ? m : period - m;
        }
        default: return -1;
    }
}

__device__ __forceinline__ int64_t loadIndexAt(const void* p, int32_t is64, int64_t k) {
    return is64 ? static_cast<const int64_t*>(p)[k] : static_cast<const int32_t*>(p)[k];
}

template <class U>
__global__ void sliceKernel(U* __restrict__ dst, const U* __restrict__ src, SliceParams p, int64_t n) {
    // Parameters that come from device tensors are resolved once per block.
    __shared__ int64_t sStart[kMaxRank], sStride[kMaxRank];
    if (threadIdx.x == 0) {
        for (int d = 0; d < kMaxRank; ++d) sStart[d] = 0, sStride[d] = 1;
        for (int k = 0; k < p.nbAxes; ++k) {
            int64_t axis = p.axesPtr ? loadIndexAt(p.axesPtr, p.axesIs64, k) : k;
            if (axis < 0) axis += p.rank;
            if (axis < 0 || axis >= p.rank) continue;  // shape inference rejected it already
            sStart[axis] = p.startPtr ? loadIndexAt(p.startPtr, p.startIs64, k) : p.startK[k];
            sStride[axis] = p.stridePtr ? loadIndexAt(p.stridePtr, p.strideIs64, k) : p.strideK[k];
        }
    }
    __syncthreads();
    const U fill = p.fillPtr ? *static_cast<const U*>(p.fillPtr) : U{};
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        int64_t rest = i, off = 0, inStride = 1;
        bool isFill = false;
        for (int d = p.rank - 1; d >= 0; --d) {
            const int64_t q = rest / p.outDims[d];
            const int64_t s = sliceSample(p.mode, sStart[d], sStride[d], rest - q * p.outDims[d], p.inDims[d]);
            rest = q;
            isFill |= s < 0;
            off += s * inStride;
            inStride *= p.inDims[d];
        }
        dst[i] = isFill ? fill : src[off];
    }
}

struct ShapeDims {
    int64_t d[kMaxRank];
};

__global__ void shapeKernel(void* dst, ShapeDims dims, int32_t rank, bool as64) {
    const int i = threadIdx.x;
    if (i >= rank) return;
    if (as64)
        static_cast<int64_t*>(dst)[i] = dims.d[i];
    else
        static_cast<int32_t*>(dst)[i] = static_cast<int32_t>(dims.d[i]);
}

template <class I>
struct PadMap {
    int32_t rank{0};
    I outDims[kMaxRank]{}, inDims[kMaxRank]{}, inStrides[kMaxRank]{}, pre[kMaxRank]{};
};

template <class U, class I>
__global__ void padKernel(U* __restrict__ dst, const U* __restrict__ src, PadMap<I> m, I n) {
    for (I i = static_cast<I>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += static_cast<I>(gridDim.x) * blockDim.x) {
        I rest = i, off = 0;
        bool inside = true;
        for (int d = m.rank - 1; d >= 0; --d) {
            const I q = rest / m.outDims[d];
            const I pos = rest - q * m.outDims[d] - m.pre[d];
            rest = q;
            inside &= pos >= 0 && pos < m.inDims[d];
            off += pos * m.inStrides[d];
        }
        dst[i] = inside ? src[off] : U{};
    }
}

template <class I>
PadMap<I> padMap(const Layout& out, const int64_t* inDims, const int64_t* pre) {
    PadMap<I> m;
    m.rank = out.rank;
    int64_t s = 1;
    for (int32_t d = out.rank - 1; d >= 0; --d) {
        m.outDims[d] = static_cast<I>(out.dims[d]);
        m.inDims[d] = static_cast<I>(inDims[d]);
        m.pre[d] = static_cast<I>(pre[d]);
        m.inStrides[d] = static_cast<I>(s);
        s *= inDims[d];
    }
    return m;
}

bool aligned(const void* p, size_t size) { return reinterpret_cast<uintptr_t>(p) % size == 0; }

}  // namespace

int launchCopy(void* dst, const void* src, size_t bytes, void* stream) {
    if (bytes == 0 || dst == src) return cudaSuccess;
    return cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, static_cast<cudaStream_t>(stream));
}

int launchStridedCopy(void* dst, const void* src, const Layout& src0, size_t elemSize, void* stream) {
    const int64_t n = numelOf(src0);
    if (n == 0) return cudaSuccess;
    Layout l = simplify(src0);
    if (l.rank == 0 || (l.rank == 1 && l.strides[0] == 1))
        return launchCopy(dst, src, static_cast<size_t>(n) * elemSize, stream);
    // Widen: pairs of contiguous inner elements move as one word of twice the size.
    size_t size = elemSize;
    while (size < 16 && l.strides[l.rank - 1] == 1 && l.dims[l.rank - 1] % 2 == 0 && aligned(dst, 2 * size) &&
           aligned(src, 2 * size)) {
        bool even = true;
        for (int32_t d = 0; d + 1 < l.rank; ++d) even &= l.strides[d] % 2 == 0;
        if (!even) break;
        l.dims[l.rank - 1] /= 2;
        for (int32_t d = 0; d + 1 < l.rank; ++d) l.strides[d] /= 2;
        size *= 2;
    }
    int status = cudaErrorInvalidValue;
    dispatchSize(size, [&](auto tag) {
        status = stridedCopyTyped<decltype(tag), false>(dst, src, l, Layout{}, numelOf(l),
                                                        static_cast<cudaStream_t>(stream));
    });
    return status;
}

int launchStridedCopy2(void* dst, const void* src, const Layout& first, const Layout& second, size_t elemSize,
                       void* stream) {
    const int64_t n = numelOf(first);
    if (n == 0) return cudaSuccess;
    int status = cudaErrorInvalidValue;
    dispatchSize(elemSize, [&](auto tag) {
        status = stridedCopyTyped<decltype(tag), true>(dst, src, simplify(first), simplify(second), n,
                                                       static_cast<cudaStream_t>(stream));
    });
    return status;
}

int launchCopy2D(void* dst, int64_t dstPitch, const void* src, int64_t srcPitch, int64_t widthBytes, int64_t height,
                 void* stream) {
    if (widthBytes == 0 || height == 0) return cudaSuccess;
    if (height == 1 || (dstPitch == widthBytes && srcPitch == widthBytes))
        return launchCopy(dst, src, static_cast<size_t>(widthBytes * height), stream);
    size_t unit = 16;
    while (unit > 1 && !(aligned(dst, unit) && aligned(src, unit) && dstPitch % unit == 0 && srcPitch % unit == 0 &&
                         widthBytes % static_cast<int64_t>(unit) == 0))
        unit /= 2;
    const int64_t u = static_cast<int64_t>(unit);
    const int64_t width = widthBytes / u, n = width * height;
    const auto s = static_cast<cudaStream_t>(stream);
    const bool small = n < kInt32Limit && (height - 1) * (dstPitch > srcPitch ? dstPitch : srcPitch) / u + width < kInt32Limit;
    dispatchSize(unit, [&](auto tag) {
        using U = decltype(tag);
        if (small)
            copy2DKernel<U, int32_t><<<gridFor(n, kThreads), kThreads, 0, s>>>(
                static_cast<U*>(dst), static_cast<int32_t>(dstPitch / u), static_cast<const U*>(src),
                static_cast<int32_t>(srcPitch / u), static_cast<int32_t>(width), static_cast<int32_t>(n));
        else
            copy2DKernel<U, int64_t><<<gridFor(n, kThreads), kThreads, 0, s>>>(
                static_cast<U*>(dst), dstPitch / u, static_cast<const U*>(src), srcPitch / u, width, n);
    });
    return cudaGetLastError();
}

int launchSlice(void* dst, const void* src, const SliceParams& params, size_t elemSize, void* stream) {
    int64_t n = 1;
    for (int32_t d = 0; d < params.rank; ++d) n *= params.outDims[d];
    if (n == 0) return cudaSuccess;
    int status = cudaErrorInvalidValue;
    if (elemSize > 8) return status;
    dispatchSize(elemSize, [&](auto tag) {
        using U = decltype(tag);
        if constexpr (sizeof(U) <= 8) {
            sliceKernel<U><<<gridFor(n, kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
                static_cast<U*>(dst), static_cast<const U*>(src), params, n);
            status = cudaGetLastError();
        }
    });
    return status;
}

int launchShape(void* dst, int32_t rank, const int64_t* dims, bool as64, void* stream) {
    if (rank <= 0) return cudaSuccess;
    ShapeDims d{};
    for (int32_t i = 0; i < rank && i < kMaxRank; ++i) d.d[i] = dims[i];
    shapeKernel<<<1, kMaxRank, 0, static_cast<cudaStream_t>(stream)>>>(dst, d, rank, as64);
    return cudaGetLastError();
}

int launchPadding(void* dst, const void* src, const Layout& out, const int64_t* inDims, const int64_t* pre,
                  size_t elemSize, void* stream) {
    const int64_t n = numelOf(out);
    if (n == 0) return cudaSuccess;
    int64_t inNumel = 1, maxPre = 0;
    for (int32_t d = 0; d < out.rank; ++d) {
        inNumel *= inDims[d];
        maxPre = maxPre > std::llabs(pre[d]) ? maxPre : std::llabs(pre[d]);
    }
    const bool small = n < kInt32Limit && inNumel < kInt32Limit && maxPre < kInt32Limit;
    const auto s = static_cast<cudaStream_t>(stream);
    int status = cudaErrorInvalidValue;
    if (elemSize > 8) return status;
    dispatchSize(elemSize, [&](auto tag) {
        using U = decltype(tag);
        if constexpr (sizeof(U) <= 8) {
            if (small)
                padKernel<U, int32_t><<<gridFor(n, kThreads), kThreads, 0, s>>>(
                    static_cast<U*>(dst), static_cast<const U*>(src), padMap<int32_t>(out, inDims, pre),
                    static_cast<int32_t>(n));
            else
                padKernel<U, int64_t><<<gridFor(n, kThreads), kThreads, 0, s>>>(
                    static_cast<U*>(dst), static_cast<const U*>(src), padMap<int64_t>(out, inDims, pre), n);
            status = cudaGetLastError();
        }
    });
    return status;
}

}  // namespace kiln::cuda
