// Scale (batch-norm) folding: y = conv(x, W) + b followed by a per-channel (or uniform) Scale
// with power 1 becomes conv(x, W * s) + (b * s + t) — exact up to float rounding. Likewise a
// MatrixMultiply by constant weights [K, N] followed by a per-column Scale. An ElementWise
// add, subtract, multiply or divide of a convolution's output by a constant that is uniform
// or varies along the channel axis only is the same affine map and folds the same way (the
// exporters' decomposed batch norms, PP-LCNet's learnable affine blocks); so does one along the
// last axis of such a matmul's output (the exporters' MatMul + Add bias). The folded node is
// skipped (with a VERBOSE reason) when the intermediate tensor is a network output.
#include <cmath>
#include <cstring>

#include "ir/ops/convolution.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/matrix_multiply.h"
#include "ir/ops/scale.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

//! Per-channel factors of a Scale, or nullopt when it cannot fold (power != 1, non-float...).
struct Factors {
    std::vector<float> scale, shift;
};

std::optional<Factors> scaleFactors(const ir::Node& n, int64_t channels) {
    const auto& op = static_cast<const ir::ScaleOp&>(*n.op);
    auto constant = [&](size_t i) -> const ir::HostTensor* {
        return i < n.inputs.size() && n.inputs[i] ? n.inputs[i]->constant.get() : nullptr;
    };
    for (size_t i = 1; i < n.inputs.size(); ++i)
        if (n.inputs[i] && (!n.inputs[i]->isConstant() || n.inputs[i]->type != DataType::kFLOAT)) return std::nullopt;
    if (const ir::HostTensor* power = constant(3)) {
        for (int64_t i = 0; i < power->numel(); ++i)
            if (power->as<float>()[i] != 1.0f) return std::nullopt;
    }
    int64_t count = op.mode == ScaleMode::kUNIFORM ? 1 : op.mode == ScaleMode::kCHANNEL ? channels : -1;
    if (count < 0) return std::nullopt;
    Factors f{std::vector<float>(channels, 1.0f), std::vector<float>(channels, 0.0f)};
    for (auto [slot, target] : {std::pair<size_t, std::vector<float>*>{1, &f.shift}, {2, &f.scale}}) {
        const ir::HostTensor* t = constant(slot);
        if (!t) continue;
        if (t->numel() != count) return std::nullopt;
        for (int64_t c = 0; c < channels; ++c) (*target)[c] = t->as<float>()[count == 1 ? 0 : c];
    }
    return f;
}

//! The non-constant operand of an ElementWise node that folds (see elementwiseFactors), or null.
ir::Value* elementwiseOperand(const ir::Node& n) {
    if (std::string(n.op->name()) != ir::ElementWiseOp::kName || n.inputs.size() != 2) return nullptr;
    if (!n.inputs[0] || !n.inputs[1]) return nullptr;
    const ElementWiseOperation op = static_cast<const ir::ElementWiseOp&>(*n.op).op;
    const bool c0 = n.inputs[0]->isConstant(), c1 = n.inputs[1]->isConstant();
    if (c0 == c1) return nullptr;
    const bool commutes = op == ElementWiseOperation::kSUM || op == ElementWiseOperation::kPROD;
    const bool rightOnly = op == ElementWiseOperation::kSUB || op == ElementWiseOperation::kDIV;
    if (commutes || (rightOnly && c1)) return n.inputs[c0 ? 1 : 0];
    return nullptr;
}

//! x op c as x * scale + shift per channel, for an ElementWise node whose constant c is float32
//! and, aligned to x's trailing dims as broadcasting does, 1 everywhere but at most the channel
//! axis. Division becomes a product by 1/c (rounded once more, as the folded weights are).
std::optional<Factors> elementwiseFactors(const ir::Node& n, const ir::Value& x, int64_t channels, int64_t channelAxis) {
    const ir::Value* cv = n.inputs[0]->isConstant() ? n.inputs[0] : n.inputs[1];
    const ir::HostTensor& c = *cv->constant;
    const int64_t rank = static_cast<int64_t>(x.shape.size()), crank = static_cast<int64_t>(c.dims.size());
    if (c.type != DataType::kFLOAT || crank > rank || c.numel() == 0) return std::nullopt;
    for (int64_t d = 0; d < crank; ++d) {
        const int64_t axis = rank - crank + d;
        if (c.dims[d] != 1 && !(axis == channelAxis && c.dims[d] == channels)) return std::nullopt;
    }
    const bool perChannel = c.numel() != 1;
    Factors f{std::vector<float>(channels, 1.0f), std::vector<float>(channels, 0.0f)};
    const ElementWiseOperation op = static_cast<const ir::ElementWiseOp&>(*n.op).op;
    for (int64_t k = 0; k < channels; ++k) {
        const float v = c.as<float>()[perChannel ? k : 0];
        if (!std::isfinite(v) || (op == ElementWiseOperation::kDIV && v == 0.0f)) return std::nullopt;
        switch (op) {
            case ElementWiseOperation::kSUM: f.shift[k] = v; break;
            case ElementWiseOperation::kSUB: f.shift[k] = -v; break;
            case ElementWiseOperation::kPROD: f.scale[k] = v; break;
            case ElementWiseOperation::kDIV: f.scale[k] = 1.0f / v; break;
            default: return std::nullopt;
        }
    }
    return f;
}

//! The factors of a Scale node (isScale; per channel only along `axis`) or of an ElementWise
//! node with a constant operand, for `channels` channels along `axis` of the output y.
std::optional<Factors> affineFactors(const ir::Node& n, bool isScale, const ir::Value& y, int64_t channels,
                                     int64_t axis) {
    if (!isScale) return elementwiseFactors(n, y, channels, axis);
    const auto& sop = static_cast<const ir::ScaleOp&>(*n.op);
    if (sop.mode == ScaleMode::kCHANNEL && sop.channelAxis != axis) return std::nullopt;
    return scaleFactors(n, channels);
}

class ScaleFolding : public Pass {
public:
    const char* name() const override { return "scale_folding"; }
    bool run(ir::Graph& graph, PassContext& ctx) override {
        bool changed = false;
        std::vector<ir::Node*> nodes;
        for (const auto& n : graph.nodes()) nodes.push_back(n.get());
        for (ir::Node* scale : nodes) {
            const bool isScale = std::string(scale->op->name()) == "Scale";
            ir::Value* mid = isScale ? (scale->inputs.empty() ? nullptr : scale->inputs[0]) : elementwiseOperand(*scale);
            if (!mid) continue;
            ir::Node* producer = mid->producer;
            if (!producer || graph.users(mid).size() != 1) continue;
            if (mid->isGraphOutput) {
                KILN_LOG(ctx.sink, kVERBOSE) << "scale_folding: not folding '" << scale->name << "' into '"
                                             << producer->name << "': tensor '" << mid->name
                                             << "' is marked as an output";
                continue;
            }
            const std::string kind = producer->op->name();
            bool folded = false;
            if (kind == "Convolution") folded = foldIntoConvolution(graph, *producer, *scale, isScale);
            if (kind == "MatrixMultiply") folded = foldIntoMatrixMultiply(graph, *producer, *scale, isScale);
            if (!folded) continue;
            producer->fusedFrom.push_back(scale->name);
            graph.replaceAllUsesWith(scale->outputs[0], producer->outputs[0]);
            KILN_LOG(ctx.sink, kVERBOSE) << "scale_folding: folded " << scale->op->name() << " '" << scale->name
                                         << "' into " << kind << " '" << producer->name << "'";
            // Removed now, not by the manager's dead-code pass: a chain (Mul then Add) folds its
            // next node only once the producer's output has one user again.
            graph.removeNode(scale);
            changed = true;
        }
        return changed;
    }

private:
    //! `scale` is a Scale node (isScale) or an ElementWise node with a constant operand.
    static bool foldIntoConvolution(ir::Graph& graph, ir::Node& conv, ir::Node& scale, bool isScale) {
        const auto& cop = static_cast<const ir::ConvolutionOp&>(*conv.op);
        if (cop.fusedActivation >= 0) return false;  // scale must come before any activation
        if (!graph.canReplace(scale.outputs[0], conv.outputs[0])) return false;
        if (conv.inputs.size() < 2 || !conv.inputs[1] || !conv.inputs[1]->isConstant()) return false;
        const ir::HostTensor& w = *conv.inputs[1]->constant;
        if (w.type != DataType::kFLOAT || w.dims.empty()) return false;
        const ir::HostTensor* b = conv.inputs.size() > 2 && conv.inputs[2] ? conv.inputs[2]->constant.get() : nullptr;
        if (conv.inputs.size() > 2 && conv.inputs[2] && (!b || b->type != DataType::kFLOAT)) return false;
        const int64_t k = w.dims[0];
        const ir::Value& y = *conv.outputs[0];
        const int64_t channelAxis = static_cast<int64_t>(y.shape.size()) - static_cast<int64_t>(w.dims.size()) + 1;
        auto f = affineFactors(scale, isScale, y, k, channelAxis);
        if (!f) return false;
        ir::HostTensor nw = ir::HostTensor::make(DataType::kFLOAT, w.dims);
        const int64_t per = w.numel() / std::max<int64_t>(k, 1);
        for (int64_t o = 0; o < k; ++o)
            for (int64_t i = 0; i < per; ++i) nw.as<float>()[o * per + i] = w.as<float>()[o * per + i] * f->scale[o];
        ir::HostTensor nb = ir::HostTensor::make(DataType::kFLOAT, {k});
        for (int64_t o = 0; o < k; ++o) nb.as<float>()[o] = (b ? b->as<float>()[o] : 0.0f) * f->scale[o] + f->shift[o];
        conv.inputs.resize(3);
        conv.inputs[1] = graph.addConstant(graph.uniqueName(conv.name + "_folded_kernel"), std::move(nw));
        conv.inputs[2] = graph.addConstant(graph.uniqueName(conv.name + "_folded_bias"), std::move(nb));
        return true;
    }

    //! As foldIntoConvolution, for constant weights [K, N] and factors along the last axis (a
    //! bias the matmul already has, [N] or one value, is scaled and shifted too).
    static bool foldIntoMatrixMultiply(ir::Graph& graph, ir::Node& mm, ir::Node& scale, bool isScale) {
        const auto& mop = static_cast<const ir::MatrixMultiplyOp&>(*mm.op);
        if (mop.fusedActivation >= 0 || mm.inputs.size() > 3) return false;
        if (!graph.canReplace(scale.outputs[0], mm.outputs[0])) return false;
        if (mm.inputs[1] && !mm.inputs[1]->isConstant()) return !isScale && foldScalarIntoProjection(graph, mm, scale);
        if (mop.op1 != MatrixOperation::kNONE || mop.op0 == MatrixOperation::kVECTOR) return false;
        if (!mm.inputs[1] || !mm.inputs[1]->isConstant()) return false;
        const ir::HostTensor& w = *mm.inputs[1]->constant;
        if (w.type != DataType::kFLOAT || w.dims.size() != 2) return false;
        const int64_t kDim = w.dims[0], n = w.dims[1];
        const ir::HostTensor* b = mm.inputs.size() > 2 && mm.inputs[2] ? mm.inputs[2]->constant.get() : nullptr;
        if (mm.inputs.size() > 2 && (!b || b->type != DataType::kFLOAT || (b->numel() != n && b->numel() != 1) ||
                                     b->dims.size() > 1))
            return false;
        const ir::Value& y = *mm.outputs[0];
        const int64_t rank = static_cast<int64_t>(y.shape.size());
        auto f = affineFactors(scale, isScale, y, n, rank - 1);
        if (!f) return false;
        ir::HostTensor nw = ir::HostTensor::make(DataType::kFLOAT, w.dims);
        for (int64_t r = 0; r < kDim; ++r)
            for (int64_t c = 0; c < n; ++c) nw.as<float>()[r * n + c] = w.as<float>()[r * n + c] * f->scale[c];
        ir::HostTensor nb = ir::HostTensor::make(DataType::kFLOAT, {n});
        for (int64_t c = 0; c < n; ++c)
            nb.as<float>()[c] = (b ? b->as<float>()[b->numel() == 1 ? 0 : c] : 0.0f) * f->scale[c] + f->shift[c];
        mm.inputs.resize(3);
        mm.inputs[1] = graph.addConstant(graph.uniqueName(mm.name + "_folded_weights"), std::move(nw));
        mm.inputs[2] = graph.addConstant(graph.uniqueName(mm.name + "_folded_bias"), std::move(nb));
        return true;
    }

    //! A product of two computed tensors times a scalar (attention's Q K^T / sqrt(d)): the scalar
    //! moves into the weights and bias of the constant-weight matmul that computes one operand,
    //! through any Shuffles between them (linear data movement), when nothing else reads that
    //! chain. One multiply fewer per score.
    static bool foldScalarIntoProjection(ir::Graph& graph, ir::Node& mm, ir::Node& scale) {
        if (mm.inputs.size() > 2) return false;
        auto f = elementwiseFactors(scale, *mm.outputs[0], 1, -1);
        const ir::Value* c = scale.inputs[0]->isConstant() ? scale.inputs[0] : scale.inputs[1];
        if (!f || c->constant->numel() != 1 || f->shift[0] != 0.0f) return false;
        for (ir::Value* operand : {mm.inputs[0], mm.inputs[1]}) {
            ir::Value* v = operand;
            while (v && v->producer && !v->isGraphOutput && graph.users(v).size() == 1 &&
                   std::string(v->producer->op->name()) == "Shuffle")
                v = v->producer->inputs[0];
            if (!v || !v->producer || v->isGraphOutput || graph.users(v).size() != 1) continue;
            if (scaleProjection(graph, *v->producer, f->scale[0])) return true;
        }
        return false;
    }

    //! Multiplies the constant weights (and bias) of a matmul without an epilogue by s.
    static bool scaleProjection(ir::Graph& graph, ir::Node& p, float s) {
        if (std::string(p.op->name()) != "MatrixMultiply" || p.inputs.size() < 2 || p.inputs.size() > 3) return false;
        if (static_cast<const ir::MatrixMultiplyOp&>(*p.op).fusedActivation >= 0) return false;
        for (size_t i = 1; i < p.inputs.size(); ++i)
            if (!p.inputs[i] || !p.inputs[i]->isConstant() || p.inputs[i]->constant->type != DataType::kFLOAT)
                return false;
        for (size_t i = 1; i < p.inputs.size(); ++i) {
            ir::HostTensor t = ir::HostTensor::make(DataType::kFLOAT, p.inputs[i]->constant->dims);
            const float* src = p.inputs[i]->constant->as<float>();
            for (int64_t e = 0; e < t.numel(); ++e) t.as<float>()[e] = src[e] * s;
            p.inputs[i] = graph.addConstant(graph.uniqueName(p.name + (i == 1 ? "_scaled_weights" : "_scaled_bias")),
                                            std::move(t));
        }
        return true;
    }
};

}  // namespace

std::unique_ptr<Pass> createScaleFoldingPass() { return std::make_unique<ScaleFolding>(); }

}  // namespace kiln::passes
