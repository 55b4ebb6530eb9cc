// Lowering: NetworkDefinition → ir::Graph. Inputs get one symbol per dynamic dimension;
// weights held by layers become constant values; every layer becomes one node.
#include <map>

#include "core/api_guard.h"
#include "ir/graph.h"
#include "network/network_impl.h"

namespace kiln {

std::unique_ptr<ir::Graph> NetworkImpl::lower() const {
    Lowering l;
    lowerInputs(l);
    for (const auto& layer : mLayers) lowerLayer(l, *layer, true);
    for (const TensorImpl* out : mOutputs) {
        auto it = l.valueOf.find(out);
        KILN_CHECK(it != l.valueOf.end()) << "output '" << out->mName << "' is not produced by the network";
        l.graph->markOutput(it->second);
    }
    l.graph->verify();
    return std::move(l.graph);
}

void NetworkImpl::lowerInputs(Lowering& l) const {
    l.graph = std::make_unique<ir::Graph>();
    l.valueOf.clear();
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
                shape.push_back(ir::DimExpr::symbol(l.graph->addSymbol(sym)));
            }
        }
        l.valueOf[in] = l.graph->addInput(in->mName, in->mInputType, shape);
    }
}

void NetworkImpl::lowerLayer(Lowering& l, const LayerCore& layer, bool forBuild) const {
    ir::Graph& graph = *l.graph;
    if (!layer.mOp) {  // Constant layer: a constant value, no node
        l.valueOf[layer.mOutputs[0]] = graph.addConstant(layer.mOutputs[0]->mName, *layer.mConstant);
        return;
    }
    std::vector<ir::Value*> inputs;
    for (size_t i = 0; i < layer.mInputs.size(); ++i) {
        const LayerInput& slot = layer.mInputs[i];
        if (slot.tensor) {
            auto it = l.valueOf.find(slot.tensor);
            KILN_CHECK(it != l.valueOf.end()) << layer.mName << ": input " << i << " ('" << slot.tensor->mName
                                              << "') is not produced before this layer";
            inputs.push_back(it->second);
        } else if (slot.weights) {
            ir::HostTensor w = *slot.weights;
            if (!inputs.empty() && inputs[0]) {
                std::vector<int64_t> dims = layer.weightDims(i, inputs[0]->info());
                if (!dims.empty()) {
                    KILN_CHECK(ir::numelOf(dims) == w.numel())
                        << layer.mName << ": " << (i == 1 ? "kernel" : "bias") << " weights has count " << w.numel()
                        << " but expected " << ir::numelOf(dims) << " for shape " << ir::dimsToString(dims);
                    w.dims = dims;  // shares the bytes
                }
            }
            // Unique names cost a scan of the graph; shape inference does not need them.
            std::string name = layer.mName + "_w" + std::to_string(i);
            inputs.push_back(graph.addConstant(forBuild ? graph.uniqueName(name) : name, w));
        } else {
            inputs.push_back(nullptr);
        }
    }
    // Drop trailing absent optional inputs so ops see the count they were given.
    while (!inputs.empty() && inputs.back() == nullptr) inputs.pop_back();
    ir::Node* node =
        graph.addNode(layer.mOp->clone(), layer.mName, inputs, static_cast<int32_t>(layer.mOutputs.size()));
    node->precision = layer.mPrecision;
    for (size_t i = 0; i < layer.mOutputs.size(); ++i) {
        node->outputs[i]->name = layer.mOutputs[i]->mName;
        l.valueOf[layer.mOutputs[i]] = node->outputs[i];
    }
    graph.inferNode(node);
}

// Incremental: layers appended (and configured) since the last run are lowered onto the kept
// graph; any other change starts again from the inputs. An importer that asks for shapes after
// every layer thus costs linear, not quadratic, time.
bool NetworkImpl::inferShapes() const {
    if (mInferredRevision == mRevision) return mInferredOk;
    mInferredRevision = mRevision;
    return mInferredOk = apiGuard(mSink, false, [&] {
        try {
            if (!mShapesCurrent || !mShapes.graph) {
                lowerInputs(mShapes);
                mLoweredLayers = 0;
                mShapesCurrent = true;
            }
            for (; mLoweredLayers < mLayers.size(); ++mLoweredLayers) {
                const LayerCore& layer = *mLayers[mLoweredLayers];
                lowerLayer(mShapes, layer, false);
                for (TensorImpl* t : layer.mOutputs) t->mInfo = mShapes.valueOf.at(t)->info();
            }
        } catch (...) {
            mShapesCurrent = false;  // a layer failed half-way: start again next time
            throw;
        }
        return true;
    });
}

}  // namespace kiln
