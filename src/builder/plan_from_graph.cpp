#include <cstring>
#include <map>

#include "builder/plan_builder.h"
#include "core/status.h"

namespace kiln::builder {

engine::Plan planFromGraph(const ir::Graph& graph, std::vector<engine::Profile> profiles) {
    engine::Plan plan;
    plan.profiles = std::move(profiles);
    std::map<const ir::Value*, int32_t> slotOf;
    auto addSlot = [&](const ir::Value* v) -> int32_t {
        auto it = slotOf.find(v);
        if (it != slotOf.end()) return it->second;
        engine::TensorSlot s;
        s.name = v->name;
        s.type = v->type;
        for (const auto& d : v->shape) s.dims.push_back(d.isConst() ? d.value() : -1);
        s.isInput = v->isGraphInput;
        s.isOutput = v->isGraphOutput;
        if (v->isConstant()) {
            engine::Weights w;
            w.type = v->constant->type;
            w.dims = v->constant->dims;
            const auto* bytes = static_cast<const uint8_t*>(v->constant->data());
            w.bytes.assign(bytes, bytes + v->constant->bytes());
            s.weightIndex = static_cast<int32_t>(plan.weights.size());
            plan.weights.push_back(std::move(w));
        }
        plan.tensors.push_back(std::move(s));
        int32_t index = static_cast<int32_t>(plan.tensors.size()) - 1;
        slotOf[v] = index;
        return index;
    };
    for (const ir::Value* in : graph.inputs()) addSlot(in);
    for (const auto& n : graph.nodes()) {
        engine::Step step;
        step.layerName = n->name;
        step.opName = n->op->name();
        step.attributes = n->op->attributes();
        step.tacticName = "";  // chosen by selectTactics, per backend
        // The precision it computes in: its float output's type (half after the reduced-precision
        // pass), else its constraint or float32.
        step.precision = n->precision.value_or(DataType::kFLOAT);
        if (!n->outputs.empty()) {
            const DataType out = n->outputs[0]->type;
            if (out == DataType::kFLOAT || out == DataType::kHALF || out == DataType::kBF16 || out == DataType::kDOUBLE)
                step.precision = out;
        }
        step.fusedFrom = n->fusedFrom;
        const int32_t index = static_cast<int32_t>(plan.steps.size());
        for (const ir::Value* in : n->inputs) {
            if (!in) {
                step.inputs.push_back(-1);
                continue;
            }
            int32_t s = addSlot(in);
            step.inputs.push_back(s);
            plan.tensors[s].lastStep = index;
        }
        for (const ir::Value* out : n->outputs) {
            int32_t s = addSlot(out);
            step.outputs.push_back(s);
            plan.tensors[s].firstStep = index;
            plan.tensors[s].lastStep = std::max(plan.tensors[s].lastStep, index);
        }
        plan.steps.push_back(std::move(step));
    }
    for (const ir::Value* out : graph.outputs()) addSlot(out);
    return plan;
}

}  // namespace kiln::builder
