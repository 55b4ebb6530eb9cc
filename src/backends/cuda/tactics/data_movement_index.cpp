// CUDA tactics of the indexed movement ops: Gather (every mode), Scatter (ELEMENT and ND, with
// or without a reduction) and OneHot. Shapes are checked as the CPU reference checks them; index
// values live on the device and are not read here, so an out-of-range index (a KilnError on
// the CPU) gathers zeros and is skipped by Scatter instead.
#include <string>
#include <vector>

#include "backends/cuda/kernels/data_movement.h"
#include "backends/cuda/kernels/data_movement_index.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/gather.h"
#include "ir/ops/one_hot.h"
#include "ir/ops/scatter.h"

namespace kiln::cuda {
namespace {

bool movable(DataType t) { return movableElementSize(dataTypeSize(t)); }
bool isIndexType(DataType t) { return t == DataType::kINT32 || t == DataType::kINT64; }

void checkStatus(const KernelArgs& a, int status, const char* kernel) {
    if (status == cudaSuccess) return;
    const std::string what = std::string(a.op->name()) + ": " + kernel;
    check(status, what.c_str());
}

int32_t normalizedAxis(int64_t axis, int32_t rank, const char* op) {
    KILN_CHECK(axis >= -rank && axis < rank) << op << ": axis " << axis << " out of range for rank " << rank;
    return static_cast<int32_t>(axis < 0 ? axis + rank : axis);
}

int64_t productOf(const int64_t* dims, int32_t begin, int32_t end) {
    int64_t p = 1;
    for (int32_t i = begin; i < end; ++i) p *= dims[i];
    return p;
}

//! ELEMENT modes: indices no larger than data off the axis; the walk over the indices' dims
//! through the data's strides, with the axis left to the index.
Layout elementWalk(const ir::TensorView& data, const ir::TensorView& indices, int32_t axis, const char* op) {
    KILN_CHECK(indices.rank == data.rank) << op << ": indices rank " << indices.rank << " != data rank " << data.rank;
    for (int32_t d = 0; d < data.rank; ++d)
        KILN_CHECK(d == axis || indices.dims[d] <= data.dims[d])
            << op << ": indices shape " << ir::dimsToString(indices.shape()) << " exceeds data shape "
            << ir::dimsToString(data.shape()) << " at axis " << d;
    Layout walk = denseLayout(data.rank, data.dims);
    for (int32_t d = 0; d < data.rank; ++d) walk.dims[d] = indices.dims[d];
    walk.strides[axis] = 0;
    return walk;
}

// ---- Gather ----

bool gatherSupports(const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
    const auto mode = static_cast<int32_t>(static_cast<const ir::GatherOp&>(op).mode);
    return in.size() == 2 && movable(in[0].type) && isIndexType(in[1].type) && mode >= 0 &&
           mode <= static_cast<int32_t>(GatherMode::kND);
}

void runGather(KernelArgs& a) {
    const auto& op = a.opAs<ir::GatherOp>();
    const ir::TensorView& data = a.inputs[0];
    const ir::TensorView& indices = a.inputs[1];
    ir::TensorView& out = a.outputs[0];
    const size_t es = dataTypeSize(data.type);
    const bool i64 = indices.type == DataType::kINT64;
    KILN_CHECK(isIndexType(indices.type) && out.type == data.type) << "Gather: indices must be int32 or int64";
    const int32_t batch = static_cast<int32_t>(op.nbElementWiseDims);
    KILN_CHECK(batch >= 0 && batch <= indices.rank && batch <= data.rank)
        << "Gather: nbElementWiseDims " << batch << " out of range";
    for (int32_t d = 0; d < batch; ++d)
        KILN_CHECK(data.dims[d] == indices.dims[d])
            << "Gather: element-wise dimension " << d << " differs: data shape " << ir::dimsToString(data.shape())
            << ", indices shape " << ir::dimsToString(indices.shape());
    int status = cudaSuccess;
    switch (op.mode) {
        case GatherMode::kDEFAULT: {
            const int32_t axis = normalizedAxis(op.axis, data.rank, "Gather");
            KILN_CHECK(batch <= axis) << "Gather: nbElementWiseDims " << batch << " exceeds axis " << axis;
            const int64_t B = productOf(data.dims, 0, batch), P = productOf(data.dims, batch, axis);
            const int64_t Q = productOf(data.dims, axis + 1, data.rank);
            const int64_t I = productOf(indices.dims, batch, indices.rank);
            KILN_CHECK(out.numel() == B * P * I * Q) << "Gather: output " << ir::dimsToString(out.shape())
                                                     << " does not match the gathered shape";
            KILN_CHECK(data.dims[axis] > 0 || out.numel() == 0)
                << "Gather: axis " << axis << " has size 0, nothing to gather";
            status = launchGatherDefault(out.data, data.data, indices.data, i64, B, P, data.dims[axis], Q, I, es,
                                         a.stream);
            break;
        }
        case GatherMode::kELEMENT: {
            const int32_t axis = normalizedAxis(op.axis, data.rank, "Gather");
            const Layout walk = elementWalk(data, indices, axis, "Gather");
            KILN_CHECK(out.numel() == indices.numel()) << "Gather: output does not have the indices' shape";
            status = launchGatherElements(out.data, data.data, indices.data, i64, walk,
                                          denseLayout(data.rank, data.dims).strides[axis], data.dims[axis], es,
                                          a.stream);
            break;
        }
        case GatherMode::kND: {
            KILN_CHECK(indices.rank >= 1 && batch < indices.rank) << "Gather: bad indices rank " << indices.rank;
            const int64_t k = indices.dims[indices.rank - 1];
            KILN_CHECK(k >= 0 && batch + k <= data.rank)
                << "Gather: index tuples of " << k << " for data rank " << data.rank;
            GatherNdParams p;
            p.B = productOf(data.dims, 0, batch);
            p.M = productOf(indices.dims, batch, indices.rank - 1);
            p.K = k;
            p.R = productOf(data.dims, batch + static_cast<int32_t>(k), data.rank);
            for (int64_t j = 0; j < k; ++j) p.dims[j] = data.dims[batch + j];
            KILN_CHECK(out.numel() == p.B * p.M * p.R) << "Gather: output " << ir::dimsToString(out.shape())
                                                       << " does not match the gathered shape";
            status = launchGatherNd(out.data, data.data, indices.data, i64, p, es, a.stream);
            break;
        }
        default:
            KILN_CHECK(false) << "Gather: unknown mode " << static_cast<int32_t>(op.mode);
    }
    checkStatus(a, status, "gather");
}

// ---- Scatter ----

bool scatterSupports(const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
    const auto& s = static_cast<const ir::ScatterOp&>(op);
    // A reduction combines in the reference's order (deterministic), of numeric data only.
    const bool reduces = s.reduction != ScatterReduction::kNONE;
    return in.size() == 3 && movable(in[0].type) && isIndexType(in[1].type) && in[2].type == in[0].type &&
           !(reduces && in[0].type == DataType::kBOOL) && (s.mode == ScatterMode::kELEMENT || s.mode == ScatterMode::kND);
}

//! Winner slots: one per data element (ELEMENT) or per indexed K-tuple (ND).
int64_t scatterTargets(const KernelArgs& a) {
    const auto& op = a.opAs<ir::ScatterOp>();
    const ir::TensorView& data = a.inputs[0];
    const ir::TensorView& indices = a.inputs[1];
    if (op.mode == ScatterMode::kELEMENT) return data.numel();
    if (indices.rank < 1) return 0;
    const int64_t k = indices.dims[indices.rank - 1];
    return k >= 0 && k <= data.rank ? productOf(data.dims, 0, static_cast<int32_t>(k)) : 0;
}

size_t scatterWorkspace(const KernelArgs& a) { return static_cast<size_t>(scatterTargets(a)) * sizeof(int64_t); }

void runScatter(KernelArgs& a) {
    const auto& op = a.opAs<ir::ScatterOp>();
    const ir::TensorView& data = a.inputs[0];
    const ir::TensorView& indices = a.inputs[1];
    const ir::TensorView& updates = a.inputs[2];
    ir::TensorView& out = a.outputs[0];
    const size_t es = dataTypeSize(data.type);
    const bool i64 = indices.type == DataType::kINT64;
    KILN_CHECK(updates.type == data.type && out.type == data.type && out.numel() == data.numel())
        << "Scatter: updates type differs from data type";
    const bool reduces = op.reduction != ScatterReduction::kNONE;
    KILN_CHECK(!reduces || data.type != DataType::kBOOL) << "Scatter: a reduction of bool data is not supported";
    const int64_t targets = scatterTargets(a);
    KILN_CHECK(a.workspaceSize >= static_cast<size_t>(targets) * sizeof(int64_t) && (targets == 0 || a.workspace))
        << "Scatter: workspace of " << a.workspaceSize << " bytes, " << targets * 8 << " needed";
    checkStatus(a, launchCopy(out.data, data.data, data.bytes(), a.stream), "copy");
    int status = cudaSuccess;
    if (op.mode == ScatterMode::kELEMENT) {
        const int32_t axis = normalizedAxis(op.axis, data.rank, "Scatter");
        const Layout walk = elementWalk(data, indices, axis, "Scatter");
        KILN_CHECK(updates.shape() == indices.shape()) << "Scatter: updates shape " << ir::dimsToString(updates.shape())
                                                       << " != indices shape " << ir::dimsToString(indices.shape());
        const int64_t axisStride = denseLayout(data.rank, data.dims).strides[axis];
        status = reduces ? launchScatterElementsReduce(out.data, indices.data, i64, updates.data, data.type, walk, axis,
                                                       axisStride, data.dims[axis], op.reduction, a.stream)
                         : launchScatterElements(out.data, indices.data, i64, updates.data, walk, axisStride,
                                                 data.dims[axis], targets, a.workspace, es, a.stream);
    } else {
        KILN_CHECK(op.mode == ScatterMode::kND) << "Scatter: unknown mode " << static_cast<int32_t>(op.mode);
        KILN_CHECK(indices.rank >= 1) << "Scatter: indices must have at least 1 dimension";
        const int64_t k = indices.dims[indices.rank - 1];
        KILN_CHECK(k >= 0 && k <= data.rank) << "Scatter: index tuples of " << k << " for data rank " << data.rank;
        GatherNdParams p;
        p.M = productOf(indices.dims, 0, indices.rank - 1);
        p.K = k;
        p.R = productOf(data.dims, static_cast<int32_t>(k), data.rank);
        for (int64_t j = 0; j < k; ++j) p.dims[j] = data.dims[j];
        KILN_CHECK(updates.numel() == p.M * p.R)
            << "Scatter: updates has " << updates.numel() << " elements, expected " << p.M * p.R;
        status = reduces ? launchScatterNdReduce(out.data, indices.data, i64, updates.data, data.type, p, op.reduction,
                                                 a.stream)
                         : launchScatterNd(out.data, indices.data, i64, updates.data, p, a.workspace, es, a.stream);
    }
    checkStatus(a, status, "scatter");
}

// ---- OneHot ----

bool oneHotSupports(const ir::Op&, const std::vector<ir::ValueInfo>& in) {
    return in.size() == 3 && isIndexType(in[0].type) && movable(in[1].type);
}

void runOneHot(KernelArgs& a) {
    const auto& op = a.opAs<ir::OneHotOp>();
    const ir::TensorView& indices = a.inputs[0];
    const ir::TensorView& values = a.inputs[1];
    ir::TensorView& out = a.outputs[0];
    KILN_CHECK(values.numel() == 2 && values.type == out.type)
        << "OneHot: values must hold 2 elements [off, on], got " << ir::dimsToString(values.shape());
    KILN_CHECK(out.rank == indices.rank + 1 && op.axis >= -out.rank && op.axis < out.rank)
        << "OneHot: axis " << op.axis << " is out of range for output rank " << out.rank;
    const int32_t axis = static_cast<int32_t>(op.axis < 0 ? op.axis + out.rank : op.axis);
    const int64_t outer = productOf(out.dims, 0, axis), inner = productOf(out.dims, axis + 1, out.rank);
    checkStatus(a,
                launchOneHot(out.data, indices.data, indices.type == DataType::kINT64, values.data, outer,
                             out.dims[axis], inner, dataTypeSize(out.type), a.stream),
                "one-hot");
}

Tactic makeTactic(const char* name, decltype(Tactic::supports) supports, void (*run)(KernelArgs&),
                  decltype(Tactic::workspaceSize) workspace = {}) {
    Tactic t;
    t.name = name;
    t.supports = std::move(supports);
    t.workspaceSize = std::move(workspace);
    t.run = run;
    return t;
}

KILN_REGISTER_CUDA_TACTIC("Gather", makeTactic("cuda_gather", gatherSupports, runGather));
KILN_REGISTER_CUDA_TACTIC("Scatter", makeTactic("cuda_scatter", scatterSupports, runScatter, scatterWorkspace));
KILN_REGISTER_CUDA_TACTIC("OneHot", makeTactic("cuda_one_hot", oneHotSupports, runOneHot));

}  // namespace
}  // namespace kiln::cuda
