// A value of the ONNX graph as the importer holds it: a network tensor, or constant weights
// (initializers, Constant nodes and what folds from them at import) that stay on the host
// until a layer needs them as a tensor. ONNX sequences and empty optionals exist only at
// import: a sequence is the list of its elements (its length is known at build time, as loops
// are unrolled), an empty optional a flag; neither becomes a network tensor.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ir/host_tensor.h"
#include "kiln/network.h"

namespace kiln::onnximport {

//! The longest sequence Kiln unrolls (each element is a tensor of the network).
constexpr int64_t kMaxSequenceLength = 4096;

struct TensorOrWeights {
    Tensor* tensor{nullptr};
    std::shared_ptr<const ir::HostTensor> weights;
    //! An ONNX sequence: its elements, in order (each a tensor or weights).
    std::shared_ptr<const std::vector<TensorOrWeights>> sequence;
    //! An empty optional (Optional with no input, or a graph input given as none).
    bool none{false};

    TensorOrWeights() = default;
    TensorOrWeights(Tensor* t) : tensor(t) {}  // NOLINT: implicit, as a layer's output
    TensorOrWeights(std::shared_ptr<const ir::HostTensor> w) : weights(std::move(w)) {}  // NOLINT
    TensorOrWeights(std::shared_ptr<ir::HostTensor> w) : weights(std::move(w)) {}        // NOLINT
    static TensorOrWeights makeSequence(std::vector<TensorOrWeights> elements);
    static TensorOrWeights makeNone() {
        TensorOrWeights v;
        v.none = true;
        return v;
    }
    bool isTensor() const { return tensor != nullptr; }
    bool isWeights() const { return weights != nullptr; }
    bool isSequence() const { return sequence != nullptr; }
    bool isNone() const { return none; }
    //! An absent input (an empty name): none of the above.
    bool empty() const { return !tensor && !weights && !sequence && !none; }
};

inline TensorOrWeights TensorOrWeights::makeSequence(std::vector<TensorOrWeights> elements) {
    TensorOrWeights v;
    v.sequence = std::make_shared<const std::vector<TensorOrWeights>>(std::move(elements));
    return v;
}

}  // namespace kiln::onnximport
