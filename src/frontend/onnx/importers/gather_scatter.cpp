// GatherElements, GatherND, ScatterElements (and its opset 9-10 name Scatter), ScatterND: one
// Gather or Scatter layer each. Negative indices count from the end of their axis (the kernels
// check every index).
#include <algorithm>
#include <string>

#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

ScatterReduction reductionOf(const NodeAttributes& attrs) {
    const std::string r = attrs.getString("reduction", "none");
    if (r == "none") return ScatterReduction::kNONE;
    if (r == "add") return ScatterReduction::kSUM;
    if (r == "mul") return ScatterReduction::kPROD;
    if (r == "max") return ScatterReduction::kMAX;
    if (r == "min") return ScatterReduction::kMIN;
    ONNX_THROW(kUNSUPPORTED_NODE_ATTR) << "reduction '" << r << "' (expected none, add, mul, max or min)";
}

Outputs scatter(ImportContext& ctx, NodeInputs& inputs, ScatterMode mode, int32_t axis, ScatterReduction reduction) {
    ScatterLayer* l = ctx.network().addScatter(inputs.tensor(0), inputs.tensor(1), inputs.tensor(2), mode);
    if (l) {
        l->setAxis(axis);
        l->setReduction(reduction);
    }
    return {ctx.check(l)->getOutput(0)};
}

Outputs scatterElements(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs) {
    const int32_t axis = normalizeAxis(attrs.getInt("axis", 0), inputs.rank(0));
    return scatter(ctx, inputs, ScatterMode::kELEMENT, axis, reductionOf(attrs));
}

}  // namespace

KILN_ONNX_IMPORTER(GatherElements) {
    const int32_t axis = normalizeAxis(attrs.getInt("axis", 0), inputs.rank(0));
    GatherLayer* l = ctx.network().addGatherV2(inputs.tensor(0), inputs.tensor(1), GatherMode::kELEMENT);
    if (l) l->setGatherAxis(axis);
    return {ctx.check(l)->getOutput(0)};
}

KILN_ONNX_IMPORTER(GatherND) {
    const int64_t batchDims = attrs.getInt("batch_dims", 0);
    ONNX_CHECK(batchDims >= 0 && batchDims < std::min(inputs.rank(0), inputs.rank(1)), kINVALID_NODE)
        << "batch_dims " << batchDims << " must be below the ranks of data (" << inputs.rank(0) << ") and indices ("
        << inputs.rank(1) << ")";
    GatherLayer* l = ctx.network().addGatherV2(inputs.tensor(0), inputs.tensor(1), GatherMode::kND);
    if (l) l->setNbElementWiseDims(static_cast<int32_t>(batchDims));
    return {ctx.check(l)->getOutput(0)};
}

KILN_ONNX_IMPORTER(ScatterElements) { return scatterElements(ctx, inputs, attrs); }
KILN_ONNX_IMPORTER(Scatter) { return scatterElements(ctx, inputs, attrs); }

KILN_ONNX_IMPORTER(ScatterND) { return scatter(ctx, inputs, ScatterMode::kND, 0, reductionOf(attrs)); }

}  // namespace kiln::onnximport

namespace kiln::onnximport {

// TensorScatter-24 (a KV-cache update): update's positions s along `axis` are written to
// past_cache at write_indices[batch] + s (modulo the cache length in circular mode), as a
// ScatterElements whose indices are that sum broadcast to update's shape.
KILN_ONNX_IMPORTER(TensorScatter) {
    const std::string mode = attrs.getString("mode", "linear");
    ONNX_CHECK(mode == "linear" || mode == "circular", kUNSUPPORTED_NODE_ATTR) << "mode='" << mode << "'";
    Tensor& past = inputs.tensor(0);
    Tensor& update = inputs.tensor(1);
    const std::vector<int64_t> pastDims = inputs.dims(0), updateDims = inputs.dims(1);
    const int32_t rank = static_cast<int32_t>(pastDims.size());
    ONNX_CHECK(rank >= 2 && static_cast<int32_t>(updateDims.size()) == rank, kINVALID_NODE)
        << "past_cache and update must have one rank of at least 2";
    const int32_t axis = normalizeAxis(attrs.getInt("axis", -2), rank);
    ONNX_CHECK(axis >= 1, kINVALID_NODE) << "the sequence axis cannot be the batch axis";
    const int64_t length = updateDims[axis], cacheLength = pastDims[axis];
    ONNX_CHECK(length >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "an update of dynamic sequence length";
    ONNX_CHECK(length <= (int64_t{1} << 24), kINVALID_NODE) << "an update of " << length << " positions";
    std::vector<int64_t> positions(static_cast<size_t>(length));
    for (int64_t s = 0; s < length; ++s) positions[static_cast<size_t>(s)] = s;
    std::vector<int64_t> along(rank, 1);
    along[axis] = length;
    Tensor* index = &ctx.tensorOf(withDims(*ImportContext::int64Weights(positions), along));
    if (inputs.has(2)) {
        std::vector<int64_t> perBatch(rank, 1);
        perBatch[0] = -1;
        index = &elementWise(ctx, reshape(ctx, cast(ctx, inputs.tensor(2), DataType::kINT64), perBatch), *index,
                             ElementWiseOperation::kSUM);
    }
    if (mode == "circular") {
        ONNX_CHECK(cacheLength > 0, kUNSUPPORTED_NODE_DYNAMIC) << "circular mode needs a static, non-empty cache length";
        index = &elementWise(ctx, *index, ctx.tensorOf(ImportContext::scalarWeights(DataType::kINT64, double(cacheLength), rank)),
                             ElementWiseOperation::kMOD);
    }
    Tensor& full = elementWise(ctx, *index, filled(ctx, shapeOf(ctx, update), rank, DataType::kINT64, 0.0),
                               ElementWiseOperation::kSUM);
    ScatterLayer* l = ctx.network().addScatter(past, full, update, ScatterMode::kELEMENT);
    if (l) l->setAxis(axis);
    return {ctx.check(l)->getOutput(0)};
}

}  // namespace kiln::onnximport
