// CUDA tactics of Pooling, Cumulative and TopK (kernels in pooling.cu and scan_topk.cu).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "backends/cuda/kernels/reduction.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/cumulative.h"
#include "ir/ops/pooling.h"
#include "ir/ops/spatial.h"
#include "ir/ops/topk.h"

namespace kiln::cuda {
namespace {

void checkStatus(const KernelArgs& a, int status, const char* kernel) {
    if (status == cudaSuccess) return;
    const std::string what = std::string(a.op->name()) + ": kernel " + kernel;
    check(status, what.c_str());
}

//! The single integer value of an input known at build time (shape value or constant), if any.
std::optional<int64_t> knownScalar(const ir::ValueInfo& v) {
    if (v.type != DataType::kINT32 && v.type != DataType::kINT64) return std::nullopt;
    if (!v.value || v.value->size() != 1 || !(*v.value)[0].isConst()) return std::nullopt;
    return (*v.value)[0].value();
}

// ---- Pooling ----

bool poolingSupports(const ir::Op& o, const std::vector<ir::ValueInfo>& in) {
    const auto& op = static_cast<const ir::PoolingOp&>(o);
    const auto type = static_cast<int32_t>(op.type);
    const size_t ns = op.window.size();
    return in.size() == 1 && poolingSupportsType(in[0].type) && ns >= 1 && ns <= static_cast<size_t>(kMaxRank) &&
           in[0].shape.size() >= ns && type >= 0 && type <= static_cast<int32_t>(PoolingType::kMAX_AVERAGE_BLEND);
}

void runPooling(KernelArgs& a) {
    const auto& op = a.opAs<ir::PoolingOp>();
    const ir::TensorView& x = a.inputs[0];
    const ir::TensorView& y = a.outputs[0];
    const int32_t ns = static_cast<int32_t>(op.window.size());
    KILN_CHECK(ns >= 1 && ns <= kMaxRank && x.rank >= ns && y.rank == x.rank && y.type == x.type)
        << "Pooling: window of " << ns << " dims for input rank " << x.rank;
    // Resolved padding exactly as the reference (shared window arithmetic of spatial.h).
    ir::WindowAttrs attrs = ir::windowAttrs("Pooling", ns, op.stride, {}, op.prePadding, op.postPadding,
                                            op.paddingMode);
    PoolParams p;
    p.ns = ns;
    p.type = static_cast<int32_t>(op.type);
    p.excludePadding = op.averageCountExcludesPadding ? 1 : 0;
    p.blend = op.blendFactor;
    for (int32_t i = 0; i < x.rank - ns; ++i) p.outer *= x.dims[i];
    for (int32_t i = 0; i < ns; ++i) {
        p.in[i] = x.dims[x.rank - ns + i];
        p.out[i] = y.dims[y.rank - ns + i];
        p.window[i] = op.window[i];
        p.stride[i] = attrs.stride[i];
        ir::WindowAxis ax = ir::forwardWindowAxis(op.paddingMode, p.in[i], op.window[i], attrs.stride[i],
                                                  attrs.pre[i], attrs.post[i], true);
        p.pre[i] = ax.pre.value();
        int64_t post = attrs.post[i];
        if (op.paddingMode == PaddingMode::kSAME_UPPER || op.paddingMode == PaddingMode::kSAME_LOWER)
            post = std::max<int64_t>(0, (p.out[i] - 1) * attrs.stride[i] + op.window[i] - p.in[i]) - p.pre[i];
        p.end[i] = p.in[i] + post;
    }
    checkStatus(a, launchPooling(y.data, x.data, x.type, p, a.stream), "pooling");
}

// ---- Cumulative ----

bool cumulativeSupports(const ir::Op& o, const std::vector<ir::ValueInfo>& in) {
    const auto& op = static_cast<const ir::CumulativeOp&>(o);
    if (in.size() != 2 || !cumulativeSupportsType(in[0].type)) return false;
    if (op.op != CumulativeOperation::kSUM && op.op != CumulativeOperation::kPROD) return false;
    // The kernel reads the axis on the device and cannot report a bad one: a known axis must be
    // valid (shape inference checked constant axes; the builder passes no values).
    const std::optional<int64_t> axis = knownScalar(in[1]);
    const auto rank = static_cast<int64_t>(in[0].shape.size());
    return rank >= 1 && rank <= kMaxRank && (!axis || (*axis >= -rank && *axis < rank));
}

void runCumulative(KernelArgs& a) {
    const auto& op = a.opAs<ir::CumulativeOp>();
    const ir::TensorView& x = a.inputs[0];
    KILN_CHECK(a.has(1) && a.inputs[1].numel() == 1 &&
               (a.inputs[1].type == DataType::kINT32 || a.inputs[1].type == DataType::kINT64))
        << "Cumulative: the axis (input 1) must be one int32/int64 value";
    KILN_CHECK(x.rank >= 1 && x.rank <= kMaxRank && a.outputs[0].numel() == x.numel())
        << "Cumulative: input of rank " << x.rank;
    checkStatus(a,
                launchCumulative(a.outputs[0].data, x.data, x.type, denseLayout(x.rank, x.dims), a.inputs[1].data,
                                 a.inputs[1].type == DataType::kINT64, op.op == CumulativeOperation::kPROD,
                                 op.exclusive, op.reverse, a.stream),
                "cumulative");
}

// ---- TopK ----

//! Selection costs k passes over each slice: beyond this k a sort would be needed.
constexpr int64_t kMaxTopK = 4096;

bool topkSupports(const ir::Op& o, const std::vector<ir::ValueInfo>& in) {
    const auto& op = static_cast<const ir::TopKOp&>(o);
    if (in.empty() || in.size() > 2 || !topkSupportsType(in[0].type) || in[0].shape.empty()) return false;
    if (op.op != TopKOperation::kMAX && op.op != TopKOperation::kMIN) return false;
    int64_t k = op.k;
    // An absent optional input has an empty default ValueInfo (float); a present k is an integer.
    if (in.size() == 2 && (in[1].type == DataType::kINT32 || in[1].type == DataType::kINT64)) {
        const std::optional<int64_t> known = knownScalar(in[1]);
        if (!known) return true;  // the builder passes no values: run checks k (the output's dim)
        k = *known;
    }
    return k >= 0 && k <= kMaxTopK;
}

void runTopK(KernelArgs& a) {
    const auto& op = a.opAs<ir::TopKOp>();
    const ir::TensorView& x = a.inputs[0];
    KILN_CHECK(x.rank >= 1 && op.axis >= -x.rank && op.axis < x.rank)
        << "TopK: axis " << op.axis << " out of range for rank " << x.rank;
    KILN_CHECK(a.outputs.size() == 2 && a.outputs[1].type == DataType::kINT32 && a.outputs[0].type == x.type)
        << "TopK: expects values and int32 indices";
    const int32_t axis = static_cast<int32_t>(op.axis < 0 ? op.axis + x.rank : op.axis);
    int64_t outer = 1, inner = 1;
    for (int32_t d = 0; d < axis; ++d) outer *= x.dims[d];
    for (int32_t d = axis + 1; d < x.rank; ++d) inner *= x.dims[d];
    const int64_t len = x.dims[axis];
    const int64_t k = a.outputs[0].dims[axis];
    KILN_CHECK(k >= 0 && k <= len) << "TopK: k=" << k << " is larger than the axis size " << len;
    KILN_CHECK(k <= kMaxTopK) << "TopK: k=" << k << " exceeds the selection kernel's limit " << kMaxTopK;
    checkStatus(a,
                launchTopK(a.outputs[0].data, static_cast<int32_t*>(a.outputs[1].data), x.data, x.type, outer, len,
                           inner, k, op.op == TopKOperation::kMAX, a.stream),
                "topk");
}

KILN_REGISTER_CUDA_TACTIC("Pooling", simpleTactic("cuda_pooling", poolingSupports, runPooling));
KILN_REGISTER_CUDA_TACTIC("Cumulative", simpleTactic("cuda_cumulative", cumulativeSupports, runCumulative));
KILN_REGISTER_CUDA_TACTIC("TopK", simpleTactic("cuda_topk", topkSupports, runTopK));

}  // namespace
}  // namespace kiln::cuda
