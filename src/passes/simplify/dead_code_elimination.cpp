// Removes nodes whose results reach no graph output (the manager also does this after every
// pass; as a pass it lets a pipeline start from a clean graph and shows up in the trace).
#include "passes/pass.h"

namespace kiln::passes {
namespace {

class DeadCodeElimination : public Pass {
public:
    const char* name() const override { return "dead_code_elimination"; }
    bool run(ir::Graph& graph, PassContext& ctx) override {
        int32_t removed = graph.removeDeadNodes();
        if (removed) KILN_LOG(ctx.sink, kVERBOSE) << "dead_code_elimination: removed " << removed << " nodes";
        return removed > 0;
    }
};

}  // namespace

std::unique_ptr<Pass> createDeadCodeEliminationPass() { return std::make_unique<DeadCodeElimination>(); }

}  // namespace kiln::passes
