// Constant folding: a node whose inputs are all constants is evaluated at build time with the
// CPU reference kernels; a node whose output values shape inference already knows (shape
// arithmetic: Shape → Gather → Concat on static dims) becomes that constant.
#include "backends/cpu/kernel.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

//! Larger results stay as computations: folding them would bloat the engine.
constexpr int64_t kMaxFoldedElements = 1 << 22;

bool foldable(const ir::Node& n) {
    const std::string op = n.op->name();
    if (op == "Assertion" || n.outputs.empty()) return false;
    if (op == "Fill") return false;  // random fills must stay random per run
    for (const ir::Value* in : n.inputs)
        if (in && !in->isConstant()) return false;
    return true;
}

class ConstantFolding : public Pass {
public:
    const char* name() const override { return "constant_folding"; }
    bool run(ir::Graph& graph, PassContext& ctx) override {
        bool changed = false;
        std::vector<ir::Node*> nodes;
        for (const auto& n : graph.nodes()) nodes.push_back(n.get());
        for (ir::Node* n : nodes) {
            if (foldFromKnownValues(graph, *n, ctx)) {
                changed = true;
                continue;
            }
            if (!foldable(*n)) continue;
            std::vector<const ir::HostTensor*> inputs;
            for (const ir::Value* in : n->inputs) inputs.push_back(in ? in->constant.get() : nullptr);
            int64_t elements = 0;
            for (const ir::Value* out : n->outputs) {
                if (!ir::allConst(out->shape)) elements = kMaxFoldedElements + 1;
                else elements += ir::volume(out->shape).value();
            }
            if (elements > kMaxFoldedElements) continue;
            if (cpu::tacticsFor(n->op->name()).empty()) continue;
            std::vector<ir::HostTensor> results = cpu::evaluateReference(*n->op, inputs, n->name);
            if (!replaceOutputs(graph, *n, results)) continue;
            KILN_LOG(ctx.sink, kVERBOSE) << "constant_folding: folded " << n->op->name() << " node '" << n->name << "'";
            changed = true;
        }
        return changed;
    }

private:
    static bool replaceOutputs(ir::Graph& graph, ir::Node& n, std::vector<ir::HostTensor>& results) {
        for (size_t i = 0; i < n.outputs.size(); ++i) {
            if (n.outputs[i]->isGraphOutput) return false;  // outputs keep a producer
        }
        for (size_t i = 0; i < n.outputs.size(); ++i) {
            ir::Value* c = graph.addConstant(graph.uniqueName(n.outputs[i]->name + "_folded"), std::move(results[i]));
            graph.replaceAllUsesWith(n.outputs[i], c);
        }
        return true;
    }

    static bool foldFromKnownValues(ir::Graph& graph, ir::Node& n, PassContext& ctx) {
        if (n.outputs.size() != 1 || n.outputs[0]->isGraphOutput || n.outputs[0]->isConstant()) return false;
        ir::Value* out = n.outputs[0];
        if (!out->shapeValue || !ir::allConst(out->shape)) return false;
        if (out->type != DataType::kINT32 && out->type != DataType::kINT64) return false;
        bool allInputsConst = foldable(n);
        if (allInputsConst) return false;  // the general path handles it
        std::vector<int64_t> values;
        for (const auto& d : *out->shapeValue) {
            if (!d.isConst()) return false;
            values.push_back(d.value());
        }
        ir::HostTensor t = ir::HostTensor::make(out->type, ir::constValues(out->shape));
        if (t.numel() != static_cast<int64_t>(values.size())) return false;
        for (size_t i = 0; i < values.size(); ++i) {
            if (out->type == DataType::kINT64) t.as<int64_t>()[i] = values[i];
            else t.as<int32_t>()[i] = static_cast<int32_t>(values[i]);
        }
        ir::Value* c = graph.addConstant(graph.uniqueName(out->name + "_folded"), std::move(t));
        graph.replaceAllUsesWith(out, c);
        KILN_LOG(ctx.sink, kVERBOSE) << "constant_folding: shape computation '" << n.name << "' is constant "
                                     << ir::toString(ir::shapeOf(values));
        return true;
    }
};

}  // namespace

std::unique_ptr<Pass> createConstantFoldingPass() { return std::make_unique<ConstantFolding>(); }

}  // namespace kiln::passes
