#include "ir/ops/concatenation.h"

#include <optional>

namespace kiln::ir {

void ConcatenationOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() >= 1) << "Concatenation needs at least 1 input, got 0";
    const ValueInfo& first = ctx.input(0);
    const int32_t rank = ctx.rank(0);
    KILN_SHAPE_CHECK(ctx, rank >= 1) << "Concatenation inputs must have rank >= 1, input 0 is "
                                     << toString(first.shape);
    const int32_t ax = ctx.normalizeAxis(axis, rank);
    Shape shape = first.shape;
    bool values = first.value.has_value() && rank == 1;
    for (int32_t i = 1; i < ctx.nbInputs(); ++i) {
        const ValueInfo& in = ctx.input(i);
        KILN_SHAPE_CHECK(ctx, in.type == first.type)
            << "Concatenation input " << i << " has type " << dataTypeName(in.type) << ", input 0 has "
            << dataTypeName(first.type) << " (all must match)";
        KILN_SHAPE_CHECK(ctx, ctx.rank(i) == rank)
            << "Concatenation input " << i << " has shape " << toString(in.shape) << " of rank " << ctx.rank(i)
            << ", expected rank " << rank << " like input 0 " << toString(first.shape);
        for (int32_t d = 0; d < rank; ++d) {
            if (d == ax) continue;
            const DimExpr& a = shape[d];
            const DimExpr& b = in.shape[d];
            KILN_SHAPE_CHECK(ctx, !(a.isConst() && b.isConst()) || a.value() == b.value())
                << "Concatenation input " << i << " has shape " << toString(in.shape) << ", which differs from input 0 "
                << toString(first.shape) << " at dimension " << d << " (only axis " << ax << " may differ)";
            if (!a.isConst() && b.isConst()) shape[d] = b;  // symbolic dims are assumed to agree
        }
        shape[ax] = shape[ax] + in.shape[ax];
        values = values && in.value.has_value();
    }
    std::optional<std::vector<DimExpr>> value;
    const bool isInt = first.type == DataType::kINT32 || first.type == DataType::kINT64;
    if (values && isInt) {
        value.emplace();
        for (int32_t i = 0; i < ctx.nbInputs(); ++i)
            value->insert(value->end(), ctx.input(i).value->begin(), ctx.input(i).value->end());
        if (value->size() > static_cast<size_t>(kMaxShapeValueElements)) value.reset();
    }
    ctx.setOutput(0, first.type, std::move(shape), std::move(value));
}

KILN_REGISTER_OP(ConcatenationOp)

}  // namespace kiln::ir
