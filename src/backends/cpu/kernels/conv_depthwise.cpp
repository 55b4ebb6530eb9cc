// Depthwise 2-D convolution (one input channel per group, float32), compiled per vector width
// (simd_clones.h). im2col + GEMM does a tiny matrix product per channel there, which is mostly
// overhead.
// Each channel is first copied into zero-padded phase planes in the workspace: plane (a, b)
// holds the padded input at rows r * stride_h + a and columns c * stride_w + b (one plane at
// stride 1), each as wide as the outputs' receptive fields need. Kernel tap (i, j) then reads
// one plane at a fixed offset from the output position, so the outputs are computed on the
// planes' row pitch as one long loop over the whole channel, every output summing its taps in
// a register, instead of one short loop per output row and tap (small feature maps are all
// loop overhead otherwise); the columns past each output row are computed and dropped. Every
// output adds the bias and then the taps in kernel order (a padded tap adds w * 0).
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "backends/cpu/kernels/activation_math.h"
#include "backends/cpu/kernels/conv_common.h"
#include "backends/cpu/kernels/simd_clones.h"
#include "ir/ops/convolution.h"

namespace kiln::cpu {
namespace {

//! The phase planes' layout: stride_h * stride_w planes of [rows, pitch], then the output grid
//! [out_h, pitch].
struct PhasePlanes {
    int64_t sh, sw, rows, pitch;
    int64_t planeFloats() const { return rows * pitch; }
    size_t floats(int64_t oh) const { return static_cast<size_t>((sh * sw * rows + oh) * pitch); }
};

PhasePlanes phasePlanes(const ConvGeometry& g) {
    const int64_t sh = g.stride[0], sw = g.stride[1];
    return {sh, sw, g.out[0] + (g.kernel[0] - 1) * g.dilation[0] / sh,
            g.out[1] + (g.kernel[1] - 1) * g.dilation[1] / sw};
}

size_t workspaceBytes(const KernelArgs& a) {
    ConvGeometry g = convGeometry(a.opAs<ir::ConvolutionOp>(), a, true);
    return phasePlanes(g).floats(g.out[0]) * sizeof(float);
}

//! grid[p] (or b, for the first group) + sum over taps t of w[t] * plane[offsets[t] + p], for p
//! in [0, n), added in tap order: a known tap count unrolls the inner loop, so the outer one
//! vectorizes with the sum in a register (groups of up to 9 taps; more spill and stop it).
template <int kTaps>
[[gnu::always_inline]] inline void addTapGroup(float* grid, const float* plane, const int64_t* offsets, const float* w,
                                               bool first, float b, int64_t n) {
    for (int64_t p = 0; p < n; ++p) {
        float acc = first ? b : grid[p];
        for (int t = 0; t < kTaps; ++t) acc += w[t] * plane[offsets[t] + p];
        grid[p] = acc;
    }
}

//! All taps of a kernel with kRowTaps columns, one kernel row per group.
template <int kRowTaps>
[[gnu::always_inline]] inline void addTapRows(float* grid, const float* plane, const int64_t* offsets, const float* w,
                                              int64_t rows, float b, int64_t n) {
    for (int64_t i = 0; i < rows; ++i)
        addTapGroup<kRowTaps>(grid, plane, offsets + i * kRowTaps, w + i * kRowTaps, i == 0, b, n);
}

//! The same for any tap count: a chunk of the grid stays in L1 while each tap adds into it.
void addTapsAnyKernel(float* grid, const float* plane, const int64_t* offsets, int64_t taps, const float* w, float b,
                      int64_t n) {
    constexpr int64_t kChunk = 1024;
    for (int64_t p0 = 0; p0 < n; p0 += kChunk) {
        const int64_t p1 = std::min(n, p0 + kChunk);
        std::fill(grid + p0, grid + p1, b);
        for (int64_t t = 0; t < taps; ++t) {
            const float wv = w[t];
            const float* xs = plane + offsets[t];
            for (int64_t p = p0; p < p1; ++p) grid[p] += wv * xs[p];
        }
    }
}

//! Copies one input channel into its phase planes (zero where the padding is).
KILN_SIMD_CLONES void fillPhasePlanes(const ConvGeometry& g, const PhasePlanes& pp, const float* xc, float* planes) {
    const int64_t ih = g.in[0], iw = g.in[1];
    for (int64_t a = 0; a < pp.sh; ++a) {
        for (int64_t b = 0; b < pp.sw; ++b) {
            float* plane = planes + (a * pp.sw + b) * pp.planeFloats();
            for (int64_t r = 0; r < pp.rows; ++r) {
                float* dst = plane + r * pp.pitch;
                const int64_t src = r * pp.sh + a - g.pre[0];
                if (src < 0 || src >= ih)
                    std::fill_n(dst, pp.pitch, 0.f);
                else
                    unrollSegment(dst, xc + src * iw, pp.pitch, 0, pp.sw, b - g.pre[1], iw);
            }
        }
    }
}

KILN_SIMD_CLONES void depthwise(const ConvGeometry& g, const float* x, const float* w, const float* bias, float* y,
                                float* work) {
    const int64_t kg = g.k / g.groups;  // outputs per input channel (the depth multiplier)
    const int64_t oh = g.out[0], ow = g.out[1];
    const int64_t kh = g.kernel[0], kw = g.kernel[1], taps = kh * kw;
    const PhasePlanes pp = phasePlanes(g);
    const int64_t pitch = pp.pitch;
    float* planes = work;
    float* grid = work + pp.sh * pp.sw * pp.planeFloats();  // outputs on the planes' pitch
    const int64_t span = (oh - 1) * pitch + ow;              // grid positions up to the last real output
    // Tap (i, j) reads padded row r * sh + i * dh: plane row phase (i * dh) % sh, shifted by
    // (i * dh) / sh rows; the same for columns.
    std::vector<int64_t> offsets(static_cast<size_t>(taps));
    for (int64_t i = 0; i < kh; ++i) {
        for (int64_t j = 0; j < kw; ++j) {
            const int64_t ri = i * g.dilation[0], cj = j * g.dilation[1];
            const int64_t plane = (ri % pp.sh) * pp.sw + cj % pp.sw;
            offsets[static_cast<size_t>(i * kw + j)] = plane * pp.planeFloats() + ri / pp.sh * pitch + cj / pp.sw;
        }
    }
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t k = 0; k < g.k; ++k) {
            fillPhasePlanes(g, pp, x + (n * g.c + k / kg) * g.inVol, planes);
            const float* wk = w + k * taps;
            const float b = bias ? bias[k] : 0.f;
            if (taps == 9)
                addTapGroup<9>(grid, planes, offsets.data(), wk, true, b, span);
            else if (kw == 5)
                addTapRows<5>(grid, planes, offsets.data(), wk, kh, b, span);
            else if (kw == 7)
                addTapRows<7>(grid, planes, offsets.data(), wk, kh, b, span);
            else
                addTapsAnyKernel(grid, planes, offsets.data(), taps, wk, b, span);
            float* yk = y + (n * g.k + k) * g.outVol;
            for (int64_t r = 0; r < oh; ++r)
                std::memcpy(yk + r * ow, grid + r * pitch, static_cast<size_t>(ow) * sizeof(float));
        }
    }
}

void runDepthwise(KernelArgs& a) {
    const auto& op = a.opAs<ir::ConvolutionOp>();
    ConvGeometry g = convGeometry(op, a, true);
    if (g.outVol == 0 || g.batch * g.k == 0) return;
    float* y = a.outputs[0].as<float>();
    depthwise(g, a.inputs[0].as<const float>(), a.inputs[1].as<const float>(),
              a.has(2) ? a.inputs[2].as<const float>() : nullptr, y, static_cast<float*>(a.workspace));
    addResidual(y, residualOf(a), g.batch * g.k * g.outVol);
    if (op.fusedActivation >= 0)
        activateInPlace(op.fusedActivation, static_cast<float>(op.fusedAlpha), static_cast<float>(op.fusedBeta), y,
                        g.batch * g.k * g.outVol);
}

Tactic depthwiseTactic() {
    Tactic t;
    t.name = "depthwise_direct";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::ConvolutionOp::kName || in.size() < 2) return false;
        if (!allFloat32(in)) return false;
        const auto& conv = static_cast<const ir::ConvolutionOp&>(op);
        const ir::ValueInfo& w = in[1];
        // 2-D kernels [K, 1, kh, kw] with one group per input channel.
        if (w.shape.size() != 4 || !w.shape[1].isConst() || w.shape[1].value() != 1) return false;
        const ir::ValueInfo& x = in[0];
        if (x.shape.size() < 3) return false;
        const ir::DimExpr& c = x.shape[x.shape.size() - 3];
        return c.isConst() && c.value() == conv.nbGroups && conv.nbGroups > 1;
    };
    t.run = runDepthwise;
    t.workspaceSize = workspaceBytes;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Convolution", depthwiseTactic());

}  // namespace
}  // namespace kiln::cpu
