#include "ir/ops/cumulative.h"

#include "ir/data_types.h"

namespace kiln::ir {

void CumulativeOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 2) << "Cumulative takes 2 inputs (x, axis), got " << ctx.nbInputs();
    KILN_SHAPE_CHECK(ctx, op == CumulativeOperation::kSUM || op == CumulativeOperation::kPROD)
        << "Cumulative operation " << static_cast<int32_t>(op) << " is not supported (SUM and PROD are)";
    const ValueInfo& x = ctx.input(0);
    KILN_SHAPE_CHECK(ctx, isFloatType(x.type) ||
                              x.type == DataType::kINT32 || x.type == DataType::kINT64)
        << "Cumulative supports float, int32 and int64 inputs, got " << dataTypeName(x.type);
    const int32_t rank = static_cast<int32_t>(x.shape.size());
    KILN_SHAPE_CHECK(ctx, rank >= 1) << "Cumulative input must have rank >= 1, got a scalar";
    const ValueInfo& axisIn = ctx.input(1);
    KILN_SHAPE_CHECK(ctx, axisIn.type == DataType::kINT32 || axisIn.type == DataType::kINT64)
        << "Cumulative axis (input 1) must be int32 or int64, got " << dataTypeName(axisIn.type);
    KILN_SHAPE_CHECK(ctx, axisIn.shape.size() <= 1)
        << "Cumulative axis (input 1) must be a scalar, got shape " << toString(axisIn.shape);
    // The output's shape does not depend on the axis, so it may be computed at run time (the
    // kernel checks it then); an axis known now is checked now.
    const DimExpr n = volume(axisIn.shape);
    KILN_SHAPE_CHECK(ctx, !n.isConst() || n.value() == 1)
        << "Cumulative axis (input 1) must hold one value, got shape " << toString(axisIn.shape);
    if (axisIn.value) {
        const std::vector<DimExpr>& v = *axisIn.value;
        KILN_SHAPE_CHECK(ctx, v.size() == 1) << "Cumulative axis (input 1) must be one value";
        if (v[0].isConst()) ctx.normalizeAxis(v[0].value(), rank);
    }
    ctx.setOutput(0, x.type, x.shape);
}

KILN_REGISTER_OP(CumulativeOp)

}  // namespace kiln::ir
