// Depthwise 2-D convolution (one input channel per group, float32): direct loops, one output
// row at a time, the inner loop over output columns (contiguous for stride 1, vectorized).
// im2col + GEMM does a tiny matrix product per channel there, which is mostly overhead.
#include <algorithm>
#include <cstring>
#include <string>

#include "backends/cpu/kernels/activation_math.h"
#include "backends/cpu/kernels/conv_common.h"
#include "ir/ops/convolution.h"

namespace kiln::cpu {
namespace {

void runDepthwise(KernelArgs& a) {
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
    return t;
}

KILN_REGISTER_CPU_TACTIC("Convolution", depthwiseTactic());

}  // namespace
}  // namespace kiln::cpu
