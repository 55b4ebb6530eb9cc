// Max and average pooling of float32 over two window dims (NCHW's H and W), the CNN case: the
// window's rows are walked directly, without the reference's per-element index arithmetic, and
// an average sums in float32 (the reference sums in double: within float rounding of it).
// NaN propagates through max as in the reference.
#include <algorithm>
#include <limits>
#include <string>

#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/pooling_common.h"
#include "backends/cpu/kernels/simd_clones.h"

namespace kiln::cpu {
namespace {

struct Window2d {
    int64_t h0, h1, w0, w1;  //!< the window clipped to the input
    int64_t padded;          //!< its size clipped to the padded input (average counting padding)
};

inline Window2d windowAt(const PoolGeometry& g, const ir::PoolingOp& op, int64_t oh, int64_t ow) {
    const int64_t sh = oh * g.stride[0] - g.pre[0], sw = ow * g.stride[1] - g.pre[1];
    Window2d w;
    w.h0 = std::max<int64_t>(sh, 0), w.h1 = std::min(sh + op.window[0], g.in[0]);
    w.w0 = std::max<int64_t>(sw, 0), w.w1 = std::min(sw + op.window[1], g.in[1]);
    w.padded = (std::min(sh + op.window[0], g.end[0]) - std::max(sh, -g.pre[0])) *
               (std::min(sw + op.window[1], g.end[1]) - std::max(sw, -g.pre[1]));
    return w;
}

//! One plane (one image's channel): every output of it, in a function compiled per vector width
//! (the window loops inline into it; calling a clone per window cost more than the window).
KILN_SIMD_CLONES void poolPlane(const float* plane, float* out, const PoolGeometry& g, const ir::PoolingOp& op,
                                bool isMax) {
    const int64_t width = g.in[1];
    for (int64_t oh = 0; oh < g.out[0]; ++oh)
        for (int64_t ow = 0; ow < g.out[1]; ++ow) {
            const Window2d w = windowAt(g, op, oh, ow);
            float v = 0.f;
            if (isMax) {
                float m = -std::numeric_limits<float>::infinity();
                for (int64_t h = w.h0; h < w.h1; ++h)
                    for (int64_t x = w.w0; x < w.w1; ++x) {
                        const float e = plane[h * width + x];
                        m = e > m || e != e ? e : m;  // NaN propagates
                    }
                v = w.h0 < w.h1 && w.w0 < w.w1 ? m : 0.f;
            } else {
                const int64_t count = std::max<int64_t>(w.h1 - w.h0, 0) * std::max<int64_t>(w.w1 - w.w0, 0);
                float sum = 0.f;
                for (int64_t h = w.h0; h < w.h1; ++h)
                    for (int64_t x = w.w0; x < w.w1; ++x) sum += plane[h * width + x];
                const int64_t divisor = op.averageCountExcludesPadding ? count : w.padded;
                v = count ? sum / static_cast<float>(divisor) : 0.f;
            }
            out[oh * g.out[1] + ow] = v;
        }
}

void run2d(KernelArgs& a) {
    const auto& op = a.opAs<ir::PoolingOp>();
    const ir::TensorView& x = a.inputs[0];
    ir::TensorView& y = a.outputs[0];
    KILN_CHECK(x.type == DataType::kFLOAT && op.window.size() == 2) << "Pooling float32_2d: float32, 2-D windows";
    const PoolGeometry g = poolGeometry(op, x, y);
    const float* src = x.as<const float>();
    float* dst = y.as<float>();
    const bool isMax = op.type == PoolingType::kMAX;
    for (int64_t b = 0; b < g.outer; ++b) poolPlane(src + b * g.inVol, dst + b * g.outVol, g, op, isMax);
}

Tactic fast2dTactic() {
    Tactic t;
    t.name = "float32_2d";
    t.supports = [](const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
        if (std::string(op.name()) != ir::PoolingOp::kName || in.size() != 1 || in[0].type != DataType::kFLOAT)
            return false;
        const auto& p = static_cast<const ir::PoolingOp&>(op);
        return p.window.size() == 2 && in[0].shape.size() >= 2 &&
               (p.type == PoolingType::kMAX || p.type == PoolingType::kAVERAGE);
    };
    t.run = run2d;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Pooling", fast2dTactic());

}  // namespace
}  // namespace kiln::cpu
