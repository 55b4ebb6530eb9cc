// Launchers of the reduction-family kernels: SoftMax, Normalization, Reduce (reduce.cu,
// softmax.cu), Pooling, Cumulative, TopK (pooling.cu, scan_topk.cu). Plain parameters only
// (nvcc compiles C++17); each returns the launch status as a cudaError_t cast to int.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cuda/kernels/layout.h"
#include "kiln/types.h"

namespace kiln::cuda {

//! Softmax of [outer, len, inner] (element (o, j, i) at (o * len + j) * inner + i), float/half/bf16.
int launchSoftmax(void* dst, const void* src, DataType type, int64_t outer, int64_t len, int64_t inner, void* stream);

//! One "slot" decomposition shared by Normalization and Reduce: element (s, r) of slot s and
//! position r inside it is at offsetOf(slots, s) + offsetOf(members, r) (x strides); the
//! *Scale/*Bias layouts have the same dims with the strides of the broadcast parameters.
struct SlotLayouts {
    Layout slots, members;
    Layout slotsScale, membersScale;
    Layout slotsBias, membersBias;
};

//! y = (x - mean) / sqrt(var + eps) * scale + bias per slot; y is dense in x's order (same
//! offsets as x). x/y float/half/bf16; scale and bias any of those (types given separately).
int launchNormalization(void* dst, const void* src, const void* scale, const void* bias, DataType type,
                        DataType scaleType, DataType biasType, const SlotLayouts& layouts, double epsilon,
                        void* stream);

//! True for the input types launchReduce takes.
bool reduceSupportsType(DataType type);

//! Plan of a reduction: `split` blocks share one output when the outputs are few and long.
struct ReducePlan {
    int64_t outCount{0}, count{0};
    int64_t split{1};
    bool threadPerOutput{false};  //!< outputs adjacent in memory: one thread each, coalesced
};
ReducePlan planReduce(const Layout& slots, const Layout& members, bool innermostReduced);
//! Scratch bytes of a plan (partial accumulators when split > 1).
size_t reduceWorkspace(const ReducePlan& plan, DataType type);
//! Bytes that cover every plan (outputs x split stays below 1536), whatever the shapes.
constexpr size_t kReduceWorkspaceBound = 1536 * 8;

//! dst[s] = op over r of src[offsetOf(slots, s) + offsetOf(members, r)]; `op` is a ReduceOperation.
int launchReduce(void* dst, const void* src, DataType type, int32_t op, const Layout& slots, const Layout& members,
                 const ReducePlan& plan, void* workspace, void* stream);

//! Pooling over the trailing `ns` dims of [outer, in...] -> [outer, out...].
struct PoolParams {
    int32_t ns{0};
    int32_t type{0};  //!< PoolingType
    int32_t excludePadding{1};
    double blend{0};
    int64_t outer{1};
    int64_t in[kMaxRank]{}, out[kMaxRank]{}, window[kMaxRank]{}, stride[kMaxRank]{};
    int64_t pre[kMaxRank]{};  //!< resolved leading padding
    int64_t end[kMaxRank]{};  //!< end of the padded input (windows clip here when counting padding)
};
bool poolingSupportsType(DataType type);
int launchPooling(void* dst, const void* src, DataType type, const PoolParams& p, void* stream);

//! Running sum/product along the axis held (int32 or int64, on the device) at axisPtr.
//! `layout` is x's dense layout; `product`, `exclusive`, `reverse` as CumulativeOp.
bool cumulativeSupportsType(DataType type);
int launchCumulative(void* dst, const void* src, DataType type, const Layout& layout, const void* axisPtr,
                     bool axisIs64, bool product, bool exclusive, bool reverse, void* stream);

//! The k first elements of each [outer, len, inner] slice in the order largest (or smallest)
//! first, NaN the largest, ties by lower index: values and int32 indices, [outer, k, inner].
bool topkSupportsType(DataType type);
int launchTopK(void* values, int32_t* indices, const void* src, DataType type, int64_t outer, int64_t len,
               int64_t inner, int64_t k, bool largest, void* stream);

}  // namespace kiln::cuda
