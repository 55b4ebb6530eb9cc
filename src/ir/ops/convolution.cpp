#include "ir/ops/convolution.h"

#include "ir/ops/spatial.h"

namespace kiln::ir {

void ConvolutionOp::inferShapes(InferContext& ctx) const {
    const std::string& node = ctx.nodeName();
    const int32_t ns = checkConvInputs(ctx, "Convolution", kernelSize, nbGroups, "[K, C/groups, kernel...]", 4);
    const ValueInfo& x = ctx.input(0);
    const ValueInfo& w = ctx.input(1);
    KILN_SHAPE_CHECK(ctx, fusedActivation < 0 || isFusableActivation(fusedActivation))
        << "fused activation type " << fusedActivation
        << " is not supported (RELU, SIGMOID, TANH, LEAKY_RELU, CLIP, GELU_ERF, GELU_TANH are)";

    const int32_t c0 = ctx.rank(0) - ns - 1;  // channel axis; dims before it are batch
    const DimExpr& c = x.shape[c0];
    const DimExpr& k = w.shape[0];
    KILN_SHAPE_CHECK(ctx, nbOutputMaps <= 0 || dimsMayMatch(k, nbOutputMaps))
        << "kernel weights have shape " << toString(w.shape) << ", expected " << nbOutputMaps
        << " output maps in dimension 0";
    KILN_SHAPE_CHECK(ctx, !k.isConst() || k.value() % nbGroups == 0)
        << "output maps " << k.toString() << " are not divisible by nbGroups " << nbGroups;
    KILN_SHAPE_CHECK(ctx, dimsMayMatch(w.shape[1], floorDiv(c, nbGroups)))
        << "kernel weights have shape " << toString(w.shape)
        << ", expected dimension 1 = C/groups = " << floorDiv(c, nbGroups).toString() << " for input "
        << toString(x.shape) << " and nbGroups " << nbGroups;

    const std::vector<int64_t> kernel = kernelDimsOf(ctx, kernelSize, ns);
    checkConvBias(ctx, k);

    WindowAttrs a = windowAttrs(node, ns, stride, dilation, prePadding, postPadding, paddingMode);
    Shape out(x.shape.begin(), x.shape.begin() + c0);
    out.push_back(k);
    for (int32_t i = 0; i < ns; ++i) {
        const DimExpr& in = x.shape[c0 + 1 + i];
        int64_t dk = 1 + a.dilation[i] * (kernel[i] - 1);
        WindowAxis ax = forwardWindowAxis(paddingMode, in, dk, a.stride[i], a.pre[i], a.post[i], false);
        KILN_SHAPE_CHECK(ctx, !ax.out.isConst() || ax.out.value() >= 1)
            << "input " << toString(x.shape) << " with padding " << dimsToString(a.pre) << "/" << dimsToString(a.post)
            << " is smaller than the dilated kernel " << dk << " in spatial dimension " << i;
        out.push_back(ax.out);
    }
    if (ctx.hasInput(3)) {  // the fused residual: added before the activation, same shape and type
        const ValueInfo& r = ctx.input(3);
        bool same = r.type == x.type && r.shape.size() == out.size();
        for (size_t i = 0; same && i < out.size(); ++i) same = dimsMayMatch(r.shape[i], out[i]);
        KILN_SHAPE_CHECK(ctx, same) << "residual input has type " << dataTypeName(r.type) << " and shape "
                                    << toString(r.shape) << ", expected " << dataTypeName(x.type) << " "
                                    << toString(out);
    }
    ctx.setOutput(0, x.type, std::move(out));
}

KILN_REGISTER_OP(ConvolutionOp)

}  // namespace kiln::ir
