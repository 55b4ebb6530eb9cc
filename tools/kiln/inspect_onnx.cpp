// kiln inspect <model.onnx>: the parsed network, then (when its shapes are known) the engine.
#include <cstdio>

#include "cli_util.h"
#include "engine_build.h"
#include "inspect.h"
#include "onnx_model.h"

namespace kiln::cli {
namespace {

void printNetwork(const std::string& path, const nlohmann::json& net) {
    std::printf("ONNX model %s: %zu layers\n", path.c_str(), net["layers"].size());
    for (const char* mode : {"inputs", "outputs"})
        for (const auto& t : net[mode])
            std::printf("  %-6s %s %s %s\n", mode[0] == 'i' ? "input" : "output", t["name"].get<std::string>().c_str(),
                        t["type"].get<std::string>().c_str(), t["shape"].dump().c_str());
    for (const auto& l : net["layers"])
        std::printf("  network layer %-40s %-16s precision %s\n", l["name"].get<std::string>().c_str(),
                    l["type"].get<std::string>().c_str(), l["precision"].get<std::string>().c_str());
}

//! The dynamic inputs that `shapes` does not name.
std::vector<std::string> unshapedInputs(const NetworkDefinition& network, const ShapeList& shapes) {
    std::vector<std::string> missing;
    for (int32_t i = 0; i < network.getNbInputs(); ++i) {
        const Tensor& in = *network.getInput(i);
        bool named = false;
        for (const auto& s : shapes) named = named || s.first == in.getName();
        if (isDynamic(in.getDimensions()) && !named) missing.push_back(in.getName());
    }
    return missing;
}

}  // namespace

int inspectOnnx(const std::string& path, const ShapeList& shapes, bool json, Logger& logger) {
    auto builder = createBuilder(logger);
    auto network = builder ? builder->createNetwork() : nullptr;
    if (!network || !parseOnnxModel(path, *network, logger, false)) return 1;
    nlohmann::json out;
    out["model"] = path;
    out["format"] = "onnx";
    out["network"] = describeNetwork(*network);
    if (!json) printNetwork(path, out["network"]);
    int rc = 0;
    auto missing = unshapedInputs(*network, shapes);
    if (!missing.empty()) {
        std::string names;
        for (const auto& n : missing) names += (names.empty() ? "" : ", ") + n;
        out["engine"] = nullptr;
        out["engineNote"] = "not built: dynamic inputs without shapes (" + names + "); give --shapes=name:AxB,...";
        if (!json) std::printf("Engine: %s\n", out["engineNote"].get<std::string>().c_str());
    } else {
        BuildRequest request;
        request.shapes = shapes;
        auto plan = buildEngine(*builder, *network, request, logger);
        auto runtime = plan ? createRuntime(logger) : nullptr;
        auto engine = runtime ? runtime->deserializeEngine(plan->data(), plan->size()) : nullptr;
        if (engine) {
            out["engine"] = engineInfo(*engine);
            if (!json) printEngineInfo(out["engine"], "Engine (built with default settings)");
        } else {
            out["engine"] = nullptr;
            out["engineNote"] = "the build failed (see the errors above)";
            rc = 1;
        }
    }
    if (json) std::printf("%s\n", out.dump(2).c_str());
    return rc;
}

}  // namespace kiln::cli
