// CUDA tactics of SoftMax, Normalization and Reduce. They turn the op's axes into the kernels'
// [outer, len, inner] split or "slot" layouts (kernels/reduction.h), merging dims that stay
// contiguous so that the kernels' index arithmetic stays short.
#include <algorithm>
#include <string>
#include <vector>

#include "backends/cuda/kernels/reduction.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/normalization.h"
#include "ir/ops/reduce.h"
#include "ir/ops/softmax.h"

namespace kiln::cuda {
namespace {

bool isFloat16Or32(DataType t) { return t == DataType::kFLOAT || t == DataType::kHALF || t == DataType::kBF16; }

void checkStatus(const KernelArgs& a, int status, const char* kernel) {
    if (status == cudaSuccess) return;
    const std::string what = std::string(a.op->name()) + ": kernel " + kernel;
    check(status, what.c_str());
}

int32_t axisOf(int64_t axis, int32_t rank, const char* op) {
    KILN_CHECK(axis >= -rank && axis < rank) << op << ": axis " << axis << " out of range for rank " << rank;
    return static_cast<int32_t>(axis < 0 ? axis + rank : axis);
}

//! Layouts of equal dims (n of them) with size-1 dims dropped and neighbours merged where every
//! layout's strides keep them contiguous.
void mergeDims(Layout* ls, int n) {
    Layout out[3];
    int32_t rank = 0;
    for (int32_t d = 0; d < ls[0].rank; ++d) {
        if (ls[0].dims[d] == 1) continue;
        bool merge = rank > 0;
        for (int k = 0; merge && k < n; ++k)
            merge = out[k].strides[rank - 1] == ls[k].strides[d] * ls[k].dims[d];
        for (int k = 0; k < n; ++k) {
            if (merge) {
                out[k].dims[rank - 1] *= ls[k].dims[d];
                out[k].strides[rank - 1] = ls[k].strides[d];
            } else {
                out[k].dims[rank] = ls[k].dims[d];
                out[k].strides[rank] = ls[k].strides[d];
            }
        }
        if (!merge) ++rank;
    }
    for (int k = 0; k < n; ++k) {
        out[k].rank = rank;
        ls[k] = out[k];
    }
}

//! Appends a dim to a layout.
void push(Layout& l, int64_t dim, int64_t stride) {
    l.dims[l.rank] = dim;
    l.strides[l.rank] = stride;
    ++l.rank;
}

void denseStrides(const ir::TensorView& v, int64_t* strides) {
    int64_t s = 1;
    for (int32_t d = v.rank - 1; d >= 0; --d) {
        strides[d] = s;
        s *= v.dims[d];
    }
}

// ---- SoftMax ----

void runSoftmax(KernelArgs& a) {
    const ir::TensorView& in = a.inputs[0];
    const int32_t axis = axisOf(a.opAs<ir::SoftMaxOp>().axis, in.rank, "SoftMax");
    int64_t outer = 1, inner = 1;
    for (int32_t d = 0; d < axis; ++d) outer *= in.dims[d];
    for (int32_t d = axis + 1; d < in.rank; ++d) inner *= in.dims[d];
    KILN_CHECK(a.outputs[0].numel() == in.numel() && a.outputs[0].type == in.type)
        << "SoftMax: the output does not match the input";
    checkStatus(a, launchSoftmax(a.outputs[0].data, in.data, in.type, outer, in.dims[axis], inner, a.stream),
                "softmax");
}

// ---- Normalization ----

//! Strides reading a scale/bias view broadcast over x (0 where the parameter has size 1), as
//! the reference: right-aligned, or for group norm a 1-D [C] taken as the channel vector.
void paramStrides(const ir::TensorView& p, const ir::TensorView& x, bool group, int64_t* strides) {
    const int32_t rank = x.rank;
    int64_t dims[kMaxRank];
    for (int32_t d = 0; d < rank; ++d) dims[d] = 1;
    if (group && p.rank == 1) {
        dims[1] = p.dims[0];
    } else {
        KILN_CHECK(p.rank <= rank) << "Normalization: scale/bias rank " << p.rank << " exceeds input rank " << rank;
        for (int32_t d = 0; d < p.rank; ++d) dims[rank - p.rank + d] = p.dims[d];
    }
    int64_t s = 1;
    for (int32_t d = rank - 1; d >= 0; --d) {
        KILN_CHECK(dims[d] == 1 || dims[d] == x.dims[d])
            << "Normalization: scale/bias dim " << dims[d] << " does not broadcast to input dim " << x.dims[d];
        strides[d] = dims[d] != 1 ? s : 0;
        s *= dims[d];
    }
}

bool normalizationSupports(const ir::Op&, const std::vector<ir::ValueInfo>& in) {
    return in.size() == 3 && isFloat16Or32(in[0].type) && isFloat16Or32(in[1].type) && isFloat16Or32(in[2].type);
}

void runNormalization(KernelArgs& a) {
    const auto& op = a.opAs<ir::NormalizationOp>();
    KILN_CHECK(a.inputs.size() == 3 && a.has(1) && a.has(2)) << "Normalization: needs x, scale and bias";
    const ir::TensorView& x = a.inputs[0];
    const int32_t rank = x.rank;
    KILN_CHECK(rank <= kMaxRank) << "Normalization: rank " << rank << " exceeds " << kMaxRank;
    const bool group = op.nbGroups > 1;
    bool reduced[kMaxRank] = {};
    for (int64_t ax : op.axes) reduced[axisOf(ax, rank, "Normalization")] = true;
    int64_t perGroup = 1;
    if (group) {
        KILN_CHECK(rank >= 2 && x.dims[1] % op.nbGroups == 0)
            << "Normalization: channels are not divisible by nbGroups " << op.nbGroups;
        perGroup = x.dims[1] / op.nbGroups;
    }
    int64_t xs[kMaxRank], ss[kMaxRank], bs[kMaxRank];
    denseStrides(x, xs);
    paramStrides(a.inputs[1], x, group, ss);
    paramStrides(a.inputs[2], x, group, bs);
    if (x.numel() == 0) return;
    // Slots: the kept dims (and the group of the channel); members: the reduced dims.
    Layout slots[3], members[3];
    for (int32_t d = 0; d < rank; ++d) {
        const int64_t st[3] = {xs[d], ss[d], bs[d]};
        for (int k = 0; k < 3; ++k) {
            if (group && d == 1) {
                push(slots[k], op.nbGroups, st[k] * perGroup);
                push(members[k], perGroup, st[k]);
            } else if (reduced[d]) {
                push(members[k], x.dims[d], st[k]);
            } else {
                push(slots[k], x.dims[d], st[k]);
            }
        }
    }
    mergeDims(slots, 3);
    mergeDims(members, 3);
    SlotLayouts l{slots[0], members[0], slots[1], members[1], slots[2], members[2]};
    checkStatus(a,
                launchNormalization(a.outputs[0].data, x.data, a.inputs[1].data, a.inputs[2].data, x.type,
                                    a.inputs[1].type, a.inputs[2].type, l, op.epsilon, a.stream),
                "normalization");
}

// ---- Reduce ----

struct ReduceSetup {
    Layout slots, members;
    ReducePlan plan;
};

ReduceSetup setupReduce(const KernelArgs& a) {
    const auto& op = a.opAs<ir::ReduceOp>();
    const ir::TensorView& in = a.inputs[0];
    const int32_t rank = in.rank;
    KILN_CHECK(rank <= kMaxRank) << "Reduce: rank " << rank << " exceeds " << kMaxRank;
    bool reduced[kMaxRank];
    for (int32_t d = 0; d < rank; ++d) reduced[d] = op.axes.empty();
    for (int64_t ax : op.axes) {
        KILN_CHECK(ax >= -rank && ax < std::max(rank, 1)) << "Reduce: axis " << ax << " out of range for rank " << rank;
        if (rank > 0) reduced[ax < 0 ? ax + rank : ax] = true;
    }
    int64_t xs[kMaxRank];
    denseStrides(in, xs);
    ReduceSetup s;
    bool innermostReduced = false;
    for (int32_t d = 0; d < rank; ++d) {
        push(reduced[d] ? s.members : s.slots, in.dims[d], xs[d]);
        if (in.dims[d] != 1) innermostReduced = reduced[d];
    }
    mergeDims(&s.slots, 1);
    mergeDims(&s.members, 1);
    s.plan = planReduce(s.slots, s.members, innermostReduced);
    return s;
}

bool reduceSupports(const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
    const auto o = static_cast<int32_t>(static_cast<const ir::ReduceOp&>(op).op);
    return in.size() == 1 && reduceSupportsType(in[0].type) && o >= 0 &&
           o <= static_cast<int32_t>(ReduceOperation::kAVG);
}

void runReduce(KernelArgs& a) {
    ReduceSetup s = setupReduce(a);
    KILN_CHECK(a.outputs[0].numel() == s.plan.outCount && a.outputs[0].type == a.inputs[0].type)
        << "Reduce: output of " << a.outputs[0].numel() << " elements, expected " << s.plan.outCount;
    // Without room for the partials one group per output still gives the result, only slower.
    const size_t need = reduceWorkspace(s.plan, a.inputs[0].type);
    if (need > a.workspaceSize || !a.workspace) s.plan.split = 1;
    checkStatus(a,
                launchReduce(a.outputs[0].data, a.inputs[0].data, a.inputs[0].type,
                             static_cast<int32_t>(a.opAs<ir::ReduceOp>().op), s.slots, s.members, s.plan,
                             a.workspace, a.stream),
                "reduce");
}

Tactic reduceTactic() {
    Tactic t = simpleTactic("cuda_reduce", reduceSupports, runReduce);
    // The bound, not this shape's need: the builder sizes workspaces at the profile's max dims,
    // and smaller run-time dims may split where the max ones do not.
    t.workspaceSize = [](const KernelArgs&) { return kReduceWorkspaceBound; };
    return t;
}

bool softmaxSupports(const ir::Op&, const std::vector<ir::ValueInfo>& in) {
    return in.size() == 1 && isFloat16Or32(in[0].type);
}

KILN_REGISTER_CUDA_TACTIC("SoftMax", simpleTactic("cuda_softmax", softmaxSupports, runSoftmax));
KILN_REGISTER_CUDA_TACTIC("Normalization",
                          simpleTactic("cuda_normalization", normalizationSupports, runNormalization));
KILN_REGISTER_CUDA_TACTIC("Reduce", reduceTactic());

}  // namespace
}  // namespace kiln::cuda
