#include "ir/ops/assertion.h"

namespace kiln::ir {

// The node has no outputs: Graph::removeDeadNodes keeps it for its side effect.
void AssertionOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "Assertion takes 1 input, got " << ctx.nbInputs();
    const ValueInfo& in = ctx.input(0);
    KILN_SHAPE_CHECK(ctx, in.type == DataType::kBOOL) << "Assertion needs a bool input, got " << dataTypeName(in.type);
}

KILN_REGISTER_OP(AssertionOp)

}  // namespace kiln::ir
