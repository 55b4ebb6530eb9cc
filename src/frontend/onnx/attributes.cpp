#include "frontend/onnx/attributes.h"

#include "frontend/onnx/import_error.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

using A = ::onnx::AttributeProto;

NodeAttributes::NodeAttributes(const ::onnx::NodeProto& node, std::string modelDir)
    : mNode(node), mModelDir(std::move(modelDir)) {}

const A* NodeAttributes::find(const std::string& name) const {
    for (const auto& a : mNode.attribute())
        if (a.name() == name) return &a;
    return nullptr;
}

const A& NodeAttributes::require(const std::string& name, int32_t type) const {
    const A* a = find(name);
    ONNX_CHECK(a, kINVALID_NODE) << "attribute '" << name << "' is missing";
    // Old exporters leave `type` unset; accept it when the matching field is filled.
    ONNX_CHECK(a->type() == type || a->type() == A::UNDEFINED, kINVALID_NODE)
        << "attribute '" << name << "' has type " << A::AttributeType_Name(a->type()) << ", expected "
        << A::AttributeType_Name(static_cast<A::AttributeType>(type));
    return *a;
}

int64_t NodeAttributes::getInt(const std::string& name, int64_t defaultValue) const {
    return has(name) ? require(name, A::INT).i() : defaultValue;
}

float NodeAttributes::getFloat(const std::string& name, float defaultValue) const {
    return has(name) ? require(name, A::FLOAT).f() : defaultValue;
}

std::string NodeAttributes::getString(const std::string& name, const std::string& defaultValue) const {
    return has(name) ? require(name, A::STRING).s() : defaultValue;
}

std::vector<int64_t> NodeAttributes::getInts(const std::string& name, std::vector<int64_t> defaultValue) const {
    if (!has(name)) return defaultValue;
    const A& a = require(name, A::INTS);
    return {a.ints().begin(), a.ints().end()};
}

std::vector<float> NodeAttributes::getFloats(const std::string& name, std::vector<float> defaultValue) const {
    if (!has(name)) return defaultValue;
    const A& a = require(name, A::FLOATS);
    return {a.floats().begin(), a.floats().end()};
}

std::shared_ptr<const ir::HostTensor> NodeAttributes::getTensor(const std::string& name) const {
    return readTensorProto(require(name, A::TENSOR).t(), mModelDir);
}

const ::onnx::GraphProto& NodeAttributes::getGraph(const std::string& name) const { return require(name, A::GRAPH).g(); }

std::vector<std::string> NodeAttributes::names() const {
    std::vector<std::string> out;
    for (const auto& a : mNode.attribute()) out.push_back(a.name());
    return out;
}

}  // namespace kiln::onnximport
