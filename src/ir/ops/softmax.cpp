#include "ir/ops/softmax.h"

#include "ir/data_types.h"

namespace kiln::ir {

void SoftMaxOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "SoftMax takes 1 input, got " << ctx.nbInputs();
    const ValueInfo& in = ctx.input(0);
    KILN_SHAPE_CHECK(ctx, isFloatType(in.type))
        << "SoftMax supports float types, got " << dataTypeName(in.type);
    KILN_SHAPE_CHECK(ctx, !in.shape.empty()) << "SoftMax input must have rank >= 1, got a scalar";
    ctx.normalizeAxis(axis, static_cast<int32_t>(in.shape.size()));
    ctx.setOutput(0, in.type, in.shape);
}

KILN_REGISTER_OP(SoftMaxOp)

}  // namespace kiln::ir
