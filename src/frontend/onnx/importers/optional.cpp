// Optional, OptionalHasElement and OptionalGetElement. An optional that holds a value is that
// value (a tensor or a sequence); an empty one is TensorOrWeights::makeNone(), which exists
// only at import, so whether an optional holds a value is always known at build time.
#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {

KILN_ONNX_IMPORTER(Optional) {
    if (!inputs.has(0)) return {TensorOrWeights::makeNone()};
    return {identityOf(ctx, inputs.at(0))};
}

// Input absent (named "") or an empty optional: false; a tensor or a sequence: true.
KILN_ONNX_IMPORTER(OptionalHasElement) { return {boolScalar(inputs.has(0) && !inputs.at(0).isNone())}; }

KILN_ONNX_IMPORTER(OptionalGetElement) {
    ONNX_CHECK(inputs.has(0) && !inputs.at(0).isNone(), kINVALID_NODE) << "OptionalGetElement of an empty optional";
    return {identityOf(ctx, inputs.at(0))};
}

}  // namespace kiln::onnximport
