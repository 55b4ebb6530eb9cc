#include "ir/ops/activation.h"

#include "ir/data_types.h"

namespace kiln::ir {

void ActivationOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "Activation takes 1 input, got " << ctx.nbInputs();
    const auto t = static_cast<int32_t>(type);
    KILN_SHAPE_CHECK(ctx, t >= 0 && t <= static_cast<int32_t>(ActivationType::kHARD_SWISH))
        << "unknown activation type " << t;
    const ValueInfo& in = ctx.input(0);
    KILN_SHAPE_CHECK(ctx, isFloatType(in.type))
        << "Activation needs a float32, float16 or bfloat16 input, got " << dataTypeName(in.type);
    ctx.setOutput(0, in.type, in.shape);
}

KILN_REGISTER_OP(ActivationOp)

}  // namespace kiln::ir
