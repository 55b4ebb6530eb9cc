#include "ir/ops/shape.h"

namespace kiln::ir {

void ShapeOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "Shape takes 1 input, got " << ctx.nbInputs();
    const Shape& in = ctx.input(0).shape;
    // The values are the input's dims themselves, symbolic or not: this is what lets
    // Shape -> Gather -> Concat -> Reshape chains fold into shape expressions.
    ctx.setOutput(0, DataType::kINT64, Shape{DimExpr(static_cast<int64_t>(in.size()))}, std::vector<DimExpr>(in));
}

KILN_REGISTER_OP(ShapeOp)

}  // namespace kiln::ir
