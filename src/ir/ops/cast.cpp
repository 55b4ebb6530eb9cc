#include "ir/ops/cast.h"

namespace kiln::ir {

void CastOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "Cast takes 1 input, got " << ctx.nbInputs();
    KILN_SHAPE_CHECK(ctx, dataTypeSize(toType) > 0) << "cannot cast to " << dataTypeName(toType);
    const ValueInfo& in = ctx.input(0);
    if (bitCast) {
        // Kiln stores these one element per byte, unpacked: their bits are not ONNX's.
        for (DataType t : {in.type, toType})
            KILN_SHAPE_CHECK(ctx, t != DataType::kFP4 && t != DataType::kINT2 && t != DataType::kUINT2)
                << "BitCast of " << dataTypeName(t) << " (a packed type) is not supported";
        KILN_SHAPE_CHECK(ctx, dataTypeSize(in.type) == dataTypeSize(toType))
            << "BitCast from " << dataTypeName(in.type) << " to " << dataTypeName(toType)
            << " needs types of one element size";
        ctx.setOutput(0, toType, in.shape);
        return;
    }
    bool intToInt = (in.type == DataType::kINT32 || in.type == DataType::kINT64) &&
                    (toType == DataType::kINT32 || toType == DataType::kINT64);
    ctx.setOutput(0, toType, in.shape, intToInt ? in.value : std::nullopt);
}

KILN_REGISTER_OP(CastOp)

}  // namespace kiln::ir
