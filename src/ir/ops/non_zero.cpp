#include "ir/ops/non_zero.h"

namespace kiln::ir {

void NonZeroOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "NonZero takes 1 input, got " << ctx.nbInputs();
    const Shape& in = ctx.input(0).shape;
    // The count is known only when the kernel has run; it never exceeds the input's volume.
    DimExpr count = ctx.newDataDependentDim(volume(in));
    ctx.setOutput(0, DataType::kINT64, Shape{DimExpr(static_cast<int64_t>(in.size())), count});
}

KILN_REGISTER_OP(NonZeroOp)

}  // namespace kiln::ir
