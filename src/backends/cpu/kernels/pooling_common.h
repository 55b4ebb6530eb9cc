// Pooling's window geometry, shared by the reference kernel and the fast 2-D tactic: the
// trailing window dims, the padding each side resolves to, and the end of the padded input
// (where windows are clipped when counting padding, as PyTorch and ONNX count it).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "backends/cpu/kernel.h"
#include "ir/ops/pooling.h"
#include "ir/ops/spatial.h"

namespace kiln::cpu {

struct PoolGeometry {
    int32_t ns{0};                             //!< window dims (the trailing dims of x)
    std::vector<int64_t> in, out, pre, end, stride;
    int64_t inVol{1}, outVol{1}, outer{1};     //!< per plane; planes (the leading dims)
};

inline PoolGeometry poolGeometry(const ir::PoolingOp& op, const ir::TensorView& x, const ir::TensorView& y) {
    PoolGeometry g;
    g.ns = static_cast<int32_t>(op.window.size());
    ir::WindowAttrs attrs = ir::windowAttrs("", g.ns, op.stride, {}, op.prePadding, op.postPadding, op.paddingMode);
    g.in.resize(g.ns), g.out.resize(g.ns), g.pre.resize(g.ns), g.end.resize(g.ns);
    g.stride = attrs.stride;
    for (int32_t i = 0; i < x.rank - g.ns; ++i) g.outer *= x.dims[i];
    for (int32_t i = 0; i < g.ns; ++i) {
        g.in[i] = x.dims[x.rank - g.ns + i];
        g.out[i] = y.dims[y.rank - g.ns + i];
        ir::WindowAxis ax = ir::forwardWindowAxis(op.paddingMode, g.in[i], op.window[i], attrs.stride[i], attrs.pre[i],
                                                  attrs.post[i], true);
        g.pre[i] = ax.pre.value();
        int64_t post = attrs.post[i];
        if (op.paddingMode == PaddingMode::kSAME_UPPER || op.paddingMode == PaddingMode::kSAME_LOWER)
            post = std::max<int64_t>(0, (g.out[i] - 1) * attrs.stride[i] + op.window[i] - g.in[i]) - g.pre[i];
        g.end[i] = g.in[i] + post;
        g.inVol *= g.in[i];
        g.outVol *= g.out[i];
    }
    return g;
}

}  // namespace kiln::cpu
