// FlexAttention (ai.onnx.preview 1): scaled dot-product attention over 4-D Q [B, Hq, L, E],
// K [B, Hkv, S, E], V [B, Hkv, S, Ev] whose scores and probabilities pass through optional
// one-input subgraphs (score_mod before the softmax, prob_mod after it), imported inline.
// As the ONNX reference: sqrt(scale) multiplies Q and K, float16/bfloat16 compute in float32
// (or softmax_precision), GQA repeats each key/value head over its group of query heads.
#include <cmath>

#include "frontend/onnx/importers/importer_util.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// Each of the `heads` heads of x [B, heads, S, D] repeated `group` times, consecutively.
Tensor& repeatHeads(ImportContext& ctx, Tensor& x, int64_t group, const std::vector<int64_t>& dims) {
    if (group == 1) return x;
    Tensor& u = unsqueeze(ctx, x, {2});
    std::vector<Tensor*> copies(static_cast<size_t>(group), &u);
    ConcatenationLayer* cat = ctx.network().addConcatenation(copies.data(), static_cast<int32_t>(group));
    if (cat) cat->setAxis(2);
    return reshape(ctx, *ctx.check(cat)->getOutput(0), {dims[0], dims[1] * group, dims[2], dims[3]});
}

Tensor& matmul(ImportContext& ctx, Tensor& a, Tensor& b, MatrixOperation opB) {
    return *ctx.check(ctx.network().addMatrixMultiply(a, MatrixOperation::kNONE, b, opB))->getOutput(0);
}

Tensor& modified(ImportContext& ctx, const NodeAttributes& attrs, const char* name, Tensor& x, DataType type) {
    if (!attrs.has(name)) return x;
    std::vector<TensorOrWeights> out = ctx.importSubgraph(attrs.getGraph(name), {&x}, std::string(name) + "/");
    ONNX_CHECK(out.size() == 1, kINVALID_NODE) << name << " must have exactly one output";
    return cast(ctx, ctx.tensorOf(out[0]), type);
}

Outputs flexAttention(ImportContext& ctx, NodeInputs& inputs, const NodeAttributes& attrs) {
    const std::vector<int64_t> qd = inputs.dims(0), kd = inputs.dims(1), vd = inputs.dims(2);
    ONNX_CHECK(qd.size() == 4 && kd.size() == 4 && vd.size() == 4, kINVALID_NODE) << "Q, K and V must be 4-D";
    ONNX_CHECK(kd[1] > 0 && vd[1] == kd[1] && qd[1] % kd[1] == 0, kINVALID_NODE)
        << "query heads must be a multiple of the key/value heads";
    for (int64_t d : kd) ONNX_CHECK(d >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "FlexAttention with dynamic key shapes";
    const int64_t group = qd[1] / kd[1], e = qd[3];
    ONNX_CHECK(group <= 1024, kINVALID_NODE) << "a group of " << group << " query heads per key/value head";
    const DataType type = inputs.type(0);
    DataType compute = type == DataType::kHALF || type == DataType::kBF16 ? DataType::kFLOAT : type;
    if (attrs.has("softmax_precision"))
        compute = fromOnnxType(static_cast<int32_t>(attrs.getInt("softmax_precision", 1)), "softmax_precision");
    const double scale = attrs.getFloat("scale", static_cast<float>(1.0 / std::sqrt(static_cast<double>(e))));
    Tensor& root = ctx.tensorOf(ImportContext::scalarWeights(DataType::kFLOAT, std::sqrt(static_cast<float>(scale)), 4));
    Tensor& rootT = cast(ctx, root, type);
    Tensor& q = elementWise(ctx, inputs.tensor(0), rootT, ElementWiseOperation::kPROD);
    Tensor& k = elementWise(ctx, repeatHeads(ctx, inputs.tensor(1), group, kd), rootT, ElementWiseOperation::kPROD);
    Tensor& v = repeatHeads(ctx, inputs.tensor(2), group, vd);
    Tensor& scores = modified(ctx, attrs, "score_mod", cast(ctx, matmul(ctx, q, k, MatrixOperation::kTRANSPOSE), compute),
                              compute);
    SoftMaxLayer* softmax = ctx.network().addSoftMax(scores);
    if (softmax) softmax->setAxes(1u << 3);
    Tensor& probs = modified(ctx, attrs, "prob_mod", *ctx.check(softmax)->getOutput(0), compute);
    return {&cast(ctx, matmul(ctx, probs, cast(ctx, v, compute), MatrixOperation::kNONE), inputs.type(2))};
}

Outputs importFlexAttention(ImportContext& ctx, const ::onnx::NodeProto&, NodeInputs& inputs, const NodeAttributes& attrs) {
    return flexAttention(ctx, inputs, attrs);
}

const ImporterRegistration kFlexAttention("ai.onnx.preview::FlexAttention", importFlexAttention);

}  // namespace
}  // namespace kiln::onnximport
