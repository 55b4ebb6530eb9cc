// What importers share while a model is imported: the network being filled, the ONNX values
// seen so far (tensors or weights), the opset, and helpers that turn weights into tensors and
// check what the network API reports.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/log.h"
#include "frontend/onnx/attributes.h"
#include "frontend/onnx/tensor_or_weights.h"
#include "kiln/network.h"

namespace onnx {
class NodeProto;
class GraphProto;
}

namespace kiln::onnximport {

//! Collects the network's errors while a node is imported and forwards them to the recorder
//! the application set, so that a failed add* becomes the node's ImportError.
class CapturingRecorder : public ErrorRecorder {
public:
    explicit CapturingRecorder(ErrorRecorder* next) : mNext(next) {}
    int32_t getNbErrors() const noexcept override { return static_cast<int32_t>(mErrors.size()); }
    kiln::ErrorCode getErrorCode(int32_t i) const noexcept override { return mErrors[i].first; }
    const char* getErrorDesc(int32_t i) const noexcept override { return mErrors[i].second.c_str(); }
    bool hasOverflowed() const noexcept override { return false; }
    void clear() noexcept override { mErrors.clear(); }
    bool reportError(kiln::ErrorCode code, const char* desc) noexcept override;
    ErrorRecorder* next() const { return mNext; }

private:
    ErrorRecorder* mNext;
    std::vector<std::pair<kiln::ErrorCode, std::string>> mErrors;
};

class ImportContext {
public:
    ImportContext(NetworkDefinition& network, const LogSink& sink, int64_t opset, std::string modelDir)
        : mNetwork(network), mSink(sink), mOpset(opset), mModelDir(std::move(modelDir)) {}

    NetworkDefinition& network() { return mNetwork; }
    const LogSink& sink() const { return mSink; }
    int64_t opset() const { return mOpset; }
    const std::string& modelDir() const { return mModelDir; }

    void define(const std::string& name, TensorOrWeights value);
    //! Ends a value's life: a subgraph unrolled again defines its values anew.
    void forget(const std::string& name) { mValues.erase(name); }
    bool has(const std::string& name) const { return mValues.count(name) != 0; }
    const TensorOrWeights& lookup(const std::string& name) const;

    //! A tensor for any value: weights become a Constant layer (one per weights object).
    Tensor& tensorOf(const TensorOrWeights& value);
    //! Dims of a value; -1 where not a build-time constant.
    std::vector<int64_t> dimsOf(const TensorOrWeights& value) const;
    int32_t rankOf(const TensorOrWeights& value) const { return static_cast<int32_t>(dimsOf(value).size()); }
    DataType typeOf(const TensorOrWeights& value) const;
    //! Throws unless the value is a tensor or weights (not a sequence, not an empty optional).
    void checkIsTensor(const TensorOrWeights& value) const;
    //! The elements of a sequence value; throws for anything else.
    const std::vector<TensorOrWeights>& sequenceOf(const TensorOrWeights& value) const;

    //! Checks what an add* returned: nullptr (or a layer whose outputs fail shape inference)
    //! becomes an ImportError carrying the network's message. Names the layer after the node.
    template <class L>
    L* check(L* layer) {
        checkLayer(layer);
        return layer;
    }
    //! Constant helpers (weights that stay on the host until used as tensors).
    static std::shared_ptr<const ir::HostTensor> int64Weights(const std::vector<int64_t>& values,
                                                              std::vector<int64_t> dims = {-1});
    static std::shared_ptr<const ir::HostTensor> scalarWeights(DataType type, double value, int32_t rank = 0);

    //! The node being imported: layers take its name (node name, else its first output),
    //! after the scope of the subgraph copy it is in ("loop/iter2/").
    void beginNode(const ::onnx::NodeProto& node);
    const std::string& scope() const { return mScope; }

    //! What beginNode resets, kept across a subgraph imported in the middle of a node.
    struct NodeState {
        std::string nodeName, scope;
        int32_t layers{0}, constants{0};
    };
    NodeState saveNode() const { return {mNodeName, mScope, mLayersOfNode, mConstantsOfNode}; }
    void restoreNode(const NodeState& s) {
        mNodeName = s.nodeName;
        mScope = s.scope;
        mLayersOfNode = s.layers;
        mConstantsOfNode = s.constants;
    }
    void setScope(std::string scope) { mScope = std::move(scope); }
    //! Adds to the nodes imported in subgraph copies so far; returns the total.
    int64_t countSubgraphNodes(int64_t n) { return mSubgraphNodes += n; }

    //! Imports a subgraph (If's branch, an iteration of Loop's or Scan's body) with its inputs
    //! bound to `inputs`; returns its outputs. Outer values stay visible; the subgraph's own
    //! values are forgotten afterwards. Set by the model importer.
    using SubgraphImporter = std::function<std::vector<TensorOrWeights>(
        const ::onnx::GraphProto& graph, const std::vector<TensorOrWeights>& inputs, const std::string& scope)>;
    void setSubgraphImporter(SubgraphImporter f) { mSubgraphImporter = std::move(f); }
    std::vector<TensorOrWeights> importSubgraph(const ::onnx::GraphProto& graph,
                                                const std::vector<TensorOrWeights>& inputs, const std::string& scope);
    CapturingRecorder* recorder() { return mRecorder; }
    void setRecorder(CapturingRecorder* r) { mRecorder = r; }

    //! The ONNX values an importer needed as constants and found computed by the graph (the
    //! parser traces them back to graph inputs that setInputValues could fix).
    void noteNeededConstant(const std::string& name) { mNeededConstants.push_back(name); }
    const std::vector<std::string>& neededConstants() const { return mNeededConstants; }

private:
    void checkLayer(Layer* layer);

    NetworkDefinition& mNetwork;
    const LogSink& mSink;
    int64_t mOpset;
    std::string mModelDir;
    std::map<std::string, TensorOrWeights> mValues;
    //! Weights already made into Constant layers; holding the weights keeps their address unique.
    std::map<const ir::HostTensor*, std::pair<std::shared_ptr<const ir::HostTensor>, Tensor*>> mConstants;
    std::string mNodeName;
    int32_t mLayersOfNode{0};
    int32_t mConstantsOfNode{0};
    CapturingRecorder* mRecorder{nullptr};
    std::vector<std::string> mNeededConstants;
    std::string mScope;
    SubgraphImporter mSubgraphImporter;
    int64_t mSubgraphNodes{0};
};

//! A node's inputs as importers see them; absent optional inputs (empty names) are empty.
class NodeInputs {
public:
    NodeInputs(ImportContext& ctx, const ::onnx::NodeProto& node, std::vector<TensorOrWeights> values)
        : mCtx(ctx), mNode(node), mValues(std::move(values)) {}
    size_t size() const { return mValues.size(); }
    bool has(size_t i) const { return i < mValues.size() && !mValues[i].empty(); }
    const TensorOrWeights& at(size_t i) const;
    Tensor& tensor(size_t i) { return mCtx.tensorOf(at(i)); }
    //! Input i as weights; if it is computed by the graph: "<name> must be an initializer!".
    const ir::HostTensor& weights(size_t i) const;
    std::vector<int64_t> ints(size_t i) const;
    std::vector<double> floats(size_t i) const;
    std::vector<int64_t> dims(size_t i) const { return mCtx.dimsOf(at(i)); }
    int32_t rank(size_t i) const { return mCtx.rankOf(at(i)); }
    DataType type(size_t i) const { return mCtx.typeOf(at(i)); }
    const std::string& name(size_t i) const;

private:
    ImportContext& mCtx;
    const ::onnx::NodeProto& mNode;
    std::vector<TensorOrWeights> mValues;
};

using Outputs = std::vector<TensorOrWeights>;
using NodeImporter = Outputs (*)(ImportContext& ctx, const ::onnx::NodeProto& node, NodeInputs& inputs,
                                 const NodeAttributes& attrs);

void registerImporter(const char* opType, NodeImporter importer);
//! nullptr if the op has no importer.
NodeImporter findImporter(const std::string& opType);
std::vector<std::string> importedOps();

struct ImporterRegistration {
    ImporterRegistration(const char* opType, NodeImporter importer) { registerImporter(opType, importer); }
};

}  // namespace kiln::onnximport

// Defines the importer of one ONNX op; the file tree is the registry.
#define KILN_ONNX_IMPORTER(Op)                                                                                   \
    static ::kiln::onnximport::Outputs import##Op(::kiln::onnximport::ImportContext& ctx,                       \
                                                  const ::onnx::NodeProto& node,                                \
                                                  ::kiln::onnximport::NodeInputs& inputs,                       \
                                                  const ::kiln::onnximport::NodeAttributes& attrs);             \
    static const ::kiln::onnximport::ImporterRegistration kImporter##Op(#Op, import##Op);                      \
    static ::kiln::onnximport::Outputs import##Op([[maybe_unused]] ::kiln::onnximport::ImportContext& ctx,      \
                                                  [[maybe_unused]] const ::onnx::NodeProto& node,               \
                                                  [[maybe_unused]] ::kiln::onnximport::NodeInputs& inputs,      \
                                                  [[maybe_unused]] const ::kiln::onnximport::NodeAttributes& attrs)
