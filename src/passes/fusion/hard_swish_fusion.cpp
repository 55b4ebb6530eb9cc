// HardSwish fusion: the decomposed HardSwish that exporters emit (PaddlePaddle, older PyTorch),
//     x * Clip(x + b, 0, m) / m      (b = 3, m = 6 in practice; also "* (1/m)")
// and x * HardSigmoid(x; alpha, beta), become one Activation kHARD_SWISH with alpha 1/m and
// beta b/m (resp. alpha, beta): one pass over the tensor where there were four (resp. two).
// Equal up to float rounding. The intermediate tensors must have no other use and must not be
// network outputs.
#include <optional>

#include "ir/ops/activation.h"
#include "ir/ops/elementwise.h"
#include "passes/fusion/pattern_match.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

using match::isElementWise;
using match::isOp;
using match::scalarConstant;
using match::soleProducer;

//! For an ElementWise node `op` with one constant scalar operand: the other operand and the
//! constant (`constantSecond`: the constant must be the right operand).
struct WithConstant {
    ir::Value* other;
    float constant;
};
std::optional<WithConstant> elementwiseWithScalar(const ir::Node* n, ElementWiseOperation op, bool constantSecond) {
    if (!isElementWise(n, op)) return std::nullopt;
    if (auto c = scalarConstant(n->inputs[1])) return WithConstant{n->inputs[0], *c};
    if (!constantSecond)
        if (auto c = scalarConstant(n->inputs[0])) return WithConstant{n->inputs[1], *c};
    return std::nullopt;
}

const ir::ActivationOp* activationOf(const ir::Node* n, ActivationType type) {
    if (!isOp(n, ir::ActivationOp::kName)) return nullptr;
    const auto& a = static_cast<const ir::ActivationOp&>(*n->op);
    return a.type == type ? &a : nullptr;
}

class HardSwishFusion : public Pass {
public:
    const char* name() const override { return "hard_swish_fusion"; }
    bool run(ir::Graph& graph, PassContext& ctx) override {
        bool changed = false;
        std::vector<ir::Node*> nodes;
        for (const auto& n : graph.nodes()) nodes.push_back(n.get());
        for (ir::Node* n : nodes) {
            std::optional<Match> m = matchDivided(graph, n);
            if (!m) m = matchProduct(graph, n);
            if (!m) continue;
            auto op = std::make_unique<ir::ActivationOp>();
            op->type = ActivationType::kHARD_SWISH;
            op->alpha = m->alpha;
            op->beta = m->beta;
            // The last node of the pattern becomes the activation, so the graph stays in order.
            n->op = std::move(op);
            n->inputs = {m->x};
            KILN_LOG(ctx.sink, kVERBOSE) << "hard_swish_fusion: '" << n->name << "' is a HardSwish (alpha "
                                         << m->alpha << ", beta " << m->beta << ")";
            changed = true;
        }
        return changed;
    }

private:
    struct Match {
        ir::Value* x;
        double alpha, beta;
    };

    //! n = Mul(x, Clip(Add(x, b), 0, m)) / m, or the product times 1/m.
    static std::optional<Match> matchDivided(const ir::Graph& graph, const ir::Node* n) {
        std::optional<WithConstant> scaled = elementwiseWithScalar(n, ElementWiseOperation::kDIV, true);
        bool divides = scaled.has_value();
        if (!scaled) scaled = elementwiseWithScalar(n, ElementWiseOperation::kPROD, false);
        if (!scaled) return std::nullopt;
        const ir::Node* product = soleProducer(graph, scaled->other);
        if (!isElementWise(product, ElementWiseOperation::kPROD)) return std::nullopt;
        for (int side = 0; side < 2; ++side) {
            ir::Value* x = product->inputs[side];
            const ir::Node* clip = soleProducer(graph, product->inputs[1 - side]);
            const ir::ActivationOp* c = activationOf(clip, ActivationType::kCLIP);
            if (!c || c->alpha != 0.0 || !(c->beta > 0.0) || x->type != DataType::kFLOAT) continue;
            const ir::Node* add = soleProducer(graph, clip->inputs[0]);
            std::optional<WithConstant> shifted = elementwiseWithScalar(add, ElementWiseOperation::kSUM, false);
            if (!shifted || shifted->other != x) continue;
            const float max = static_cast<float>(c->beta);
            if (divides ? scaled->constant != max : scaled->constant != 1.0f / max) continue;
            return Match{x, 1.0 / max, double(shifted->constant) / max};
        }
        return std::nullopt;
    }

    //! n = Mul(x, HardSigmoid(x; alpha, beta)).
    static std::optional<Match> matchProduct(const ir::Graph& graph, const ir::Node* n) {
        if (!isElementWise(n, ElementWiseOperation::kPROD)) return std::nullopt;
        for (int side = 0; side < 2; ++side) {
            ir::Value* x = n->inputs[side];
            const ir::Node* gate = soleProducer(graph, n->inputs[1 - side]);
            const ir::ActivationOp* hs = activationOf(gate, ActivationType::kHARD_SIGMOID);
            if (hs && gate->inputs[0] == x && x->type == DataType::kFLOAT) return Match{x, hs->alpha, hs->beta};
        }
        return std::nullopt;
    }
};

}  // namespace

std::unique_ptr<Pass> createHardSwishFusionPass() { return std::make_unique<HardSwishFusion>(); }

}  // namespace kiln::passes
