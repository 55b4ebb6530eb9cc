// Shared by the Convolution/Deconvolution kernels: concrete geometry of a node and the fused
// activation epilogue.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "ir/ops/spatial.h"

namespace kiln::cpu {

//! Concrete sizes of one (de)convolution: batch folds every dim before the channel axis.
struct ConvGeometry {
    int32_t ns{0};
    int64_t batch{1}, c{0}, k{0}, groups{1};
    std::vector<int64_t> in, out, kernel, stride, dilation, pre;
    int64_t inVol{1}, outVol{1}, kVol{1};
};

//! `forward`: Convolution (weights [K, C/g, k...]); otherwise Deconvolution (weights [C, K/g, k...]).
template <class OpT>
ConvGeometry convGeometry(const OpT& op, const KernelArgs& a, bool forward) {
    const ir::TensorView& x = a.inputs[0];
    const ir::TensorView& w = a.inputs[1];
    const ir::TensorView& y = a.outputs[0];
    ConvGeometry g;
    g.ns = w.rank - 2;
    const int32_t c0 = x.rank - g.ns - 1;
    for (int32_t i = 0; i < c0; ++i) g.batch *= x.dims[i];
    g.c = x.dims[c0];
    g.k = y.dims[c0];
    g.groups = op.nbGroups;
    ir::WindowAttrs attrs =
        ir::windowAttrs("", g.ns, op.stride, op.dilation, op.prePadding, op.postPadding, op.paddingMode);
    g.stride = attrs.stride;
    g.dilation = attrs.dilation;
    for (int32_t i = 0; i < g.ns; ++i) {
        g.in.push_back(x.dims[c0 + 1 + i]);
        g.out.push_back(y.dims[c0 + 1 + i]);
        g.kernel.push_back(w.dims[2 + i]);
        int64_t dk = 1 + g.dilation[i] * (g.kernel[i] - 1);
        ir::WindowAxis ax =
            forward
                ? ir::forwardWindowAxis(op.paddingMode, g.in[i], dk, g.stride[i], attrs.pre[i], attrs.post[i], false)
                : ir::deconvWindowAxis(op.paddingMode, g.in[i], dk, g.stride[i], attrs.pre[i], attrs.post[i]);
        g.pre.push_back(ax.pre.value());
        g.inVol *= g.in[i];
        g.outVol *= g.out[i];
        g.kVol *= g.kernel[i];
    }
    return g;
}

//! Any float view converted to float (weights and bias may differ in type from the input).
inline std::vector<float> toFloatVector(const ir::TensorView& v) {
    std::vector<float> r(static_cast<size_t>(v.numel()));
    dispatchType(v.type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* p = v.as<const T>();
        for (size_t i = 0; i < r.size(); ++i) r[i] = static_cast<float>(load(p, static_cast<int64_t>(i)));
    });
    return r;
}

}  // namespace kiln::cpu
