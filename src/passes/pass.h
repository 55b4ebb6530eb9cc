// A pass: a small, idempotent, deterministic graph rewrite. The PassManager runs a backend's
// pipeline (pipelines.cpp), removing dead nodes, re-inferring shapes and verifying after each.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/log.h"
#include "ir/graph.h"

namespace kiln::passes {

struct PassContext {
    const LogSink& sink;
};

class Pass {
public:
    virtual ~Pass() = default;
    virtual const char* name() const = 0;
    //! Returns true if the graph changed.
    virtual bool run(ir::Graph& graph, PassContext& ctx) = 0;
};

class PassManager {
public:
    explicit PassManager(const LogSink& sink) : mSink(sink) {}
    void add(std::unique_ptr<Pass> pass) { mPasses.push_back(std::move(pass)); }
    //! Runs every pass not listed in KILN_DISABLE_PASSES, in order. Logs each pass's effect and
    //! time at VERBOSE; KILN_DUMP_GRAPH=1 logs the graph after each pass; on a failure the graph
    //! as it was before the failing pass is logged at ERROR with the pass's name.
    void run(ir::Graph& graph) const;

private:
    const LogSink& mSink;
    std::vector<std::unique_ptr<Pass>> mPasses;
};

// The passes (one file each).
std::unique_ptr<Pass> createConstantFoldingPass();
std::unique_ptr<Pass> createDeadCodeEliminationPass();
std::unique_ptr<Pass> createIdentityCleanupPass();
std::unique_ptr<Pass> createScaleFoldingPass();
std::unique_ptr<Pass> createHardSwishFusionPass();
//! x * 0.5 * (1 + Erf(x / sqrt(2))) → Activation kGELU_ERF (fusion/gelu_fusion.cpp).
std::unique_ptr<Pass> createGeluFusionPass();
//! Transpose of the last two dims → the matrix product's kTRANSPOSE (fusion/transpose_folding.cpp).
std::unique_ptr<Pass> createTransposeFoldingPass();
//! Add(Convolution, z) → the convolution with residual z (fusion/residual_fusion.cpp).
std::unique_ptr<Pass> createResidualFusionPass();
//! Layer normalization written out → one Normalization (fusion/layer_norm_fusion.cpp).
std::unique_ptr<Pass> createLayerNormFusionPass();
std::unique_ptr<Pass> createActivationFusionPass();

//! The CPU backend's pipeline, as a list read top to bottom (pipelines.cpp).
void addCpuPipeline(PassManager& manager);

}  // namespace kiln::passes
