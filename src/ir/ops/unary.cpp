#include "ir/ops/unary.h"

#include "ir/data_types.h"

namespace kiln::ir {
namespace {

const char* opName(UnaryOperation op) {
    static const char* const kNames[] = {"EXP",   "LOG",  "SQRT", "RECIP", "ABS",   "NEG",   "SIN",   "COS",   "TAN",
                                         "SINH",  "COSH", "ASIN", "ACOS",  "ATAN",  "ASINH", "ACOSH", "ATANH", "CEIL",
                                         "FLOOR", "ERF",  "NOT",  "SIGN",  "ROUND", "ISINF", "ISNAN", "BITWISE_NOT"};
    auto i = static_cast<size_t>(op);
    return i < sizeof(kNames) / sizeof(kNames[0]) ? kNames[i] : "?";
}

bool isFloat(DataType t) { return isFloatType(t); }

}  // namespace

void UnaryOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 1) << "Unary takes 1 input, got " << ctx.nbInputs();
    const auto o = static_cast<int32_t>(op);
    KILN_SHAPE_CHECK(ctx, o >= 0 && o <= static_cast<int32_t>(UnaryOperation::kBITWISE_NOT))
        << "unknown unary operation " << o;
    const ValueInfo& in = ctx.input(0);
    const DataType t = in.type;
    DataType outType = t;
    switch (op) {
        case UnaryOperation::kNOT:
            KILN_SHAPE_CHECK(ctx, t == DataType::kBOOL) << "Unary NOT needs a bool input, got " << dataTypeName(t);
            break;
        case UnaryOperation::kBITWISE_NOT:
            KILN_SHAPE_CHECK(ctx, isIntType(t)) << "Unary BITWISE_NOT needs an integer input, got " << dataTypeName(t);
            break;
        case UnaryOperation::kISINF:
        case UnaryOperation::kISNAN:
            KILN_SHAPE_CHECK(ctx, isFloat(t))
                << "Unary " << opName(op) << " needs a float32, float16 or bfloat16 input, got " << dataTypeName(t);
            outType = DataType::kBOOL;
            break;
        case UnaryOperation::kABS:
        case UnaryOperation::kNEG:
        case UnaryOperation::kSIGN:
            KILN_SHAPE_CHECK(ctx, isFloat(t) || t == DataType::kINT32 || t == DataType::kINT64 || t == DataType::kINT8)
                << "Unary " << opName(op) << " needs a float32, float16, bfloat16, int8, int32 or int64 input, got "
                << dataTypeName(t);
            break;
        default:
            KILN_SHAPE_CHECK(ctx, isFloat(t))
                << "Unary " << opName(op) << " needs a float32, float16 or bfloat16 input, got " << dataTypeName(t);
    }
    // NEG of a shape value is still a shape value (negative sizes are the consumer's to reject).
    std::optional<std::vector<DimExpr>> value;
    if (op == UnaryOperation::kNEG && in.value && (t == DataType::kINT32 || t == DataType::kINT64)) {
        value.emplace();
        for (const DimExpr& v : *in.value) value->push_back(DimExpr(0) - v);
    }
    ctx.setOutput(0, outType, in.shape, std::move(value));
}

KILN_REGISTER_OP(UnaryOp)

}  // namespace kiln::ir
