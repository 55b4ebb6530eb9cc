// Deconvolution (transposed convolution) as OpenBLAS sgemm + col2im (float32): per image and
// group, col[K/g * kernel, inputs] = W_g^T [K/g * kernel, C/g] x X_g [C/g, inputs], then every
// column entry is added at its output position. The workspace holds col.
#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "backends/cpu/kernels/conv_common.h"
#include "ir/ops/deconvolution.h"

namespace kiln::cpu {
namespace {

size_t workspaceBytes(const KernelArgs& a) {
    ConvGeometry g = convGeometry(a.opAs<ir::DeconvolutionOp>(), a, false);
    return static_cast<size_t>(g.k / std::max<int64_t>(g.groups, 1) * g.kVol * g.inVol) * sizeof(float);
}

//! Adds col (rows: output channel of the group, kernel position; columns: input position) into y.
void col2im(const float* col, const ConvGeometry& g, int64_t kg, float* y) {
    const int32_t last = g.ns - 1;
    const int64_t rowLen = g.in[last];
    const int64_t outerVol = g.inVol / std::max<int64_t>(rowLen, 1);
    int64_t kk[Dims::MAX_DIMS], ip[Dims::MAX_DIMS];
    for (int64_t ki = 0; ki < kg; ++ki) {
        float* yk = y + ki * g.outVol;
        for (int64_t kp = 0; kp < g.kVol; ++kp) {
            for (int64_t r = kp, d = last; d >= 0; --d) kk[d] = r % g.kernel[d], r /= g.kernel[d];
            const float* src = col + (ki * g.kVol + kp) * g.inVol;
            for (int64_t outer = 0; outer < outerVol; ++outer, src += rowLen) {
                for (int64_t r = outer, d = last - 1; d >= 0; --d) ip[d] = r % g.in[d], r /= g.in[d];
                int64_t off = 0;
                bool inside = true;
                for (int32_t d = 0; d < last && inside; ++d) {
                    int64_t p = ip[d] * g.stride[d] + kk[d] * g.dilation[d] - g.pre[d];
                    inside = p >= 0 && p < g.out[d];
                    off = off * g.out[d] + p;
                }
                if (!inside) continue;
                float* dst = yk + off * g.out[last];
                const int64_t s = g.stride[last], base = kk[last] * g.dilation[last] - g.pre[last];
                // Positions j with 0 <= j*s + base < out: a contiguous range of j.
                int64_t j0 = base >= 0 ? 0 : (-base + s - 1) / s;
                int64_t j1 = std::min<int64_t>(rowLen, (g.out[last] - base + s - 1) / s);
                for (int64_t j = j0; j < j1; ++j) dst[j * s + base] += src[j];
            }
        }
    }
}

void runGemm(KernelArgs& a) {
    const auto& op = a.opAs<ir::DeconvolutionOp>();
    ConvGeometry g = convGeometry(op, a, false);
    const float* x = a.inputs[0].as<const float>();
    const float* w = a.inputs[1].as<const float>();
    const float* bias = a.has(2) ? a.inputs[2].as<const float>() : nullptr;
    float* y = a.outputs[0].as<float>();
    const int64_t cg = g.c / g.groups, kg = g.k / g.groups, rows = kg * g.kVol;
    float* col = static_cast<float*>(a.workspace);
    std::memset(y, 0, static_cast<size_t>(g.batch * g.k * g.outVol) * sizeof(float));
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t grp = 0; grp < g.groups; ++grp) {
            if (rows == 0 || g.inVol == 0 || cg == 0) continue;
            const float* xg = x + (n * g.c + grp * cg) * g.inVol;
            // W is [C, K/g, kernel...]: the group's rows form a [C/g, K/g * kernel] matrix.
            const float* wg = w + grp * cg * rows;
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(rows), static_cast<int>(g.inVol),
                        static_cast<int>(cg), 1.f, wg, static_cast<int>(rows), xg, static_cast<int>(g.inVol), 0.f, col,
                        static_cast<int>(g.inVol));
            col2im(col, g, kg, y + (n * g.k + grp * kg) * g.outVol);
        }
    }
    if (!bias) return;
    for (int64_t n = 0; n < g.batch; ++n)
        for (int64_t k = 0; k < g.k; ++k) {
            float* row = y + (n * g.k + k) * g.outVol;
            for (int64_t i = 0; i < g.outVol; ++i) row[i] += bias[k];
        }
}

Tactic gemmTactic() {
    Tactic t;
    t.name = "openblas_gemm_col2im";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::DeconvolutionOp::kName || in.size() < 2) return false;
        if (!allFloat32(in)) return false;
        for (const ir::ValueInfo& v : in)
            for (const ir::DimExpr& d : v.shape)
                if (d.isConst() && d.value() > (int64_t{1} << 30)) return false;
        return true;
    };
    t.workspaceSize = workspaceBytes;
    t.run = runGemm;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Deconvolution", gemmTactic());

}  // namespace
}  // namespace kiln::cpu
