#include "ir/ops/one_hot.h"

namespace kiln::ir {

void OneHotOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 3)
        << "OneHot takes 3 inputs (indices, values, depth), got " << ctx.nbInputs();
    const ValueInfo& indices = ctx.input(0);
    const ValueInfo& values = ctx.input(1);
    const ValueInfo& depthIn = ctx.input(2);
    KILN_SHAPE_CHECK(ctx, indices.type == DataType::kINT32 || indices.type == DataType::kINT64)
        << "OneHot indices must be int32 or int64, got " << dataTypeName(indices.type);
    const DimExpr nValues = volume(values.shape);
    KILN_SHAPE_CHECK(ctx, !nValues.isConst() || nValues.value() == 2)
        << "OneHot values must hold 2 elements [off, on], got shape " << toString(values.shape);
    const DimExpr nDepth = volume(depthIn.shape);
    KILN_SHAPE_CHECK(ctx, !nDepth.isConst() || nDepth.value() == 1)
        << "OneHot depth must be a scalar, got shape " << toString(depthIn.shape);
    std::vector<DimExpr> depthValue = ctx.requireValue(2, "depth");
    KILN_SHAPE_CHECK(ctx, depthValue.size() == 1)
        << "OneHot depth must be a scalar, got " << depthValue.size() << " values";
    const DimExpr depth = depthValue[0];
    KILN_SHAPE_CHECK(ctx, !depth.isConst() || depth.value() >= 0) << "OneHot depth must be >= 0, got " << depth.value();
    const int32_t rank = ctx.rank(0);
    const int32_t ax = ctx.normalizeAxis(axis, rank + 1);
    Shape shape = indices.shape;
    shape.insert(shape.begin() + ax, depth);
    ctx.setOutput(0, values.type, std::move(shape));
}

KILN_REGISTER_OP(OneHotOp)

}  // namespace kiln::ir
