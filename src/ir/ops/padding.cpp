#include "ir/ops/padding.h"

namespace kiln::ir {

void PaddingOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "Padding takes 1 input, got " << ctx.nbInputs();
    const ValueInfo& x = ctx.input(0);
    KILN_SHAPE_CHECK(ctx, prePadding.size() == postPadding.size())
        << "prePadding " << dimsToString(prePadding) << " and postPadding " << dimsToString(postPadding)
        << " must have the same length";
    const int32_t n = static_cast<int32_t>(prePadding.size());
    KILN_SHAPE_CHECK(ctx, ctx.rank(0) >= n)
        << "input has shape " << toString(x.shape) << ", expected at least " << n << " dimensions to pad";
    Shape out = x.shape;
    for (int32_t i = 0; i < n; ++i) {
        DimExpr& d = out[out.size() - n + i];
        d = d + prePadding[i] + postPadding[i];
        KILN_SHAPE_CHECK(ctx, !d.isConst() || d.value() >= 0)
            << "padding " << dimsToString(prePadding) << "/" << dimsToString(postPadding) << " crops more than input "
            << toString(x.shape) << " holds";
    }
    ctx.setOutput(0, x.type, std::move(out));
}

KILN_REGISTER_OP(PaddingOp)

}  // namespace kiln::ir
