// Imports a whole ModelProto into a NetworkDefinition: version checks, initializers (and
// external data), graph inputs, a support check of every node, then the nodes in order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/log.h"
#include "kiln/network.h"
#include "kiln/onnx_parser.h"

namespace kiln::onnximport {

struct ErrorRecord {
    onnxparser::ErrorCode code{onnxparser::ErrorCode::kSUCCESS};
    std::string desc;
    int64_t node{-1};
    std::string nodeName;
    std::string nodeOperator;
};

//! The smallest default-domain opset the importer accepts.
constexpr int64_t kMinSupportedOpset = 1;

class ModelImporter {
public:
    ModelImporter(NetworkDefinition& network, const LogSink& sink, std::vector<ErrorRecord>& errors)
        : mNetwork(network), mSink(sink), mErrors(errors) {}
    //! `checkOnly`: stop after the support check (nothing is added to the network).
    bool importModel(const void* data, size_t size, const std::string& modelDir, bool checkOnly);

private:
    void error(onnxparser::ErrorCode code, const std::string& desc, int64_t node = -1, const std::string& name = "",
               const std::string& op = "");

    NetworkDefinition& mNetwork;
    const LogSink& mSink;
    std::vector<ErrorRecord>& mErrors;
};

}  // namespace kiln::onnximport
