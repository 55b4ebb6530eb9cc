// kiln exec: trtexec's flags and output. Loads (or, with the ONNX parser, builds) an engine,
// runs it on random or given inputs and prints the performance summary.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_util.h"

namespace kiln::cli {
namespace {

struct ExecOptions {
    std::string loadEngine, saveEngine, exportTimes, exportOutput, loadInputs;
    std::vector<std::pair<std::string, Dims>> shapes;
    int iterations{10};
    float warmUpMs{200};
    float durationS{3};
    std::vector<float> percentiles{90, 95, 99};
    bool verbose{false};
    bool skipInference{false};
    int profile{0};
};

bool parse(int argc, char** argv, ExecOptions& o, std::string& error) {
    // Options that take a non-empty string as they are.
    const std::map<std::string, std::string*> strings = {{"--loadEngine", &o.loadEngine},
                                                         {"--saveEngine", &o.saveEngine},
                                                         {"--exportTimes", &o.exportTimes},
                                                         {"--exportOutput", &o.exportOutput},
                                                         {"--loadInputs", &o.loadInputs}};
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto eq = arg.find('=');
        std::string key = arg.substr(0, eq);
        std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
        try {
            if (auto it = strings.find(key); it != strings.end()) {
                if (value.empty()) {
                    error = "option " + key + " needs a value (" + key + "=...)";
                    return false;
                }
                *it->second = value;
            } else if (key == "--shapes") {
                auto shapes = parseShapes(value);
                if (!shapes) {
                    error = "bad --shapes '" + value + "': expected name:AxBxC[,name:...]";
                    return false;
                }
                o.shapes = *shapes;
            } else if (key == "--iterations") {
                o.iterations = std::stoi(value);
            } else if (key == "--warmUp") {
                o.warmUpMs = std::stof(value);
            } else if (key == "--duration") {
                o.durationS = std::stof(value);
            } else if (key == "--percentile") {
                o.percentiles.clear();
                std::stringstream ss(value);
                std::string p;
                while (std::getline(ss, p, ',')) o.percentiles.push_back(std::stof(p));
            } else if (key == "--profile") {
                o.profile = std::stoi(value);
            } else if (key == "--verbose") {
                o.verbose = true;
            } else if (key == "--skipInference") {
                o.skipInference = true;
            } else {
                error = "unknown option '" + arg + "'";
                return false;
            }
        } catch (const std::exception&) {
            error = "bad value for " + key + ": '" + value + "'";
            return false;
        }
    }
    if (o.loadEngine.empty()) {
        error = "no engine given: use --loadEngine=<file> (building from --onnx comes with the ONNX parser)";
        return false;
    }
    return true;
}

//! trtexec's percentile: the value at ceil(p/100 * n) - 1 of the sorted times.
float percentile(std::vector<float> sorted, float p) {
    if (sorted.empty()) return 0;
    int64_t index = static_cast<int64_t>(std::ceil(p / 100.0 * sorted.size())) - 1;
    index = std::clamp<int64_t>(index, 0, static_cast<int64_t>(sorted.size()) - 1);
    return sorted[index];
}

void summarize(const char* what, std::vector<float> t, const std::vector<float>& percentiles) {
    std::sort(t.begin(), t.end());
    double sum = 0;
    for (float v : t) sum += v;
    float median = t.empty() ? 0 : (t.size() % 2 ? t[t.size() / 2] : (t[t.size() / 2 - 1] + t[t.size() / 2]) / 2);
    std::printf("[I] %s: min = %.5f ms, max = %.5f ms, mean = %.5f ms, median = %.5f ms", what, t.empty() ? 0 : t.front(),
                t.empty() ? 0 : t.back(), t.empty() ? 0 : sum / t.size(), median);
    for (float p : percentiles) std::printf(", percentile(%g%%) = %.5f ms", p, percentile(t, p));
    std::printf("\n");
}

}  // namespace

int runExec(int argc, char** argv) {
    ExecOptions o;
    std::string error;
    std::printf("&&&& RUNNING Kiln.exec [kiln exec]");
    for (int i = 1; i < argc; ++i) std::printf(" %s", argv[i]);
    std::printf("\n");
    auto fail = [&](const std::string& msg) {
        if (!msg.empty()) std::fprintf(stderr, "[E] %s\n", msg.c_str());
        std::printf("&&&& FAILED Kiln.exec\n");
        return 1;
    };
    if (!parse(argc, argv, o, error)) return fail(error);
    ConsoleLogger logger(o.verbose ? Logger::Severity::kVERBOSE : Logger::Severity::kINFO);
    auto bytes = readFile(o.loadEngine);
    if (!bytes) return fail("cannot read engine file '" + o.loadEngine + "'");
    auto runtime = createRuntime(logger);
    auto engine = runtime ? runtime->deserializeEngine(bytes->data(), bytes->size()) : nullptr;
    if (!engine) return fail("failed to load the engine from '" + o.loadEngine + "'");
    std::printf("[I] Engine loaded: %d layers, %d I/O tensors, device memory %zu bytes\n", engine->getNbLayers(),
                engine->getNbIOTensors(), engine->getDeviceMemorySize());
    if (!o.saveEngine.empty()) {
        auto plan = engine->serialize();
        if (!plan || !writeFile(o.saveEngine, plan->data(), plan->size())) return fail("cannot write " + o.saveEngine);
        std::printf("[I] Engine saved to %s\n", o.saveEngine.c_str());
    }
    if (o.skipInference) {
        std::printf("&&&& PASSED Kiln.exec\n");
        return 0;
    }
    auto context = engine->createExecutionContext();
    if (!context || !context->setOptimizationProfile(o.profile)) return fail("cannot create an execution context");
    // Shapes: --shapes, else the profile's OPT.
    for (int32_t i = 0; i < engine->getNbIOTensors(); ++i) {
        const char* name = engine->getIOTensorName(i);
        if (engine->getTensorIOMode(name) != TensorIOMode::kINPUT) continue;
        Dims dims = engine->getProfileShape(name, o.profile, OptProfileSelector::kOPT);
        for (const auto& [n, d] : o.shapes)
            if (n == name) dims = d;
        if (!context->setInputShape(name, dims)) return fail("");
        std::printf("[I] Input %s: %s\n", name, dimsToString(dims).c_str());
    }
    for (const auto& [n, d] : o.shapes)
        if (engine->getTensorIOMode(n.c_str()) != TensorIOMode::kINPUT)
            return fail("--shapes names '" + n + "', which is not an input of the engine");
    // Buffers: random inputs (or --loadInputs=name:file), outputs sized by the output shapes.
    std::map<std::string, std::vector<uint8_t>> buffers;
    std::map<std::string, std::string> inputFiles;
    if (!o.loadInputs.empty()) {
        std::stringstream ss(o.loadInputs);
        std::string item;
        while (std::getline(ss, item, ',')) {
            auto c = item.find(':');
            if (c == std::string::npos) return fail("bad --loadInputs entry '" + item + "': expected name:file");
            inputFiles[item.substr(0, c)] = item.substr(c + 1);
        }
    }
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    for (int32_t i = 0; i < engine->getNbIOTensors(); ++i) {
        const char* name = engine->getIOTensorName(i);
        Dims d = context->getTensorShape(name);
        if (d.nbDims < 0) return fail(std::string("cannot compute the shape of '") + name + "'");
        int64_t n = 1;
        for (int32_t k = 0; k < d.nbDims; ++k) n *= d.d[k];
        size_t bytes = static_cast<size_t>(n) * dataTypeSize(engine->getTensorDataType(name));
        auto& buf = buffers[name];
        buf.assign(bytes, 0);
        if (engine->getTensorIOMode(name) == TensorIOMode::kINPUT) {
            auto f = inputFiles.find(name);
            if (f != inputFiles.end()) {
                auto data = readFile(f->second);
                if (!data) return fail("cannot read input file '" + f->second + "'");
                if (data->size() != bytes)
                    return fail("input file '" + f->second + "' has " + std::to_string(data->size()) +
                                " bytes, input '" + name + "' needs " + std::to_string(bytes));
                buf = *data;
            } else if (engine->getTensorDataType(name) == DataType::kFLOAT) {
                auto* p = reinterpret_cast<float*>(buf.data());
                for (int64_t k = 0; k < n; ++k) p[k] = dist(rng);
            }
        }
        context->setTensorAddress(name, buf.data());
    }
    // Warm-up, then timed runs until both --iterations and --duration are reached.
    using clock = std::chrono::steady_clock;
    auto warmStart = clock::now();
    do {
        if (!context->executeV2()) return fail("inference failed");
    } while (std::chrono::duration<float, std::milli>(clock::now() - warmStart).count() < o.warmUpMs);
    std::vector<float> latencies;
    auto start = clock::now();
    while (static_cast<int>(latencies.size()) < o.iterations ||
           std::chrono::duration<float>(clock::now() - start).count() < o.durationS) {
        auto t0 = clock::now();
        if (!context->executeV2()) return fail("inference failed");
        latencies.push_back(std::chrono::duration<float, std::milli>(clock::now() - t0).count());
    }
    float total = std::chrono::duration<float>(clock::now() - start).count();
    std::printf("[I] === Performance summary ===\n");
    std::printf("[I] Throughput: %.3f qps\n", latencies.size() / total);
    summarize("Latency", latencies, o.percentiles);
    summarize("Enqueue Time", latencies, o.percentiles);
    std::vector<float> zeros(latencies.size(), 0.f);
    summarize("H2D Latency", zeros, o.percentiles);
    summarize("GPU Compute Time", latencies, o.percentiles);
    summarize("D2H Latency", zeros, o.percentiles);
    std::printf("[I] Total Host Walltime: %.5f s\n", total);
    std::printf("[I] (CPU engine: compute runs on the host, so H2D/D2H are zero and compute equals latency)\n");
    if (!o.exportTimes.empty()) {
        nlohmann::json j = nlohmann::json::array();
        for (float l : latencies) j.push_back({{"latencyMs", l}, {"computeMs", l}, {"h2dMs", 0}, {"d2hMs", 0}});
        std::ofstream(o.exportTimes) << j.dump(2);
    }
    if (!o.exportOutput.empty()) {
        nlohmann::json j = nlohmann::json::array();
        for (int32_t i = 0; i < engine->getNbIOTensors(); ++i) {
            const char* name = engine->getIOTensorName(i);
            if (engine->getTensorIOMode(name) != TensorIOMode::kOUTPUT) continue;
            Dims d = context->getTensorShape(name);
            nlohmann::json t{{"name", name}, {"dimensions", dimsToString(d)}};
            if (engine->getTensorDataType(name) == DataType::kFLOAT) {
                const auto& buf = buffers[name];
                const float* p = reinterpret_cast<const float*>(buf.data());
                t["values"] = std::vector<float>(p, p + buf.size() / 4);
            }
            j.push_back(t);
        }
        std::ofstream(o.exportOutput) << j.dump(2);
    }
    std::printf("&&&& PASSED Kiln.exec\n");
    return 0;
}

}  // namespace kiln::cli
