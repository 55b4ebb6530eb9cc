#include <nlohmann/json.hpp>

#include "builder/plan_builder.h"
#include "runtime/executor.h"

namespace kiln::builder {

void planMemory(engine::Plan& plan, const LogSink& sink) {
    runtime::PreparedPlan prepared(plan, nullptr, /*deviceWeights=*/false);
    uint64_t best = 0;
    for (size_t p = 0; p < plan.profiles.size(); ++p) {
        std::map<std::string, std::vector<int64_t>> dims;
        for (const auto& in : plan.profiles[p].inputs) dims[in.name] = in.max;
        runtime::MemoryPlan mp = prepared.planMemory(dims);
        uint64_t total = mp.arenaSize + runtime::kArenaAlignment + mp.workspaceSize;
        uint64_t naive = 0;
        for (size_t i = 0; i < plan.tensors.size(); ++i) {
            const auto& t = plan.tensors[i];
            if (!t.isInput && !t.isOutput && t.weightIndex < 0) naive += mp.slots[i].bytes;
        }
        KILN_LOG(sink, kINFO) << "Memory plan, profile " << p << " at MAX shapes: activations " << mp.arenaSize
                              << " bytes (without reuse: " << naive << "), workspace " << mp.workspaceSize << " bytes";
        best = std::max(best, total);
    }
    plan.deviceMemorySize = best;
    KILN_LOG(sink, kINFO) << "Total activation memory: " << best << " bytes";
}

std::string layerInfoJson(const engine::Plan& plan) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& s : plan.steps) {
        nlohmann::json l;
        l["name"] = s.layerName;
        l["op"] = s.opName;
        l["implementation"] = s.tacticName;
        l["precision"] = dataTypeName(s.precision);
        l["workspace"] = s.workspaceSize;
        l["fused"] = s.fusedFrom;
        nlohmann::json ins = nlohmann::json::array(), outs = nlohmann::json::array();
        for (int32_t i : s.inputs) ins.push_back(i < 0 ? "" : plan.tensors[i].name);
        for (int32_t o : s.outputs) outs.push_back(plan.tensors[o].name);
        l["inputs"] = ins;
        l["outputs"] = outs;
        layers.push_back(l);
    }
    nlohmann::json j;
    j["layers"] = layers;
    j["deviceMemorySize"] = plan.deviceMemorySize;
    j["backend"] = plan.header.backend == DeviceType::kCPU ? "cpu" : "cuda";
    return j.dump(2);
}

}  // namespace kiln::builder
