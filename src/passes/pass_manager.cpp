#include <algorithm>
#include <chrono>
#include <sstream>

#include "core/env.h"
#include "core/status.h"
#include "passes/pass.h"

namespace kiln::passes {

void PassManager::run(ir::Graph& graph) const {
    const auto disabled = getEnvList("KILN_DISABLE_PASSES");
    const bool dump = getEnv("KILN_DUMP_GRAPH") == "1";
    PassContext ctx{mSink};
    for (const auto& pass : mPasses) {
        if (std::find(disabled.begin(), disabled.end(), pass->name()) != disabled.end()) {
            KILN_LOG(mSink, kVERBOSE) << "pass " << pass->name() << ": skipped (KILN_DISABLE_PASSES)";
            continue;
        }
        auto before = graph.clone();
        auto start = std::chrono::steady_clock::now();
        bool changed = false;
        try {
            changed = pass->run(graph, ctx);
            int32_t dead = graph.removeDeadNodes();
            graph.inferShapes();
            graph.verify();
            changed = changed || dead > 0;
        } catch (const KilnError& e) {
            // The graph helps whoever debugs the pass (VERBOSE); a user's error (an obeyed
            // precision no kernel takes) reads better without it.
            KILN_LOG(mSink, kERROR) << "pass " << pass->name() << " failed: " << e.what();
            KILN_LOG(mSink, kVERBOSE) << "graph before pass " << pass->name() << ":\n" << ir::printGraph(*before);
            throw;
        }
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        KILN_LOG(mSink, kVERBOSE) << "pass " << pass->name() << ": " << (changed ? "changed" : "no change") << ", "
                                  << graph.nodes().size() << " nodes, " << ms << " ms";
        if (dump) KILN_LOG(mSink, kVERBOSE) << ir::printGraph(graph);
    }
}

void addCpuPipeline(PassManager& manager) {
    manager.add(createDeadCodeEliminationPass());
    manager.add(createConstantFoldingPass());
    manager.add(createIdentityCleanupPass());
    manager.add(createScaleFoldingPass());
    manager.add(createHardSwishFusionPass());
    manager.add(createGeluFusionPass());
    manager.add(createLayerNormFusionPass());
    manager.add(createTransposeFoldingPass());
    manager.add(createResidualFusionPass());  // before the activation fusion: relu(conv + z)
    manager.add(createActivationFusionPass());  // after the passes that make activations
    manager.add(createConstantFoldingPass());  // folds what the rewrites exposed
}

}  // namespace kiln::passes
