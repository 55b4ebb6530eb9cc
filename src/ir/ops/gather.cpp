#include "ir/ops/gather.h"

namespace kiln::ir {

namespace {

bool isIntType(DataType t) { return t == DataType::kINT32 || t == DataType::kINT64; }

//! The first `count` dims of data and indices are batch dims: they must agree.
void checkBatchDims(const InferContext& ctx, const Shape& data, const Shape& indices, int64_t count) {
    for (int64_t i = 0; i < count; ++i) {
        const DimExpr& a = data[i];
        const DimExpr& b = indices[i];
        KILN_SHAPE_CHECK(ctx, !(a.isConst() && b.isConst()) || a.value() == b.value())
            << "element-wise (batch) dimension " << i << " differs: data shape " << toString(data) << ", indices shape "
            << toString(indices);
    }
}

//! Shape values of a gather from a 1-D value tensor with known, constant indices.
std::optional<std::vector<DimExpr>> gatherValues(const InferContext& ctx, const ValueInfo& data,
                                                 const ValueInfo& indices) {
    if (!data.value || !indices.value || data.shape.size() != 1 || indices.shape.size() > 1) return std::nullopt;
    const int64_t dim = static_cast<int64_t>(data.value->size());
    std::vector<DimExpr> out;
    for (const DimExpr& i : *indices.value) {
        if (!i.isConst()) return std::nullopt;
        int64_t k = i.value();
        KILN_SHAPE_CHECK(ctx, k >= -dim && k < dim) << "index " << k << " is out of range for axis 0 of size " << dim
                                                    << " (expected [" << -dim << ", " << dim - 1 << "])";
        out.push_back((*data.value)[k < 0 ? k + dim : k]);
    }
    return out;
}

}  // namespace

void GatherOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 2) << "Gather takes 2 inputs (data, indices), got " << ctx.nbInputs();
    const ValueInfo& data = ctx.input(0);
    const ValueInfo& indices = ctx.input(1);
    KILN_SHAPE_CHECK(ctx, isIntType(indices.type))
        << "indices must be int32 or int64, got " << dataTypeName(indices.type);
    const int32_t r = static_cast<int32_t>(data.shape.size());
    const int32_t q = static_cast<int32_t>(indices.shape.size());
    const int64_t b = nbElementWiseDims;
    KILN_SHAPE_CHECK(ctx, r >= 1) << "data must have at least 1 dimension, got shape " << toString(data.shape);

    Shape out;
    std::optional<std::vector<DimExpr>> value;
    switch (mode) {
        case GatherMode::kDEFAULT: {
            int32_t a = ctx.normalizeAxis(axis, r);
            KILN_SHAPE_CHECK(ctx, b >= 0 && b <= a && b <= q)
                << "nbElementWiseDims " << b << " must be in [0, min(axis " << a << ", indices rank " << q << ")]";
            checkBatchDims(ctx, data.shape, indices.shape, b);
            out.assign(data.shape.begin(), data.shape.begin() + a);
            out.insert(out.end(), indices.shape.begin() + b, indices.shape.end());
            out.insert(out.end(), data.shape.begin() + a + 1, data.shape.end());
            if (b == 0) value = gatherValues(ctx, data, indices);
            break;
        }
        case GatherMode::kELEMENT: {
            int32_t a = ctx.normalizeAxis(axis, r);
            KILN_SHAPE_CHECK(ctx, q == r) << "indices shape " << toString(indices.shape)
                                          << " must have the rank of the data shape " << toString(data.shape);
            for (int32_t i = 0; i < r; ++i) {
                const DimExpr& d = data.shape[i];
                const DimExpr& k = indices.shape[i];
                KILN_SHAPE_CHECK(ctx, i == a || !(d.isConst() && k.isConst()) || k.value() <= d.value())
                    << "indices shape " << toString(indices.shape) << " exceeds data shape " << toString(data.shape)
                    << " at axis " << i;
            }
            out = indices.shape;
            if (r == 1) value = gatherValues(ctx, data, indices);
            break;
        }
        case GatherMode::kND: {
            KILN_SHAPE_CHECK(ctx, q >= 1) << "indices of GatherND must have at least 1 dimension";
            const DimExpr& last = indices.shape[q - 1];
            KILN_SHAPE_CHECK(ctx, last.isConst())
                << "the last dimension of the indices shape " << toString(indices.shape) << " must be known";
            const int64_t k = last.value();
            KILN_SHAPE_CHECK(ctx, b >= 0 && b < q && k >= 0 && b + k <= r)
                << "indices shape " << toString(indices.shape) << " with " << b
                << " element-wise dims does not fit data shape " << toString(data.shape)
                << " (expected nbElementWiseDims < " << q << " and nbElementWiseDims + " << k << " <= " << r << ")";
            checkBatchDims(ctx, data.shape, indices.shape, b);
            out.assign(indices.shape.begin(), indices.shape.end() - 1);
            out.insert(out.end(), data.shape.begin() + b + k, data.shape.end());
            break;
        }
        default:
            KILN_SHAPE_CHECK(ctx, false) << "unknown gather mode " << static_cast<int32_t>(mode);
    }
    ctx.setOutput(0, data.type, std::move(out), std::move(value));
}

KILN_REGISTER_OP(GatherOp)

}  // namespace kiln::ir
