// What the pattern-matching fusions (HardSwish, GELU, LayerNorm) ask of a node or a value.
#pragma once

#include <optional>
#include <string>

#include "ir/graph.h"
#include "ir/ops/elementwise.h"

namespace kiln::passes::match {

inline bool isOp(const ir::Node* n, const char* name) { return n && std::string(n->op->name()) == name; }

//! A two-operand ElementWise node of operation `op`.
inline bool isElementWise(const ir::Node* n, ElementWiseOperation op) {
    return isOp(n, ir::ElementWiseOp::kName) && n->inputs.size() == 2 &&
           static_cast<const ir::ElementWiseOp&>(*n->op).op == op;
}

//! The float32 scalar value of a constant, if it is one.
inline std::optional<float> scalarConstant(const ir::Value* v) {
    if (!v || !v->isConstant() || v->constant->type != DataType::kFLOAT || v->constant->numel() != 1)
        return std::nullopt;
    return v->constant->as<float>()[0];
}

//! The node producing v, when v has no other use and is no network output.
inline ir::Node* soleProducer(const ir::Graph& graph, const ir::Value* v) {
    if (!v || !v->producer || v->isGraphOutput || graph.users(v).size() != 1) return nullptr;
    return v->producer;
}

}  // namespace kiln::passes::match
