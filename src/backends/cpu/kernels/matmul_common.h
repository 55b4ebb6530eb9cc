// Shared by the MatrixMultiply tactics: how the operands' batches map onto the output, and the
// fused epilogue (bias + activation).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "backends/cpu/kernel.h"
#include "core/status.h"
#include "ir/ops/matrix_multiply.h"

namespace kiln::cpu::matmul {

//! A is read as [M,K] (trans: [K,M]), B as [K,N] (trans: [N,K]); a vector A is [1,K], a vector B
//! is [N=1,K] transposed, so both read with the same formulas.
struct Geometry {
    int64_t m{1}, n{1}, k{1};
    bool aTrans{false}, bTrans{false};
    int64_t batches{1};
    std::vector<int64_t> aOffset, bOffset;  //!< element offset of each output batch's operands
};

inline Geometry geometryOf(const KernelArgs& args) {
    const auto& op = args.opAs<ir::MatrixMultiplyOp>();
    const ir::TensorView& a = args.inputs[0];
    const ir::TensorView& b = args.inputs[1];
    const ir::TensorView& out = args.outputs[0];
    Geometry g;
    KILN_CHECK(a.rank >= 1 && b.rank >= 1) << "MatrixMultiply: inputs must have rank >= 1";
    const bool aVec = op.op0 == MatrixOperation::kVECTOR || a.rank == 1;
    const bool bVec = op.op1 == MatrixOperation::kVECTOR || b.rank == 1;
    int64_t ka, kb;
    if (aVec) {
        ka = a.dims[a.rank - 1];
    } else {
        g.aTrans = op.op0 == MatrixOperation::kTRANSPOSE;
        g.m = a.dims[a.rank - (g.aTrans ? 1 : 2)];
        ka = a.dims[a.rank - (g.aTrans ? 2 : 1)];
    }
    if (bVec) {
        g.bTrans = true;
        kb = b.dims[b.rank - 1];
    } else {
        g.bTrans = op.op1 == MatrixOperation::kTRANSPOSE;
        g.n = b.dims[b.rank - (g.bTrans ? 2 : 1)];
        kb = b.dims[b.rank - (g.bTrans ? 1 : 2)];
    }
    KILN_CHECK(ka == kb) << "MatrixMultiply: inner dimensions differ: K=" << ka << " and K=" << kb
                         << " (expected equal K)";
    g.k = ka;
    const int32_t aBatchRank = a.rank - (aVec ? 1 : 2);
    const int32_t bBatchRank = b.rank - (bVec ? 1 : 2);
    const int32_t outBatchRank = out.rank - (aVec ? 0 : 1) - (bVec ? 0 : 1);
    for (int32_t d = 0; d < outBatchRank; ++d) g.batches *= out.dims[d];
    g.aOffset.assign(g.batches, 0);
    g.bOffset.assign(g.batches, 0);
    const int64_t aMat = g.m * g.k;
    const int64_t bMat = g.n * g.k;
    // Walk the output batch index from the innermost dim, accumulating right-aligned strides;
    // size-1 dims of an operand broadcast (stride 0).
    int64_t outStride = 1, aStride = aMat, bStride = bMat;
    for (int32_t d = outBatchRank - 1; d >= 0; --d) {
        const int64_t size = out.dims[d];
        const int32_t da = d - (outBatchRank - aBatchRank);
        const int32_t db = d - (outBatchRank - bBatchRank);
        const int64_t sa = da >= 0 ? a.dims[da] : 1;
        const int64_t sb = db >= 0 ? b.dims[db] : 1;
        KILN_CHECK((sa == size || sa == 1) && (sb == size || sb == 1))
            << "MatrixMultiply: batch dims " << sa << " and " << sb << " do not broadcast to " << size;
        for (int64_t i = 0; i < g.batches; ++i) {
            const int64_t idx = (i / outStride) % size;
            if (sa != 1) g.aOffset[i] += idx * aStride;
            if (sb != 1) g.bOffset[i] += idx * bStride;
        }
        outStride *= size;
        aStride *= sa;
        bStride *= sb;
    }
    return g;
}

//! Index of the bias element for each output element (right-aligned numpy broadcast), or an
//! empty vector when the bias is absent.
inline std::vector<int64_t> biasIndex(const KernelArgs& args) {
    if (!args.has(2)) return {};
    const ir::TensorView& bias = args.inputs[2];
    const ir::TensorView& out = args.outputs[0];
    KILN_CHECK(bias.rank <= out.rank) << "MatrixMultiply: bias has rank " << bias.rank << ", output " << out.rank;
    std::vector<int64_t> idx(out.numel(), 0);
    int64_t outStride = 1, biasStride = 1;
    for (int32_t d = out.rank - 1; d >= 0; --d) {
        const int32_t db = d - (out.rank - bias.rank);
        const int64_t sb = db >= 0 ? bias.dims[db] : 1;
        KILN_CHECK(sb == 1 || sb == out.dims[d])
            << "MatrixMultiply: bias dim " << sb << " does not broadcast to output dim " << out.dims[d];
        if (sb != 1)
            for (size_t i = 0; i < idx.size(); ++i) idx[i] += ((i / outStride) % out.dims[d]) * biasStride;
        outStride *= out.dims[d];
        biasStride *= sb;
    }
    return idx;
}

}  // namespace kiln::cpu::matmul
