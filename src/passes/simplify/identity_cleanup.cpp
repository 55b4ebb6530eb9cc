// Identity, cast and reshape cleanup: removes Identity nodes, Casts to the type the tensor
// already has, and Shuffles that change nothing (no transpose, reshape to the same shape).
#include "ir/ops/shuffle.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

bool isIdentityPermutation(const std::vector<int64_t>& perm) {
    for (size_t i = 0; i < perm.size(); ++i)
        if (perm[i] != static_cast<int64_t>(i)) return false;
    return true;
}

bool isNoOp(const ir::Node& n) {
    const std::string op = n.op->name();
    if (n.inputs.empty() || !n.inputs[0] || n.outputs.size() != 1) return false;
    const ir::Value* in = n.inputs[0];
    const ir::Value* out = n.outputs[0];
    if (in->type != out->type || !ir::shapesEqual(in->shape, out->shape)) return false;
    if (op == "Identity" || op == "Cast") return true;
    if (op == "Shuffle") {
        const auto& s = static_cast<const ir::ShuffleOp&>(*n.op);
        return isIdentityPermutation(s.firstTranspose) && isIdentityPermutation(s.secondTranspose);
    }
    return false;
}

class IdentityCleanup : public Pass {
public:
    const char* name() const override { return "identity_cleanup"; }
    bool run(ir::Graph& graph, PassContext& ctx) override {
        bool changed = false;
        std::vector<ir::Node*> nodes;
        for (const auto& n : graph.nodes()) nodes.push_back(n.get());
        for (ir::Node* n : nodes) {
            if (!isNoOp(*n)) continue;
            ir::Value* in = n->inputs[0];
            ir::Value* out = n->outputs[0];
            if (!graph.canReplace(out, in)) {
                KILN_LOG(ctx.sink, kVERBOSE) << "identity_cleanup: keeping '" << n->name << "': its output '"
                                             << out->name << "' is a network output";
                continue;
            }
            graph.replaceAllUsesWith(out, in);
            KILN_LOG(ctx.sink, kVERBOSE) << "identity_cleanup: removed " << n->op->name() << " node '" << n->name
                                         << "'";
            changed = true;
        }
        return changed;
    }
};

}  // namespace

std::unique_ptr<Pass> createIdentityCleanupPass() { return std::make_unique<IdentityCleanup>(); }

}  // namespace kiln::passes
