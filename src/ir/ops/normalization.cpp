#include "ir/ops/normalization.h"

namespace kiln::ir {
namespace {

bool isFloat(DataType t) { return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16; }

bool fits(const DimExpr& d, const DimExpr& target) {
    return (d.isConst() && d.value() == 1) || d.equals(target) || !d.isConst() || !target.isConst();
}

}  // namespace

void NormalizationOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 3)
        << "Normalization takes 3 inputs (x, scale, bias), got " << ctx.nbInputs();
    const ValueInfo& x = ctx.input(0);
    KILN_SHAPE_CHECK(ctx, isFloat(x.type)) << "Normalization supports float types, got " << dataTypeName(x.type);
    const int32_t rank = static_cast<int32_t>(x.shape.size());
    KILN_SHAPE_CHECK(ctx, !axes.empty()) << "Normalization needs at least one axis";
    KILN_SHAPE_CHECK(ctx, epsilon >= 0) << "Normalization epsilon must be >= 0, got " << epsilon;
    KILN_SHAPE_CHECK(ctx, nbGroups >= 1) << "Normalization nbGroups must be >= 1, got " << nbGroups;
    for (int64_t a : axes) {
        int32_t ax = ctx.normalizeAxis(a, rank);
        KILN_SHAPE_CHECK(ctx, ax < rank) << "Normalization axis " << a << " is out of range for a scalar";
        KILN_SHAPE_CHECK(ctx, nbGroups == 1 || ax != 0)
            << "group Normalization cannot reduce over the batch axis 0 (axes must be spatial dims)";
    }
    const bool group = nbGroups > 1;
    if (group) {
        KILN_SHAPE_CHECK(ctx, rank >= 2) << "group Normalization needs an input of rank >= 2 [N,C,...], got "
                                         << toString(x.shape);
        const DimExpr& c = x.shape[1];
        KILN_SHAPE_CHECK(ctx, !c.isConst() || c.value() % nbGroups == 0)
            << "group Normalization: channels " << c.value() << " of " << toString(x.shape)
            << " are not divisible by nbGroups " << nbGroups;
    }
    for (int32_t i = 1; i < 3; ++i) {
        const ValueInfo& p = ctx.input(i);
        const char* what = i == 1 ? "scale" : "bias";
        KILN_SHAPE_CHECK(ctx, isFloat(p.type))
            << "Normalization " << what << " must be a float type, got " << dataTypeName(p.type);
        bool ok;
        if (group) {
            if (p.shape.size() == 1) {
                ok = fits(p.shape[0], x.shape[1]);
            } else {
                ok = static_cast<int32_t>(p.shape.size()) == rank;
                for (int32_t d = 0; ok && d < rank; ++d)
                    ok = d == 1 ? fits(p.shape[d], x.shape[1]) : p.shape[d].isConst() && p.shape[d].value() == 1;
            }
            KILN_SHAPE_CHECK(ctx, ok) << "group Normalization " << what << " has shape " << toString(p.shape)
                                      << ", expected per channel [1," << x.shape[1].toString() << ",1,...] of rank "
                                      << rank << " or [" << x.shape[1].toString() << "]";
        } else {
            ok = static_cast<int32_t>(p.shape.size()) <= rank;
            for (size_t d = 0; ok && d < p.shape.size(); ++d)
                ok = fits(p.shape[p.shape.size() - 1 - d], x.shape[rank - 1 - d]);
            KILN_SHAPE_CHECK(ctx, ok) << "Normalization " << what << " has shape " << toString(p.shape)
                                      << ", which does not broadcast to the input " << toString(x.shape);
        }
    }
    ctx.setOutput(0, x.type, x.shape);
}

KILN_REGISTER_OP(NormalizationOp)

}  // namespace kiln::ir
