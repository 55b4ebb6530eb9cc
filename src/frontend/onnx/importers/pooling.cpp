// MaxPool, AveragePool, LpPool and the global pools.
#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

//! countPadding: an average that divides by the whole window, padding included, whatever
//! count_include_pad says (LpPool's sum is that average times the window size).
Tensor& pool(ImportContext& ctx, Tensor& x, const NodeAttributes& attrs, PoolingType type, bool countPadding = false) {
    std::vector<int64_t> kernel = attrs.getInts("kernel_shape");
    const size_t n = kernel.size();
    ONNX_CHECK(n >= 1, kINVALID_NODE) << "kernel_shape is required";
    ONNX_CHECK(attrs.getInt("storage_order", 0) == 0, kUNSUPPORTED_NODE_ATTR) << "storage_order=1 (column major)";
    std::vector<int64_t> strides = attrs.getInts("strides", std::vector<int64_t>(n, 1));
    std::vector<int64_t> pads = attrs.getInts("pads", std::vector<int64_t>(2 * n, 0));
    std::vector<int64_t> dilations = attrs.getInts("dilations", std::vector<int64_t>(n, 1));
    for (int64_t d : dilations) ONNX_CHECK(d == 1, kUNSUPPORTED_NODE_ATTR) << "pooling dilations other than 1";
    ONNX_CHECK(strides.size() == n && pads.size() == 2 * n, kINVALID_NODE)
        << "strides and pads must have " << n << " and " << 2 * n << " values";
    PoolingLayer* l = ctx.network().addPoolingNd(x, type, toDims(kernel));
    if (l) {
        l->setStrideNd(toDims(strides));
        std::string autoPad = attrs.getString("auto_pad", "NOTSET");
        bool ceil = attrs.getInt("ceil_mode", 0) != 0;
        if (autoPad == "SAME_UPPER") {
            l->setPaddingMode(PaddingMode::kSAME_UPPER);
        } else if (autoPad == "SAME_LOWER") {
            l->setPaddingMode(PaddingMode::kSAME_LOWER);
        } else {
            ONNX_CHECK(autoPad == "NOTSET" || autoPad == "VALID", kUNSUPPORTED_NODE_ATTR) << "auto_pad='" << autoPad << "'";
            if (autoPad == "NOTSET") {
                l->setPrePadding(toDims({pads.begin(), pads.begin() + n}));
                l->setPostPadding(toDims({pads.begin() + n, pads.end()}));
            }
            l->setPaddingMode(ceil ? PaddingMode::kEXPLICIT_ROUND_UP : PaddingMode::kEXPLICIT_ROUND_DOWN);
        }
        if (type == PoolingType::kAVERAGE)
            l->setAverageCountExcludesPadding(!countPadding && attrs.getInt("count_include_pad", 0) == 0);
    }
    return *ctx.check(l)->getOutput(0);
}

// |x|^p and its p-th root; p = 2 as a product and a square root.
Tensor& absPower(ImportContext& ctx, Tensor& x, int64_t p) {
    if (p == 2) return elementWise(ctx, x, x, ElementWiseOperation::kPROD);
    Tensor& e = ctx.tensorOf(ImportContext::scalarWeights(DataType::kFLOAT, static_cast<double>(p), ctx.rankOf(&x)));
    return elementWise(ctx, unary(ctx, x, UnaryOperation::kABS), cast(ctx, e, x.getType()), ElementWiseOperation::kPOW);
}

Tensor& root(ImportContext& ctx, Tensor& x, int64_t p) {
    if (p == 2) return unary(ctx, x, UnaryOperation::kSQRT);
    Tensor& e = ctx.tensorOf(ImportContext::scalarWeights(DataType::kFLOAT, 1.0 / static_cast<double>(p), ctx.rankOf(&x)));
    return elementWise(ctx, x, cast(ctx, e, x.getType()), ElementWiseOperation::kPOW);
}

int64_t lpOrder(const NodeAttributes& attrs) {
    const int64_t p = attrs.getInt("p", 2);
    ONNX_CHECK(p >= 1 && p <= 64, kUNSUPPORTED_NODE_ATTR) << "p=" << p << " (expected 1 to 64)";
    return p;
}

// Global pools reduce every spatial axis, keeping them as size 1.
Outputs globalPool(ImportContext& ctx, NodeInputs& inputs, ReduceOperation op) {
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 3, kINVALID_NODE) << "input must be [N, C, spatial...], got rank " << rank;
    uint32_t mask = 0;
    for (int32_t a = 2; a < rank; ++a) mask |= 1u << a;
    return {ctx.check(ctx.network().addReduce(inputs.tensor(0), op, mask, true))->getOutput(0)};
}

}  // namespace

KILN_ONNX_IMPORTER(MaxPool) {
    ONNX_CHECK(node.output_size() < 2 || node.output(1).empty(), kUNSUPPORTED_NODE)
        << "MaxPool's Indices output is not supported";
    return {&pool(ctx, inputs.tensor(0), attrs, PoolingType::kMAX)};
}
KILN_ONNX_IMPORTER(AveragePool) { return {&pool(ctx, inputs.tensor(0), attrs, PoolingType::kAVERAGE)}; }

// LpPool = (sum of |x|^p over the window)^(1/p): the average over the whole window (zero padding
// counted) times the window's size.
KILN_ONNX_IMPORTER(LpPool) {
    const int64_t p = lpOrder(attrs);
    Tensor& x = inputs.tensor(0);
    Tensor& average = pool(ctx, absPower(ctx, x, p), attrs, PoolingType::kAVERAGE, true);
    int64_t window = 1;
    for (int64_t k : attrs.getInts("kernel_shape")) window = mulDims(window, k);
    Tensor& n = ctx.tensorOf(ImportContext::scalarWeights(DataType::kFLOAT, static_cast<double>(window), inputs.rank(0)));
    return {&root(ctx, elementWise(ctx, average, cast(ctx, n, x.getType()), ElementWiseOperation::kPROD), p)};
}

KILN_ONNX_IMPORTER(GlobalLpPool) {
    const int64_t p = lpOrder(attrs);
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 3, kINVALID_NODE) << "input must be [N, C, spatial...], got rank " << rank;
    uint32_t mask = 0;
    for (int32_t a = 2; a < rank; ++a) mask |= 1u << a;
    Tensor& sum = *ctx.check(ctx.network().addReduce(absPower(ctx, inputs.tensor(0), p), ReduceOperation::kSUM, mask,
                                                      true))->getOutput(0);
    return {&root(ctx, sum, p)};
}
KILN_ONNX_IMPORTER(GlobalAveragePool) { return globalPool(ctx, inputs, ReduceOperation::kAVG); }
KILN_ONNX_IMPORTER(GlobalMaxPool) { return globalPool(ctx, inputs, ReduceOperation::kMAX); }

}  // namespace kiln::onnximport
