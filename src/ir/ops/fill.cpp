#include "ir/ops/fill.h"

namespace kiln::ir {
namespace {

bool isNumeric(DataType t) {
    return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16 || t == DataType::kINT32 ||
           t == DataType::kINT64 || t == DataType::kINT8 || t == DataType::kUINT8;
}

// A known scalar: a tracked shape value or a constant's first element.
std::optional<int64_t> knownScalar(const InferContext& ctx, int32_t i) {
    if (!ctx.hasInput(i)) return std::nullopt;
    const ValueInfo& v = ctx.input(i);
    if (v.value && v.value->size() == 1 && (*v.value)[0].isConst()) return (*v.value)[0].value();
    if (v.constant && v.constant->numel() == 1) return v.constant->intAt(0);
    return std::nullopt;
}

}  // namespace

//! The values of a small integer LINSPACE (ConstantOfShape, Range) whose parameters are known,
//! so that shape arithmetic through it stays computable at build time.
std::optional<std::vector<DimExpr>> FillOp::linspaceValues(const InferContext& ctx, const Shape& shape) const {
    if (op != FillOperation::kLINSPACE || (outputType != DataType::kINT32 && outputType != DataType::kINT64) ||
        shape.size() > 1)
        return std::nullopt;
    const int64_t n = shape.empty() ? 1 : shape[0].isConst() ? shape[0].value() : -1;
    if (n < 0 || n > kMaxShapeValueElements) return std::nullopt;
    const std::optional<int64_t> start = ctx.hasInput(1) ? knownScalar(ctx, 1) : std::optional<int64_t>(alpha);
    const std::optional<int64_t> delta = ctx.hasInput(2) ? knownScalar(ctx, 2) : std::optional<int64_t>(beta);
    if (!start || !delta) return std::nullopt;
    std::vector<DimExpr> values;
    for (int64_t i = 0; i < n; ++i) values.emplace_back(*start + *delta * i);
    return values;
}

void FillOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() <= 3)
        << "Fill takes at most 3 inputs (shape, alpha, beta), got " << ctx.nbInputs();
    KILN_SHAPE_CHECK(ctx, op == FillOperation::kLINSPACE || op == FillOperation::kRANDOM_UNIFORM ||
                              op == FillOperation::kRANDOM_NORMAL)
        << "unknown fill operation " << static_cast<int>(op);
    KILN_SHAPE_CHECK(ctx, outputType == DataType::kFLOAT || outputType == DataType::kHALF ||
                              outputType == DataType::kBF16 || outputType == DataType::kINT32 ||
                              outputType == DataType::kINT64)
        << "Fill output type must be float32, float16, bfloat16, int32 or int64, got " << dataTypeName(outputType);

    Shape shape;
    if (ctx.hasInput(0)) {
        const ValueInfo& s = ctx.input(0);
        KILN_SHAPE_CHECK(ctx, s.type == DataType::kINT32 || s.type == DataType::kINT64)
            << "Fill shape input must be int32 or int64, got " << dataTypeName(s.type);
        KILN_SHAPE_CHECK(ctx, s.shape.size() == 1) << "Fill shape input must be 1-D, got " << toString(s.shape);
        shape = ctx.requireValue(0, "output shape");
    } else {
        shape = shapeOf(dims);
    }
    KILN_SHAPE_CHECK(ctx, shape.size() <= static_cast<size_t>(Dims::MAX_DIMS))
        << "Fill output " << toString(shape) << " has more than " << Dims::MAX_DIMS << " dimensions";
    for (const DimExpr& d : shape)
        KILN_SHAPE_CHECK(ctx, !d.isConst() || d.value() >= 0)
            << "Fill output shape " << toString(shape) << " has a negative dimension";
    const int64_t rank = static_cast<int64_t>(shape.size());

    static const char* const kNames[] = {"shape", "alpha", "beta"};
    for (int32_t i = 1; i < ctx.nbInputs(); ++i) {
        if (!ctx.hasInput(i)) continue;
        const ValueInfo& p = ctx.input(i);
        KILN_SHAPE_CHECK(ctx, isNumeric(p.type))
            << "Fill " << kNames[i] << " input must be numeric, got " << dataTypeName(p.type);
        const DimExpr n = volume(p.shape);
        if (!n.isConst()) continue;  // the kernel checks concrete counts
        // LINSPACE's beta is the delta per output axis: one element per axis (or 1 for 1-D).
        const bool delta = op == FillOperation::kLINSPACE && i == 2;
        const int64_t want = delta && rank > 1 ? rank : 1;
        KILN_SHAPE_CHECK(ctx, n.value() == want || (delta && rank == 0))
            << "Fill " << kNames[i] << " input has " << n.value() << " elements " << toString(p.shape) << ", expected "
            << want << (delta ? " (one delta per output dimension)" : "");
    }
    KILN_SHAPE_CHECK(ctx, op != FillOperation::kLINSPACE || rank <= 1 || ctx.hasInput(2))
        << "Fill LINSPACE with a " << rank << "-D output " << toString(shape)
        << " needs a beta input with one delta per dimension; a scalar beta works only for 1-D outputs";
    ctx.setOutput(0, outputType, shape, linspaceValues(ctx, shape));
}

KILN_REGISTER_OP(FillOp)

}  // namespace kiln::ir
