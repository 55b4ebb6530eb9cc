#include "frontend/onnx/model_importer.h"

#include <limits>
#include <set>

#include "core/status.h"
#include "frontend/onnx/import_context.h"
#include "frontend/onnx/import_error.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"
#include "onnx/onnx_opset.h"

namespace kiln::onnximport {
namespace {

bool isDefaultDomain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

std::string pluginVersionOf(const ::onnx::NodeProto& node) {
    for (const auto& a : node.attribute())
        if (a.name() == "plugin_version" && a.type() == ::onnx::AttributeProto::STRING) return a.s();
    return "1";
}

// Graph inputs: shapes with -1 for symbolic or unknown dims.
void addGraphInput(ImportContext& ctx, const ::onnx::ValueInfoProto& in) {
    ONNX_CHECK(in.type().has_tensor_type(), kUNSUPPORTED_GRAPH)
        << "input '" << in.name() << "' is not a tensor; Kiln takes tensor inputs only";
    const auto& tt = in.type().tensor_type();
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
    Tensor* t = ctx.network().addInput(in.name().c_str(), type, dims);
    ONNX_CHECK(t, kINVALID_GRAPH) << "the network refused input '" << in.name() << "'";
    ctx.define(in.name(), t);
}

// A graph output must be a tensor of its own, named as in the model.
void markGraphOutput(ImportContext& ctx, const ::onnx::ValueInfoProto& out) {
    const TensorOrWeights& v = ctx.lookup(out.name());
    Tensor* t = &ctx.tensorOf(v);
    if (t->isNetworkInput() || t->isNetworkOutput() || out.name() != t->getName()) {
        IdentityLayer* id = ctx.network().addIdentity(*t);
        ONNX_CHECK(id, kINVALID_GRAPH) << "cannot make output '" << out.name() << "'";
        id->setName(("output " + out.name()).c_str());
        t = id->getOutput(0);
    }
    t->setName(out.name().c_str());
    ctx.network().markOutput(*t);
}

}  // namespace

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
        if (isDefaultDomain(node.domain()) && findImporter(node.op_type())) continue;
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
            if (!initializers.count(in.name())) addGraphInput(ctx, in);
        for (int i = 0; i < graph.node_size(); ++i) {
            current = i;
            node = &graph.node(i);
            ctx.beginNode(*node);
            std::vector<TensorOrWeights> values;
            for (const auto& name : node->input()) values.push_back(name.empty() ? TensorOrWeights{} : ctx.lookup(name));
            NodeInputs inputs(ctx, *node, std::move(values));
            NodeAttributes attrs(*node, modelDir);
            Outputs outs = findImporter(node->op_type())(ctx, *node, inputs, attrs);
            ONNX_CHECK(outs.size() >= static_cast<size_t>(node->output_size()), kINTERNAL_ERROR)
                << "the importer made " << outs.size() << " outputs, the node has " << node->output_size();
            for (int k = 0; k < node->output_size(); ++k) {
                const std::string& name = node->output(k);
                if (name.empty()) continue;
                TensorOrWeights& v = outs[k];
                // Name the tensor after the ONNX value the first time it is bound.
                if (v.tensor && !v.tensor->isNetworkInput() && !ctx.has(v.tensor->getName()))
                    v.tensor->setName(name.c_str());
                ctx.define(name, v);
            }
        }
        current = -1;
        node = nullptr;
        for (const auto& out : graph.output()) markGraphOutput(ctx, out);
    } catch (const ImportError& e) {
        error(e.code(), e.what(), current, node ? node->name() : "", node ? node->op_type() : "");
    } catch (const KilnError& e) {
        error(ErrorCode::kINVALID_NODE, e.what(), current, node ? node->name() : "", node ? node->op_type() : "");
    } catch (const std::bad_alloc&) {
        error(ErrorCode::kMEM_ALLOC_FAILED, "host memory allocation failed", current, node ? node->name() : "",
              node ? node->op_type() : "");
    } catch (const std::exception& e) {
        error(ErrorCode::kINTERNAL_ERROR, e.what(), current, node ? node->name() : "", node ? node->op_type() : "");
    }
    return mErrors.size() == errorsBefore;
}

}  // namespace kiln::onnximport
