// MatrixMultiply with OpenBLAS sgemm (float32): one call per broadcast batch, or one call for
// all batches when B is shared and A's batches are contiguous rows ([B,S,K] x [K,N]).
#include <cblas.h>

#include <climits>
#include <cstring>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernels/activation_math.h"
#include "backends/cpu/kernels/matmul_common.h"

namespace kiln::cpu {
namespace {

void epilogue(KernelArgs& args, float* c) {
    const auto& op = args.opAs<ir::MatrixMultiplyOp>();
    const ir::TensorView& out = args.outputs[0];
    const int64_t total = out.numel();
    if (args.has(2)) {
        const ir::TensorView& bias = args.inputs[2];
        const float* pb = bias.as<const float>();
        const int64_t last = bias.rank > 0 ? bias.dims[bias.rank - 1] : 1;
        if (bias.numel() == last && (out.rank == 0 || last == 1 || last == out.dims[out.rank - 1])) {
            // Bias along the last output dim only (the common case): row by row, no division
            // per element.
            if (last == 1) {
                for (int64_t i = 0; i < total; ++i) c[i] += pb[0];
            } else {
                for (int64_t r = 0; r < total / last; ++r)
                    for (int64_t j = 0; j < last; ++j) c[r * last + j] += pb[j];
            }
        } else {
            const std::vector<int64_t> idx = matmul::biasIndex(args);
            for (int64_t i = 0; i < total; ++i) c[i] += pb[idx[i]];
        }
    }
    if (op.fusedActivation >= 0)
        activateInPlace(op.fusedActivation, static_cast<float>(op.fusedAlpha), static_cast<float>(op.fusedBeta), c,
                        total);
}

void gemm(const matmul::Geometry& g, int64_t m, const float* a, const float* b, float* c) {
    cblas_sgemm(CblasRowMajor, g.aTrans ? CblasTrans : CblasNoTrans, g.bTrans ? CblasTrans : CblasNoTrans,
                static_cast<blasint>(m), static_cast<blasint>(g.n), static_cast<blasint>(g.k), 1.0f, a,
                static_cast<blasint>(g.aTrans ? g.m : g.k), b, static_cast<blasint>(g.bTrans ? g.k : g.n), 0.0f, c,
                static_cast<blasint>(g.n));
}

void matmulOpenblas(KernelArgs& args) {
    const matmul::Geometry g = matmul::geometryOf(args);
    const float* a = args.inputs[0].as<const float>();
    const float* b = args.inputs[1].as<const float>();
    float* c = args.outputs[0].as<float>();
    const int64_t total = g.batches * g.m * g.n;
    if (total == 0) return;
    if (g.k == 0) {
        std::memset(c, 0, static_cast<size_t>(total) * sizeof(float));
    } else {
        KILN_CHECK(g.batches * g.m <= INT_MAX && g.n <= INT_MAX && g.k <= INT_MAX)
            << "MatrixMultiply: dims too large for openblas_gemm";
        bool sharedB = true, contiguousA = !g.aTrans;
        for (int64_t i = 0; i < g.batches; ++i) {
            sharedB = sharedB && g.bOffset[i] == g.bOffset[0];
            contiguousA = contiguousA && g.aOffset[i] == i * g.m * g.k;
        }
        if (sharedB && contiguousA) {
            gemm(g, g.batches * g.m, a, b + g.bOffset[0], c);
        } else {
            for (int64_t i = 0; i < g.batches; ++i) gemm(g, g.m, a + g.aOffset[i], b + g.bOffset[i], c + i * g.m * g.n);
        }
    }
    epilogue(args, c);
}

Tactic openblasTactic() {
    Tactic t;
    t.name = "openblas_gemm";
    t.supports = [](const ir::Op&, const std::vector<ir::ValueInfo>& inputs) {
        for (const auto& in : inputs)
            if (in.type != DataType::kFLOAT) return false;
        return inputs.size() >= 2;
    };
    t.run = matmulOpenblas;
    return t;
}

KILN_REGISTER_CPU_TACTIC("MatrixMultiply", openblasTactic());

}  // namespace
}  // namespace kiln::cpu
