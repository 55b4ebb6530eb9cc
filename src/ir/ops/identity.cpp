#include "ir/ops/identity.h"

namespace kiln::ir {

void IdentityOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "Identity takes 1 input, got " << ctx.nbInputs();
    const ValueInfo& in = ctx.input(0);
    ctx.setOutput(0, in.type, in.shape, in.value);
}

KILN_REGISTER_OP(IdentityOp)

}  // namespace kiln::ir
