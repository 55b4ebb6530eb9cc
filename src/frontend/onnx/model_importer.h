// Imports a whole ModelProto into a NetworkDefinition: version checks, initializers (and
// external data), graph inputs, a support check of every node, then the nodes in order.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/log.h"
#include "ir/host_tensor.h"
#include "kiln/network.h"
#include "kiln/onnx_parser.h"

namespace onnx {
class GraphProto;
class NodeProto;
}  // namespace onnx

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

//! Graph inputs imported with known values (Parser::setInputValues), by name.
using FixedInputs = std::map<std::string, std::shared_ptr<const ir::HostTensor>>;

//! Graph inputs that are not tensors: sequences given as their elements' dims
//! (Parser::setSequenceInput) and optionals given as empty (Parser::setOptionalInputNone).
struct NonTensorInputs {
    std::map<std::string, std::vector<std::vector<int64_t>>> sequences;
    std::set<std::string> none;
};
//! The element count of each graph input and output that is a sequence, by name.
using SequenceLengths = std::map<std::string, int32_t>;

class ModelImporter {
public:
    //! `needValues` receives, after a failure, the graph inputs whose values would have helped.
    //! `sequenceLengths` receives the lengths of the sequence inputs and outputs.
    ModelImporter(NetworkDefinition& network, const LogSink& sink, std::vector<ErrorRecord>& errors,
                  const FixedInputs& fixed, const NonTensorInputs& nonTensor, std::vector<std::string>& needValues,
                  SequenceLengths& sequenceLengths)
        : mNetwork(network), mSink(sink), mErrors(errors), mFixed(fixed), mNonTensor(nonTensor),
          mNeedValues(needValues), mSequenceLengths(sequenceLengths) {}
    //! `checkOnly`: stop after the support check (nothing is added to the network).
    bool importModel(const void* data, size_t size, const std::string& modelDir, bool checkOnly);

private:
    void noteNeededValues(const ::onnx::GraphProto& graph, const ::onnx::NodeProto* node,
                          const std::vector<std::string>& neededConstants, const std::string& message);
    void error(onnxparser::ErrorCode code, const std::string& desc, int64_t node = -1, const std::string& name = "",
               const std::string& op = "");

    NetworkDefinition& mNetwork;
    const LogSink& mSink;
    std::vector<ErrorRecord>& mErrors;
    const FixedInputs& mFixed;
    const NonTensorInputs& mNonTensor;
    std::vector<std::string>& mNeedValues;
    SequenceLengths& mSequenceLengths;
};

}  // namespace kiln::onnximport
