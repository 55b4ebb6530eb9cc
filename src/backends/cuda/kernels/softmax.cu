// SoftMax and Normalization kernels: per row (softmax) or per statistics slot (normalization),
// max-subtracted exp / mean and population variance in float, results rounded once at the store.
#include <cmath>

#include "backends/cuda/kernels/reduction.h"
#include "backends/cuda/kernels/reduction_common.cuh"

namespace kiln::cuda {
namespace {

constexpr int kRowsPerWarpBlock = 8;  // warps (rows) per block of the short-row kernel
constexpr int kRowBlock = 512;

//! inner == 1, short rows: one warp per row.
template <class T>
__global__ void softmaxWarpRows(T* dst, const T* src, int64_t rows, int64_t len) {
    const int lane = threadIdx.x & 31;
    const int64_t first = static_cast<int64_t>(blockIdx.x) * kRowsPerWarpBlock + (threadIdx.x >> 5);
    const int64_t step = static_cast<int64_t>(gridDim.x) * kRowsPerWarpBlock;
    for (int64_t row = first; row < rows; row += step) {
        const T* x = src + row * len;
        T* y = dst + row * len;
        float mx = -INFINITY;
        for (int64_t j = lane; j < len; j += 32) mx = fmaxf(mx, toFloat(x[j]));
        mx = warpReduce(mx, MaxOp{});
        float sum = 0.f;
        for (int64_t j = lane; j < len; j += 32) sum += expf(toFloat(x[j]) - mx);
        sum = warpReduce(sum, AddOp{});
        for (int64_t j = lane; j < len; j += 32) y[j] = fromFloat<T>(expf(toFloat(x[j]) - mx) / sum);
    }
}

//! Long rows, or few columns: one block per (outer, inner) slice, elements `inner` apart.
template <class T>
__global__ void softmaxBlockRows(T* dst, const T* src, int64_t outer, int64_t len, int64_t inner) {
    __shared__ float shared[32];
    for (int64_t row = blockIdx.x; row < outer * inner; row += gridDim.x) {
        const int64_t o = row / inner, i = row - o * inner;
        const T* x = src + o * len * inner + i;
        T* y = dst + o * len * inner + i;
        float mx = -INFINITY;
        for (int64_t j = threadIdx.x; j < len; j += blockDim.x) mx = fmaxf(mx, toFloat(x[j * inner]));
        mx = blockReduce(mx, MaxOp{}, -INFINITY, shared);
        float sum = 0.f;
        for (int64_t j = threadIdx.x; j < len; j += blockDim.x) sum += expf(toFloat(x[j * inner]) - mx);
        sum = blockReduce(sum, AddOp{}, 0.f, shared);
        for (int64_t j = threadIdx.x; j < len; j += blockDim.x)
            y[j * inner] = fromFloat<T>(expf(toFloat(x[j * inner]) - mx) / sum);
    }
}

//! inner > 1: one thread per (outer, inner) column; neighbouring threads read neighbouring columns.
template <class T>
__global__ void softmaxColumns(T* dst, const T* src, int64_t outer, int64_t len, int64_t inner) {
    const int64_t columns = outer * inner;
    for (int64_t c = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; c < columns;
         c += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t o = c / inner, i = c - o * inner;
        const int64_t base = o * len * inner + i;
        float mx = -INFINITY;
        for (int64_t j = 0; j < len; ++j) mx = fmaxf(mx, toFloat(src[base + j * inner]));
        double sum = 0;  // one thread sums the whole column: double keeps long columns accurate
        for (int64_t j = 0; j < len; ++j) sum += expf(toFloat(src[base + j * inner]) - mx);
        const float inv = static_cast<float>(1.0 / sum);
        for (int64_t j = 0; j < len; ++j)
            dst[base + j * inner] = fromFloat<T>(expf(toFloat(src[base + j * inner]) - mx) * inv);
    }
}

unsigned cappedBlocks(int64_t n) { return static_cast<unsigned>(n < 1 ? 1 : n > (1 << 20) ? (1 << 20) : n); }

// ---- Normalization ----

__device__ __forceinline__ float loadParam(const void* p, int32_t type, int64_t i) {
    switch (static_cast<DataType>(type)) {
        case DataType::kHALF: return toFloat(static_cast<const __half*>(p)[i]);
        case DataType::kBF16: return toFloat(static_cast<const __nv_bfloat16*>(p)[i]);
        default: return static_cast<const float*>(p)[i];
    }
}

//! One block per slot: two passes for mean and variance, a third writes y.
template <class T>
__global__ void normalizeSlots(T* dst, const T* src, const void* scale, const void* bias, int32_t scaleType,
                               int32_t biasType, SlotLayouts l, float epsilon) {
    __shared__ float shared[32];
    const int64_t nbSlots = numelOf(l.slots), count = numelOf(l.members);
    for (int64_t s = blockIdx.x; s < nbSlots; s += gridDim.x) {
        const int64_t base = offsetOf(l.slots, s);
        float sum = 0.f;
        for (int64_t r = threadIdx.x; r < count; r += blockDim.x) sum += toFloat(src[base + offsetOf(l.members, r)]);
        const float mean = blockReduce(sum, AddOp{}, 0.f, shared) / static_cast<float>(count);
        float sq = 0.f;
        for (int64_t r = threadIdx.x; r < count; r += blockDim.x) {
            const float d = toFloat(src[base + offsetOf(l.members, r)]) - mean;
            sq += d * d;
        }
        const float var = blockReduce(sq, AddOp{}, 0.f, shared) / static_cast<float>(count);
        const float inv = 1.f / sqrtf(var + epsilon);
        const int64_t scaleBase = offsetOf(l.slotsScale, s), biasBase = offsetOf(l.slotsBias, s);
        for (int64_t r = threadIdx.x; r < count; r += blockDim.x) {
            const int64_t at = base + offsetOf(l.members, r);
            const float g = loadParam(scale, scaleType, scaleBase + offsetOf(l.membersScale, r));
            const float b = loadParam(bias, biasType, biasBase + offsetOf(l.membersBias, r));
            dst[at] = fromFloat<T>((toFloat(src[at]) - mean) * inv * g + b);
        }
    }
}

bool isFloat16Or32(DataType t) { return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16; }

}  // namespace

int launchSoftmax(void* dst, const void* src, DataType type, int64_t outer, int64_t len, int64_t inner, void* stream) {
    if (outer * len * inner == 0) return cudaSuccess;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    const bool ok = dispatchFloat(type, [&](auto tag) {
        using T = decltype(tag);
        T* y = static_cast<T*>(dst);
        const T* x = static_cast<const T*>(src);
        if (inner == 1 && len <= 1024) {
            softmaxWarpRows<T><<<cappedBlocks((outer + kRowsPerWarpBlock - 1) / kRowsPerWarpBlock),
                                 32 * kRowsPerWarpBlock, 0, s>>>(y, x, outer, len);
        } else if (inner == 1 || (outer * inner < 4096 && len > 256)) {
            softmaxBlockRows<T><<<cappedBlocks(outer * inner), kRowBlock, 0, s>>>(y, x, outer, len, inner);
        } else {
            softmaxColumns<T><<<gridFor(outer * inner), 256, 0, s>>>(y, x, outer, len, inner);
        }
    });
    return ok ? static_cast<int>(cudaGetLastError()) : static_cast<int>(cudaErrorInvalidValue);
}

int launchNormalization(void* dst, const void* src, const void* scale, const void* bias, DataType type,
                        DataType scaleType, DataType biasType, const SlotLayouts& layouts, double epsilon,
                        void* stream) {
    const int64_t slots = numelOf(layouts.slots), count = numelOf(layouts.members);
    if (slots * count == 0) return cudaSuccess;
    if (!isFloat16Or32(scaleType) || !isFloat16Or32(biasType)) return cudaErrorInvalidValue;
    const int threads = count >= 8192 ? 1024 : count >= 1024 ? 256 : count >= 128 ? 128 : 32;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    const bool ok = dispatchFloat(type, [&](auto tag) {
        using T = decltype(tag);
        normalizeSlots<T><<<cappedBlocks(slots), threads, 0, s>>>(
            static_cast<T*>(dst), static_cast<const T*>(src), scale, bias, static_cast<int32_t>(scaleType),
            static_cast<int32_t>(biasType), layouts, static_cast<float>(epsilon));
    });
    return ok ? static_cast<int>(cudaGetLastError()) : static_cast<int>(cudaErrorInvalidValue);
}

}  // namespace kiln::cuda
