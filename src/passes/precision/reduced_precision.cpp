// Reduced precision (BuilderFlag::kFP16 / kBF16 on a GPU engine): every layer that a kernel of
// the backend can run in half (or bfloat16) runs in it; float32 weights of those layers are
// converted once at build time, and a Cast (a reformat step, visible in kiln inspect) is
// inserted wherever a float32 tensor meets a half layer or a half tensor meets a float32 one.
// Kept in float32: layers with a precision constraint other than the reduced type, layers no
// kernel of the backend runs in the reduced type, and the layers that produce the network's
// outputs (so that the outputs keep their declared type without a trailing reformat).
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
    ReducedPrecision(DeviceType backend, DataType type) : mBackend(backend), mType(type) {}
    const char* name() const override { return "reduced_precision"; }

    bool run(ir::Graph& graph, PassContext& ctx) override {
        std::vector<ir::Node*> nodes;
        for (const auto& n : graph.nodes()) nodes.push_back(n.get());
        bool changed = false;
        int32_t reducedLayers = 0, reformats = 0;
        for (ir::Node* n : nodes) {
            if (reducible(*n)) {
                for (size_t i = 0; i < n->inputs.size(); ++i) {
                    ir::Value* in = n->inputs[i];
                    if (!in || in->type != DataType::kFLOAT || n->op->isShapeInput(static_cast<int32_t>(i))) continue;
                    n->inputs[i] = in->isConstant() ? reducedConstant(graph, in) : cast(graph, n, in, mType, reformats);
                }
                n->precision = mType;
                graph.inferNode(n);
                for (ir::Value* out : n->outputs)
                    if (out->type == mType) mMadeReduced.insert(out);
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
        KILN_LOG(ctx.sink, kVERBOSE) << "reduced_precision: " << reducedLayers << " layers in "
                                     << dataTypeName(mType) << ", " << reformats << " reformat steps";
        return changed;
    }

private:
    //! Would a kernel of the backend run `n` with its float32 tensors in the reduced type?
    bool reducible(const ir::Node& n) const {
        if (n.precision && *n.precision != mType) return false;  // a constraint says otherwise
        bool anyFloat = false;
        for (const ir::Value* out : n.outputs) {
            if (out->isGraphOutput) return false;
            anyFloat = anyFloat || out->type == DataType::kFLOAT;
        }
        if (!anyFloat) return false;  // shapes, indices, bools: nothing to gain
        std::vector<ir::ValueInfo> infos;
        for (size_t i = 0; i < n.inputs.size(); ++i) {
            ir::ValueInfo info;
            if (const ir::Value* in = n.inputs[i]) {
                info = in->info();
                if (info.type == DataType::kFLOAT && !n.op->isShapeInput(static_cast<int32_t>(i))) info.type = mType;
            }
            infos.push_back(info);
        }
        for (const auto& t : backend::tacticsFor(mBackend, n.op->name()))
            if (!t.tf32 && (!t.supports || t.supports(*n.op, infos))) return true;
        return false;
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

    ir::Value* reducedConstant(ir::Graph& graph, ir::Value* v) {
        auto it = mConstants.find(v);
        if (it != mConstants.end()) return it->second;
        ir::Value* r = graph.addConstant(graph.uniqueName(v->name + "_" + dataTypeName(mType)), reduced(*v->constant, mType));
        mConstants[v] = r;
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
        if (type == mType) mMadeReduced.insert(out);
        mCasts[key] = out;
        ++count;
        return out;
    }

    DeviceType mBackend;
    DataType mType;
    std::map<ir::Value*, ir::Value*> mConstants;
    std::map<std::pair<ir::Value*, DataType>, ir::Value*> mCasts;
    std::set<const ir::Value*> mMadeReduced;  //!< tensors this pass made reduced (layer outputs, casts)
};

}  // namespace

std::unique_ptr<Pass> createReducedPrecisionPass(DeviceType backend, DataType type) {
    return std::make_unique<ReducedPrecision>(backend, type);
}

}  // namespace kiln::passes
