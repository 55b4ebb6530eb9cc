#include "ir/ops/unsqueeze.h"

#include <algorithm>

namespace kiln::ir {

void UnsqueezeOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 2) << "Unsqueeze takes 2 inputs (data, axes), got " << ctx.nbInputs();
    const ValueInfo& in = ctx.input(0);
    const ValueInfo& axesInfo = ctx.input(1);
    KILN_SHAPE_CHECK(ctx, axesInfo.type == DataType::kINT32 || axesInfo.type == DataType::kINT64)
        << "axes must be int32 or int64, got " << dataTypeName(axesInfo.type);
    KILN_SHAPE_CHECK(ctx, axesInfo.shape.size() <= 1)
        << "axes must be a scalar or a 1-D tensor, got shape " << toString(axesInfo.shape);
    std::vector<DimExpr> axesValue = ctx.requireValue(1, "axes");
    // Axes index the output, whose rank is the input's plus the number of axes.
    const int32_t outRank = static_cast<int32_t>(in.shape.size() + axesValue.size());
    KILN_SHAPE_CHECK(ctx, outRank <= Dims::MAX_DIMS)
        << "output would have " << outRank << " dimensions, at most " << Dims::MAX_DIMS << " allowed";
    std::vector<int32_t> axes;
    for (const DimExpr& a : axesValue) {
        KILN_SHAPE_CHECK(ctx, a.isConst()) << "axis " << a.toString() << " must be a build-time constant";
        int32_t axis = ctx.normalizeAxis(a.value(), outRank);
        KILN_SHAPE_CHECK(ctx, std::find(axes.begin(), axes.end(), axis) == axes.end())
            << "axis " << a.value() << " is given twice";
        axes.push_back(axis);
    }
    Shape out;
    size_t next = 0;
    for (int32_t i = 0; i < outRank; ++i) {
        if (std::find(axes.begin(), axes.end(), i) != axes.end()) {
            out.emplace_back(1);
        } else {
            out.push_back(in.shape[next++]);
        }
    }
    std::optional<std::vector<DimExpr>> value;
    if (in.value && out.size() <= 1) value = in.value;
    ctx.setOutput(0, in.type, std::move(out), std::move(value));
}

KILN_REGISTER_OP(UnsqueezeOp)

}  // namespace kiln::ir
