#include "onnx_model.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "cli_util.h"

namespace kiln::cli {

bool looksLikeOnnx(const std::string& path, const std::vector<uint8_t>& bytes) {
    // An engine file is a FlatBuffer whose identifier ("KILN") sits after the root offset.
    if (bytes.size() >= 8 && std::memcmp(bytes.data() + 4, "KILN", 4) == 0) return false;
    if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".onnx") == 0) return true;
    return !bytes.empty() && bytes[0] == 0x08;
}

bool isDynamic(const Dims& d) {
    for (int32_t i = 0; i < d.nbDims; ++i)
        if (d.d[i] < 0) return true;
    return false;
}

bool parseOnnxModel(const std::string& path, NetworkDefinition& network, Logger& logger, bool verbose) {
    auto parser = onnxparser::createParser(network, logger);
    if (!parser) {
        logf(logger, Logger::Severity::kERROR, "Failed to create the ONNX parser");
        return false;
    }
    auto verbosity = static_cast<int32_t>(verbose ? Logger::Severity::kVERBOSE : Logger::Severity::kINFO);
    logf(logger, Logger::Severity::kINFO, "Parsing ONNX file: %s", path.c_str());
    auto start = std::chrono::steady_clock::now();
    bool ok = parser->parseFromFile(path.c_str(), verbosity);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (int32_t i = 0; i < parser->getNbErrors(); ++i) {
        const onnxparser::ParserError* e = parser->getError(i);
        if (!e) continue;
        const char* name = e->nodeName() ? e->nodeName() : "";
        const char* op = e->nodeOperator() ? e->nodeOperator() : "";
        if (e->node() >= 0)
            logf(logger, Logger::Severity::kERROR, "ONNX parser error %d: %s: node %lld (name '%s', operator '%s'): %s", i,
                 onnxparser::errorCodeName(e->code()), static_cast<long long>(e->node()), name, op,
                 e->desc() ? e->desc() : "");
        else
            logf(logger, Logger::Severity::kERROR, "ONNX parser error %d: %s: %s", i, onnxparser::errorCodeName(e->code()),
                 e->desc() ? e->desc() : "");
    }
    if (!ok) {
        logf(logger, Logger::Severity::kERROR, "Failed to parse ONNX file: %s", path.c_str());
        return false;
    }
    logf(logger, Logger::Severity::kINFO, "Finished parsing network model. Parse time: %.5f (%d layers, %d inputs, %d outputs)",
         seconds, network.getNbLayers(), network.getNbInputs(), network.getNbOutputs());
    return true;
}

const char* layerTypeName(LayerType type) {
    static const char* kNames[] = {
        "Convolution", "Deconvolution", "MatrixMultiply", "ElementWise", "Activation", "Unary",
        "Pooling", "Reduce", "SoftMax", "Normalization", "Scale", "Concatenation", "Shuffle", "Slice",
        "Gather", "Scatter", "Select", "Shape", "Constant", "Identity", "Cast", "Padding", "Resize", "TopK",
        "Fill", "Cumulative", "OneHot", "NonZero", "Squeeze", "Unsqueeze", "Einsum", "Assertion",
    };
    auto i = static_cast<size_t>(type);
    return i < sizeof kNames / sizeof kNames[0] ? kNames[i] : "Unknown";
}

namespace {

nlohmann::json tensorJson(const Tensor& t) {
    Dims d = t.getDimensions();
    return {{"name", t.getName()},
            {"type", dataTypeName(t.getType())},
            {"shape", std::vector<int64_t>(d.d, d.d + std::max(d.nbDims, 0))}};
}

}  // namespace

nlohmann::json describeNetwork(const NetworkDefinition& network) {
    nlohmann::json inputs = nlohmann::json::array(), outputs = nlohmann::json::array(), layers = nlohmann::json::array();
    for (int32_t i = 0; i < network.getNbInputs(); ++i) inputs.push_back(tensorJson(*network.getInput(i)));
    for (int32_t i = 0; i < network.getNbOutputs(); ++i) outputs.push_back(tensorJson(*network.getOutput(i)));
    for (int32_t i = 0; i < network.getNbLayers(); ++i) {
        const Layer* l = network.getLayer(i);
        nlohmann::json ins = nlohmann::json::array(), outs = nlohmann::json::array();
        for (int32_t k = 0; k < l->getNbInputs(); ++k) ins.push_back(l->getInput(k) ? l->getInput(k)->getName() : "");
        for (int32_t k = 0; k < l->getNbOutputs(); ++k) outs.push_back(l->getOutput(k)->getName());
        layers.push_back({{"name", l->getName()},
                          {"type", layerTypeName(l->getType())},
                          {"precision", l->precisionIsSet() ? dataTypeName(l->getPrecision()) : "unconstrained"},
                          {"inputs", ins},
                          {"outputs", outs}});
    }
    return {{"inputs", inputs}, {"outputs", outputs}, {"layers", layers}};
}

}  // namespace kiln::cli
