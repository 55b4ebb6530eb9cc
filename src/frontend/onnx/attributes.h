// Typed access to a node's attributes, with defaults and errors that name the node and attribute.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/host_tensor.h"

namespace onnx {
class NodeProto;
class AttributeProto;
class GraphProto;
}  // namespace onnx

namespace kiln::onnximport {

class NodeAttributes {
public:
    NodeAttributes(const ::onnx::NodeProto& node, std::string modelDir);

    bool has(const std::string& name) const { return find(name) != nullptr; }
    int64_t getInt(const std::string& name, int64_t defaultValue) const;
    float getFloat(const std::string& name, float defaultValue) const;
    std::string getString(const std::string& name, const std::string& defaultValue) const;
    std::vector<int64_t> getInts(const std::string& name, std::vector<int64_t> defaultValue = {}) const;
    std::vector<float> getFloats(const std::string& name, std::vector<float> defaultValue = {}) const;
    std::shared_ptr<const ir::HostTensor> getTensor(const std::string& name) const;
    //! A subgraph attribute (If's branches, Loop's and Scan's body).
    const ::onnx::GraphProto& getGraph(const std::string& name) const;
    //! Every attribute's name; lets an importer refuse the ones it does not implement.
    std::vector<std::string> names() const;

private:
    const ::onnx::AttributeProto* find(const std::string& name) const;
    const ::onnx::AttributeProto& require(const std::string& name, int32_t type) const;

    const ::onnx::NodeProto& mNode;
    std::string mModelDir;
};

}  // namespace kiln::onnximport
