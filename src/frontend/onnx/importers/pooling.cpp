// MaxPool, AveragePool and the global pools.
#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

Outputs pool(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs, PoolingType type) {
    Tensor& x = inputs.tensor(0);
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
        if (type == PoolingType::kAVERAGE) l->setAverageCountExcludesPadding(attrs.getInt("count_include_pad", 0) == 0);
    }
    return {ctx.check(l)->getOutput(0)};
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
    return pool(ctx, inputs, attrs, PoolingType::kMAX);
}
KILN_ONNX_IMPORTER(AveragePool) { return pool(ctx, inputs, attrs, PoolingType::kAVERAGE); }
KILN_ONNX_IMPORTER(GlobalAveragePool) { return globalPool(ctx, inputs, ReduceOperation::kAVG); }
KILN_ONNX_IMPORTER(GlobalMaxPool) { return globalPool(ctx, inputs, ReduceOperation::kMAX); }

}  // namespace kiln::onnximport
