#include "ir/ops/deconvolution.h"

#include "ir/ops/spatial.h"

namespace kiln::ir {

void DeconvolutionOp::inferShapes(InferContext& ctx) const {
    const std::string& node = ctx.nodeName();
    const int32_t ns = checkConvInputs(ctx, "Deconvolution", kernelSize, nbGroups, "[C, K/groups, kernel...]");
    const ValueInfo& x = ctx.input(0);
    const ValueInfo& w = ctx.input(1);

    const int32_t c0 = ctx.rank(0) - ns - 1;
    const DimExpr& c = x.shape[c0];
    KILN_SHAPE_CHECK(ctx, dimsMayMatch(w.shape[0], c))
        << "kernel weights have shape " << toString(w.shape) << ", expected dimension 0 = C = " << c.toString()
        << " for input " << toString(x.shape);
    DimExpr k = w.shape[1] * nbGroups;
    KILN_SHAPE_CHECK(ctx, nbOutputMaps <= 0 || dimsMayMatch(k, nbOutputMaps))
        << "kernel weights have shape " << toString(w.shape) << ", expected dimension 1 = K/groups = " << nbOutputMaps
        << "/" << nbGroups;

    const std::vector<int64_t> kernel = kernelDimsOf(ctx, kernelSize, ns);
    checkConvBias(ctx, k);

    WindowAttrs a = windowAttrs(node, ns, stride, dilation, prePadding, postPadding, paddingMode);
    Shape out(x.shape.begin(), x.shape.begin() + c0);
    out.push_back(k);
    for (int32_t i = 0; i < ns; ++i) {
        const DimExpr& in = x.shape[c0 + 1 + i];
        int64_t dk = 1 + a.dilation[i] * (kernel[i] - 1);
        WindowAxis ax = deconvWindowAxis(paddingMode, in, dk, a.stride[i], a.pre[i], a.post[i]);
        KILN_SHAPE_CHECK(ctx, !ax.out.isConst() || ax.out.value() >= 0)
            << "padding " << dimsToString(a.pre) << "/" << dimsToString(a.post) << " removes more than the output of "
            << "input " << toString(x.shape) << " in spatial dimension " << i;
        out.push_back(ax.out);
    }
    ctx.setOutput(0, x.type, std::move(out));
}

KILN_REGISTER_OP(DeconvolutionOp)

}  // namespace kiln::ir
