// Writes a few valid engine plans into a directory (argv[1]): the seed corpus of fuzz_engine_reader.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/plan_writer.h"
#include "kiln/version.h"

namespace {

using kiln::DataType;
using kiln::DeviceType;
using namespace kiln::engine;

TensorSlot slot(const char* name, DataType type, std::vector<int64_t> dims, int32_t weightIndex = -1) {
    TensorSlot t;
    t.name = name;
    t.type = type;
    t.dims = std::move(dims);
    t.weightIndex = weightIndex;
    return t;
}

Weights weights(DataType type, std::vector<int64_t> dims) {
    Weights w;
    w.type = type;
    w.dims = dims;
    size_t n = dataTypeSize(type);
    for (int64_t d : dims) n *= static_cast<size_t>(d);
    w.bytes.resize(n);
    for (size_t i = 0; i < n; ++i) w.bytes[i] = static_cast<uint8_t>(i * 13 + 1);
    return w;
}

Plan emptyPlan() {
    Plan p;
    p.header.libraryVersion = KILN_VERSION;
    return p;
}

//! input -> add(w) -> relu -> output, with a profile and liveness.
Plan chainPlan() {
    Plan p = emptyPlan();
    p.header.deviceName = "cpu";
    p.header.buildOptions = "fp32";
    p.tensors = {slot("x", DataType::kFLOAT, {-1, 3}), slot("w", DataType::kFLOAT, {1, 3}, 0),
                 slot("t", DataType::kFLOAT, {-1, 3}), slot("y", DataType::kFLOAT, {-1, 3})};
    p.tensors[0].isInput = true;
    p.tensors[3].isOutput = true;
    p.tensors[0].lastStep = p.tensors[1].lastStep = p.tensors[2].firstStep = 0;
    p.tensors[2].lastStep = p.tensors[3].firstStep = p.tensors[3].lastStep = 1;
    p.weights = {weights(DataType::kFLOAT, {1, 3})};
    Step add, relu;
    add.layerName = "add";
    add.opName = "ElementWise";
    add.attributes["op"] = int64_t{0};
    add.inputs = {0, 1};
    add.outputs = {2};
    add.tacticName = "reference";
    relu.layerName = "relu";
    relu.opName = "Activation";
    relu.attributes["alpha"] = 0.5;
    relu.inputs = {2};
    relu.outputs = {3};
    relu.fusedFrom = {"relu", "clip"};
    p.steps = {add, relu};
    p.profiles = {Profile{{{"x", {1, 3}, {8, 3}, {64, 3}}}}};
    p.deviceMemorySize = 4096;
    p.layerInfoJson = R"({"Layers":["add","relu"]})";
    return p;
}

//! Every attribute kind, several weights of odd sizes and types, two profiles, a GPU header.
Plan richPlan() {
    Plan p = chainPlan();
    p.header.backend = DeviceType::kGPU;
    p.header.deviceName = "NVIDIA H100";
    p.header.computeCapability = 90;
    p.tensors.push_back(slot("b", DataType::kHALF, {5}, 1));
    p.tensors.push_back(slot("idx", DataType::kINT64, {2, 1}, 2));
    p.tensors.push_back(slot("mask", DataType::kBOOL, {}, 3));
    p.tensors.push_back(slot("z", DataType::kHALF, {-1, 5}));
    p.tensors.back().isOutput = true;
    p.weights.push_back(weights(DataType::kHALF, {5}));
    p.weights.push_back(weights(DataType::kINT64, {2, 1}));
    p.weights.push_back(weights(DataType::kBOOL, {}));
    Step s;
    s.layerName = "gemm";
    s.opName = "MatrixMultiply";
    s.attributes["mode"] = std::string("nt");
    s.attributes["perm"] = std::vector<int64_t>{1, 0, -1};
    s.attributes["scales"] = std::vector<double>{0.25, 4.0};
    s.inputs = {3, 4, -1, 5, 6};
    s.outputs = {7};
    s.tacticName = "gemm_fp16";
    s.workspaceSize = 1 << 20;
    s.precision = DataType::kHALF;
    p.steps.push_back(s);
    p.profiles.push_back(Profile{{{"x", {0, 3}, {1, 3}, {2, 3}}}});
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    const std::pair<const char*, Plan> plans[] = {{"empty", emptyPlan()}, {"chain", chainPlan()}, {"rich", richPlan()}};
    for (const auto& [name, plan] : plans) {
        const auto bytes = writePlan(plan);
        std::ofstream out(dir / (std::string(name) + ".engine"), std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        std::printf("%s: %zu bytes\n", name, bytes.size());
    }
    return 0;
}
