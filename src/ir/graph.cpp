#include "ir/graph.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <unordered_set>

#include "core/status.h"

namespace kiln::ir {

ValueInfo constantInfo(const HostTensor& t) {
    ValueInfo info;
    info.type = t.type;
    info.shape = shapeOf(t.dims);
    info.constant = &t;
    bool isInt = t.type == DataType::kINT32 || t.type == DataType::kINT64;
    if (isInt && t.dims.size() <= 1 && t.numel() <= kMaxShapeValueElements) {
        std::vector<DimExpr> values;
        for (int64_t i = 0; i < t.numel(); ++i) values.emplace_back(t.intAt(i));
        info.value = std::move(values);
    }
    return info;
}

ValueInfo Value::info() const {
    if (constant) return constantInfo(*constant);
    ValueInfo i;
    i.type = type;
    i.shape = shape;
    i.value = shapeValue;
    return i;
}

Value* Graph::newValue(const std::string& name) {
    auto v = std::make_unique<Value>();
    v->id = mNextId++;
    v->name = name;
    mValues.push_back(std::move(v));
    return mValues.back().get();
}

std::string Graph::uniqueName(const std::string& base) {
    std::string name;
    do {
        name = base + "_" + std::to_string(mNextNameId++);
    } while (findValue(name) || findNode(name));
    return name;
}

Value* Graph::addInput(const std::string& name, DataType type, Shape shape) {
    Value* v = newValue(name);
    v->type = type;
    v->shape = std::move(shape);
    v->isGraphInput = true;
    mInputs.push_back(v);
    return v;
}

Value* Graph::addConstant(const std::string& name, HostTensor tensor) {
    Value* v = newValue(name);
    v->type = tensor.type;
    v->shape = shapeOf(tensor.dims);
    v->constant = std::make_shared<const HostTensor>(std::move(tensor));
    return v;
}

Node* Graph::addNode(std::unique_ptr<Op> op, const std::string& name, const std::vector<Value*>& inputs,
                     int32_t nbOutputs) {
    return insertNodeBefore(nullptr, std::move(op), name, inputs, nbOutputs);
}

Node* Graph::insertNodeBefore(const Node* before, std::unique_ptr<Op> op, const std::string& name,
                              const std::vector<Value*>& inputs, int32_t nbOutputs) {
    auto node = std::make_unique<Node>();
    node->id = mNextId++;
    node->name = name;
    node->op = std::move(op);
    node->inputs = inputs;
    for (int32_t i = 0; i < nbOutputs; ++i) {
        Value* out = newValue(nbOutputs == 1 ? name + "_out" : name + "_out" + std::to_string(i));
        out->producer = node.get();
        node->outputs.push_back(out);
    }
    Node* raw = node.get();
    auto pos = std::find_if(mNodes.begin(), mNodes.end(), [&](const auto& n) { return n.get() == before; });
    mNodes.insert(pos, std::move(node));
    return raw;
}

void Graph::markOutput(Value* v) {
    if (!v->isGraphOutput) {
        v->isGraphOutput = true;
        mOutputs.push_back(v);
    }
}

std::vector<Value*> Graph::values() const {
    std::vector<Value*> out;
    for (const auto& v : mValues) out.push_back(v.get());
    return out;
}

Value* Graph::findValue(const std::string& name) const {
    for (const auto& v : mValues)
        if (v->name == name) return v.get();
    return nullptr;
}

Node* Graph::findNode(const std::string& name) const {
    for (const auto& n : mNodes)
        if (n->name == name) return n.get();
    return nullptr;
}

std::vector<Node*> Graph::users(const Value* v) const {
    std::vector<Node*> out;
    for (const auto& n : mNodes)
        if (std::find(n->inputs.begin(), n->inputs.end(), v) != n->inputs.end()) out.push_back(n.get());
    return out;
}

bool Graph::canReplace(const Value* from, const Value* to) const {
    if (!from->isGraphOutput) return true;
    // A graph output keeps its public name, so its replacement must be free to take it.
    return !(to->isGraphInput || to->isGraphOutput || to->isConstant());
}

void Graph::replaceAllUsesWith(Value* from, Value* to) {
    if (from == to) return;
    KILN_CHECK_CODE(canReplace(from, to), ErrorCode::kINTERNAL_ERROR)
        << "cannot replace graph output " << from->name << " by " << to->name;
    for (auto& n : mNodes)
        for (auto& in : n->inputs)
            if (in == from) in = to;
    if (from->isGraphOutput) {
        auto it = std::find(mOutputs.begin(), mOutputs.end(), from);
        std::string name = from->name;
        from->name = uniqueName(name + "_replaced");
        from->isGraphOutput = false;
        to->name = name;
        to->isGraphOutput = true;
        *it = to;
    }
}

void Graph::removeNode(Node* node) {
    mNodes.erase(std::remove_if(mNodes.begin(), mNodes.end(), [&](const auto& n) { return n.get() == node; }),
                 mNodes.end());
}

int32_t Graph::removeDeadNodes() {
    std::unordered_set<const Value*> live(mOutputs.begin(), mOutputs.end());
    std::vector<bool> keep(mNodes.size(), false);
    for (size_t i = mNodes.size(); i-- > 0;) {
        Node* n = mNodes[i].get();
        bool used = false;
        for (Value* o : n->outputs) used = used || live.count(o);
        // Assertions have no outputs consumed but their check is the point: keep them.
        used = used || n->outputs.empty() || std::string(n->op->name()) == "Assertion";
        if (!used) continue;
        keep[i] = true;
        for (Value* in : n->inputs)
            if (in) live.insert(in);
    }
    int32_t removed = 0;
    std::vector<std::unique_ptr<Node>> kept;
    for (size_t i = 0; i < mNodes.size(); ++i) {
        if (keep[i]) {
            kept.push_back(std::move(mNodes[i]));
        } else {
            ++removed;
        }
    }
    mNodes = std::move(kept);
    // Drop values nobody references any more (inputs and outputs always stay).
    std::unordered_set<const Value*> referenced(mInputs.begin(), mInputs.end());
    referenced.insert(mOutputs.begin(), mOutputs.end());
    for (const auto& n : mNodes) {
        referenced.insert(n->inputs.begin(), n->inputs.end());
        referenced.insert(n->outputs.begin(), n->outputs.end());
    }
    mValues.erase(std::remove_if(mValues.begin(), mValues.end(),
                                 [&](const auto& v) { return !referenced.count(v.get()); }),
                  mValues.end());
    return removed;
}

int32_t Graph::addSymbol(Symbol s) {
    mSymbols.push_back(std::move(s));
    return static_cast<int32_t>(mSymbols.size()) - 1;
}

void Graph::inferShapes() {
    for (auto& node : mNodes) inferNode(node.get());
}

void Graph::inferNode(Node* node) {
    std::vector<ValueInfo> infos(node->inputs.size());
    std::vector<const ValueInfo*> ptrs(node->inputs.size(), nullptr);
    for (size_t i = 0; i < node->inputs.size(); ++i) {
        if (!node->inputs[i]) continue;
        infos[i] = node->inputs[i]->info();
        ptrs[i] = &infos[i];
    }
    int32_t dataDependentIndex = 0;
    InferContext ctx(node->name, ptrs, [&](const DimExpr& bound) {
        // One symbol per (node, occurrence), reused when inference runs again after a pass.
        std::string desc =
            "data-dependent size " + std::to_string(dataDependentIndex++) + " of node '" + node->name + "'";
        for (size_t s = 0; s < mSymbols.size(); ++s) {
            if (mSymbols[s].description == desc) {
                mSymbols[s].upperBound = bound;
                return DimExpr::symbol(static_cast<int32_t>(s));
            }
        }
        Symbol sym;
        sym.description = desc;
        sym.upperBound = bound;
        return DimExpr::symbol(addSymbol(sym));
    });
    node->op->inferShapes(ctx);
    auto& outs = ctx.outputs();
    KILN_CHECK_CODE(outs.size() == node->outputs.size(), ErrorCode::kINTERNAL_ERROR)
        << node->name << ": shape inference produced " << outs.size() << " outputs, expected "
        << node->outputs.size();
    for (size_t i = 0; i < outs.size(); ++i) {
        Value* v = node->outputs[i];
        v->type = outs[i].type;
        v->shape = outs[i].shape;
        v->shapeValue = outs[i].value;
    }
}

void Graph::verify() const {
    std::unordered_set<const Value*> defined;
    for (const auto& v : mValues)
        if (v->isGraphInput || v->isConstant()) defined.insert(v.get());
    std::set<std::string> names;
    for (const auto& n : mNodes) {
        KILN_CHECK_CODE(n->op != nullptr, ErrorCode::kINTERNAL_ERROR) << "node " << n->name << " has no op";
        for (const Value* in : n->inputs)
            KILN_CHECK_CODE(!in || defined.count(in), ErrorCode::kINTERNAL_ERROR)
                << "node " << n->name << " uses value " << in->name << " before it is defined";
        for (const Value* out : n->outputs) {
            KILN_CHECK_CODE(out->producer == n.get(), ErrorCode::kINTERNAL_ERROR)
                << "value " << out->name << " has the wrong producer";
            defined.insert(out);
        }
    }
    for (const Value* out : mOutputs)
        KILN_CHECK_CODE(defined.count(out), ErrorCode::kINTERNAL_ERROR)
            << "graph output " << out->name << " is never produced";
    for (const auto& v : mValues)
        KILN_CHECK_CODE(names.insert(v->name).second, ErrorCode::kINTERNAL_ERROR)
            << "two values are named " << v->name;
}

std::unique_ptr<Graph> Graph::clone() const {
    auto g = std::make_unique<Graph>();
    std::map<const Value*, Value*> map;
    for (const auto& v : mValues) {
        auto nv = std::make_unique<Value>(*v);
        nv->producer = nullptr;
        map[v.get()] = nv.get();
        g->mValues.push_back(std::move(nv));
    }
    for (const auto& n : mNodes) {
        auto nn = std::make_unique<Node>();
        nn->id = n->id;
        nn->name = n->name;
        nn->op = n->op->clone();
        nn->precision = n->precision;
        nn->fusedFrom = n->fusedFrom;
        for (Value* in : n->inputs) nn->inputs.push_back(in ? map[in] : nullptr);
        for (Value* out : n->outputs) {
            nn->outputs.push_back(map[out]);
            map[out]->producer = nn.get();
        }
        g->mNodes.push_back(std::move(nn));
    }
    for (Value* v : mInputs) g->mInputs.push_back(map[v]);
    for (Value* v : mOutputs) g->mOutputs.push_back(map[v]);
    g->mSymbols = mSymbols;
    g->mNextId = mNextId;
    g->mNextNameId = mNextNameId;
    return g;
}

std::string printGraph(const Graph& graph) {
    std::ostringstream os;
    auto typed = [](const Value* v) {
        return "%" + v->name + ": " + dataTypeName(v->type) + toString(v->shape);
    };
    os << "graph(";
    for (size_t i = 0; i < graph.inputs().size(); ++i) os << (i ? ", " : "") << typed(graph.inputs()[i]);
    os << ") {\n";
    for (const Value* v : graph.values())
        if (v->isConstant()) {
            // Only constants that are used somewhere are printed.
            bool used = false;
            for (const auto& n : graph.nodes())
                for (const Value* in : n->inputs) used = used || in == v;
            if (used) os << "  " << typed(v) << " = constant\n";
        }
    for (const auto& n : graph.nodes()) {
        os << "  ";
        for (size_t i = 0; i < n->outputs.size(); ++i) os << (i ? ", " : "") << typed(n->outputs[i]);
        os << " = " << n->op->signature() << "(";
        for (size_t i = 0; i < n->inputs.size(); ++i)
            os << (i ? ", " : "") << (n->inputs[i] ? "%" + n->inputs[i]->name : std::string("none"));
        os << ")\n";
    }
    os << "  return ";
    for (size_t i = 0; i < graph.outputs().size(); ++i) os << (i ? ", " : "") << "%" << graph.outputs()[i]->name;
    os << "\n}\n";
    return os.str();
}

}  // namespace kiln::ir
