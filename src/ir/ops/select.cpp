#include "ir/ops/select.h"

namespace kiln::ir {

void SelectOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 3)
        << "Select takes 3 inputs (condition, then, else), got " << ctx.nbInputs();
    const ValueInfo& cond = ctx.input(0);
    const ValueInfo& a = ctx.input(1);
    const ValueInfo& b = ctx.input(2);
    KILN_SHAPE_CHECK(ctx, cond.type == DataType::kBOOL)
        << "Select condition must be bool, got " << dataTypeName(cond.type);
    KILN_SHAPE_CHECK(ctx, a.type == b.type) << "Select then/else inputs must have the same type, got "
                                            << dataTypeName(a.type) << " and " << dataTypeName(b.type);
    Shape shape = broadcastShapes(ctx, broadcastShapes(ctx, cond.shape, a.shape), b.shape);
    ctx.setOutput(0, a.type, std::move(shape));
}

KILN_REGISTER_OP(SelectOp)

}  // namespace kiln::ir
