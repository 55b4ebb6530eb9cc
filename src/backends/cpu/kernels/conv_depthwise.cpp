// Depthwise 2-D convolution (one input channel per group, float32): direct loops, compiled per
// vector width (simd_clones.h). im2col + GEMM does a tiny matrix product per channel there,
// which is mostly overhead.
// Stride 1 (kernels up to 7x7): the channel is copied into a zero-padded plane (in the workspace) whose rows are
// as wide as the outputs' receptive fields, and the outputs are computed on that plane's row
// pitch, so each kernel tap is one long contiguous loop over the whole channel instead of one
// short loop per output row (small feature maps are all loop overhead otherwise); the columns
// past each output row are computed and dropped. Every output still adds the bias and then the
// taps in kernel order (a padded tap adds w * 0).
// Other strides: one output row at a time, the inner loop over output columns.
#include <algorithm>
#include <cstring>
#include <string>

#include "backends/cpu/kernels/activation_math.h"
#include "backends/cpu/kernels/conv_common.h"
#include "backends/cpu/kernels/simd_clones.h"
#include "ir/ops/convolution.h"

namespace kiln::cpu {
namespace {

//! Stride 1's padded plane: its row pitch, its rows, and the floats it and the output grid need.
struct PaddedPlane {
    int64_t pitch, rows;
    size_t floats(int64_t oh) const { return static_cast<size_t>((rows + oh) * pitch); }
};

PaddedPlane paddedPlane(const ConvGeometry& g) {
    return {g.out[1] + (g.kernel[1] - 1) * g.dilation[1], g.out[0] + (g.kernel[0] - 1) * g.dilation[0]};
}

// Kernels up to 7x7 keep their tap offsets on the stack.
constexpr int64_t kMaxTaps = 49;

bool usesPaddedPlane(const ConvGeometry& g) {
    return g.stride[0] == 1 && g.stride[1] == 1 && g.kernel[0] * g.kernel[1] <= kMaxTaps;
}

size_t workspaceBytes(const KernelArgs& a) {
    ConvGeometry g = convGeometry(a.opAs<ir::ConvolutionOp>(), a, true);
    return usesPaddedPlane(g) ? paddedPlane(g).floats(g.out[0]) * sizeof(float) : 0;
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

KILN_SIMD_CLONES void depthwiseStrideOne(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                                         float* y, float* work) {
    const int64_t kg = g.k / g.groups;
    const int64_t ih = g.in[0], iw = g.in[1], oh = g.out[0], ow = g.out[1];
    const int64_t kh = g.kernel[0], kw = g.kernel[1], dh = g.dilation[0], dw = g.dilation[1];
    const PaddedPlane plane = paddedPlane(g);
    const int64_t pitch = plane.pitch;
    float* padded = work;                       // [rows, pitch]: input row r - pre[0], column c - pre[1]
    float* grid = work + plane.rows * pitch;    // [oh, pitch]: outputs on the padded pitch
    const int64_t span = (oh - 1) * pitch + ow;  // grid positions up to the last real output
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t k = 0; k < g.k; ++k) {
            const float* xc = x + (n * g.c + k / kg) * g.inVol;
            for (int64_t r = 0; r < plane.rows; ++r) {
                float* dst = padded + r * pitch;
                const int64_t src = r - g.pre[0];
                if (src < 0 || src >= ih) {
                    std::fill_n(dst, pitch, 0.f);
                    continue;
                }
                const int64_t lo = std::min(g.pre[1], pitch), hi = std::clamp<int64_t>(g.pre[1] + iw, lo, pitch);
                std::fill(dst, dst + lo, 0.f);
                std::memcpy(dst + lo, xc + src * iw + (lo - g.pre[1]), static_cast<size_t>(hi - lo) * sizeof(float));
                std::fill(dst + hi, dst + pitch, 0.f);
            }
            const float* wk = w + k * kh * kw;
            int64_t offsets[kMaxTaps];
            const int64_t taps = kh * kw;
            for (int64_t i = 0; i < kh; ++i)
                for (int64_t j = 0; j < kw; ++j) offsets[i * kw + j] = i * dh * pitch + j * dw;
            const float b = bias ? bias[k] : 0.f;
            if (taps == 9)
                addTapGroup<9>(grid, padded, offsets, wk, true, b, span);
            else if (kw == 5)
                addTapRows<5>(grid, padded, offsets, wk, kh, b, span);
            else if (kw == 7)
                addTapRows<7>(grid, padded, offsets, wk, kh, b, span);
            else
                addTapsAnyKernel(grid, padded, offsets, taps, wk, b, span);
            float* yk = y + (n * g.k + k) * g.outVol;
            for (int64_t r = 0; r < oh; ++r) std::memcpy(yk + r * ow, grid + r * pitch, static_cast<size_t>(ow) * sizeof(float));
        }
    }
}

KILN_SIMD_CLONES void runDepthwise(KernelArgs& a) {
    const auto& op = a.opAs<ir::ConvolutionOp>();
    ConvGeometry g = convGeometry(op, a, true);
    const float* x = a.inputs[0].as<const float>();
    const float* w = a.inputs[1].as<const float>();
    const float* bias = a.has(2) ? a.inputs[2].as<const float>() : nullptr;
    float* y = a.outputs[0].as<float>();
    const int64_t kg = g.k / g.groups;  // outputs per input channel (the depth multiplier)
    const int64_t ih = g.in[0], iw = g.in[1], oh = g.out[0], ow = g.out[1];
    const int64_t kh = g.kernel[0], kw = g.kernel[1], sh = g.stride[0], sw = g.stride[1];
    const int64_t dh = g.dilation[0], dw = g.dilation[1], ph = g.pre[0], pw = g.pre[1];
    const float alpha = static_cast<float>(op.fusedAlpha), beta = static_cast<float>(op.fusedBeta);
    if (usesPaddedPlane(g)) {
        if (g.outVol == 0) return;
        depthwiseStrideOne(g, x, w, bias, y, static_cast<float*>(a.workspace));
        if (op.fusedActivation >= 0) activateInPlace(op.fusedActivation, alpha, beta, y, g.batch * g.k * g.outVol);
        return;
    }
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t k = 0; k < g.k; ++k) {
            const float* xc = x + (n * g.c + k / kg) * g.inVol;
            const float* wk = w + k * kh * kw;
            float* yk = y + (n * g.k + k) * g.outVol;
            const float b = bias ? bias[k] : 0.f;
            for (int64_t r = 0; r < oh; ++r) {
                float* row = yk + r * ow;
                std::fill_n(row, ow, b);
                for (int64_t i = 0; i < kh; ++i) {
                    const int64_t src = r * sh - ph + i * dh;
                    if (src < 0 || src >= ih) continue;
                    const float* xr = xc + src * iw;
                    for (int64_t j = 0; j < kw; ++j) {
                        const float wv = wk[i * kw + j];
                        const int64_t base = j * dw - pw;  // input column of output column c: c*sw + base
                        int64_t c0 = base >= 0 ? 0 : (-base + sw - 1) / sw;
                        int64_t c1 = std::min<int64_t>(ow, (iw - base + sw - 1) / sw);
                        if (sw == 1) {
                            const float* xs = xr + base;
                            for (int64_t c = c0; c < c1; ++c) row[c] += wv * xs[c];
                        } else {
                            for (int64_t c = c0; c < c1; ++c) row[c] += wv * xr[c * sw + base];
                        }
                    }
                }
                if (op.fusedActivation >= 0) activateInPlace(op.fusedActivation, alpha, beta, row, ow);
            }
        }
    }
}

Tactic depthwiseTactic() {
    Tactic t;
    t.name = "depthwise_direct";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::ConvolutionOp::kName || in.size() < 2) return false;
        for (const ir::ValueInfo& v : in)
            if (v.type != DataType::kFLOAT) return false;
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
