#include "ir/ops/spatial.h"

namespace kiln::ir {

int32_t checkConvInputs(const InferContext& ctx, const char* opName, const std::vector<int64_t>& kernelSize,
                        int64_t nbGroups, const char* weightLayout, int32_t maxInputs) {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() >= 2 && ctx.nbInputs() <= maxInputs)
        << opName << " takes 2 to " << maxInputs << " inputs (input, kernel weights, bias"
        << (maxInputs > 3 ? ", residual" : "") << "), got " << ctx.nbInputs();
    const ValueInfo& x = ctx.input(0);
    const ValueInfo& w = ctx.input(1);
    KILN_SHAPE_CHECK(ctx, isFloat32OrNarrower(x.type) && isFloat32OrNarrower(w.type))
        << opName << " supports float32/float16/bfloat16 input and weights, got " << dataTypeName(x.type) << " and "
        << dataTypeName(w.type);
    const int32_t ns = kernelSize.empty() ? ctx.rank(1) - 2 : static_cast<int32_t>(kernelSize.size());
    KILN_SHAPE_CHECK(ctx, ns >= 1 && ns <= Dims::MAX_DIMS - 2)
        << "kernel weights of shape " << toString(w.shape) << " give " << ns << " spatial dimensions, expected 1 to "
        << Dims::MAX_DIMS - 2;
    KILN_SHAPE_CHECK(ctx, ctx.rank(0) >= ns + 2) << "input has shape " << toString(x.shape) << ", expected at least "
                                                 << ns + 2 << " dimensions [N, C, " << ns << " spatial]";
    KILN_SHAPE_CHECK(ctx, ctx.rank(1) == ns + 2) << "kernel weights have shape " << toString(w.shape) << ", expected "
                                                 << ns + 2 << " dimensions " << weightLayout;
    KILN_SHAPE_CHECK(ctx, nbGroups >= 1) << "nbGroups must be >= 1, got " << nbGroups;
    const DimExpr& c = x.shape[ctx.rank(0) - ns - 1];
    KILN_SHAPE_CHECK(ctx, !c.isConst() || c.value() % nbGroups == 0)
        << "input channels " << c.toString() << " (input shape " << toString(x.shape)
        << ") are not divisible by nbGroups " << nbGroups;
    return ns;
}

std::vector<int64_t> kernelDimsOf(const InferContext& ctx, const std::vector<int64_t>& kernelSize, int32_t ns) {
    const ValueInfo& w = ctx.input(1);
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
    return kernel;
}

void checkConvBias(const InferContext& ctx, const DimExpr& k) {
    if (!ctx.hasInput(2)) return;
    const ValueInfo& b = ctx.input(2);
    KILN_SHAPE_CHECK(ctx, isFloat32OrNarrower(b.type)) << "bias must be a float type, got " << dataTypeName(b.type);
    KILN_SHAPE_CHECK(ctx, ctx.rank(2) == 1 && dimsMayMatch(b.shape[0], k))
        << "bias has shape " << toString(b.shape) << ", expected [" << k.toString() << "]";
}

}  // namespace kiln::ir
