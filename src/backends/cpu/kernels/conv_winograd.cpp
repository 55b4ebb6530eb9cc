// 3x3 stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast
// Algorithms for Convolutional Neural Networks", 2015), float32: each 2x2 block of outputs
// comes from a 4x4 input tile in 16 multiplications per channel pair instead of 36. Per image:
//   U[xi][k][c] = (G g_kc G^T)[xi]         the kernels, transformed (16 x K x C)
//   V[xi][c][t] = (B^T d_ct B)[xi]         each input tile t, transformed (16 x C x tiles)
//   M[xi] = U[xi] V[xi]                    16 OpenBLAS products [K, C] x [C, tiles]
//   y tile = A^T M[.][k][t] A + bias
// The tiles are taken a block at a time so that V and M stay in cache. The transforms use only
// 0, +-1 and +-1/2, so the rounding stays close to a direct sum's. The builder times this
// against im2col + GEMM and keeps it only where it is faster (channel-heavy 3x3 layers).
#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "backends/cpu/kernels/activation_math.h"
#include "backends/cpu/kernels/conv_common.h"
#include "backends/cpu/kernels/simd_clones.h"
#include "ir/ops/convolution.h"

namespace kiln::cpu {
namespace {

constexpr int64_t kXi = 16;                      // positions of a transformed 4x4 tile
constexpr int64_t kBlockBytes = int64_t(1) << 22;  // V for one block of tiles stays within this

// The 16 matrices of V (and of M) are written together, one element each per tile: at a
// distance that is a multiple of 4 KiB they fall into the same cache sets and evict each other
// (a 1600-tile image ran 3x slower). Rows are padded to 32 floats and each matrix is followed by
// 16 more, which makes the distance an odd number of cache lines.
int64_t rowLength(int64_t tiles) { return (tiles + 31) / 32 * 32; }
int64_t matrixStride(int64_t rows, int64_t ld) { return rows * ld + 16; }

struct WinogradPlan {
    int64_t c, k, tilesH, tilesW, tiles, block;  // block: tiles transformed at a time
    int64_t planeH, planeW;                      // the zero-padded input plane of one channel
    int64_t uFloats() const { return kXi * k * c; }
    int64_t planeFloats() const { return c * planeH * planeW; }
    int64_t vFloats() const { return kXi * matrixStride(c, rowLength(block)); }
    int64_t mFloats() const { return kXi * matrixStride(k, rowLength(block)); }
    size_t bytes() const { return static_cast<size_t>(uFloats() + planeFloats() + vFloats() + mFloats()) * sizeof(float); }
};

WinogradPlan planFor(const ConvGeometry& g) {
    WinogradPlan p;
    p.c = g.c;
    p.k = g.k;
    p.tilesH = (g.out[0] + 1) / 2;
    p.tilesW = (g.out[1] + 1) / 2;
    p.tiles = p.tilesH * p.tilesW;
    p.planeH = 2 * p.tilesH + 2;
    p.planeW = 2 * p.tilesW + 2;
    const int64_t perTile = kXi * std::max<int64_t>(g.c, 1) * int64_t(sizeof(float));
    p.block = std::clamp<int64_t>(kBlockBytes / perTile / 16 * 16, 16, std::max<int64_t>(p.tiles, 16));
    return p;
}

size_t workspaceBytes(const KernelArgs& a) { return planFor(convGeometry(a.opAs<ir::ConvolutionOp>(), a, true)).bytes(); }

//! U = G g G^T for every (k, c), stored [xi][k][c]. G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1].
void transformKernels(const float* w, const WinogradPlan& p, float* u) {
    for (int64_t k = 0; k < p.k; ++k) {
        for (int64_t c = 0; c < p.c; ++c) {
            const float* g = w + (k * p.c + c) * 9;
            float t[4][3];  // G g
            for (int j = 0; j < 3; ++j) {
                t[0][j] = g[j];
                t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
                t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
                t[3][j] = g[6 + j];
            }
            for (int i = 0; i < 4; ++i) {  // (G g) G^T
                const float r[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]),
                                    t[i][2]};
                for (int j = 0; j < 4; ++j) u[((i * 4 + j) * p.k + k) * p.c + c] = r[j];
            }
        }
    }
}

//! The padded planes: plane row r, column s hold input (r - pre[0], s - pre[1]) or 0.
void fillPlanes(const float* x, const ConvGeometry& g, const WinogradPlan& p, float* planes) {
    for (int64_t c = 0; c < p.c; ++c) {
        for (int64_t r = 0; r < p.planeH; ++r) {
            float* dst = planes + (c * p.planeH + r) * p.planeW;
            const int64_t src = r - g.pre[0];
            if (src < 0 || src >= g.in[0])
                std::fill_n(dst, p.planeW, 0.f);
            else
                unrollSegment(dst, x + (c * g.in[0] + src) * g.in[1], p.planeW, 0, 1, -g.pre[1], g.in[1]);
        }
    }
}

//! V = B^T d B for tiles [t0, t0 + n), stored [xi][c][ld] (matrices matrixStride(c, ld) apart). B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
KILN_SIMD_CLONES void transformInputs(const float* planes, const WinogradPlan& p, int64_t t0, int64_t n, int64_t ld,
                                      float* v) {
    for (int64_t c = 0; c < p.c; ++c) {
        const float* plane = planes + c * p.planeH * p.planeW;
        for (int64_t i = 0; i < n; ++i) {
            const int64_t t = t0 + i, ty = t / p.tilesW, tx = t % p.tilesW;
            const float* d = plane + 2 * ty * p.planeW + 2 * tx;
            float b[4][4];  // B^T d
            for (int j = 0; j < 4; ++j) {
                const float d0 = d[j], d1 = d[p.planeW + j], d2 = d[2 * p.planeW + j], d3 = d[3 * p.planeW + j];
                b[0][j] = d0 - d2;
                b[1][j] = d1 + d2;
                b[2][j] = d2 - d1;
                b[3][j] = d1 - d3;
            }
            for (int r = 0; r < 4; ++r) {  // (B^T d) B
                const float row[4] = {b[r][0] - b[r][2], b[r][1] + b[r][2], b[r][2] - b[r][1], b[r][1] - b[r][3]};
                for (int s = 0; s < 4; ++s) v[(r * 4 + s) * matrixStride(p.c, ld) + c * ld + i] = row[s];
            }
        }
    }
}

//! y tile = A^T m A + bias for tiles [t0, t0 + n) (m as V, [xi][k][ld]), clipped to the output. A^T = [1 1 1 0; 0 1 -1 -1].
KILN_SIMD_CLONES void transformOutputs(const float* m, const WinogradPlan& p, const ConvGeometry& g,
                                       const float* bias, int64_t t0, int64_t n, int64_t ld, float* y) {
    const int64_t oh = g.out[0], ow = g.out[1];
    for (int64_t k = 0; k < p.k; ++k) {
        const float b = bias ? bias[k] : 0.f;
        float* yk = y + k * oh * ow;
        for (int64_t i = 0; i < n; ++i) {
            float q[4][4];
            for (int xi = 0; xi < kXi; ++xi) q[xi / 4][xi % 4] = m[xi * matrixStride(p.k, ld) + k * ld + i];
            float s[2][4];  // A^T m
            for (int j = 0; j < 4; ++j) {
                s[0][j] = q[0][j] + q[1][j] + q[2][j];
                s[1][j] = q[1][j] - q[2][j] - q[3][j];
            }
            const int64_t t = t0 + i, oy = 2 * (t / p.tilesW), ox = 2 * (t % p.tilesW);
            for (int r = 0; r < 2 && oy + r < oh; ++r) {
                const float out[2] = {s[r][0] + s[r][1] + s[r][2], s[r][1] - s[r][2] - s[r][3]};
                for (int cc = 0; cc < 2 && ox + cc < ow; ++cc) yk[(oy + r) * ow + ox + cc] = out[cc] + b;
            }
        }
    }
}

void runWinograd(KernelArgs& a) {
    const auto& op = a.opAs<ir::ConvolutionOp>();
    const ConvGeometry g = convGeometry(op, a, true);
    const WinogradPlan p = planFor(g);
    const float* x = a.inputs[0].as<const float>();
    const float* bias = a.has(2) ? a.inputs[2].as<const float>() : nullptr;
    float* y = a.outputs[0].as<float>();
    if (g.outVol == 0 || g.k == 0) return;
    float* u = static_cast<float*>(a.workspace);
    float* planes = u + p.uFloats();
    float* v = planes + p.planeFloats();
    float* m = v + p.vFloats();
    transformKernels(a.inputs[1].as<const float>(), p, u);
    for (int64_t n = 0; n < g.batch; ++n) {
        fillPlanes(x + n * g.c * g.inVol, g, p, planes);
        float* yn = y + n * g.k * g.outVol;
        for (int64_t t0 = 0; t0 < p.tiles; t0 += p.block) {
            const int64_t cnt = std::min(p.block, p.tiles - t0), ld = rowLength(cnt);
            transformInputs(planes, p, t0, cnt, ld, v);
            for (int64_t xi = 0; xi < kXi; ++xi)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(p.k), static_cast<int>(cnt),
                            static_cast<int>(p.c), 1.f, u + xi * p.k * p.c, static_cast<int>(p.c),
                            v + xi * matrixStride(p.c, ld), static_cast<int>(ld), 0.f, m + xi * matrixStride(p.k, ld),
                            static_cast<int>(ld));
            transformOutputs(m, p, g, bias, t0, cnt, ld, yn);
        }
    }
    addResidual(y, residualOf(a), g.batch * g.k * g.outVol);
    if (op.fusedActivation >= 0)
        activateInPlace(op.fusedActivation, static_cast<float>(op.fusedAlpha), static_cast<float>(op.fusedBeta), y,
                        g.batch * g.k * g.outVol);
}

bool allOnes(const std::vector<int64_t>& v) {
    return std::all_of(v.begin(), v.end(), [](int64_t x) { return x == 1; });
}

Tactic winogradTactic() {
    Tactic t;
    t.name = "winograd_f2x2_3x3";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::ConvolutionOp::kName || in.size() < 2) return false;
        if (!allFloat32(in)) return false;
        const auto& conv = static_cast<const ir::ConvolutionOp&>(op);
        if (conv.nbGroups != 1 || !allOnes(conv.stride) || !allOnes(conv.dilation)) return false;
        const ir::ValueInfo& w = in[1];
        if (w.shape.size() != 4 || in[0].shape.size() != 4) return false;
        for (size_t d = 0; d < 4; ++d) {
            if (!w.shape[d].isConst() || (d >= 2 && w.shape[d].value() != 3)) return false;
            if (w.shape[d].value() > (int64_t{1} << 20)) return false;  // BLAS takes int sizes
        }
        return true;
    };
    t.workspaceSize = workspaceBytes;
    t.run = runWinograd;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Convolution", winogradTactic());

}  // namespace
}  // namespace kiln::cpu
