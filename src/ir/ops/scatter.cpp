#include "ir/ops/scatter.h"

namespace kiln::ir {

namespace {
void checkSameShape(const InferContext& ctx, const Shape& got, const Shape& expected, const char* what) {
    bool ok = got.size() == expected.size();
    for (size_t i = 0; ok && i < got.size(); ++i)
        ok = !(got[i].isConst() && expected[i].isConst()) || got[i].value() == expected[i].value();
    KILN_SHAPE_CHECK(ctx, ok) << what << " shape " << toString(got) << " does not match the expected "
                              << toString(expected);
}
}  // namespace

void ScatterOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 3)
        << "Scatter takes 3 inputs (data, indices, updates), got " << ctx.nbInputs();
    const ValueInfo& data = ctx.input(0);
    const ValueInfo& indices = ctx.input(1);
    const ValueInfo& updates = ctx.input(2);
    KILN_SHAPE_CHECK(ctx, indices.type == DataType::kINT32 || indices.type == DataType::kINT64)
        << "indices must be int32 or int64, got " << dataTypeName(indices.type);
    KILN_SHAPE_CHECK(ctx, updates.type == data.type)
        << "updates type " << dataTypeName(updates.type) << " differs from the data type " << dataTypeName(data.type);
    KILN_SHAPE_CHECK(ctx, reduction >= ScatterReduction::kNONE && reduction <= ScatterReduction::kMIN)
        << "unknown scatter reduction " << static_cast<int32_t>(reduction);
    KILN_SHAPE_CHECK(ctx, reduction == ScatterReduction::kNONE || data.type != DataType::kBOOL)
        << "a scatter reduction needs numeric data, got " << dataTypeName(data.type);
    const int32_t r = static_cast<int32_t>(data.shape.size());
    const int32_t q = static_cast<int32_t>(indices.shape.size());
    KILN_SHAPE_CHECK(ctx, r >= 1) << "data must have at least 1 dimension, got shape " << toString(data.shape);
    if (mode == ScatterMode::kELEMENT) {
        int32_t a = ctx.normalizeAxis(axis, r);
        KILN_SHAPE_CHECK(ctx, q == r) << "indices shape " << toString(indices.shape)
                                      << " must have the rank of the data shape " << toString(data.shape);
        checkSameShape(ctx, updates.shape, indices.shape, "updates");
        for (int32_t i = 0; i < r; ++i) {
            const DimExpr& d = data.shape[i];
            const DimExpr& k = indices.shape[i];
            KILN_SHAPE_CHECK(ctx, i == a || !(d.isConst() && k.isConst()) || k.value() <= d.value())
                << "indices shape " << toString(indices.shape) << " exceeds data shape " << toString(data.shape)
                << " at axis " << i;
        }
    } else if (mode == ScatterMode::kND) {
        KILN_SHAPE_CHECK(ctx, q >= 1) << "indices of ScatterND must have at least 1 dimension";
        const DimExpr& last = indices.shape[q - 1];
        KILN_SHAPE_CHECK(ctx, last.isConst() && last.value() >= 0 && last.value() <= r)
            << "the last dimension of the indices shape " << toString(indices.shape)
            << " must be known and at most the data rank " << r;
        Shape expected(indices.shape.begin(), indices.shape.end() - 1);
        expected.insert(expected.end(), data.shape.begin() + last.value(), data.shape.end());
        checkSameShape(ctx, updates.shape, expected, "updates");
    } else {
        KILN_SHAPE_CHECK(ctx, false) << "unknown scatter mode " << static_cast<int32_t>(mode);
    }
    ctx.setOutput(0, data.type, data.shape);
}

KILN_REGISTER_OP(ScatterOp)

}  // namespace kiln::ir
