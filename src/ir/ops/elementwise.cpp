#include "ir/ops/elementwise.h"

#include "ir/data_types.h"

#include <optional>

namespace kiln::ir {
namespace {

const char* opName(ElementWiseOperation op) {
    static const char* const kNames[] = {"SUM",       "PROD", "MAX", "MIN", "SUB",   "DIV",     "POW",
                                         "FLOOR_DIV", "AND",  "OR",  "XOR", "EQUAL", "GREATER", "LESS",
                                         "MOD",       "FMOD", "BITWISE_AND", "BITWISE_OR", "BITWISE_XOR",
                                         "SHIFT_LEFT", "SHIFT_RIGHT"};
    auto i = static_cast<size_t>(op);
    return i < sizeof(kNames) / sizeof(kNames[0]) ? kNames[i] : "?";
}

bool isFloat(DataType t) { return isFloatType(t); }
bool isInt(DataType t) { return isIntType(t); }

// Shape values (Shape -> Mul -> Reshape) computed with DimExpr arithmetic, so symbols survive.
std::optional<std::vector<DimExpr>> propagateValues(ElementWiseOperation op, const ValueInfo& a, const ValueInfo& b,
                                                    const Shape& outShape) {
    if (!a.value || !b.value || outShape.size() > 1) return std::nullopt;
    const auto& va = *a.value;
    const auto& vb = *b.value;
    if (!(va.size() == vb.size() || va.size() == 1 || vb.size() == 1)) return std::nullopt;
    // Broadcast length: one value against none gives none (an empty operand is never read).
    const size_t n = va.size() == 1 ? vb.size() : va.size();
    if (n > static_cast<size_t>(kMaxShapeValueElements)) return std::nullopt;
    std::vector<DimExpr> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const DimExpr& x = va[va.size() == 1 ? 0 : i];
        const DimExpr& y = vb[vb.size() == 1 ? 0 : i];
        switch (op) {
            case ElementWiseOperation::kSUM:
                out.push_back(x + y);
                break;
            case ElementWiseOperation::kSUB:
                out.push_back(x - y);
                break;
            case ElementWiseOperation::kPROD:
                out.push_back(x * y);
                break;
            case ElementWiseOperation::kMIN:
                out.push_back(min(x, y));
                break;
            case ElementWiseOperation::kMAX:
                out.push_back(max(x, y));
                break;
            case ElementWiseOperation::kDIV:
            case ElementWiseOperation::kFLOOR_DIV:
                // Division by zero is the kernel's error to report, not shape inference's.
                if (y.isConst() && y.value() == 0) return std::nullopt;
                if (op == ElementWiseOperation::kDIV && x.isConst() && y.isConst()) {
                    // Integer DIV truncates toward zero; min / -1 would trap: it wraps, as the kernel.
                    out.emplace_back(y.value() == -1 ? static_cast<int64_t>(0ull - static_cast<uint64_t>(x.value()))
                                                     : x.value() / y.value());
                } else {
                    // Symbolic: shape values are non-negative, where floor and truncation agree.
                    out.push_back(floorDiv(x, y));
                }
                break;
            case ElementWiseOperation::kMOD:
            case ElementWiseOperation::kFMOD:
                if (y.isConst() && y.value() == 0) return std::nullopt;
                if (op == ElementWiseOperation::kFMOD && x.isConst() && y.isConst()) {
                    // C's remainder (the dividend's sign); min % -1 would trap.
                    out.emplace_back(y.value() == -1 ? 0 : x.value() % y.value());
                } else {
                    // The divisor's sign; symbolic shape values are non-negative, where both agree.
                    out.push_back(mod(x, y));
                }
                break;
            default:
                return std::nullopt;
        }
    }
    return out;
}

}  // namespace

void ElementWiseOp::inferShapes(InferContext& ctx) const {
    KILN_SHAPE_CHECK(ctx, ctx.nbInputs() == 2) << "ElementWise takes 2 inputs, got " << ctx.nbInputs();
    const ValueInfo& a = ctx.input(0);
    const ValueInfo& b = ctx.input(1);
    KILN_SHAPE_CHECK(ctx, a.type == b.type) << "ElementWise " << opName(op) << " inputs must have the same type, got "
                                            << dataTypeName(a.type) << " and " << dataTypeName(b.type);
    const DataType t = a.type;
    DataType outType = t;
    switch (op) {
        case ElementWiseOperation::kAND:
        case ElementWiseOperation::kOR:
        case ElementWiseOperation::kXOR:
            KILN_SHAPE_CHECK(ctx, t == DataType::kBOOL)
                << "ElementWise " << opName(op) << " needs bool inputs, got " << dataTypeName(t);
            break;
        case ElementWiseOperation::kEQUAL:
        case ElementWiseOperation::kGREATER:
        case ElementWiseOperation::kLESS:
            KILN_SHAPE_CHECK(ctx, isFloat(t) || isInt(t) || t == DataType::kBOOL)
                << "ElementWise " << opName(op) << " does not support " << dataTypeName(t);
            outType = DataType::kBOOL;
            break;
        case ElementWiseOperation::kPOW:
            KILN_SHAPE_CHECK(ctx, isFloat(t) || t == DataType::kINT32 || t == DataType::kINT64)
                << "ElementWise POW needs float32, float16, bfloat16, int32 or int64 inputs, got " << dataTypeName(t);
            break;
        case ElementWiseOperation::kSUM:
        case ElementWiseOperation::kPROD:
        case ElementWiseOperation::kMAX:
        case ElementWiseOperation::kMIN:
        case ElementWiseOperation::kSUB:
        case ElementWiseOperation::kDIV:
        case ElementWiseOperation::kFLOOR_DIV:
        case ElementWiseOperation::kMOD:
        case ElementWiseOperation::kFMOD:
            KILN_SHAPE_CHECK(ctx, isFloat(t) || isInt(t))
                << "ElementWise " << opName(op) << " needs numeric inputs, got " << dataTypeName(t);
            break;
        case ElementWiseOperation::kBITWISE_AND:
        case ElementWiseOperation::kBITWISE_OR:
        case ElementWiseOperation::kBITWISE_XOR:
        case ElementWiseOperation::kSHIFT_LEFT:
        case ElementWiseOperation::kSHIFT_RIGHT:
            KILN_SHAPE_CHECK(ctx, isInt(t))
                << "ElementWise " << opName(op) << " needs integer inputs, got " << dataTypeName(t);
            break;
        default:
            KILN_SHAPE_CHECK(ctx, false) << "unknown ElementWise operation " << static_cast<int>(op);
    }
    Shape shape = broadcastShapes(ctx, a.shape, b.shape);
    std::optional<std::vector<DimExpr>> value;
    if (t == DataType::kINT32 || t == DataType::kINT64) value = propagateValues(op, a, b, shape);
    ctx.setOutput(0, outType, std::move(shape), std::move(value));
}

KILN_REGISTER_OP(ElementWiseOp)

}  // namespace kiln::ir
