#include "frontend/onnx/model_importer.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "core/status.h"
#include "frontend/onnx/import_context.h"
#include "frontend/onnx/import_error.h"
#include "frontend/onnx/weights.h"
#include "network/network_impl.h"
#include "onnx/onnx.pb.h"
#include "onnx/onnx_opset.h"

namespace kiln::onnximport {
namespace {

bool isDefaultDomain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

// Importers of other domains are registered as "<domain>::<op>" (ai.onnx.preview::FlexAttention).
NodeImporter importerOf(const ::onnx::NodeProto& node) {
    return findImporter(isDefaultDomain(node.domain()) ? node.op_type() : node.domain() + "::" + node.op_type());
}

std::string pluginVersionOf(const ::onnx::NodeProto& node) {
    for (const auto& a : node.attribute())
        if (a.name() == "plugin_version" && a.type() == ::onnx::AttributeProto::STRING) return a.s();
    return "1";
}

// A graph input given values (Parser::setInputValues): the network input keeps the values'
// dims, the importers see the values as weights, and an assertion fails any run whose input
// differs from them (the engine was specialized on them).
void fixGraphInput(ImportContext& ctx, const ::onnx::ValueInfoProto& in, DataType type, Dims& dims,
                   const std::shared_ptr<const ir::HostTensor>& values) {
    ONNX_CHECK(values->type == type, kINVALID_VALUE)
        << "the values given for input '" << in.name() << "' are " << dataTypeName(values->type) << ", the input is "
        << dataTypeName(type);
    ONNX_CHECK(static_cast<int32_t>(values->dims.size()) == dims.nbDims, kINVALID_VALUE)
        << "the values given for input '" << in.name() << "' have rank " << values->dims.size() << ", the input "
        << dims.nbDims;
    for (int32_t i = 0; i < dims.nbDims; ++i) {
        ONNX_CHECK(dims.d[i] < 0 || dims.d[i] == values->dims[i], kINVALID_VALUE)
            << "the values given for input '" << in.name() << "' have dims " << ir::dimsToString(values->dims)
            << ", the input's dimension " << i << " is " << dims.d[i];
        dims.d[i] = values->dims[i];
    }
}

void checkFixedInput(ImportContext& ctx, Tensor& input, const std::shared_ptr<const ir::HostTensor>& values) {
    const std::string name = input.getName();
    ElementWiseLayer* same = ctx.network().addElementWise(input, ctx.tensorOf(values), ElementWiseOperation::kEQUAL);
    ONNX_CHECK(same, kINVALID_GRAPH) << "cannot compare input '" << name << "' with its fixed values";
    same->setName(("fixed values of " + name).c_str());
    std::string message = "input '" + name +
                          "' differs from the values the engine was built with (Parser::setInputValues); rebuild "
                          "the engine with the new values";
    AssertionLayer* check = ctx.network().addAssertion(*same->getOutput(0), message.c_str());
    ONNX_CHECK(check, kINVALID_GRAPH) << "cannot check input '" << name << "' against its fixed values";
    check->setName(("check fixed values of " + name).c_str());
}

// Every node of a graph and of its subgraphs (If branches, Loop and Scan bodies) by output name.
void collectProducers(const ::onnx::GraphProto& graph, std::map<std::string, const ::onnx::NodeProto*>& producer,
                      int depth = 0) {
    if (depth > 64) return;  // hostile nesting
    for (const auto& node : graph.node()) {
        for (const auto& o : node.output()) producer[o] = &node;
        for (const auto& a : node.attribute()) {
            if (a.has_g()) collectProducers(a.g(), producer, depth + 1);
            for (const auto& g : a.graphs()) collectProducers(g, producer, depth + 1);
        }
    }
}

// The graph inputs that the values `from` are computed from, not past Shape and Size (their
// outputs depend on shapes only), optionally only those of an integer type. Through a node with
// subgraphs, the trace goes on from the subgraphs' outputs (an If's outputs are its branch's),
// so values that a branch computes from an outer graph input are traced to it.
std::vector<std::string> graphInputsFeeding(const ::onnx::GraphProto& graph, std::vector<std::string> from,
                                            bool integerOnly) {
    std::map<std::string, const ::onnx::NodeProto*> producer;
    collectProducers(graph, producer);
    std::map<std::string, int32_t> inputType;
    for (const auto& in : graph.input())
        if (in.type().has_tensor_type()) inputType[in.name()] = in.type().tensor_type().elem_type();
    for (const auto& init : graph.initializer()) inputType.erase(init.name());
    std::set<std::string> seen;
    std::vector<std::string> found;
    while (!from.empty()) {
        std::string v = from.back();
        from.pop_back();
        if (v.empty() || !seen.insert(v).second) continue;
        if (auto it = inputType.find(v); it != inputType.end()) {
            const int32_t t = it->second;
            const bool integer = t == ::onnx::TensorProto::INT64 || t == ::onnx::TensorProto::INT32;
            if (!integerOnly || integer) found.push_back(v);
            continue;
        }
        auto p = producer.find(v);
        if (p == producer.end()) continue;
        const auto& node = *p->second;
        if (node.op_type() == "Shape" || node.op_type() == "Size") continue;
        for (const auto& i : node.input()) from.push_back(i);
        for (const auto& a : node.attribute()) {
            if (a.has_g())
                for (const auto& o : a.g().output()) from.push_back(o.name());
            for (const auto& g : a.graphs())
                for (const auto& o : g.output()) from.push_back(o.name());
        }
    }
    return found;
}

// Errors that a build-time value of some input would avoid (the two shape-inference messages).
bool needsBuildTimeValue(const std::string& message) {
    return message.find("must be computable from shapes and constants at build time") != std::string::npos ||
           message.find("must be a build-time constant") != std::string::npos;
}

// Nodes whose inputs are all weights fold at import (their layers are evaluated with the CPU
// reference kernels), so that what follows sees weights: a Loop's trip count, the shape
// arithmetic of an expanded function. Random ops never fold.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 22;

bool allWeights(const std::vector<TensorOrWeights>& values) {
    for (const auto& v : values)
        if (v.isTensor() || (v.isSequence() && !allWeights(*v.sequence))) return false;
    return true;
}

bool isRandomOp(const std::string& op) {
    return op == "RandomNormal" || op == "RandomUniform" || op == "RandomNormalLike" || op == "RandomUniformLike" ||
           op == "Bernoulli" || op == "Multinomial";
}

void foldOutputs(ImportContext& ctx, Outputs& outs) {
    auto* network = dynamic_cast<NetworkImpl*>(&ctx.network());
    if (!network) return;
    for (auto& v : outs)
        if (v.isTensor() && !v.tensor->isNetworkInput())
            if (auto w = network->evaluateConstant(*v.tensor, kMaxFoldedElements)) v = TensorOrWeights(w);
}

// One node: its importer, import-time folding, and its outputs bound (tensors named after the
// ONNX values, with the scope of the subgraph copy they are in).
void importNode(ImportContext& ctx, const ::onnx::NodeProto& node, const std::string& modelDir) {
    ctx.beginNode(node);
    std::vector<TensorOrWeights> values;
    for (const auto& name : node.input()) values.push_back(name.empty() ? TensorOrWeights{} : ctx.lookup(name));
    const bool constantInputs = allWeights(values);
    NodeInputs inputs(ctx, node, std::move(values));
    NodeAttributes attrs(node, modelDir);
    Outputs outs = importerOf(node)(ctx, node, inputs, attrs);
    ONNX_CHECK(outs.size() >= static_cast<size_t>(node.output_size()), kINTERNAL_ERROR)
        << "the importer made " << outs.size() << " outputs, the node has " << node.output_size();
    if (constantInputs && !isRandomOp(node.op_type())) foldOutputs(ctx, outs);
    for (int k = 0; k < node.output_size(); ++k) {
        const std::string& name = node.output(k);
        if (name.empty()) continue;
        TensorOrWeights& v = outs[k];
        // Name the tensor after the ONNX value the first time it is bound.
        if (v.tensor && !v.tensor->isNetworkInput() && !ctx.has(v.tensor->getName()))
            v.tensor->setName((ctx.scope() + name).c_str());
        ctx.define(name, v);
    }
}

// A subgraph copy (If's branch, an iteration of a Loop or Scan body): its inputs bound to
// `values`, its nodes imported under `scope`; its own values are forgotten after, so the next
// copy can define them again.
std::vector<TensorOrWeights> importSubgraph(ImportContext& ctx, const ::onnx::GraphProto& body,
                                            const std::vector<TensorOrWeights>& values, const std::string& scope,
                                            const std::string& modelDir) {
    ONNX_CHECK(body.input_size() == static_cast<int>(values.size()), kINVALID_NODE)
        << "the subgraph '" << body.name() << "' has " << body.input_size() << " inputs, given " << values.size();
    std::vector<std::string> own;
    auto bind = [&](const std::string& name, TensorOrWeights v) {
        ctx.define(name, std::move(v));
        own.push_back(name);
    };
    struct Forget {
        ImportContext& ctx;
        std::vector<std::string>& names;
        ~Forget() {
            for (const auto& n : names) ctx.forget(n);
        }
    } forget{ctx, own};
    for (const auto& init : body.initializer()) bind(init.name(), readTensorProto(init, modelDir));
    for (int i = 0; i < body.input_size(); ++i) bind(body.input(i).name(), values[static_cast<size_t>(i)]);
    ctx.setScope(scope);
    // Unrolled copies multiply: nested loops of a hostile model must not import forever.
    constexpr int64_t kMaxSubgraphNodes = 100000;
    ONNX_CHECK(ctx.countSubgraphNodes(body.node_size()) <= kMaxSubgraphNodes, kUNSUPPORTED_NODE)
        << "unrolling the model's loops would import more than " << kMaxSubgraphNodes << " nodes";
    for (const auto& node : body.node()) {
        ONNX_CHECK(importerOf(node), kUNSUPPORTED_NODE)
            << "getPluginCreator() could not find Plugin " << node.op_type() << " version " << pluginVersionOf(node)
            << " (in the subgraph '" << body.name() << "'): the op is neither built into Kiln nor in the plugin registry";
        for (const auto& o : node.output())
            if (!o.empty()) own.push_back(o);
        importNode(ctx, node, modelDir);
    }
    std::vector<TensorOrWeights> outs;
    for (const auto& o : body.output()) outs.push_back(ctx.lookup(o.name()));
    return outs;
}

// The elements of a sequence input: network inputs "<name>[i]" of the given dims, which must fit
// the element shape the model declares (if any).
void addSequenceInput(ImportContext& ctx, const ::onnx::ValueInfoProto& in, const ::onnx::TypeProto::Sequence& seq,
                      const std::vector<std::vector<int64_t>>& elementDims) {
    ONNX_CHECK(seq.elem_type().has_tensor_type(), kUNSUPPORTED_GRAPH)
        << "input '" << in.name() << "' is a sequence of non-tensors; Kiln's sequences hold tensors";
    const auto& tt = seq.elem_type().tensor_type();
    DataType type = fromOnnxType(tt.elem_type(), "input '" + in.name() + "'");
    std::vector<TensorOrWeights> elements;
    for (size_t i = 0; i < elementDims.size(); ++i) {
        const std::string name = in.name() + "[" + std::to_string(i) + "]";
        const std::vector<int64_t>& d = elementDims[i];
        if (tt.has_shape()) {
            ONNX_CHECK(tt.shape().dim_size() == static_cast<int>(d.size()), kINVALID_VALUE)
                << "element " << i << " of sequence input '" << in.name() << "' has rank " << d.size()
                << ", the model declares " << tt.shape().dim_size();
            for (size_t k = 0; k < d.size(); ++k) {
                const auto& md = tt.shape().dim(static_cast<int>(k));
                ONNX_CHECK(!md.has_dim_value() || d[k] < 0 || md.dim_value() == d[k], kINVALID_VALUE)
                    << "element " << i << " of sequence input '" << in.name() << "' has dims " << ir::dimsToString(d)
                    << ", the model declares dimension " << k << " as " << md.dim_value();
            }
        }
        Dims dims;
        dims.nbDims = static_cast<int32_t>(d.size());
        std::copy(d.begin(), d.end(), dims.d);
        Tensor* t = ctx.network().addInput(name.c_str(), type, dims);
        ONNX_CHECK(t, kINVALID_GRAPH) << "the network refused input '" << name << "'";
        elements.push_back(t);
    }
    ctx.define(in.name(), TensorOrWeights::makeSequence(std::move(elements)));
}

// Graph inputs: shapes with -1 for symbolic or unknown dims. An optional is its value (or empty,
// if the application said so); a sequence is the elements the application gave.
void addGraphInput(ImportContext& ctx, const ::onnx::ValueInfoProto& in, const FixedInputs& fixed,
                   const NonTensorInputs& nonTensor, SequenceLengths& lengths) {
    const ::onnx::TypeProto* valueType = &in.type();
    if (nonTensor.none.count(in.name())) {
        ONNX_CHECK(valueType->has_optional_type(), kINVALID_VALUE)
            << "setOptionalInputNone: input '" << in.name() << "' is not an optional";
        ctx.define(in.name(), TensorOrWeights::makeNone());
        return;
    }
    if (valueType->has_optional_type()) valueType = &valueType->optional_type().elem_type();
    if (valueType->has_sequence_type()) {
        auto given = nonTensor.sequences.find(in.name());
        ONNX_CHECK(given != nonTensor.sequences.end(), kUNSUPPORTED_GRAPH)
            << "input '" << in.name()
            << "' is a sequence; give its length and element shapes with Parser::setSequenceInput";
        addSequenceInput(ctx, in, valueType->sequence_type(), given->second);
        lengths[in.name()] = static_cast<int32_t>(given->second.size());
        return;
    }
    ONNX_CHECK(valueType->has_tensor_type(), kUNSUPPORTED_GRAPH)
        << "input '" << in.name() << "' is not a tensor, a sequence or an optional; Kiln does not take it";
    const auto& tt = valueType->tensor_type();
    DataType type = fromOnnxType(tt.elem_type(), "input '" + in.name() + "'");
    ONNX_CHECK(tt.has_shape(), kUNSUPPORTED_GRAPH)
        << "input '" << in.name() << "' has no shape; Kiln needs at least the input's rank";
    ONNX_CHECK(tt.shape().dim_size() <= Dims::MAX_DIMS, kUNSUPPORTED_NODE_SHAPE)
        << "input '" << in.name() << "' has " << tt.shape().dim_size() << " dimensions; at most " << Dims::MAX_DIMS;
    Dims dims;
    dims.nbDims = tt.shape().dim_size();
    for (int32_t i = 0; i < dims.nbDims; ++i) {
        const auto& d = tt.shape().dim(i);
        dims.d[i] = d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : -1;
    }
    auto values = fixed.find(in.name());
    if (values != fixed.end()) fixGraphInput(ctx, in, type, dims, values->second);
    Tensor* t = ctx.network().addInput(in.name().c_str(), type, dims);
    ONNX_CHECK(t, kINVALID_GRAPH) << "the network refused input '" << in.name() << "'";
    if (values == fixed.end()) {
        ctx.define(in.name(), t);
        return;
    }
    checkFixedInput(ctx, *t, values->second);
    ctx.define(in.name(), values->second);
}

// A graph output must be a tensor of its own, named as in the model.
void markTensorOutput(ImportContext& ctx, const TensorOrWeights& v, const std::string& name) {
    Tensor* t = &ctx.tensorOf(v);
    if (t->isNetworkInput() || t->isNetworkOutput() || name != t->getName()) {
        IdentityLayer* id = ctx.network().addIdentity(*t);
        ONNX_CHECK(id, kINVALID_GRAPH) << "cannot make output '" << name << "'";
        id->setName(("output " + name).c_str());
        t = id->getOutput(0);
    }
    t->setName(name.c_str());
    ctx.network().markOutput(*t);
}

// A sequence output is its elements, outputs "<name>[i]"; an empty optional has no tensor.
void markGraphOutput(ImportContext& ctx, const ::onnx::ValueInfoProto& out, SequenceLengths& lengths) {
    const TensorOrWeights& v = ctx.lookup(out.name());
    ONNX_CHECK(!v.isNone(), kUNSUPPORTED_GRAPH)
        << "output '" << out.name() << "' is an empty optional; Kiln's outputs are tensors";
    if (!v.isSequence()) return markTensorOutput(ctx, v, out.name());
    const std::vector<TensorOrWeights>& elements = *v.sequence;
    for (size_t i = 0; i < elements.size(); ++i)
        markTensorOutput(ctx, elements[i], out.name() + "[" + std::to_string(i) + "]");
    lengths[out.name()] = static_cast<int32_t>(elements.size());
}

}  // namespace

void ModelImporter::noteNeededValues(const ::onnx::GraphProto& graph, const ::onnx::NodeProto* node,
                                     const std::vector<std::string>& neededConstants, const std::string& message) {
    mNeedValues.clear();
    if (!neededConstants.empty()) {
        // An input that had to be an initializer: whatever it is computed from, of any type.
        mNeedValues = graphInputsFeeding(graph, neededConstants, false);
    } else if (node && needsBuildTimeValue(message)) {
        // Shape inference wanted a value: what feeds the node's shape-like inputs (index 1 on:
        // shape, axes, scales, ...) and the integers that feed input 0 (ConstantOfShape, Range).
        mNeedValues = graphInputsFeeding(graph, {node->input().begin() + std::min(node->input_size(), 1),
                                                 node->input().end()}, false);
        std::vector<std::string> integerFeeds;
        if (node->input_size() > 0) integerFeeds.push_back(node->input(0));
        // A node with subgraphs (If, Loop, Scan) failed in one of them: the integers that feed
        // the subgraphs' outputs.
        for (const auto& a : node->attribute()) {
            if (a.has_g())
                for (const auto& o : a.g().output()) integerFeeds.push_back(o.name());
            for (const auto& g : a.graphs())
                for (const auto& o : g.output()) integerFeeds.push_back(o.name());
        }
        for (auto& name : graphInputsFeeding(graph, integerFeeds, true))
            if (std::find(mNeedValues.begin(), mNeedValues.end(), name) == mNeedValues.end())
                mNeedValues.push_back(name);
    }
    for (auto it = mNeedValues.begin(); it != mNeedValues.end();)
        it = mFixed.count(*it) ? mNeedValues.erase(it) : it + 1;
}

void ModelImporter::error(onnxparser::ErrorCode code, const std::string& desc, int64_t node, const std::string& name,
                          const std::string& op) {
    mErrors.push_back({code, desc, node, name, op});
    std::string where = node >= 0 ? "In node " + std::to_string(node) + " with name: " + name + " and operator: " + op + ": "
                                  : "";
    mSink.log(Logger::Severity::kERROR, "ONNX parser: " + where + onnxparser::errorCodeName(code) + std::string(": ") + desc);
}

bool ModelImporter::importModel(const void* data, size_t size, const std::string& modelDir, bool checkOnly) {
    using onnxparser::ErrorCode;
    ::onnx::ModelProto model;
    if (!data || size == 0 || size > static_cast<size_t>(std::numeric_limits<int>::max()) ||
        !model.ParseFromArray(data, static_cast<int>(size))) {
        error(ErrorCode::kMODEL_DESERIALIZE_FAILED,
              "Failed to parse the ONNX model: the " + std::to_string(size) +
                  " bytes are not a valid ONNX ModelProto (truncated, corrupt, or not ONNX)");
        return false;
    }
    int64_t opset = -1;
    for (const auto& o : model.opset_import())
        if (isDefaultDomain(o.domain())) opset = o.version();
    if (opset < 0 && model.ir_version() < 3) opset = 1;
    // A model of other domains only (ai.onnx.ml, preview ops): its nodes are judged one by one.
    if (opset < 0) opset = KILN_ONNX_MAX_OPSET;
    if (opset < kMinSupportedOpset || opset > KILN_ONNX_MAX_OPSET) {
        error(ErrorCode::kUNSUPPORTED_GRAPH, "the model imports default-domain opset " + std::to_string(opset) +
                                                 "; Kiln supports opsets " + std::to_string(kMinSupportedOpset) +
                                                 " to " + std::to_string(KILN_ONNX_MAX_OPSET));
        return false;
    }
    const auto& graph = model.graph();
    KILN_LOG(mSink, kINFO) << "ONNX model: IR version " << model.ir_version() << ", opset " << opset << ", producer '"
                           << model.producer_name() << " " << model.producer_version() << "', " << graph.node_size()
                           << " nodes, " << graph.initializer_size() << " initializers";

    // Support check: every node at once, before anything is built.
    size_t errorsBefore = mErrors.size();
    for (int i = 0; i < graph.node_size(); ++i) {
        const auto& node = graph.node(i);
        if (importerOf(node)) continue;
        error(ErrorCode::kUNSUPPORTED_NODE,
              "getPluginCreator() could not find Plugin " + node.op_type() + " version " + pluginVersionOf(node) +
                  (isDefaultDomain(node.domain()) ? "" : " (domain '" + node.domain() + "')") +
                  ": the op is neither built into Kiln nor in the plugin registry",
              i, node.name(), node.op_type());
    }
    if (mErrors.size() != errorsBefore) return false;
    if (checkOnly) return true;

    CapturingRecorder recorder(mNetwork.getErrorRecorder());
    mNetwork.setErrorRecorder(&recorder);
    struct Restore {
        NetworkDefinition& net;
        ErrorRecorder* previous;
        ~Restore() { net.setErrorRecorder(previous); }
    } restore{mNetwork, recorder.next()};

    ImportContext ctx(mNetwork, mSink, opset, modelDir);
    ctx.setRecorder(&recorder);
    int64_t current = -1;
    const ::onnx::NodeProto* node = nullptr;
    try {
        std::set<std::string> initializers;
        for (const auto& init : graph.initializer()) {
            ctx.define(init.name(), readTensorProto(init, modelDir));
            initializers.insert(init.name());
        }
        for (const auto& in : graph.input())
            if (!initializers.count(in.name())) addGraphInput(ctx, in, mFixed, mNonTensor, mSequenceLengths);
        ctx.setSubgraphImporter([&](const ::onnx::GraphProto& body, const std::vector<TensorOrWeights>& values,
                                    const std::string& scope) { return importSubgraph(ctx, body, values, scope, modelDir); });
        for (int i = 0; i < graph.node_size(); ++i) {
            current = i;
            node = &graph.node(i);
            importNode(ctx, *node, modelDir);
        }
        current = -1;
        node = nullptr;
        for (const auto& out : graph.output()) markGraphOutput(ctx, out, mSequenceLengths);
    } catch (const ImportError& e) {
        error(e.code(), e.what(), current, node ? node->name() : "", node ? node->op_type() : "");
        noteNeededValues(graph, node, ctx.neededConstants(), e.what());
    } catch (const KilnError& e) {
        error(ErrorCode::kINVALID_NODE, e.what(), current, node ? node->name() : "", node ? node->op_type() : "");
        noteNeededValues(graph, node, ctx.neededConstants(), e.what());
    } catch (const std::bad_alloc&) {
        error(ErrorCode::kMEM_ALLOC_FAILED, "host memory allocation failed", current, node ? node->name() : "",
              node ? node->op_type() : "");
    } catch (const std::exception& e) {
        error(ErrorCode::kINTERNAL_ERROR, e.what(), current, node ? node->name() : "", node ? node->op_type() : "");
    }
    return mErrors.size() == errorsBefore;
}

}  // namespace kiln::onnximport
