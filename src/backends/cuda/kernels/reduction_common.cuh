// Warp and block reductions shared by the reduction-family kernels (softmax.cu, reduce.cu,
// scan_topk.cu). Blocks are a whole number of warps.
#pragma once

#include <type_traits>

#include "backends/cuda/kernels/device_common.cuh"

namespace kiln::cuda {

constexpr unsigned kFullMask = 0xffffffffu;

template <class T, class Op>
__device__ __forceinline__ T warpReduce(T v, Op op) {
    for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(kFullMask, v, o));
    return v;
}

//! The reduction over the whole block, returned to every thread. `shared` holds 32 values;
//! the trailing barrier lets the caller reuse it at once.
template <class T, class Op>
__device__ __forceinline__ T blockReduce(T v, Op op, T identity, T* shared) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int nbWarps = (blockDim.x + 31) >> 5;
    v = warpReduce(v, op);
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < nbWarps ? shared[lane] : identity;
        v = warpReduce(v, op);
        if (lane == 0) shared[0] = v;
    }
    __syncthreads();
    v = shared[0];
    __syncthreads();
    return v;
}

struct AddOp {
    template <class T>
    __device__ __forceinline__ T operator()(T a, T b) const { return a + b; }
};
struct MaxOp {
    // fmaxf: NaN is ignored as in the reference's std::fmax.
    __device__ __forceinline__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

// Accumulators of the reference: double for the float types, int64 for the integers.
template <class T>
constexpr bool isFloatT() {
    return std::is_same<T, float>::value || std::is_same<T, __half>::value || std::is_same<T, __nv_bfloat16>::value ||
           std::is_same<T, double>::value;
}
template <class T>
using AccT = typename std::conditional<isFloatT<T>(), double, int64_t>::type;

template <class T>
__device__ __forceinline__ AccT<T> toAcc(T v) {
    if constexpr (std::is_same<T, double>::value) return v;
    else if constexpr (isFloatT<T>()) return static_cast<double>(toFloat(v));
    else return static_cast<int64_t>(v);
}

//! Rounds as the reference's store: double -> float -> T for the float types, truncation for ints.
template <class T>
__device__ __forceinline__ T fromAcc(AccT<T> a) {
    if constexpr (std::is_same<T, double>::value) return a;
    else if constexpr (isFloatT<T>()) return fromFloat<T>(static_cast<float>(a));
    else return static_cast<T>(a);
}

}  // namespace kiln::cuda
