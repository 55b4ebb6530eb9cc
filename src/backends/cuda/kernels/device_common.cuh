// What every kernel file shares: element types, loads and stores through float/double, the
// offset of a linear index in a strided layout, and grid sizes for grid-stride loops.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/layout.h"
#include "kiln/types.h"

namespace kiln::cuda {

//! Blocks for a grid-stride loop over n elements (never 0, capped so launches stay cheap).
inline unsigned gridFor(int64_t n, int threads = 256) {
    int64_t blocks = (n + threads - 1) / threads;
    if (blocks < 1) blocks = 1;
    if (blocks > 65535 * 8) blocks = 65535 * 8;
    return static_cast<unsigned>(blocks);
}

//! Offset (in elements) of linear row-major index i of `l.dims` under `l.strides`.
__device__ __forceinline__ int64_t offsetOf(const Layout& l, int64_t i) {
    int64_t off = 0;
    for (int d = l.rank - 1; d >= 0; --d) {
        const int64_t q = i / l.dims[d];
        off += (i - q * l.dims[d]) * l.strides[d];
        i = q;
    }
    return off;
}

// Loads and stores in a compute type (float for half/bf16/float, double for double).
template <class T>
__device__ __forceinline__ float toFloat(T v) { return static_cast<float>(v); }
template <>
__device__ __forceinline__ float toFloat<__half>(__half v) { return __half2float(v); }
template <>
__device__ __forceinline__ float toFloat<__nv_bfloat16>(__nv_bfloat16 v) { return __bfloat162float(v); }

template <class T>
__device__ __forceinline__ T fromFloat(float v) { return static_cast<T>(v); }
template <>
__device__ __forceinline__ __half fromFloat<__half>(float v) { return __float2half_rn(v); }
template <>
__device__ __forceinline__ __nv_bfloat16 fromFloat<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

//! Calls fn(T{}) for the storage type of `type` among the floating types a GPU kernel takes;
//! returns false for any other type.
template <class Fn>
bool dispatchFloat(DataType type, Fn&& fn) {
    switch (type) {
        case DataType::kFLOAT: fn(float{}); return true;
        case DataType::kHALF: fn(__half{}); return true;
        case DataType::kBF16: fn(__nv_bfloat16{}); return true;
        default: return false;
    }
}

//! The same over every type element-wise GPU kernels take (floats, integers, bool as uint8).
template <class Fn>
bool dispatchAll(DataType type, Fn&& fn) {
    switch (type) {
        case DataType::kFLOAT: fn(float{}); return true;
        case DataType::kHALF: fn(__half{}); return true;
        case DataType::kBF16: fn(__nv_bfloat16{}); return true;
        case DataType::kDOUBLE: fn(double{}); return true;
        case DataType::kINT8: fn(int8_t{}); return true;
        case DataType::kUINT8: fn(uint8_t{}); return true;
        case DataType::kBOOL: fn(bool{}); return true;
        case DataType::kINT32: fn(int32_t{}); return true;
        case DataType::kINT64: fn(int64_t{}); return true;
        default: return false;
    }
}

}  // namespace kiln::cuda
