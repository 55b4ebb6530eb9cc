// The traditional-ML domain (ai.onnx.ml) ops that are plain tensor arithmetic: Binarizer and
// ArrayFeatureExtractor, composed from comparison, cast, reshape and gather layers.
#include <cmath>

#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/importers/importer_util.h"
#include "ir/data_types.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

bool isMlNumber(DataType t) {
    return t == DataType::kFLOAT || t == DataType::kDOUBLE || t == DataType::kINT32 || t == DataType::kINT64;
}

// Binarizer-1: Y = X > threshold ? 1 : 0 in X's type (NaN gives 0, as a false comparison).
Outputs importBinarizer(ImportContext& ctx, const ::onnx::NodeProto&, NodeInputs& inputs,
                        const NodeAttributes& attrs) {
    const DataType type = inputs.type(0);
    ONNX_CHECK(isMlNumber(type), kUNSUPPORTED_NODE_DATATYPE)
        << "Binarizer supports float, double, int32 and int64 inputs, got " << dataTypeName(type);
    double threshold = attrs.getFloat("threshold", 0.f);
    // For an integer x, x > t holds exactly when x > floor(t).
    if (type == DataType::kINT32 || type == DataType::kINT64) {
        ONNX_CHECK(std::isfinite(threshold), kINVALID_NODE) << "Binarizer threshold " << threshold
                                                            << " on an integer input";
        threshold = std::floor(threshold);
    }
    Tensor& x = inputs.tensor(0);
    Tensor& t = scalarConstant(ctx, type, threshold, inputs.rank(0));
    return {&cast(ctx, elementWise(ctx, x, t, ElementWiseOperation::kGREATER), type)};
}

// ArrayFeatureExtractor-1: the indices (any shape, flattened) pick elements of X's last axis;
// a 1-D X gives [1, n], as the ONNX reference does.
Outputs importArrayFeatureExtractor(ImportContext& ctx, const ::onnx::NodeProto&, NodeInputs& inputs,
                                    const NodeAttributes&) {
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 1, kINVALID_NODE) << "ArrayFeatureExtractor of a scalar";
    ONNX_CHECK(isMlNumber(inputs.type(0)), kUNSUPPORTED_NODE_DATATYPE)
        << "ArrayFeatureExtractor supports float, double, int32 and int64 inputs, got "
        << dataTypeName(inputs.type(0));
    ONNX_CHECK(inputs.type(1) == DataType::kINT64, kINVALID_NODE) << "ArrayFeatureExtractor indices must be int64";
    Tensor& x = inputs.tensor(0);
    Tensor& indices = reshape(ctx, inputs.tensor(1), {-1});
    Tensor& picked = *ctx.check(ctx.network().addGather(x, indices, rank - 1))->getOutput(0);
    if (rank == 1) return {&unsqueeze(ctx, picked, {0})};
    return {&picked};
}

const ImporterRegistration kBinarizer("ai.onnx.ml::Binarizer", importBinarizer);
const ImporterRegistration kArrayFeatureExtractor("ai.onnx.ml::ArrayFeatureExtractor", importArrayFeatureExtractor);

}  // namespace
}  // namespace kiln::onnximport
