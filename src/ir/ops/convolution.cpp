#include "ir/ops/convolution.h"

#include "ir/ops/spatial.h"

namespace kiln::ir {

void ConvolutionOp::inferShapes(InferContext& ctx) const {
    const std::string& node = ctx.nodeName();
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 2 || ctx.nbInputs() == 3)
        << "Convolution takes 2 or 3 inputs (input, kernel weights, bias), got " << ctx.nbInputs();
    const ValueInfo& x = ctx.input(0);
    const ValueInfo& w = ctx.input(1);
    KILN_SHAPE_CHECK(ctx, isFloatType(x.type) && isFloatType(w.type))
        << "Convolution supports float32/float16/bfloat16 input and weights, got " << dataTypeName(x.type) << " and "
        << dataTypeName(w.type);
    const int32_t ns = kernelSize.empty() ? ctx.rank(1) - 2 : static_cast<int32_t>(kernelSize.size());
    KILN_SHAPE_CHECK(ctx, ns >= 1 && ns <= Dims::MAX_DIMS - 2)
        << "kernel weights of shape " << toString(w.shape) << " give " << ns << " spatial dimensions, expected 1 to "
        << Dims::MAX_DIMS - 2;
    KILN_SHAPE_CHECK(ctx, ctx.rank(0) >= ns + 2) << "input has shape " << toString(x.shape) << ", expected at least "
                                                 << ns + 2 << " dimensions [N, C, " << ns << " spatial]";
    KILN_SHAPE_CHECK(ctx, ctx.rank(1) == ns + 2) << "kernel weights have shape " << toString(w.shape) << ", expected "
                                                 << ns + 2 << " dimensions [K, C/groups, kernel...]";
    KILN_SHAPE_CHECK(ctx, nbGroups >= 1) << "nbGroups must be >= 1, got " << nbGroups;
    KILN_SHAPE_CHECK(ctx, fusedActivation < 0 || isFusableActivation(fusedActivation))
        << "fused activation type " << fusedActivation
        << " is not supported (RELU, SIGMOID, TANH, LEAKY_RELU, CLIP, GELU_ERF are)";

    const int32_t c0 = ctx.rank(0) - ns - 1;  // channel axis; dims before it are batch
    const DimExpr& c = x.shape[c0];
    KILN_SHAPE_CHECK(ctx, !c.isConst() || c.value() % nbGroups == 0)
        << "input channels " << c.toString() << " (input shape " << toString(x.shape)
        << ") are not divisible by nbGroups " << nbGroups;
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

    std::vector<int64_t> kernel(ns);
    for (int32_t i = 0; i < ns; ++i) {
        const DimExpr& kd = w.shape[2 + i];
        KILN_SHAPE_CHECK(ctx, kd.isConst()) << "kernel weights need known spatial dims, got " << toString(w.shape);
        kernel[i] = kd.value();
        KILN_SHAPE_CHECK(ctx, kernel[i] >= 1)
            << "kernel weights have shape " << toString(w.shape) << ", expected kernel dims >= 1";
        KILN_SHAPE_CHECK(ctx, kernelSize.empty() || kernelSize[i] == kernel[i])
            << "kernelSize " << dimsToString(kernelSize) << " does not match kernel weights " << toString(w.shape);
    }
    if (ctx.hasInput(2)) {
        const ValueInfo& b = ctx.input(2);
        KILN_SHAPE_CHECK(ctx, isFloatType(b.type)) << "bias must be a float type, got " << dataTypeName(b.type);
        KILN_SHAPE_CHECK(ctx, ctx.rank(2) == 1 && dimsMayMatch(b.shape[0], k))
            << "bias has shape " << toString(b.shape) << ", expected [" << k.toString() << "]";
    }

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
    ctx.setOutput(0, x.type, std::move(out));
}

KILN_REGISTER_OP(ConvolutionOp)

}  // namespace kiln::ir
