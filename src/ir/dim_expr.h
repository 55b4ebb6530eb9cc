// Symbolic dimensions. A DimExpr is a constant, a symbol (a dynamic dimension of an input, or a
// data-dependent size) or an arithmetic expression of them. Expressions simplify as they are
// built, so with constant inputs every shape computation folds to constants: the same shape
// inference code serves the builder (symbolic) and the execution context (concrete).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kiln::ir {

class DimExpr {
public:
    enum class Kind : uint8_t { kCONST, kSYMBOL, kADD, kSUB, kMUL, kFLOOR_DIV, kCEIL_DIV, kMOD, kMAX, kMIN };

    DimExpr() = default;
    DimExpr(int64_t value) : mValue(value) {}  // NOLINT: implicit on purpose, shapes mix both
    static DimExpr symbol(int32_t id);

    Kind kind() const;
    bool isConst() const { return !mNode; }
    //! Valid only when isConst().
    int64_t value() const { return mValue; }
    int32_t symbolId() const;
    const DimExpr& lhs() const;
    const DimExpr& rhs() const;

    //! Evaluates with a value for each symbol; throws KilnError on an unbound symbol or /0.
    int64_t evaluate(const std::function<int64_t(int32_t)>& symbolValue) const;
    //! Structural equality after simplification.
    bool equals(const DimExpr& other) const;
    std::string toString() const;

    static DimExpr make(Kind kind, const DimExpr& a, const DimExpr& b);

private:
    struct Node;
    int64_t mValue{0};
    std::shared_ptr<const Node> mNode;
};

struct DimExpr::Node {
    Kind kind;
    int32_t symbol{-1};
    DimExpr lhs, rhs;
};

inline DimExpr::Kind DimExpr::kind() const { return mNode ? mNode->kind : Kind::kCONST; }
inline int32_t DimExpr::symbolId() const { return mNode ? mNode->symbol : -1; }
inline const DimExpr& DimExpr::lhs() const { return mNode->lhs; }
inline const DimExpr& DimExpr::rhs() const { return mNode->rhs; }

DimExpr operator+(const DimExpr& a, const DimExpr& b);
DimExpr operator-(const DimExpr& a, const DimExpr& b);
DimExpr operator*(const DimExpr& a, const DimExpr& b);
DimExpr floorDiv(const DimExpr& a, const DimExpr& b);
DimExpr ceilDiv(const DimExpr& a, const DimExpr& b);
DimExpr mod(const DimExpr& a, const DimExpr& b);
DimExpr max(const DimExpr& a, const DimExpr& b);
DimExpr min(const DimExpr& a, const DimExpr& b);

//! A tensor's shape.
using Shape = std::vector<DimExpr>;

bool allConst(const Shape& shape);
std::string toString(const Shape& shape);
//! Product of the dims (1 for a scalar).
DimExpr volume(const Shape& shape);
bool shapesEqual(const Shape& a, const Shape& b);
//! Concrete values of a shape; throws if a dim is symbolic.
std::vector<int64_t> constValues(const Shape& shape);
Shape shapeOf(const std::vector<int64_t>& dims);

}  // namespace kiln::ir
