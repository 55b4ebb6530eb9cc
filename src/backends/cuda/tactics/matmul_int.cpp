// CUDA tactic of int32 MatrixMultiply (kernel in int_gemm.cu): the geometry and broadcast
// batch offsets are the CPU reference's (cpu/kernels/matmul_common.h); no bias, no activation
// (the importers of MatMulInteger and QLinearMatMul add neither to the int32 product).
#include <vector>

#include "backends/cpu/kernels/matmul_common.h"
#include "backends/cuda/kernels/int_gemm.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/matrix_multiply.h"

namespace kiln::cuda {
namespace {

bool int32Supports(const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
    if (in.size() < 2 || in[0].type != DataType::kINT32 || in[1].type != DataType::kINT32) return false;
    // An absent bias arrives as a default ValueInfo (float, no dims): a present one is refused.
    if (in.size() > 2 && (in[2].type == DataType::kINT32 || !in[2].shape.empty())) return false;
    return static_cast<const ir::MatrixMultiplyOp&>(op).fusedActivation < 0;
}

void runInt32(KernelArgs& a) {
    const auto& op = a.opAs<ir::MatrixMultiplyOp>();
    KILN_CHECK(!a.has(2) && op.fusedActivation < 0) << "MatrixMultiply: cuda_int32_gemm takes no bias or activation";
    KILN_CHECK(a.inputs[0].type == DataType::kINT32 && a.inputs[1].type == DataType::kINT32 &&
               a.outputs[0].type == DataType::kINT32)
        << "MatrixMultiply: cuda_int32_gemm multiplies int32 by int32";
    const cpu::matmul::Geometry g = cpu::matmul::geometryOf(a);
    IntGemmParams p;
    p.m = g.m, p.n = g.n, p.k = g.k, p.batches = g.batches, p.aTrans = g.aTrans, p.bTrans = g.bTrans;
    // Offsets affine in the batch (the usual broadcast), else listed.
    p.strideA = g.batches > 1 ? g.aOffset[1] - g.aOffset[0] : 0;
    p.strideB = g.batches > 1 ? g.bOffset[1] - g.bOffset[0] : 0;
    for (int64_t b = 0; b < g.batches && p.affine; ++b)
        p.affine = g.aOffset[b] == b * p.strideA && g.bOffset[b] == b * p.strideB;
    if (!p.affine) {
        KILN_CHECK_CODE(g.batches <= kIntGemmMaxBatchOffsets, ErrorCode::kUNSUPPORTED_STATE)
            << "MatrixMultiply: cuda_int32_gemm takes up to " << kIntGemmMaxBatchOffsets
            << " batches of a non-uniform broadcast, got " << g.batches;
        for (int64_t b = 0; b < g.batches; ++b) p.aOffset[b] = g.aOffset[b], p.bOffset[b] = g.bOffset[b];
    }
    check(launchInt32Gemm(a.outputs[0].as<int32_t>(), a.inputs[0].as<const int32_t>(), a.inputs[1].as<const int32_t>(),
                          p, a.stream),
          "MatrixMultiply: kernel int32_gemm");
}

KILN_REGISTER_CUDA_TACTIC("MatrixMultiply", simpleTactic("cuda_int32_gemm", int32Supports, runInt32));

}  // namespace
}  // namespace kiln::cuda
