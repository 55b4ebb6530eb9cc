#include "frontend/onnx/import_context.h"

#include <cstring>
#include <limits>

#include "frontend/onnx/import_error.h"
#include "ir/host_tensor.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

bool CapturingRecorder::reportError(kiln::ErrorCode code, const char* desc) noexcept {
    try {
        mErrors.emplace_back(code, desc ? desc : "");
    } catch (...) {
    }
    return mNext ? mNext->reportError(code, desc) : false;
}

void ImportContext::define(const std::string& name, TensorOrWeights value) {
    ONNX_CHECK(!has(name), kINVALID_GRAPH) << "value '" << name << "' is defined twice (ONNX graphs are in SSA form)";
    mValues[name] = std::move(value);
}

const TensorOrWeights& ImportContext::lookup(const std::string& name) const {
    auto it = mValues.find(name);
    ONNX_CHECK(it != mValues.end(), kINVALID_GRAPH)
        << "input '" << name << "' is not a graph input, an initializer or an output of an earlier node";
    return it->second;
}

void ImportContext::checkIsTensor(const TensorOrWeights& value) const {
    ONNX_CHECK(!value.isSequence(), kUNSUPPORTED_NODE_INPUT) << "a sequence is used where a tensor is needed";
    ONNX_CHECK(!value.isNone(), kUNSUPPORTED_NODE_INPUT) << "an empty optional is used where a tensor is needed";
}

Tensor& ImportContext::tensorOf(const TensorOrWeights& value) {
    if (value.tensor) return *value.tensor;
    checkIsTensor(value);
    ONNX_CHECK(value.weights, kINTERNAL_ERROR) << "an absent optional input was used as a tensor";
    auto it = mConstants.find(value.weights.get());
    if (it != mConstants.end()) return *it->second.second;
    const ir::HostTensor& w = *value.weights;
    Dims dims;
    dims.nbDims = static_cast<int32_t>(w.dims.size());
    for (int32_t i = 0; i < dims.nbDims; ++i) dims.d[i] = w.dims[i];
    Weights weights{w.type, w.numel() ? w.data() : nullptr, w.numel()};
    ConstantLayer* layer = check(mNetwork.addConstant(dims, weights));
    Tensor* t = layer->getOutput(0);
    mConstants[value.weights.get()] = {value.weights, t};
    return *t;
}

std::vector<int64_t> ImportContext::dimsOf(const TensorOrWeights& value) const {
    if (value.weights) return value.weights->dims;
    checkIsTensor(value);
    ONNX_CHECK(value.tensor, kINTERNAL_ERROR) << "an absent optional input has no dimensions";
    Dims d = value.tensor->getDimensions();
    ONNX_CHECK(d.nbDims >= 0, kINVALID_NODE) << "the shape of '" << value.tensor->getName() << "' cannot be computed";
    return std::vector<int64_t>(d.d, d.d + d.nbDims);
}

DataType ImportContext::typeOf(const TensorOrWeights& value) const {
    if (value.weights) return value.weights->type;
    checkIsTensor(value);
    ONNX_CHECK(value.tensor, kINTERNAL_ERROR) << "an absent optional input has no type";
    return value.tensor->getType();
}

const std::vector<TensorOrWeights>& ImportContext::sequenceOf(const TensorOrWeights& value) const {
    ONNX_CHECK(value.isSequence(), kINVALID_NODE)
        << (value.isNone() ? "an empty optional" : value.empty() ? "an absent input" : "a tensor")
        << " is used where a sequence is needed";
    return *value.sequence;
}

std::vector<TensorOrWeights> ImportContext::importSubgraph(const ::onnx::GraphProto& graph,
                                                          const std::vector<TensorOrWeights>& inputs,
                                                          const std::string& scope) {
    ONNX_CHECK(mSubgraphImporter, kINTERNAL_ERROR) << "no subgraph importer";
    const NodeState outer = saveNode();
    std::vector<TensorOrWeights> outs = mSubgraphImporter(graph, inputs, outer.scope + scope);
    restoreNode(outer);
    return outs;
}

void ImportContext::beginNode(const ::onnx::NodeProto& node) {
    mNodeName = mScope + (!node.name().empty() ? node.name() : node.output_size() ? node.output(0) : node.op_type());
    mLayersOfNode = 0;
    mConstantsOfNode = 0;
    mNeededConstants.clear();
    if (mRecorder) mRecorder->clear();
}

void ImportContext::checkLayer(Layer* layer) {
    auto lastError = [&]() -> std::string {
        if (mRecorder && mRecorder->getNbErrors() > 0) return mRecorder->getErrorDesc(mRecorder->getNbErrors() - 1);
        return "the network refused the layer (see the log)";
    };
    ONNX_CHECK(layer, kINVALID_NODE) << lastError();
    // The node's first computing layer takes its name; constants and further layers get suffixes.
    if (layer->getType() == LayerType::kCONSTANT) {
        layer->setName((mNodeName + "_const" + std::to_string(mConstantsOfNode++)).c_str());
    } else {
        layer->setName(mLayersOfNode == 0 ? mNodeName.c_str()
                                          : (mNodeName + "_" + std::to_string(mLayersOfNode)).c_str());
        ++mLayersOfNode;
    }
    // Shape inference runs when dims are queried: a layer whose inputs do not fit fails here,
    // while the node that made it is known.
    for (int32_t i = 0; i < layer->getNbOutputs(); ++i) {
        Dims d = layer->getOutput(i)->getDimensions();
        ONNX_CHECK(d.nbDims >= 0, kINVALID_NODE) << lastError();
    }
}

std::shared_ptr<const ir::HostTensor> ImportContext::int64Weights(const std::vector<int64_t>& values,
                                                                  std::vector<int64_t> dims) {
    if (dims.size() == 1 && dims[0] == -1) dims = {static_cast<int64_t>(values.size())};
    auto t = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kINT64, dims));
    if (!values.empty()) std::memcpy(t->data(), values.data(), values.size() * sizeof(int64_t));
    return t;
}

namespace {
// A double as an integer type: NaN gives 0 and out-of-range values saturate (a plain cast of a
// hostile attribute such as -inf would be undefined).
template <class T>
T saturated(double v) {
    if (!(v == v)) return T(0);
    if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
    if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
}
}  // namespace

std::shared_ptr<const ir::HostTensor> ImportContext::scalarWeights(DataType type, double value, int32_t rank) {
    auto t = std::make_shared<ir::HostTensor>(ir::HostTensor::make(type, std::vector<int64_t>(rank, 1)));
    switch (type) {
        case DataType::kFLOAT: *t->as<float>() = static_cast<float>(value); break;
        case DataType::kDOUBLE: *t->as<double>() = value; break;
        case DataType::kINT32: *t->as<int32_t>() = saturated<int32_t>(value); break;
        case DataType::kINT64: *t->as<int64_t>() = saturated<int64_t>(value); break;
        case DataType::kINT8: *t->as<int8_t>() = saturated<int8_t>(value); break;
        case DataType::kUINT8: *t->as<uint8_t>() = saturated<uint8_t>(value); break;
        case DataType::kBOOL: *t->as<uint8_t>() = value != 0 ? 1 : 0; break;
        case DataType::kUINT16: *t->as<uint16_t>() = saturated<uint16_t>(value); break;
        case DataType::kUINT32: *t->as<uint32_t>() = saturated<uint32_t>(value); break;
        case DataType::kUINT64: *t->as<uint64_t>() = saturated<uint64_t>(value); break;
        default: ONNX_THROW(kUNSUPPORTED_NODE_DATATYPE) << "no scalar constant of type " << dataTypeName(type);
    }
    return t;
}

const TensorOrWeights& NodeInputs::at(size_t i) const {
    ONNX_CHECK(has(i), kINVALID_NODE) << "input " << i << " is required but missing";
    return mValues[i];
}

const std::string& NodeInputs::name(size_t i) const {
    static const std::string kNone;
    return static_cast<int>(i) < mNode.input_size() ? mNode.input(static_cast<int>(i)) : kNone;
}

const ir::HostTensor& NodeInputs::weights(size_t i) const {
    const TensorOrWeights& v = at(i);
    mCtx.checkIsTensor(v);
    if (!v.isWeights()) mCtx.noteNeededConstant(name(i));
    ONNX_CHECK(v.isWeights(), kUNSUPPORTED_NODE_INPUT)
        << name(i) << " must be an initializer! (input " << i << " of " << mNode.op_type()
        << " is computed by the graph; if its value is constant, fold it first: kiln sanitize --fold-constants)";
    return *v.weights;
}

std::vector<int64_t> NodeInputs::ints(size_t i) const {
    const ir::HostTensor& w = weights(i);
    std::vector<int64_t> out(static_cast<size_t>(w.numel()));
    for (int64_t k = 0; k < w.numel(); ++k) out[k] = w.intAt(k);
    return out;
}

std::vector<double> NodeInputs::floats(size_t i) const {
    const ir::HostTensor& w = weights(i);
    std::vector<double> out(static_cast<size_t>(w.numel()));
    for (int64_t k = 0; k < w.numel(); ++k) out[k] = w.floatAt(k);
    return out;
}

namespace {
std::map<std::string, NodeImporter>& registry() {
    static std::map<std::string, NodeImporter> r;
    return r;
}
}  // namespace

void registerImporter(const char* opType, NodeImporter importer) { registry()[opType] = importer; }

NodeImporter findImporter(const std::string& opType) {
    auto it = registry().find(opType);
    return it == registry().end() ? nullptr : it->second;
}

std::vector<std::string> importedOps() {
    std::vector<std::string> out;
    for (const auto& [name, fn] : registry()) out.push_back(name);
    return out;
}

}  // namespace kiln::onnximport
