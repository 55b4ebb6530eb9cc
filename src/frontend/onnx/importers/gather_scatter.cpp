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
