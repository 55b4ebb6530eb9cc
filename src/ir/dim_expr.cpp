#include "ir/dim_expr.h"

#include <algorithm>
#include <cstdint>
#include <sstream>

#include "core/status.h"

namespace kiln::ir {

namespace {
int64_t floorDivInt(int64_t a, int64_t b) {
    KILN_CHECK(b != 0) << "shape computation divides by zero";
    KILN_CHECK(!(a == INT64_MIN && b == -1)) << "shape computation " << a << " // -1 overflows int64";
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}
//! a op b, or a clear error when the result leaves int64 (hostile shapes must not overflow).
void checkOverflow(bool overflowed, int64_t a, const char* op, int64_t b) {
    KILN_CHECK(!overflowed) << "shape computation " << a << " " << op << " " << b << " overflows int64";
}
int64_t apply(DimExpr::Kind kind, int64_t a, int64_t b) {
    int64_t r = 0;
    switch (kind) {
        case DimExpr::Kind::kADD: checkOverflow(__builtin_add_overflow(a, b, &r), a, "+", b); return r;
        case DimExpr::Kind::kSUB: checkOverflow(__builtin_sub_overflow(a, b, &r), a, "-", b); return r;
        case DimExpr::Kind::kMUL: checkOverflow(__builtin_mul_overflow(a, b, &r), a, "*", b); return r;
        case DimExpr::Kind::kFLOOR_DIV: return floorDivInt(a, b);
        case DimExpr::Kind::kCEIL_DIV:
            KILN_CHECK(a != INT64_MIN) << "shape computation ceildiv(" << a << ", " << b << ") overflows int64";
            return -floorDivInt(-a, b);
        case DimExpr::Kind::kMOD: return a - floorDivInt(a, b) * b;  // |result| < |b|: no overflow
        case DimExpr::Kind::kMAX: return std::max(a, b);
        case DimExpr::Kind::kMIN: return std::min(a, b);
        default: KILN_THROW(ErrorCode::kINTERNAL_ERROR) << "bad DimExpr kind";
    }
    return 0;
}
const char* opText(DimExpr::Kind kind) {
    switch (kind) {
        case DimExpr::Kind::kADD: return "+";
        case DimExpr::Kind::kSUB: return "-";
        case DimExpr::Kind::kMUL: return "*";
        case DimExpr::Kind::kFLOOR_DIV: return "//";
        case DimExpr::Kind::kCEIL_DIV: return "ceildiv";
        case DimExpr::Kind::kMOD: return "%";
        case DimExpr::Kind::kMAX: return "max";
        case DimExpr::Kind::kMIN: return "min";
        default: return "?";
    }
}
}  // namespace

DimExpr DimExpr::symbol(int32_t id) {
    DimExpr e;
    auto node = std::make_shared<Node>();
    node->kind = Kind::kSYMBOL;
    node->symbol = id;
    e.mNode = std::move(node);
    return e;
}

DimExpr DimExpr::make(Kind kind, const DimExpr& a, const DimExpr& b) {
    if (a.isConst() && b.isConst()) return DimExpr(apply(kind, a.value(), b.value()));
    // Identities that keep symbolic shapes small and comparable.
    switch (kind) {
        case Kind::kADD:
            if (a.isConst() && a.value() == 0) return b;
            if (b.isConst() && b.value() == 0) return a;
            break;
        case Kind::kSUB:
            if (b.isConst() && b.value() == 0) return a;
            if (a.equals(b)) return DimExpr(0);
            break;
        case Kind::kMUL:
            if (a.isConst() && a.value() == 1) return b;
            if (b.isConst() && b.value() == 1) return a;
            if ((a.isConst() && a.value() == 0) || (b.isConst() && b.value() == 0)) return DimExpr(0);
            break;
        case Kind::kFLOOR_DIV:
        case Kind::kCEIL_DIV:
            if (b.isConst() && b.value() == 1) return a;
            if (a.equals(b)) return DimExpr(1);
            // (x * c) / c == x
            if (a.kind() == Kind::kMUL && (a.rhs().equals(b))) return a.lhs();
            if (a.kind() == Kind::kMUL && (a.lhs().equals(b))) return a.rhs();
            break;
        case Kind::kMAX:
        case Kind::kMIN:
            if (a.equals(b)) return a;
            break;
        default: break;
    }
    DimExpr e;
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->lhs = a;
    node->rhs = b;
    e.mNode = std::move(node);
    return e;
}

int64_t DimExpr::evaluate(const std::function<int64_t(int32_t)>& symbolValue) const {
    if (!mNode) return mValue;
    if (mNode->kind == Kind::kSYMBOL) return symbolValue(mNode->symbol);
    return apply(mNode->kind, mNode->lhs.evaluate(symbolValue), mNode->rhs.evaluate(symbolValue));
}

bool DimExpr::equals(const DimExpr& other) const {
    if (isConst() != other.isConst()) return false;
    if (isConst()) return mValue == other.mValue;
    if (mNode == other.mNode) return true;
    if (mNode->kind != other.mNode->kind) return false;
    if (mNode->kind == Kind::kSYMBOL) return mNode->symbol == other.mNode->symbol;
    return mNode->lhs.equals(other.mNode->lhs) && mNode->rhs.equals(other.mNode->rhs);
}

std::string DimExpr::toString() const {
    if (!mNode) return std::to_string(mValue);
    if (mNode->kind == Kind::kSYMBOL) return "s" + std::to_string(mNode->symbol);
    const char* op = opText(mNode->kind);
    if (mNode->kind == Kind::kMAX || mNode->kind == Kind::kMIN || mNode->kind == Kind::kCEIL_DIV)
        return std::string(op) + "(" + mNode->lhs.toString() + "," + mNode->rhs.toString() + ")";
    return "(" + mNode->lhs.toString() + op + mNode->rhs.toString() + ")";
}

DimExpr operator+(const DimExpr& a, const DimExpr& b) { return DimExpr::make(DimExpr::Kind::kADD, a, b); }
DimExpr operator-(const DimExpr& a, const DimExpr& b) { return DimExpr::make(DimExpr::Kind::kSUB, a, b); }
DimExpr operator*(const DimExpr& a, const DimExpr& b) { return DimExpr::make(DimExpr::Kind::kMUL, a, b); }
DimExpr floorDiv(const DimExpr& a, const DimExpr& b) { return DimExpr::make(DimExpr::Kind::kFLOOR_DIV, a, b); }
DimExpr ceilDiv(const DimExpr& a, const DimExpr& b) { return DimExpr::make(DimExpr::Kind::kCEIL_DIV, a, b); }
DimExpr mod(const DimExpr& a, const DimExpr& b) { return DimExpr::make(DimExpr::Kind::kMOD, a, b); }
DimExpr max(const DimExpr& a, const DimExpr& b) { return DimExpr::make(DimExpr::Kind::kMAX, a, b); }
DimExpr min(const DimExpr& a, const DimExpr& b) { return DimExpr::make(DimExpr::Kind::kMIN, a, b); }

bool allConst(const Shape& shape) {
    return std::all_of(shape.begin(), shape.end(), [](const DimExpr& d) { return d.isConst(); });
}

std::string toString(const Shape& shape) {
    std::ostringstream os;
    os << "[";
    for (size_t i = 0; i < shape.size(); ++i) os << (i ? "," : "") << shape[i].toString();
    os << "]";
    return os.str();
}

DimExpr volume(const Shape& shape) {
    DimExpr v(1);
    for (const auto& d : shape) v = v * d;
    return v;
}

bool shapesEqual(const Shape& a, const Shape& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!a[i].equals(b[i])) return false;
    return true;
}

std::vector<int64_t> constValues(const Shape& shape) {
    std::vector<int64_t> out;
    out.reserve(shape.size());
    for (const auto& d : shape) {
        KILN_CHECK_CODE(d.isConst(), ErrorCode::kINTERNAL_ERROR) << "dimension " << d.toString() << " is not known";
        out.push_back(d.value());
    }
    return out;
}

Shape shapeOf(const std::vector<int64_t>& dims) { return Shape(dims.begin(), dims.end()); }

}  // namespace kiln::ir
