// Convolution as im2col + OpenBLAS sgemm (float32): per image and group, the receptive fields
// are unrolled into a [C/g * kernel, outputs] matrix in the workspace and multiplied by the
// group's [K/g, C/g * kernel] weights. 1x1, stride-1, unpadded convolutions skip the unrolling.
#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "backends/cpu/kernels/activation_math.h"
#include "backends/cpu/kernels/conv_common.h"
#include "ir/ops/convolution.h"

namespace kiln::cpu {
namespace {

bool isPointwise(const ConvGeometry& g) {
    for (int32_t d = 0; d < g.ns; ++d)
        if (g.kernel[d] != 1 || g.stride[d] != 1 || g.pre[d] != 0 || g.out[d] != g.in[d]) return false;
    return true;
}

// 2-D convolutions whose unrolled matrix exceeds this are unrolled a block of output positions
// at a time, so the block stays in cache while the GEMM reads it.
constexpr int64_t kMaxUnrolledBytes = int64_t(1) << 20;

//! Output positions per unrolled block (all of them when no tiling is needed).
int64_t tileColumns(const ConvGeometry& g) {
    const int64_t depth = g.c / g.groups * g.kVol;
    if (g.ns != 2 || depth == 0 || depth * g.outVol * int64_t(sizeof(float)) <= kMaxUnrolledBytes) return g.outVol;
    return std::clamp<int64_t>(kMaxUnrolledBytes / (depth * int64_t(sizeof(float))) / 16 * 16, 64, g.outVol);
}

size_t workspaceBytes(const KernelArgs& a) {
    ConvGeometry g = convGeometry(a.opAs<ir::ConvolutionOp>(), a, true);
    if (isPointwise(g)) return 0;
    return static_cast<size_t>(g.c / g.groups * g.kVol * tileColumns(g)) * sizeof(float);
}

//! Unrolls output positions [p0, p1) of one group of one 2-D image into col ([depth, p1 - p0]).
void im2colTile(const float* x, const ConvGeometry& g, int64_t cg, int64_t p0, int64_t p1, float* col) {
    const int64_t ow = g.out[1], ih = g.in[0], iw = g.in[1], n = p1 - p0;
    for (int64_t ci = 0; ci < cg; ++ci) {
        const float* xc = x + ci * g.inVol;
        for (int64_t kh = 0; kh < g.kernel[0]; ++kh) {
            for (int64_t kw = 0; kw < g.kernel[1]; ++kw) {
                float* dst = col + ((ci * g.kernel[0] + kh) * g.kernel[1] + kw) * n;
                int64_t r = p0 / ow, c = p0 % ow;
                for (int64_t p = 0; p < n;) {
                    // One output row segment: [c, c + len) of row r.
                    const int64_t len = std::min(ow - c, n - p);
                    const int64_t sy = r * g.stride[0] - g.pre[0] + kh * g.dilation[0];
                    if (sy < 0 || sy >= ih) {
                        std::memset(dst + p, 0, static_cast<size_t>(len) * sizeof(float));
                    } else {
                        unrollSegment(dst + p, xc + sy * iw, len, c, g.stride[1], kw * g.dilation[1] - g.pre[1], iw);
                    }
                    p += len;
                    c = 0;
                    ++r;
                }
            }
        }
    }
}

//! Unrolls one group of one image: row (ci, kernel position), column output position.
void im2col(const float* x, const ConvGeometry& g, int64_t cg, float* col) {
    const int32_t last = g.ns - 1;
    const int64_t rowLen = g.out[last];
    const int64_t outerVol = g.outVol / std::max<int64_t>(rowLen, 1);
    int64_t kk[Dims::MAX_DIMS], o[Dims::MAX_DIMS];
    for (int64_t ci = 0; ci < cg; ++ci) {
        const float* xc = x + ci * g.inVol;
        for (int64_t kp = 0; kp < g.kVol; ++kp) {
            for (int64_t r = kp, d = last; d >= 0; --d) kk[d] = r % g.kernel[d], r /= g.kernel[d];
            float* dst = col + (ci * g.kVol + kp) * g.outVol;
            for (int64_t outer = 0; outer < outerVol; ++outer, dst += rowLen) {
                int64_t off = 0;
                bool inside = true;
                for (int64_t r = outer, d = last - 1; d >= 0; --d) o[d] = r % g.out[d], r /= g.out[d];
                for (int32_t d = 0; d < last && inside; ++d) {
                    int64_t p = o[d] * g.stride[d] - g.pre[d] + kk[d] * g.dilation[d];
                    inside = p >= 0 && p < g.in[d];
                    off = off * g.in[d] + p;
                }
                if (!inside) {
                    std::memset(dst, 0, static_cast<size_t>(rowLen) * sizeof(float));
                    continue;
                }
                unrollSegment(dst, xc + off * g.in[last], rowLen, 0, g.stride[last],
                              kk[last] * g.dilation[last] - g.pre[last], g.in[last]);
            }
        }
    }
}

void runGemm(KernelArgs& a) {
    const auto& op = a.opAs<ir::ConvolutionOp>();
    ConvGeometry g = convGeometry(op, a, true);
    const float* x = a.inputs[0].as<const float>();
    const float* w = a.inputs[1].as<const float>();
    const float* bias = a.has(2) ? a.inputs[2].as<const float>() : nullptr;
    float* y = a.outputs[0].as<float>();
    const int64_t cg = g.c / g.groups, kg = g.k / g.groups, depth = cg * g.kVol;
    const bool pointwise = isPointwise(g);
    float* col = static_cast<float*>(a.workspace);
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t grp = 0; grp < g.groups; ++grp) {
            const float* xg = x + (n * g.c + grp * cg) * g.inVol;
            float* yg = y + (n * g.k + grp * kg) * g.outVol;
            if (kg == 0 || g.outVol == 0) continue;
            if (depth == 0) {  // no input channels: the sum is empty
                std::memset(yg, 0, static_cast<size_t>(kg * g.outVol) * sizeof(float));
                continue;
            }
            const float* b = xg;
            const int64_t tile = pointwise ? g.outVol : tileColumns(g);
            if (tile < g.outVol) {
                for (int64_t p0 = 0; p0 < g.outVol; p0 += tile) {
                    const int64_t p1 = std::min(g.outVol, p0 + tile);
                    im2colTile(xg, g, cg, p0, p1, col);
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(kg),
                                static_cast<int>(p1 - p0), static_cast<int>(depth), 1.f, w + grp * kg * depth,
                                static_cast<int>(depth), col, static_cast<int>(p1 - p0), 0.f, yg + p0,
                                static_cast<int>(g.outVol));
                }
                continue;
            }
            if (!pointwise) {
                im2col(xg, g, cg, col);
                b = col;
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(kg), static_cast<int>(g.outVol),
                        static_cast<int>(depth), 1.f, w + grp * kg * depth, static_cast<int>(depth), b,
                        static_cast<int>(g.outVol), 0.f, yg, static_cast<int>(g.outVol));
        }
    }
    const float* residual = residualOf(a);
    if (!bias && !residual && op.fusedActivation < 0) return;
    const float alpha = static_cast<float>(op.fusedAlpha), beta = static_cast<float>(op.fusedBeta);
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t k = 0; k < g.k; ++k) {
            float* row = y + (n * g.k + k) * g.outVol;
            const float bk = bias ? bias[k] : 0.f;
            if (bias)
                for (int64_t i = 0; i < g.outVol; ++i) row[i] += bk;
            addResidual(row, residual ? residual + (n * g.k + k) * g.outVol : nullptr, g.outVol);
            if (op.fusedActivation >= 0) activateInPlace(op.fusedActivation, alpha, beta, row, g.outVol);
        }
    }
}

Tactic gemmTactic() {
    Tactic t;
    t.name = "openblas_im2col_gemm";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::ConvolutionOp::kName || in.size() < 2) return false;
        if (!allFloat32(in)) return false;
        // BLAS takes int sizes.
        for (const ir::ValueInfo& v : in)
            for (const ir::DimExpr& d : v.shape)
                if (d.isConst() && d.value() > (int64_t{1} << 30)) return false;
        return true;
    };
    t.workspaceSize = workspaceBytes;
    t.run = runGemm;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Convolution", gemmTactic());

}  // namespace
}  // namespace kiln::cpu
