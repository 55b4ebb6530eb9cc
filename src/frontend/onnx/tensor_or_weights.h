// A value of the ONNX graph as the importer holds it: a network tensor, or constant weights
// (initializers, Constant nodes and what folds from them at import) that stay on the host
// until a layer needs them as a tensor.
#pragma once

#include <memory>

#include "ir/host_tensor.h"
#include "kiln/network.h"

namespace kiln::onnximport {

struct TensorOrWeights {
    Tensor* tensor{nullptr};
    std::shared_ptr<const ir::HostTensor> weights;

    TensorOrWeights() = default;
    TensorOrWeights(Tensor* t) : tensor(t) {}  // NOLINT: implicit, as a layer's output
    TensorOrWeights(std::shared_ptr<const ir::HostTensor> w) : weights(std::move(w)) {}  // NOLINT
    TensorOrWeights(std::shared_ptr<ir::HostTensor> w) : weights(std::move(w)) {}        // NOLINT
    bool isTensor() const { return tensor != nullptr; }
    bool isWeights() const { return weights != nullptr; }
    bool empty() const { return !tensor && !weights; }
};

}  // namespace kiln::onnximport
