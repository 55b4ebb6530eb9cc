#include "ir/ops/topk.h"

#include "ir/data_types.h"

namespace kiln::ir {

void TopKOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1 || ctx.nbInputs() == 2)
        << "TopK takes 1 or 2 inputs (x, optional k), got " << ctx.nbInputs();
    const ValueInfo& x = ctx.input(0);
    KILN_SHAPE_CHECK(ctx, isFloatType(x.type) || isIntType(x.type))
        << "TopK supports float and integer inputs, got " << dataTypeName(x.type);
    const int32_t rank = static_cast<int32_t>(x.shape.size());
    KILN_SHAPE_CHECK(ctx, rank >= 1) << "TopK input must have rank >= 1, got a scalar";
    const int32_t ax = ctx.normalizeAxis(axis, rank);

    DimExpr kDim(k);
    if (ctx.hasInput(1)) {
        const ValueInfo& kIn = ctx.input(1);
        KILN_SHAPE_CHECK(ctx, kIn.type == DataType::kINT32 || kIn.type == DataType::kINT64)
            << "TopK k (input 1) must be int32 or int64, got " << dataTypeName(kIn.type);
        KILN_SHAPE_CHECK(ctx, kIn.shape.size() <= 1)
            << "TopK k (input 1) must be a scalar or a 1-element vector, got " << toString(kIn.shape);
        std::vector<DimExpr> v = ctx.requireValue(1, "k");
        KILN_SHAPE_CHECK(ctx, v.size() == 1) << "TopK k (input 1) must hold one value, got " << v.size();
        kDim = v[0];
    }
    KILN_SHAPE_CHECK(ctx, !kDim.isConst() || kDim.value() >= 0) << "TopK k must be >= 0, got " << kDim.value();
    const DimExpr& n = x.shape[ax];
    KILN_SHAPE_CHECK(ctx, !(kDim.isConst() && n.isConst() && kDim.value() > n.value()))
        << "TopK k=" << kDim.value() << " is larger than the size " << n.value() << " of axis " << ax << " of input "
        << toString(x.shape) << " (expected k <= " << n.value() << ")";
    Shape out = x.shape;
    out[ax] = kDim;
    ctx.setOutput(0, x.type, out);
    ctx.setOutput(1, DataType::kINT32, out);
}

KILN_REGISTER_OP(TopKOp)

}  // namespace kiln::ir
