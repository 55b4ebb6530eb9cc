// LayerNorm fusion: layer normalization written out, as exporters below opset 17 and
// PaddlePaddle's write it,
//     mean = ReduceMean(x, trailing axes); d = x - mean; var = ReduceMean(d * d)  (or Pow(d, 2));
//     y = d / Sqrt(var + eps)  [* gamma]  [+ beta]
// becomes one Normalization over those axes (scale gamma or ones, bias beta or zeros): one
// kernel with one read of x where there were eight layers and six passes over the tensor.
// Equal up to float rounding (the kernels sum in double). Every intermediate must have no use
// outside the pattern and must not be a network output; gamma and beta must be constants that
// vary only along the normalized axes.
#include <algorithm>
#include <optional>
#include <vector>

#include "ir/ops/elementwise.h"
#include "ir/ops/normalization.h"
#include "ir/ops/reduce.h"
#include "ir/ops/unary.h"
#include "passes/fusion/pattern_match.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

using match::isElementWise;
using match::scalarConstant;

//! The producer of v when every use of v is by one of `users` and v is no network output.
ir::Node* producerUsedOnlyBy(const ir::Graph& graph, const ir::Value* v, std::vector<const ir::Node*> users) {
    if (!v || !v->producer || v->isGraphOutput) return nullptr;
    for (const ir::Node* u : graph.users(v))
        if (std::find(users.begin(), users.end(), u) == users.end()) return nullptr;
    return v->producer;
}

//! The normalized axes (sorted, non-negative) of a keepDims ReduceMean over trailing axes of x.
std::optional<std::vector<int64_t>> trailingMeanAxes(const ir::Node* n) {
    if (!n || std::string(n->op->name()) != ir::ReduceOp::kName || n->inputs.size() != 1) return std::nullopt;
    const auto& r = static_cast<const ir::ReduceOp&>(*n->op);
    const int64_t rank = static_cast<int64_t>(n->inputs[0]->shape.size());
    if (r.op != ReduceOperation::kAVG || !r.keepDims || r.axes.empty()) return std::nullopt;
    std::vector<int64_t> axes;
    for (int64_t a : r.axes) axes.push_back(a < 0 ? a + rank : a);
    std::sort(axes.begin(), axes.end());
    for (size_t i = 0; i < axes.size(); ++i)
        if (axes[i] != rank - static_cast<int64_t>(axes.size() - i)) return std::nullopt;
    return axes;
}

struct Match {
    ir::Node* last;  //!< becomes the Normalization
    ir::Value* x;
    std::vector<int64_t> axes;
    double epsilon;
    ir::Value *gamma{nullptr}, *beta{nullptr};
};

class LayerNormFusion : public Pass {
public:
    const char* name() const override { return "layer_norm_fusion"; }
    bool run(ir::Graph& graph, PassContext& ctx) override {
        bool changed = false;
        std::vector<ir::Node*> nodes;
        for (const auto& n : graph.nodes()) nodes.push_back(n.get());
        for (ir::Node* n : nodes) {
            std::optional<Match> m = matchDivision(graph, n);
            if (!m) continue;
            extendByAffineTail(graph, *m);
            std::vector<int64_t> paramDims;
            int64_t count = 1;
            bool known = true;
            for (int64_t a : m->axes) {
                const ir::DimExpr& d = m->x->shape[a];
                known = known && d.isConst();
                if (!known) break;
                paramDims.push_back(d.value());
                count *= d.value();
            }
            if (!known) continue;
            // gamma/beta: the constants' values laid out over the normalized dims (they vary
            // only along them), or ones/zeros.
            auto param = [&](const ir::Value* v, float fill, const char* what) -> ir::Value* {
                ir::HostTensor t = ir::HostTensor::make(DataType::kFLOAT, paramDims);
                if (v)
                    std::copy(v->constant->as<float>(), v->constant->as<float>() + count, t.as<float>());
                else
                    std::fill(t.as<float>(), t.as<float>() + count, fill);
                return graph.addConstant(m->last->name + "_" + what, std::move(t));
            };
            ir::Value* scale = param(m->gamma, 1.f, "scale");
            ir::Value* bias = param(m->beta, 0.f, "bias");
            auto op = std::make_unique<ir::NormalizationOp>();
            op->axes = m->axes;
            op->epsilon = m->epsilon;
            m->last->op = std::move(op);
            m->last->inputs = {m->x, scale, bias};
            KILN_LOG(ctx.sink, kVERBOSE) << "layer_norm_fusion: '" << m->last->name
                                         << "' is a layer normalization (epsilon " << m->epsilon << ")";
            changed = true;
        }
        return changed;
    }

private:
    //! n = d / Sqrt(ReduceMean(d * d) + eps), d = x - ReduceMean(x) over the same trailing axes.
    static std::optional<Match> matchDivision(const ir::Graph& graph, ir::Node* n) {
        if (!isElementWise(n, ElementWiseOperation::kDIV)) return std::nullopt;
        ir::Value* d = n->inputs[0];
        const ir::Node* sqrt = producerUsedOnlyBy(graph, n->inputs[1], {n});
        if (!sqrt || std::string(sqrt->op->name()) != ir::UnaryOp::kName ||
            static_cast<const ir::UnaryOp&>(*sqrt->op).op != UnaryOperation::kSQRT)
            return std::nullopt;
        const ir::Node* addEps = producerUsedOnlyBy(graph, sqrt->inputs[0], {sqrt});
        if (!isElementWise(addEps, ElementWiseOperation::kSUM)) return std::nullopt;
        for (int side = 0; side < 2; ++side) {
            auto eps = scalarConstant(addEps->inputs[side]);
            if (!eps || !(*eps >= 0.f)) continue;
            const ir::Node* var = producerUsedOnlyBy(graph, addEps->inputs[1 - side], {addEps});
            auto axes = trailingMeanAxes(var);
            if (!axes) continue;
            const ir::Node* square = producerUsedOnlyBy(graph, var->inputs[0], {var});
            const bool product = isElementWise(square, ElementWiseOperation::kPROD) && square->inputs[0] == d &&
                                 square->inputs[1] == d;
            const bool power = isElementWise(square, ElementWiseOperation::kPOW) && square->inputs[0] == d &&
                               scalarConstant(square->inputs[1]) == 2.f;
            if (!product && !power) continue;
            const ir::Node* sub = producerUsedOnlyBy(graph, d, {square, n});
            if (!isElementWise(sub, ElementWiseOperation::kSUB)) continue;
            ir::Value* x = sub->inputs[0];
            const ir::Node* mean = producerUsedOnlyBy(graph, sub->inputs[1], {sub});
            if (!mean || mean->inputs[0] != x || trailingMeanAxes(mean) != axes || x->type != DataType::kFLOAT)
                continue;
            return Match{n, x, *axes, static_cast<double>(*eps)};
        }
        return std::nullopt;
    }

    //! A constant that varies only along the normalized axes: its trailing dims are theirs (or
    //! it has exactly their element count as a 1-D vector), its leading dims 1.
    static bool alongAxes(const ir::Value* c, const Match& m) {
        if (!c || !c->isConstant() || c->constant->type != DataType::kFLOAT) return false;
        const std::vector<int64_t>& dims = c->constant->dims;
        const size_t k = m.axes.size();
        if (dims.size() < k) return false;
        for (size_t i = 0; i < dims.size(); ++i) {
            if (i + k < dims.size()) {
                if (dims[i] != 1) return false;
                continue;
            }
            const ir::DimExpr& xd = m.x->shape[m.axes[i + k - dims.size()]];
            if (!xd.isConst() || xd.value() != dims[i]) return false;
        }
        return dims.size() <= m.x->shape.size();
    }

    //! Follows y * gamma, then + beta, when they are constants along the axes.
    static void extendByAffineTail(const ir::Graph& graph, Match& m) {
        auto step = [&](ElementWiseOperation op, ir::Value*& into) {
            const ir::Value* y = m.last->outputs[0];
            if (y->isGraphOutput) return;
            const std::vector<ir::Node*> users = graph.users(y);
            if (users.size() != 1 || !isElementWise(users[0], op)) return;
            ir::Node* next = users[0];
            for (int side = 0; side < 2; ++side)
                if (next->inputs[1 - side] == y && alongAxes(next->inputs[side], m)) {
                    into = next->inputs[side];
                    m.last = next;
                    return;
                }
        };
        step(ElementWiseOperation::kPROD, m.gamma);
        step(ElementWiseOperation::kSUM, m.beta);
    }
};

}  // namespace

std::unique_ptr<Pass> createLayerNormFusionPass() { return std::make_unique<LayerNormFusion>(); }

}  // namespace kiln::passes
