#include "ir/ops/reduce.h"

#include "ir/data_types.h"

namespace kiln::ir {

void ReduceOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "Reduce takes 1 input, got " << ctx.nbInputs();
    const ValueInfo& in = ctx.input(0);
    KILN_SHAPE_CHECK(ctx, isFloatType(in.type) || isIntType(in.type))
        << "Reduce supports float and integer types, got " << dataTypeName(in.type);
    const int32_t rank = static_cast<int32_t>(in.shape.size());
    // Empty axes reduce everything; duplicates are harmless (TensorRT takes a bit mask).
    std::vector<bool> reduced(rank, axes.empty());
    for (int64_t a : axes) {
        int32_t ax = ctx.normalizeAxis(a, rank);
        if (ax < rank) reduced[ax] = true;
    }
    Shape out;
    for (int32_t d = 0; d < rank; ++d) {
        if (!reduced[d]) {
            out.push_back(in.shape[d]);
        } else if (keepDims) {
            out.emplace_back(1);
        }
    }

    // Shape values: reducing a whole 1-D shape tensor (a volume, a max) stays symbolic.
    std::optional<std::vector<DimExpr>> value;
    bool isInt = in.type == DataType::kINT32 || in.type == DataType::kINT64;
    if (isInt && in.value && op != ReduceOperation::kAVG && (rank == 0 || reduced[0])) {
        const std::vector<DimExpr>& v = *in.value;
        if (!v.empty() || op == ReduceOperation::kSUM || op == ReduceOperation::kPROD) {
            DimExpr acc = op == ReduceOperation::kPROD ? DimExpr(1) : DimExpr(0);
            for (size_t i = 0; i < v.size(); ++i) {
                switch (op) {
                    case ReduceOperation::kSUM:
                        acc = acc + v[i];
                        break;
                    case ReduceOperation::kPROD:
                        acc = acc * v[i];
                        break;
                    case ReduceOperation::kMAX:
                        acc = i ? max(acc, v[i]) : v[i];
                        break;
                    case ReduceOperation::kMIN:
                        acc = i ? min(acc, v[i]) : v[i];
                        break;
                    default:
                        break;
                }
            }
            value = std::vector<DimExpr>{acc};
        }
    }
    ctx.setOutput(0, in.type, std::move(out), std::move(value));
}

KILN_REGISTER_OP(ReduceOp)

}  // namespace kiln::ir
