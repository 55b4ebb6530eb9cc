#include "ir/ops/squeeze.h"

#include <algorithm>

namespace kiln::ir {

namespace {
//! Axes from a shape input: constant, normalised against `rank`, without duplicates.
std::vector<int32_t> readAxes(const InferContext& ctx, int32_t rank) {
    const ValueInfo& axesInfo = ctx.input(1);
    KILN_SHAPE_CHECK(ctx, axesInfo.type == DataType::kINT32 || axesInfo.type == DataType::kINT64)
        << "axes must be int32 or int64, got " << dataTypeName(axesInfo.type);
    KILN_SHAPE_CHECK(ctx, axesInfo.shape.size() <= 1)
        << "axes must be a scalar or a 1-D tensor, got shape " << toString(axesInfo.shape);
    std::vector<int32_t> axes;
    for (const DimExpr& a : ctx.requireValue(1, "axes")) {
        KILN_SHAPE_CHECK(ctx, a.isConst()) << "axis " << a.toString() << " must be a build-time constant";
        int32_t axis = ctx.normalizeAxis(a.value(), rank);
        KILN_SHAPE_CHECK(ctx, axis < rank) << "cannot squeeze axis " << a.value() << " of a scalar";
        KILN_SHAPE_CHECK(ctx, std::find(axes.begin(), axes.end(), axis) == axes.end())
            << "axis " << a.value() << " is given twice";
        axes.push_back(axis);
    }
    return axes;
}
}  // namespace

void SqueezeOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1 || ctx.nbInputs() == 2)
        << "Squeeze takes 1 or 2 inputs, got " << ctx.nbInputs();
    const ValueInfo& in = ctx.input(0);
    const int32_t rank = static_cast<int32_t>(in.shape.size());
    std::vector<int32_t> axes;
    if (ctx.hasInput(1)) {
        axes = readAxes(ctx, rank);
    } else {
        // ONNX: no axes squeezes every dim of size 1 (only those known to be 1 at build time).
        for (int32_t i = 0; i < rank; ++i)
            if (in.shape[i].isConst() && in.shape[i].value() == 1) axes.push_back(i);
    }
    Shape out;
    for (int32_t i = 0; i < rank; ++i) {
        if (std::find(axes.begin(), axes.end(), i) == axes.end()) {
            out.push_back(in.shape[i]);
            continue;
        }
        // A symbolic dim is assumed to be 1; the run-time inference with concrete dims checks it.
        KILN_SHAPE_CHECK(ctx, !in.shape[i].isConst() || in.shape[i].value() == 1)
            << "cannot squeeze axis " << i << " of size " << in.shape[i].toString() << " in input shape "
            << toString(in.shape) << " (expected size 1)";
    }
    std::optional<std::vector<DimExpr>> value;
    if (in.value && out.size() <= 1) value = in.value;
    ctx.setOutput(0, in.type, std::move(out), std::move(value));
}

KILN_REGISTER_OP(SqueezeOp)

}  // namespace kiln::ir
