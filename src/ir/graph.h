// The IR graph: values (tensors) and nodes (ops) in topological order.
// A value is a graph input, a node's output, or a constant (weights). Passes rewrite the graph;
// the PassManager removes dead nodes after each pass.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/dim_expr.h"
#include "ir/host_tensor.h"
#include "ir/op.h"

namespace kiln::ir {

struct Node;

struct Value {
    int32_t id{-1};
    std::string name;
    DataType type{DataType::kFLOAT};
    Shape shape;
    std::optional<std::vector<DimExpr>> shapeValue;  //!< known values of small int tensors
    Node* producer{nullptr};
    std::shared_ptr<const HostTensor> constant;  //!< set for weights / folded constants
    bool isGraphInput{false};
    bool isGraphOutput{false};

    bool isConstant() const { return constant != nullptr; }
    ValueInfo info() const;
};

struct Node {
    int32_t id{-1};
    std::string name;
    std::unique_ptr<Op> op;
    std::vector<Value*> inputs;  //!< nullptr for an absent optional input
    std::vector<Value*> outputs;
    //! Per-layer precision constraint (kFLOAT if none).
    std::optional<DataType> precision;
    //! Names of the layers a fusion merged into this node, for inspect and VERBOSE logs.
    std::vector<std::string> fusedFrom;
};

//! A symbolic dimension: a dynamic input dimension or a data-dependent size.
struct Symbol {
    std::string description;  //!< "input 'x' dim 0" or "data-dependent size of node 'nz'"
    std::string inputName;    //!< set for input dimensions
    int32_t inputAxis{-1};
    std::optional<DimExpr> upperBound;  //!< set for data-dependent sizes
};

class Graph {
public:
    Graph() = default;
    Graph(const Graph&) = delete;
    Graph& operator=(const Graph&) = delete;

    Value* addInput(const std::string& name, DataType type, Shape shape);
    Value* addConstant(const std::string& name, HostTensor tensor);
    //! Appends a node; output values are created (types and shapes unset until inference).
    Node* addNode(std::unique_ptr<Op> op, const std::string& name, const std::vector<Value*>& inputs,
                  int32_t nbOutputs);
    //! Inserts a node right before `before` (keeps topological order for rewrites).
    Node* insertNodeBefore(const Node* before, std::unique_ptr<Op> op, const std::string& name,
                           const std::vector<Value*>& inputs, int32_t nbOutputs);
    void markOutput(Value* v);

    const std::vector<std::unique_ptr<Node>>& nodes() const { return mNodes; }
    const std::vector<Value*>& inputs() const { return mInputs; }
    const std::vector<Value*>& outputs() const { return mOutputs; }
    std::vector<Value*> values() const;
    Value* findValue(const std::string& name) const;
    Node* findNode(const std::string& name) const;

    //! Every use of `from` becomes a use of `to` (graph outputs included: `to` takes the name).
    void replaceAllUsesWith(Value* from, Value* to);
    //! False when `from` is a graph output and `to` cannot take its name (input, constant, output).
    bool canReplace(const Value* from, const Value* to) const;
    std::vector<Node*> users(const Value* v) const;
    //! Removes nodes none of whose outputs reach a graph output; returns how many.
    int32_t removeDeadNodes();
    void removeNode(Node* node);

    int32_t addSymbol(Symbol s);
    const std::vector<Symbol>& symbols() const { return mSymbols; }

    //! Re-runs shape inference over every node in order; throws on the first error.
    void inferShapes();
    //! Shape inference of one node from its inputs' current infos.
    void inferNode(Node* node);
    //! Checks structure: topological order, every input defined, outputs produced.
    void verify() const;
    std::unique_ptr<Graph> clone() const;
    std::string uniqueName(const std::string& base);

private:
    Value* newValue(const std::string& name);
    std::vector<std::unique_ptr<Value>> mValues;
    std::vector<std::unique_ptr<Node>> mNodes;
    std::vector<Value*> mInputs;
    std::vector<Value*> mOutputs;
    std::vector<Symbol> mSymbols;
    int32_t mNextId{0};
    int32_t mNextNameId{0};
};

//! Canonical text form, for pass tests and KILN dumps:
//!   graph(%x: float32[s0,3]) { %y: float32[s0,3] = Activation[type=0](%x) ... return %y }
std::string printGraph(const Graph& graph);

}  // namespace kiln::ir
