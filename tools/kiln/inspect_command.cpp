// kiln inspect: an engine's (or ONNX model's) I/O tensors, layers with implementations and
// precisions, memory; --json for machines.
#include <cstdio>
#include <string>

#include "cli_util.h"
#include "inspect.h"
#include "onnx_model.h"

namespace kiln::cli {

nlohmann::json engineInfo(const Engine& engine) {
    nlohmann::json info = nlohmann::json::parse(engine.getLayerInformationJson(), nullptr, false);
    if (info.is_discarded()) info = nlohmann::json::object();
    nlohmann::json io = nlohmann::json::array();
    for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
        const char* name = engine.getIOTensorName(i);
        Dims d = engine.getTensorShape(name);
        std::vector<int64_t> dims(d.d, d.d + std::max(d.nbDims, 0));
        io.push_back({{"name", name},
                      {"mode", engine.getTensorIOMode(name) == TensorIOMode::kINPUT ? "input" : "output"},
                      {"type", dataTypeName(engine.getTensorDataType(name))},
                      {"shape", dims}});
    }
    info["io"] = io;
    info["nbLayers"] = engine.getNbLayers();
    info["nbOptimizationProfiles"] = engine.getNbOptimizationProfiles();
    return info;
}

void printEngineInfo(const nlohmann::json& info, const std::string& title) {
    std::printf("%s: %s backend, %d layers, activation memory %s bytes\n", title.c_str(),
                info.value("backend", std::string("?")).c_str(), info.value("nbLayers", 0),
                info.contains("deviceMemorySize") ? info["deviceMemorySize"].dump().c_str() : "?");
    for (const auto& t : info["io"])
        std::printf("  %-6s %s %s %s\n", t["mode"].get<std::string>().c_str(), t["name"].get<std::string>().c_str(),
                    t["type"].get<std::string>().c_str(), t["shape"].dump().c_str());
    if (!info.contains("layers")) return;
    for (const auto& l : info["layers"]) {
        std::printf("  layer %-40s %-16s %-24s %s", l.value("name", std::string()).c_str(), l.value("op", std::string()).c_str(),
                    l.value("implementation", std::string()).c_str(), l.value("precision", std::string()).c_str());
        if (l.contains("fused") && !l["fused"].empty()) std::printf("  (fused: %s)", l["fused"].dump().c_str());
        std::printf("\n");
    }
}

int runInspect(int argc, char** argv) {
    std::string path;
    bool json = false, verbose = false;
    ShapeList shapes;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--json") {
            json = true;
        } else if (a == "--verbose") {
            verbose = true;
        } else if (a.rfind("--shapes=", 0) == 0) {
            auto s = parseShapes(a.substr(9));
            if (!s) {
                std::fprintf(stderr, "[E] kiln inspect: bad --shapes '%s': expected name:AxBxC[,name:...]\n", a.c_str() + 9);
                return 1;
            }
            shapes = *s;
        } else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "[E] kiln inspect: unknown option '%s'\n", a.c_str());
            return 1;
        } else if (!path.empty()) {
            std::fprintf(stderr, "[E] kiln inspect: one file at a time ('%s' and '%s')\n", path.c_str(), a.c_str());
            return 1;
        } else {
            path = a;
        }
    }
    if (path.empty()) {
        std::fprintf(stderr, "usage: kiln inspect <model.onnx|file.engine> [--json] [--shapes=name:AxB,...] [--verbose]\n");
        return 1;
    }
    ConsoleLogger logger(verbose ? Logger::Severity::kVERBOSE : Logger::Severity::kWARNING);
    auto bytes = readFile(path);
    if (!bytes) {
        std::fprintf(stderr, "[E] cannot read '%s'\n", path.c_str());
        return 1;
    }
    if (looksLikeOnnx(path, *bytes)) return inspectOnnx(path, shapes, json, logger);
    auto runtime = createRuntime(logger);
    auto engine = runtime ? runtime->deserializeEngine(bytes->data(), bytes->size()) : nullptr;
    if (!engine) return 1;
    nlohmann::json info = engineInfo(*engine);
    if (json) std::printf("%s\n", info.dump(2).c_str());
    else printEngineInfo(info, "Engine " + path);
    return 0;
}

}  // namespace kiln::cli
