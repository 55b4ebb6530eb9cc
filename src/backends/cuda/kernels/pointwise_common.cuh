// What the pointwise kernels (elementwise, unary, activation, cast, scale) share: the compute
// type of each storage type, loads and stores with the CPU reference's conversions, a type
// dispatch where bool is its own type, and broadcast plans with coalesced axes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "backends/cuda/kernels/device_common.cuh"

namespace kiln::cuda::pw {

//! bool stored as one byte; any nonzero byte reads as true, as on the CPU.
struct Bool8 {
    uint8_t v;
};

// Arithmetic happens in float for the 16-bit floats, in the type itself otherwise (double in
// double, integers with integer semantics), as the reference's compute_t.
template <class T>
struct ComputeOf {
    using type = T;
};
template <>
struct ComputeOf<__half> {
    using type = float;
};
template <>
struct ComputeOf<__nv_bfloat16> {
    using type = float;
};
template <>
struct ComputeOf<Bool8> {
    using type = bool;
};
template <class T>
using compute_t = typename ComputeOf<T>::type;

template <class T>
constexpr bool kIsFloat = std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, __half> ||
                          std::is_same_v<T, __nv_bfloat16>;
template <class T>
constexpr bool kIsBool = std::is_same_v<T, Bool8>;
template <class T>
constexpr bool kIsInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;

template <class T>
__device__ __forceinline__ compute_t<T> ld(const T* p, int64_t i) {
    if constexpr (std::is_same_v<T, __half>) {
        return __half2float(p[i]);
    } else if constexpr (std::is_same_v<T, __nv_bfloat16>) {
        return __bfloat162float(p[i]);
    } else if constexpr (kIsBool<T>) {
        return p[i].v != 0;
    } else {
        return p[i];
    }
}

//! Stores `v` converted as the reference's store(): 16-bit floats round from float (a double
//! or an integer goes through float first), bool is v != 0.
template <class T, class V>
__device__ __forceinline__ void st(T* p, int64_t i, V v) {
    if constexpr (std::is_same_v<T, __half>) {
        p[i] = __float2half_rn(static_cast<float>(v));
    } else if constexpr (std::is_same_v<T, __nv_bfloat16>) {
        p[i] = __float2bfloat16_rn(static_cast<float>(v));
    } else if constexpr (kIsBool<T>) {
        p[i].v = static_cast<bool>(v) ? 1 : 0;
    } else {
        p[i] = static_cast<T>(v);
    }
}

//! Calls fn(T{}) with the storage type of `type`: floats (double included), the 8/32/64-bit
//! integers, the unsigned 16/32/64-bit ones and bool (Bool8). Returns false for other types.
template <class Fn>
bool dispatchType(DataType type, Fn&& fn) {
    switch (type) {
        case DataType::kFLOAT: fn(float{}); return true;
        case DataType::kHALF: fn(__half{}); return true;
        case DataType::kBF16: fn(__nv_bfloat16{}); return true;
        case DataType::kDOUBLE: fn(double{}); return true;
        case DataType::kINT8: fn(int8_t{}); return true;
        case DataType::kUINT8: fn(uint8_t{}); return true;
        case DataType::kINT32: fn(int32_t{}); return true;
        case DataType::kINT64: fn(int64_t{}); return true;
        case DataType::kUINT16: fn(uint16_t{}); return true;
        case DataType::kUINT32: fn(uint32_t{}); return true;
        case DataType::kUINT64: fn(uint64_t{}); return true;
        case DataType::kBOOL: fn(Bool8{}); return true;
        default: return false;
    }
}

//! Grid-stride loop bounds.
__device__ __forceinline__ int64_t firstIndex() { return blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; }
__device__ __forceinline__ int64_t indexStep() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }

constexpr int kThreads = 256;

//! N operands read over one output shape: axes of size 1 dropped, and adjacent axes merged
//! where every operand walks them as one, so most broadcasts need one or two divisions.
template <int N>
struct Plan {
    int32_t rank{0};
    int64_t dims[kMaxRank]{};
    int64_t strides[N][kMaxRank]{};
};

//! `layouts` are the operands' broadcast layouts over the (dense) output's dims.
template <int N>
Plan<N> makePlan(const Layout* const* layouts) {
    Plan<N> p;
    const Layout& out = *layouts[0];
    for (int32_t d = 0; d < out.rank; ++d) {
        if (out.dims[d] == 1) continue;
        const int32_t r = p.rank;
        bool merge = r > 0;
        for (int k = 0; k < N && merge; ++k)
            merge = p.strides[k][r - 1] == layouts[k]->strides[d] * out.dims[d];
        if (merge) {
            p.dims[r - 1] *= out.dims[d];
            for (int k = 0; k < N; ++k) p.strides[k][r - 1] = layouts[k]->strides[d];
        } else {
            p.dims[r] = out.dims[d];
            for (int k = 0; k < N; ++k) p.strides[k][r] = layouts[k]->strides[d];
            ++p.rank;
        }
    }
    return p;
}

//! Offsets of the N operands at output index i (one division per axis for all of them).
template <int N>
__device__ __forceinline__ void offsetsOf(const Plan<N>& p, int64_t i, int64_t (&off)[N]) {
    for (int k = 0; k < N; ++k) off[k] = 0;
    for (int d = p.rank - 1; d >= 0; --d) {
        const int64_t q = i / p.dims[d];
        const int64_t c = i - q * p.dims[d];
        for (int k = 0; k < N; ++k) off[k] += c * p.strides[k][d];
        i = q;
    }
}

//! The launchers' status for a type or operation they do not implement.
constexpr int kUnsupported = static_cast<int>(cudaErrorInvalidValue);

}  // namespace kiln::cuda::pw
