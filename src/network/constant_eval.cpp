// NetworkImpl::evaluateConstant: the ONNX importer folds nodes whose inputs are all constants
// at import (a Loop's trip count, an expanded function's shape arithmetic), so that importers
// that need a value see weights. It walks shape inference's kept graph back to constants and
// runs each node with the reference kernels, as the builder's constant folding pass does.
#include <map>
#include <set>

#include "backends/cpu/kernel.h"
#include "ir/graph.h"
#include "ir/ops/fill.h"
#include "network/network_impl.h"

namespace kiln {
namespace {

class ConstantEvaluator {
public:
    explicit ConstantEvaluator(int64_t maxElements) : mMax(maxElements) {}

    std::shared_ptr<const ir::HostTensor> valueOf(const ir::Value* v, int32_t depth = 0) {
        if (v->constant) return v->constant;
        if (v->isGraphInput || !v->producer || depth > kMaxDepth) return nullptr;
        if (!bounded(*v)) return nullptr;
        const ir::Node& n = *v->producer;
        if (!mDone.count(&n) && !evaluate(n, depth)) return nullptr;
        auto it = mValues.find(v);
        return it == mValues.end() ? nullptr : it->second;
    }

private:
    // Deep enough for any shape computation; keeps a hostile graph from exhausting the stack.
    static constexpr int32_t kMaxDepth = 256;

    // Known and small: the volume, and each extent too, since an empty shape can still hold one
    // huge extent that a kernel sizes a table by.
    bool bounded(const ir::Value& v) const {
        if (!ir::allConst(v.shape) || ir::volume(v.shape).value() > mMax) return false;
        for (const ir::DimExpr& d : v.shape)
            if (d.value() > mMax) return false;
        return true;
    }

    bool evaluate(const ir::Node& n, int32_t depth) {
        mDone.insert(&n);
        for (const ir::Value* out : n.outputs)
            if (out && !bounded(*out)) return false;
        const std::string op = n.op->name();
        if (op == "Assertion") return false;
        if (const auto* fill = dynamic_cast<const ir::FillOp*>(n.op.get()); fill && fill->op != FillOperation::kLINSPACE)
            return false;  // random fills stay random per run
        if (cpu::tacticsFor(op).empty()) return false;
        std::vector<std::shared_ptr<const ir::HostTensor>> held;
        std::vector<const ir::HostTensor*> inputs;
        for (const ir::Value* in : n.inputs) {
            if (!in) {
                inputs.push_back(nullptr);
                continue;
            }
            auto value = valueOf(in, depth + 1);
            if (!value) return false;
            held.push_back(value);
            inputs.push_back(value.get());
        }
        std::vector<ir::HostTensor> results = cpu::evaluateReference(*n.op, inputs, n.name);
        if (results.size() != n.outputs.size()) return false;
        for (size_t i = 0; i < results.size(); ++i)
            mValues[n.outputs[i]] = std::make_shared<const ir::HostTensor>(std::move(results[i]));
        return true;
    }

    int64_t mMax;
    std::set<const ir::Node*> mDone;
    std::map<const ir::Value*, std::shared_ptr<const ir::HostTensor>> mValues;
};

}  // namespace

std::shared_ptr<const ir::HostTensor> NetworkImpl::evaluateConstant(const Tensor& t, int64_t maxElements) const {
    if (!inferShapes()) return nullptr;
    auto it = mShapes.valueOf.find(static_cast<const TensorImpl*>(&t));
    if (it == mShapes.valueOf.end()) return nullptr;
    try {
        return ConstantEvaluator(maxElements).valueOf(it->second);
    } catch (const KilnError&) {
        return nullptr;  // a kernel refused its inputs: the layer keeps its own error for the build
    }
}

}  // namespace kiln
