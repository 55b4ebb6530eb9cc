// Reduced precision. With BuilderFlag::kFP16 / kBF16 on a GPU engine, every layer that a kernel
// of the backend can run in half (or bfloat16) runs in it; under kOBEY/kPREFER_PRECISION_CONSTRAINTS
// a layer constrained to half or bfloat16 (setPrecision, --layerPrecisions) runs in it on either
// backend, or, where no kernel takes it, fails the build (obey) or stays float32 with a warning
// (prefer). float32 weights of those layers are converted once at build time, and a Cast (a
// reformat step, visible in kiln inspect) is inserted wherever a float32 tensor meets a reduced
// layer or a reduced tensor meets a float32 one. Under the flags alone, kept in float32: layers
// with another precision constraint, layers no kernel runs in the reduced type, and the layers
// that produce the network's outputs (which keep their declared type without a reformat); a
// constrained layer that produces an output gets a reformat back to float32 after it.
#include "passes/precision/reduced_precision.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "backends/tactic.h"
#include "core/half.h"
#include "core/status.h"
#include "ir/graph.h"
#include "ir/ops/cast.h"

namespace kiln::passes {
namespace {

//! `t` (float32) converted to the reduced type.
ir::HostTensor reduced(const ir::HostTensor& t, DataType type) {
    ir::HostTensor out = ir::HostTensor::make(type, t.dims);
    const float* src = t.as<float>();
    auto* dst = out.as<uint16_t>();
    for (int64_t i = 0; i < t.numel(); ++i)
        dst[i] = type == DataType::kHALF ? floatToHalf(src[i]) : floatToBf16(src[i]);
    return out;
}

class ReducedPrecision : public Pass {
public:
    ReducedPrecision(DeviceType backend, DataType type, PrecisionConstraints constraints)
        : mBackend(backend), mType(type), mConstraints(constraints) {}
    const char* name() const override { return "reduced_precision"; }

    bool run(ir::Graph& graph, PassContext& ctx) override {
        std::vector<ir::Node*> nodes;
        for (const auto& n : graph.nodes()) nodes.push_back(n.get());
        bool changed = false;
        int32_t reducedLayers = 0, reformats = 0;
        for (ir::Node* n : nodes) {
            const DataType target = targetOf(*n, ctx);
            if (target != DataType::kFLOAT) {
                for (size_t i = 0; i < n->inputs.size(); ++i) {
                    ir::Value* in = n->inputs[i];
                    if (!in || n->op->isShapeInput(static_cast<int32_t>(i))) continue;
                    const bool reducedOther = mMadeReduced.count(in) && in->type != target;  // bf16 meets half
                    if (in->type != DataType::kFLOAT && !reducedOther) continue;
                    n->inputs[i] = in->isConstant() ? reducedConstant(graph, in, target)
                                                    : cast(graph, n, in, target, reformats);
                }
                n->precision = target;
                graph.inferNode(n);
                for (ir::Value* out : n->outputs)
                    if (out->type == target) mMadeReduced.insert(out);
                reformats += reformatOutputs(graph, n);
                ++reducedLayers;
                changed = true;
            } else if (!readsReducedAsIs(*n)) {
                // A float32 layer reads float32: reformat the tensors this pass reduced back.
                bool reformatted = false;
                for (auto& in : n->inputs) {
                    if (in && mMadeReduced.count(in)) {
                        in = cast(graph, n, in, DataType::kFLOAT, reformats);
                        reformatted = true;
                    }
                }
                if (reformatted) graph.inferNode(n);
            }
        }
        KILN_LOG(ctx.sink, kVERBOSE) << "reduced_precision: " << reducedLayers << " layers in reduced precision, "
                                     << reformats << " reformat steps";
        return changed;
    }

private:
    //! The type `n` runs in: a reduced-type constraint under obey/prefer (an error under obey,
    //! float32 with a warning under prefer, where no kernel takes it), else the flags' type
    //! where a kernel takes it, else float32.
    DataType targetOf(const ir::Node& n, PassContext& ctx) const {
        const bool reducedConstraint =
            n.precision && (*n.precision == DataType::kHALF || *n.precision == DataType::kBF16);
        if (reducedConstraint && mConstraints != PrecisionConstraints::kNONE) {
            if (reducible(n, *n.precision, /*outputsToo=*/true)) return *n.precision;
            KILN_CHECK_CODE(mConstraints != PrecisionConstraints::kOBEY, ErrorCode::kUNSUPPORTED_STATE)
                << "layer '" << n.name << "' is constrained to " << dataTypeName(*n.precision) << " but no "
                << (mBackend == DeviceType::kGPU ? "GPU" : "CPU") << " kernel for " << n.op->name()
                << " runs in it (kOBEY_PRECISION_CONSTRAINTS; kPREFER_PRECISION_CONSTRAINTS falls back to float32)";
            KILN_LOG(ctx.sink, kWARNING) << "layer '" << n.name << "' is constrained to " << dataTypeName(*n.precision)
                                         << " but no kernel for " << n.op->name()
                                         << " runs in it: it runs in float32 (kPREFER_PRECISION_CONSTRAINTS)";
            return DataType::kFLOAT;
        }
        if (n.precision && *n.precision != mType) return DataType::kFLOAT;  // a constraint says otherwise
        return mType != DataType::kFLOAT && reducible(n, mType, /*outputsToo=*/false) ? mType : DataType::kFLOAT;
    }

    //! Would a kernel of the backend run `n` with its float32 tensors in `type`? (`outputsToo`:
    //! also a layer producing a network output, which then gets a reformat back to float32.)
    bool reducible(const ir::Node& n, DataType type, bool outputsToo) const {
        bool anyFloat = false;
        for (const ir::Value* out : n.outputs) {
            if (out->isGraphOutput && !outputsToo) return false;
            anyFloat = anyFloat || out->type == DataType::kFLOAT;
        }
        if (!anyFloat) return false;  // shapes, indices, bools: nothing to gain
        std::vector<ir::ValueInfo> infos;
        for (size_t i = 0; i < n.inputs.size(); ++i) {
            ir::ValueInfo info;
            if (const ir::Value* in = n.inputs[i]) {
                info = in->info();
                const bool floating = info.type == DataType::kFLOAT || mMadeReduced.count(in);
                if (floating && !n.op->isShapeInput(static_cast<int32_t>(i))) info.type = type;
            }
            infos.push_back(info);
        }
        for (const auto& t : backend::tacticsFor(mBackend, n.op->name()))
            if (!t.tf32 && (!t.supports || t.supports(*n.op, infos))) return true;
        return false;
    }

    //! A reduced layer producing a network output: the output keeps its declared float32 through
    //! a reformat after the layer. Returns the reformats added.
    int32_t reformatOutputs(ir::Graph& graph, ir::Node* n) {
        int32_t added = 0;
        for (ir::Value* out : n->outputs) {
            if (!out->isGraphOutput || out->type == DataType::kFLOAT) continue;
            const auto& all = graph.nodes();
            size_t at = 0;
            while (at < all.size() && all[at].get() != n) ++at;
            auto op = std::make_unique<ir::CastOp>();
            op->toType = DataType::kFLOAT;
            const std::string name = graph.uniqueName(out->name + " (reformat to float32)");
            ir::Node* c = at + 1 < all.size() ? graph.insertNodeBefore(all[at + 1].get(), std::move(op), name, {out}, 1)
                                              : graph.addNode(std::move(op), name, {out}, 1);
            c->precision = DataType::kFLOAT;
            graph.inferNode(c);
            graph.replaceAllUsesWith(out, c->outputs[0]);  // the network output, and later readers
            c->inputs[0] = out;                            // (not the reformat itself)
            ++added;
        }
        return added;
    }

    //! A layer with no float32 output (Shape, a comparison) that a kernel runs on the reduced
    //! tensors as they are needs no reformat.
    bool readsReducedAsIs(const ir::Node& n) const {
        for (const ir::Value* out : n.outputs)
            if (out->type == DataType::kFLOAT) return false;
        std::vector<ir::ValueInfo> infos;
        for (const ir::Value* in : n.inputs) infos.push_back(in ? in->info() : ir::ValueInfo{});
        for (const auto& t : backend::tacticsFor(mBackend, n.op->name()))
            if (!t.supports || t.supports(*n.op, infos)) return true;
        return false;
    }

    ir::Value* reducedConstant(ir::Graph& graph, ir::Value* v, DataType type) {
        auto key = std::make_pair(v, type);
        auto it = mConstants.find(key);
        if (it != mConstants.end()) return it->second;
        ir::Value* r = graph.addConstant(graph.uniqueName(v->name + "_" + dataTypeName(type)), reduced(*v->constant, type));
        mConstants[key] = r;
        return r;
    }

    //! `v` in `type`, by a Cast inserted before `user` (one per tensor and type).
    ir::Value* cast(ir::Graph& graph, const ir::Node* user, ir::Value* v, DataType type, int32_t& count) {
        auto key = std::make_pair(v, type);
        auto it = mCasts.find(key);
        if (it != mCasts.end()) return it->second;
        auto op = std::make_unique<ir::CastOp>();
        op->toType = type;
        ir::Node* c = graph.insertNodeBefore(user, std::move(op),
                                             graph.uniqueName(v->name + " (reformat to " + dataTypeName(type) + ")"),
                                             {v}, 1);
        c->precision = type;
        graph.inferNode(c);
        ir::Value* out = c->outputs[0];
        out->name = c->name;
        if (type != DataType::kFLOAT) mMadeReduced.insert(out);
        mCasts[key] = out;
        ++count;
        return out;
    }

    DeviceType mBackend;
    DataType mType;  //!< the flags' reduced type; kFLOAT: constraints only
    PrecisionConstraints mConstraints;
    std::map<std::pair<ir::Value*, DataType>, ir::Value*> mConstants;
    std::map<std::pair<ir::Value*, DataType>, ir::Value*> mCasts;
    std::set<const ir::Value*> mMadeReduced;  //!< tensors this pass made reduced (layer outputs, casts)
};

}  // namespace

std::unique_ptr<Pass> createReducedPrecisionPass(DeviceType backend, DataType type, PrecisionConstraints constraints) {
    return std::make_unique<ReducedPrecision>(backend, type, constraints);
}

}  // namespace kiln::passes
