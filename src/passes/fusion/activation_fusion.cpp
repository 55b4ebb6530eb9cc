// Activation fusion: an Activation whose input is a Convolution's or MatrixMultiply's output
// (no other use, not a network output) becomes that node's fused epilogue, applied while the
// output is still in cache instead of in a pass of its own. Only the activations the kernels
// carry as epilogues (ir::isFusableActivation); exact, the same function on the same values.
#include <optional>

#include "ir/ops/activation.h"
#include "ir/ops/convolution.h"
#include "ir/ops/fused_activation.h"
#include "ir/ops/matrix_multiply.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

//! The producer's fused-epilogue fields, if it is a Convolution or MatrixMultiply.
struct Epilogue {
    int64_t* type;
    double* alpha;
    double* beta;
};
std::optional<Epilogue> epilogueOf(ir::Node& n) {
    const std::string kind = n.op->name();
    if (kind == ir::ConvolutionOp::kName) {
        auto& op = static_cast<ir::ConvolutionOp&>(*n.op);
        return Epilogue{&op.fusedActivation, &op.fusedAlpha, &op.fusedBeta};
    }
    if (kind == ir::MatrixMultiplyOp::kName) {
        auto& op = static_cast<ir::MatrixMultiplyOp&>(*n.op);
        return Epilogue{&op.fusedActivation, &op.fusedAlpha, &op.fusedBeta};
    }
    return std::nullopt;
}

class ActivationFusion : public Pass {
public:
    const char* name() const override { return "activation_fusion"; }
    bool run(ir::Graph& graph, PassContext& ctx) override {
        bool changed = false;
        std::vector<ir::Node*> nodes;
        for (const auto& n : graph.nodes()) nodes.push_back(n.get());
        for (ir::Node* act : nodes) {
            if (std::string(act->op->name()) != ir::ActivationOp::kName || act->inputs.size() != 1) continue;
            const auto& aop = static_cast<const ir::ActivationOp&>(*act->op);
            ir::Value* mid = act->inputs[0];
            ir::Node* producer = mid ? mid->producer : nullptr;
            if (!producer || mid->isGraphOutput || graph.users(mid).size() != 1) continue;
            if (mid->type != DataType::kFLOAT || !ir::isFusableActivation(static_cast<int64_t>(aop.type))) continue;
            std::optional<Epilogue> e = epilogueOf(*producer);
            if (!e || *e->type >= 0 || !graph.canReplace(act->outputs[0], producer->outputs[0])) continue;
            *e->type = static_cast<int64_t>(aop.type);
            *e->alpha = aop.alpha;
            *e->beta = aop.beta;
            producer->fusedFrom.push_back(act->name);
            graph.replaceAllUsesWith(act->outputs[0], producer->outputs[0]);
            KILN_LOG(ctx.sink, kVERBOSE) << "activation_fusion: fused Activation '" << act->name << "' into "
                                         << producer->op->name() << " '" << producer->name << "'";
            graph.removeNode(act);
            changed = true;
        }
        return changed;
    }
};

}  // namespace

std::unique_ptr<Pass> createActivationFusionPass() { return std::make_unique<ActivationFusion>(); }

}  // namespace kiln::passes
