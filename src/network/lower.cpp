// Lowering: NetworkDefinition → ir::Graph. Inputs get one symbol per dynamic dimension;
// weights held by layers become constant values; every layer becomes one node.
#include <map>

#include "core/api_guard.h"
#include "ir/graph.h"
#include "network/network_impl.h"

namespace kiln {

std::unique_ptr<ir::Graph> NetworkImpl::lower() const {
    auto graph = std::make_unique<ir::Graph>();
    std::map<const TensorImpl*, ir::Value*> valueOf;
    for (const TensorImpl* in : mInputs) {
        ir::Shape shape;
        for (int32_t i = 0; i < in->mInputDims.nbDims; ++i) {
            if (in->mInputDims.d[i] >= 0) {
                shape.emplace_back(in->mInputDims.d[i]);
            } else {
                ir::Symbol sym;
                sym.description = "input '" + in->mName + "' dim " + std::to_string(i);
                sym.inputName = in->mName;
                sym.inputAxis = i;
                shape.push_back(ir::DimExpr::symbol(graph->addSymbol(sym)));
            }
        }
        valueOf[in] = graph->addInput(in->mName, in->mInputType, shape);
    }
    for (const auto& layer : mLayers) {
        if (!layer->mOp) {  // Constant layer: a constant value, no node
            valueOf[layer->mOutputs[0]] = graph->addConstant(layer->mOutputs[0]->mName, *layer->mConstant);
            continue;
        }
        std::vector<ir::Value*> inputs;
        for (size_t i = 0; i < layer->mInputs.size(); ++i) {
            const LayerInput& slot = layer->mInputs[i];
            if (slot.tensor) {
                auto it = valueOf.find(slot.tensor);
                KILN_CHECK(it != valueOf.end()) << layer->mName << ": input " << i << " ('" << slot.tensor->mName
                                                << "') is not produced before this layer";
                inputs.push_back(it->second);
            } else if (slot.weights) {
                ir::HostTensor w = *slot.weights;
                if (!inputs.empty() && inputs[0]) {
                    std::vector<int64_t> dims = layer->weightDims(i, inputs[0]->info());
                    if (!dims.empty()) {
                        KILN_CHECK(ir::numelOf(dims) == w.numel())
                            << layer->mName << ": " << (i == 1 ? "kernel" : "bias") << " weights has count "
                            << w.numel() << " but expected " << ir::numelOf(dims) << " for shape "
                            << ir::dimsToString(dims);
                        w.dims = dims;  // shares the bytes
                    }
                }
                inputs.push_back(graph->addConstant(graph->uniqueName(layer->mName + "_w" + std::to_string(i)), w));
            } else {
                inputs.push_back(nullptr);
            }
        }
        // Drop trailing absent optional inputs so ops see the count they were given.
        while (!inputs.empty() && inputs.back() == nullptr) inputs.pop_back();
        ir::Node* node = graph->addNode(layer->mOp->clone(), layer->mName, inputs,
                                        static_cast<int32_t>(layer->mOutputs.size()));
        node->precision = layer->mPrecision;
        for (size_t i = 0; i < layer->mOutputs.size(); ++i) {
            node->outputs[i]->name = layer->mOutputs[i]->mName;
            valueOf[layer->mOutputs[i]] = node->outputs[i];
        }
        graph->inferNode(node);
    }
    for (const TensorImpl* out : mOutputs) {
        auto it = valueOf.find(out);
        KILN_CHECK(it != valueOf.end()) << "output '" << out->mName << "' is not produced by the network";
        graph->markOutput(it->second);
    }
    graph->verify();
    return graph;
}

bool NetworkImpl::inferShapes() const {
    if (mInferredRevision == mRevision) return mInferredOk;
    mInferredRevision = mRevision;
    return mInferredOk = apiGuard(mSink, false, [&] {
        auto graph = lower();
        for (const auto& t : mTensors) {
            if (t->mIsInput) continue;
            if (ir::Value* v = graph->findValue(t->mName)) t->mInfo = v->info();
        }
        return true;
    });
}

}  // namespace kiln
