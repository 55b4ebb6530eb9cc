// Optional, OptionalHasElement and OptionalGetElement on tensors. Kiln's values are tensors, so an
// optional that holds a tensor is that tensor, and "no input" is the one empty optional the
// importers see; an empty optional flowing between nodes (Optional with no input) is refused.
#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

TensorOrWeights passThrough(ImportContext& ctx, NodeInputs& inputs) {
    if (inputs.at(0).isWeights()) return inputs.at(0).weights;
    return ctx.check(ctx.network().addIdentity(inputs.tensor(0)))->getOutput(0);
}

}  // namespace

KILN_ONNX_IMPORTER(Optional) {
    ONNX_CHECK(inputs.has(0), kUNSUPPORTED_NODE)
        << "an empty optional (Optional with no input) is not supported: Kiln's values are tensors";
    return {passThrough(ctx, inputs)};
}

// Input absent or named "": an empty optional, so false; a tensor (opset 18 allows one): true.
KILN_ONNX_IMPORTER(OptionalHasElement) { return {boolScalar(inputs.has(0))}; }

KILN_ONNX_IMPORTER(OptionalGetElement) {
    ONNX_CHECK(inputs.has(0), kINVALID_NODE) << "OptionalGetElement of an empty optional";
    return {passThrough(ctx, inputs)};
}

}  // namespace kiln::onnximport
