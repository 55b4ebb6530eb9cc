// kiln inspect: an engine's I/O tensors, layers with implementations and precisions, memory.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_util.h"

namespace kiln::cli {

int runInspect(int argc, char** argv) {
    std::string path;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--json") json = true;
        else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "[E] kiln inspect: unknown option '%s'\n", a.c_str());
            return 1;
        } else path = a;
    }
    if (path.empty()) {
        std::fprintf(stderr, "usage: kiln inspect <file.engine> [--json]\n");
        return 1;
    }
    ConsoleLogger logger(Logger::Severity::kWARNING);
    auto bytes = readFile(path);
    if (!bytes) {
        std::fprintf(stderr, "[E] cannot read '%s'\n", path.c_str());
        return 1;
    }
    auto runtime = createRuntime(logger);
    auto engine = runtime->deserializeEngine(bytes->data(), bytes->size());
    if (!engine) return 1;
    nlohmann::json info = nlohmann::json::parse(engine->getLayerInformationJson());
    nlohmann::json io = nlohmann::json::array();
    for (int32_t i = 0; i < engine->getNbIOTensors(); ++i) {
        const char* name = engine->getIOTensorName(i);
        Dims d = engine->getTensorShape(name);
        std::vector<int64_t> dims(d.d, d.d + d.nbDims);
        io.push_back({{"name", name},
                      {"mode", engine->getTensorIOMode(name) == TensorIOMode::kINPUT ? "input" : "output"},
                      {"type", dataTypeName(engine->getTensorDataType(name))},
                      {"shape", dims}});
    }
    info["io"] = io;
    if (json) {
        std::printf("%s\n", info.dump(2).c_str());
        return 0;
    }
    std::printf("Engine %s: %s backend, %d layers, activation memory %zu bytes\n", path.c_str(),
                info["backend"].get<std::string>().c_str(), engine->getNbLayers(), engine->getDeviceMemorySize());
    for (const auto& t : io) std::printf("  %-6s %s %s %s\n", t["mode"].get<std::string>().c_str(),
                                         t["name"].get<std::string>().c_str(), t["type"].get<std::string>().c_str(),
                                         t["shape"].dump().c_str());
    for (const auto& l : info["layers"]) {
        std::printf("  layer %-40s %-16s %-24s %s", l["name"].get<std::string>().c_str(),
                    l["op"].get<std::string>().c_str(), l["implementation"].get<std::string>().c_str(),
                    l["precision"].get<std::string>().c_str());
        if (!l["fused"].empty()) std::printf("  (fused: %s)", l["fused"].dump().c_str());
        std::printf("\n");
    }
    return 0;
}

}  // namespace kiln::cli
