// api_networks_dump <dir>: builds the API networks of api_networks.h, saves and reloads each
// engine, runs it on fresh random inputs at several shapes (every profile of the transformer),
// and writes weights, inputs and outputs as .npy plus a manifest.json for
// check_api_networks.py, which computes the references with numpy.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "verify/api_networks.h"

namespace {

class StderrLogger : public kiln::Logger {
public:
    void log(Severity s, const char* msg) noexcept override {
        if (s <= Severity::kWARNING) std::fprintf(stderr, "%s\n", msg);
    }
};

void writeNpy(const std::string& path, const std::vector<int64_t>& shape, const float* data) {
    std::ostringstream dict;
    dict << "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    int64_t n = 1;
    for (int64_t d : shape) {
        dict << d << ",";
        n *= d;
    }
    dict << "), }";
    std::string header = dict.str();
    const size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header.push_back('\n');
    std::ofstream out(path, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const uint16_t len = static_cast<uint16_t>(header.size());
    out.put(static_cast<char>(len & 0xff));
    out.put(static_cast<char>(len >> 8));
    out << header;
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(float)));
}

//! Saves the plan to a file and loads it back, as a deployment would.
std::unique_ptr<kiln::Engine> roundTrip(kiln::Logger& logger, const kiln::HostMemory& plan, const std::string& path) {
    std::ofstream(path, std::ios::binary).write(static_cast<const char*>(plan.data()), plan.size());
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return kiln::createRuntime(logger)->deserializeEngine(bytes.data(), bytes.size());
}

struct Case {
    int profile;
    std::vector<int64_t> xShape;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: api_networks_dump <output dir>\n");
        return 2;
    }
    const std::string dir = argv[1];
    std::random_device seedSource;
    const uint32_t seed = seedSource();
    std::mt19937 rng(seed);
    StderrLogger logger;
    std::ostringstream manifest;
    manifest << "{\"seed\": " << seed << ", \"networks\": [";
    kiln::test::Cnn cnn(rng);
    kiln::test::TransformerBlock transformer(rng);
    struct Net {
        const char* name;
        const kiln::test::NamedArrays* weights;
        std::unique_ptr<kiln::HostMemory> plan;
        std::vector<Case> cases;
        const char* output;
    } nets[] = {
        {"cnn", &cnn.weights, cnn.build(logger, false), {{0, {1, 3, 9, 7}}, {0, {5, 3, 9, 7}}}, "prob"},
        {"transformer", &transformer.weights, transformer.build(logger),
         {{0, {1, 1, 16}}, {0, {3, 5, 16}}, {0, {4, 8, 16}}, {1, {1, 8, 16}}, {1, {2, 13, 16}}, {1, {2, 32, 16}}},
         "y"},
    };
    std::normal_distribution<float> dist(0.f, 1.f);
    bool firstNet = true;
    for (auto& net : nets) {
        if (!net.plan) return 1;
        auto engine = roundTrip(logger, *net.plan, dir + "/" + net.name + ".engine");
        if (!engine) return 1;
        auto context = engine->createExecutionContext();
        for (const auto& [name, values] : net.weights->values)
            writeNpy(dir + "/" + net.name + "_" + name + ".npy", net.weights->shapes.at(name), values.data());
        manifest << (firstNet ? "" : ", ") << "{\"name\": \"" << net.name << "\", \"cases\": [";
        firstNet = false;
        for (size_t c = 0; c < net.cases.size(); ++c) {
            const Case& cs = net.cases[c];
            if (!context->setOptimizationProfile(cs.profile)) return 1;
            kiln::Dims dims;
            dims.nbDims = static_cast<int32_t>(cs.xShape.size());
            int64_t n = 1;
            for (int32_t i = 0; i < dims.nbDims; ++i) n *= dims.d[i] = cs.xShape[i];
            if (!context->setInputShape("x", dims)) return 1;
            kiln::Dims outDims = context->getTensorShape(net.output);
            std::vector<int64_t> outShape(outDims.d, outDims.d + outDims.nbDims);
            int64_t outN = 1;
            for (int64_t d : outShape) outN *= d;
            std::vector<float> x(static_cast<size_t>(n)), y(static_cast<size_t>(outN));
            for (auto& v : x) v = dist(rng);
            context->setTensorAddress("x", x.data());
            context->setTensorAddress(net.output, y.data());
            if (!context->executeV2()) return 1;
            const std::string stem = dir + "/" + net.name + "_case" + std::to_string(c);
            writeNpy(stem + "_x.npy", cs.xShape, x.data());
            writeNpy(stem + "_y.npy", outShape, y.data());
            manifest << (c ? ", " : "") << "{\"profile\": " << cs.profile << ", \"x\": \"" << stem
                     << "_x.npy\", \"y\": \"" << stem << "_y.npy\"}";
        }
        manifest << "]}";
    }
    manifest << "]}\n";
    std::ofstream(dir + "/manifest.json") << manifest.str();
    std::printf("wrote %s/manifest.json (seed %u)\n", dir.c_str(), seed);
    return 0;
}
