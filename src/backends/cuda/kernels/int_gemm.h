// Integer matrix products on the GPU (MatMulInteger and QLinearMatMul import as int32 products):
// one thread per output element, an int64 sum over k stored as int32, as the CPU reference does.
#pragma once

#include <cstdint>

namespace kiln::cuda {

constexpr int kIntGemmMaxBatchOffsets = 96;

//! Batch b's operands start at aOffset(b), bOffset(b): b * strideA (strideB) when `affine`, else
//! the listed offsets (at most kIntGemmMaxBatchOffsets batches).
struct IntGemmParams {
    int64_t m{1}, n{1}, k{1}, batches{1};
    bool aTrans{false}, bTrans{false};
    bool affine{true};
    int64_t strideA{0}, strideB{0};
    int64_t aOffset[kIntGemmMaxBatchOffsets]{}, bOffset[kIntGemmMaxBatchOffsets]{};
};

//! c [batches, m, n] = a x b in int32 (wrapping as the reference's int64 sum cast to int32).
int launchInt32Gemm(int32_t* c, const int32_t* a, const int32_t* b, const IntGemmParams& p, void* stream);

}  // namespace kiln::cuda
