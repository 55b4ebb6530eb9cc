// Shared by the Convolution/Deconvolution kernels: concrete geometry of a node and the fused
// activation epilogue.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
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

//! Convolution's fused residual (input 3, set by the residual fusion) as float32, checked
//! against the output; nullptr when there is none. Added after the bias, before the activation.
inline const float* residualOf(const KernelArgs& a) {
    if (!a.has(3)) return nullptr;
    const ir::TensorView& r = a.inputs[3];
    KILN_CHECK(r.type == DataType::kFLOAT && r.numel() == a.outputs[0].numel())
        << "Convolution: the residual has " << r.numel() << " " << dataTypeName(r.type) << " values for an output of "
        << a.outputs[0].numel() << " float32 values";
    return r.as<const float>();
}

//! y[i] += r[i]: a fused residual added over the whole output (fast tactics without a row loop).
inline void addResidual(float* y, const float* r, int64_t n) {
    if (r)
        for (int64_t i = 0; i < n; ++i) y[i] += r[i];
}

//! Every operand float32 (the fast convolution tactics' precondition).
inline bool allFloat32(const std::vector<ir::ValueInfo>& in) {
    for (const ir::ValueInfo& v : in)
        if (v.type != DataType::kFLOAT) return false;
    return true;
}

//! ceil(a / b) for b > 0 and any sign of a.
inline int64_t ceilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

//! dst[j] = src[(c0 + j) * stride + base] for j in [0, len), 0 where that index falls outside
//! [0, width): the padding is found once per segment, the inside copied without a test per
//! element (one memcpy at stride 1).
inline void unrollSegment(float* dst, const float* src, int64_t len, int64_t c0, int64_t stride, int64_t base,
                          int64_t width) {
    const int64_t first = c0 * stride + base;  // source index of j = 0
    const int64_t lo = std::clamp<int64_t>(ceilDiv(-first, stride), 0, len);
    const int64_t hi = std::clamp<int64_t>(ceilDiv(width - first, stride), lo, len);
    std::fill(dst, dst + lo, 0.f);
    const float* s = src + (first + lo * stride);  // (first alone may point before src)
    if (stride == 1) {
        std::memcpy(dst + lo, s, static_cast<size_t>(hi - lo) * sizeof(float));
    } else if (stride == 2) {  // a constant stride the vectorizer turns into shuffles
        for (int64_t j = lo; j < hi; ++j) dst[j] = s[(j - lo) * 2];
    } else {
        for (int64_t j = lo; j < hi; ++j) dst[j] = s[(j - lo) * stride];
    }
    std::fill(dst + hi, dst + len, 0.f);
}

}  // namespace kiln::cpu
