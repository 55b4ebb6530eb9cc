// Transpose folding: a Transpose that swaps only the last two dims of a matrix product's operand
// (exporters write attention's K^T as Transpose(perm [0,1,3,2]) → MatMul) becomes the product's
// kTRANSPOSE operation on the untransposed tensor: the GEMM reads it transposed, and the copy
// the Transpose made disappears (when nothing else uses it). Exact: the same products.
#include <vector>

#include "ir/ops/matrix_multiply.h"
#include "ir/ops/shuffle.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

//! True when `n` is a Shuffle that only transposes, swapping the last two of its rank-r dims.
bool swapsLastTwo(const ir::Node* n) {
    if (!n || std::string(n->op->name()) != ir::ShuffleOp::kName || n->inputs.size() != 1) return false;
    const auto& s = static_cast<const ir::ShuffleOp&>(*n->op);
    const ir::Value* in = n->inputs[0];
    if (s.hasReshape || !s.secondTranspose.empty()) return false;
    const size_t rank = in->shape.size();
    if (rank < 2) return false;
    const std::vector<int64_t> perm = ir::ShuffleOp::permutationFor(s.firstTranspose, rank);
    if (perm.size() != rank) return false;
    for (size_t i = 0; i + 2 < rank; ++i)
        if (perm[i] != static_cast<int64_t>(i)) return false;
    return perm[rank - 2] == static_cast<int64_t>(rank - 1) && perm[rank - 1] == static_cast<int64_t>(rank - 2);
}

MatrixOperation flipped(MatrixOperation op) {
    return op == MatrixOperation::kNONE ? MatrixOperation::kTRANSPOSE : MatrixOperation::kNONE;
}

class TransposeFolding : public Pass {
public:
    const char* name() const override { return "transpose_folding"; }
    bool run(ir::Graph& graph, PassContext& ctx) override {
        bool changed = false;
        for (const auto& node : graph.nodes()) {
            if (std::string(node->op->name()) != ir::MatrixMultiplyOp::kName) continue;
            auto& mm = static_cast<ir::MatrixMultiplyOp&>(*node->op);
            for (size_t i = 0; i < 2 && i < node->inputs.size(); ++i) {
                MatrixOperation& op = i == 0 ? mm.op0 : mm.op1;
                const ir::Node* t = node->inputs[i]->producer;
                if (op == MatrixOperation::kVECTOR || !swapsLastTwo(t)) continue;
                KILN_LOG(ctx.sink, kVERBOSE) << "transpose_folding: '" << t->name << "' becomes operand " << i
                                             << " of '" << node->name << "' read transposed";
                node->inputs[i] = t->inputs[0];
                op = flipped(op);
                changed = true;
            }
        }
        return changed;
    }
};

}  // namespace

std::unique_ptr<Pass> createTransposeFoldingPass() { return std::make_unique<TransposeFolding>(); }

}  // namespace kiln::passes
