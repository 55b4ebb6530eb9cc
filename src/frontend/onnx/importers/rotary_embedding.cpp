// RotaryEmbedding (opset 23): rotates pairs of features of each head by the angles of the cos
// and sin caches, composed from slices, a gather and element-wise layers:
//   real = cos * x1 - sin * x2, imag = sin * x1 + cos * x2
// where (x1, x2) are the halves of the first rotary_embedding_dim features of a head, or its even
// and odd features when interleaved; the other features pass through.
#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// x[..., from : from + count * step : step] along the last axis of a rank-4 tensor.
Tensor& lastAxisSlice(ImportContext& ctx, Tensor& x, int64_t from, int64_t count, int64_t step) {
    std::vector<ShapeScalar> start(4, ShapeScalar{0}), size(4);
    for (int32_t a = 0; a < 3; ++a) size[a] = dimOf(ctx, x, a);
    start[3] = {from};
    size[3] = {count};
    return sliceLayer(ctx, x, start, size, {1, 1, 1, step});
}

Tensor& concatLast(ImportContext& ctx, Tensor& a, Tensor& b, int32_t axis) {
    Tensor* parts[] = {&a, &b};
    ConcatenationLayer* l = ctx.network().addConcatenation(parts, 2);
    if (l) l->setAxis(axis);
    return *ctx.check(l)->getOutput(0);
}

}  // namespace

KILN_ONNX_IMPORTER(RotaryEmbedding) {
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank == 3 || rank == 4, kINVALID_NODE) << "input must be 3-D or 4-D, got rank " << rank;
    const std::vector<int64_t> dims = inputs.dims(0);
    // [B, S, heads, head size] while rotating.
    Tensor* x = &inputs.tensor(0);
    int64_t headSize;
    if (rank == 4) {
        headSize = dims[3];
        x = &transpose(ctx, *x, {0, 2, 1, 3});
    } else {
        const int64_t heads = attrs.getInt("num_heads", 0);
        ONNX_CHECK(heads >= 1, kINVALID_NODE) << "a 3-D input needs num_heads >= 1, got " << heads;
        ONNX_CHECK(dims[2] >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "a dynamic hidden size";
        ONNX_CHECK(dims[2] % heads == 0, kINVALID_NODE) << "hidden size " << dims[2] << " is not a multiple of "
                                                       << heads << " heads";
        headSize = dims[2] / heads;
        x = &reshape(ctx, *x, {0, 0, heads, headSize});
    }
    ONNX_CHECK(headSize >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "a dynamic head size";
    int64_t rotary = attrs.getInt("rotary_embedding_dim", 0);
    if (rotary == 0) rotary = headSize;
    ONNX_CHECK(rotary > 0 && rotary <= headSize && rotary % 2 == 0, kINVALID_NODE)
        << "rotary_embedding_dim " << rotary << " must be even and at most the head size " << headSize;
    const int64_t half = rotary / 2;

    // The caches per (batch, position): gathered by position_ids, or given as [B, S, rotary / 2].
    auto angles = [&](size_t i) -> Tensor& {
        Tensor* c = &inputs.tensor(i);
        if (inputs.has(3)) c = ctx.check(ctx.network().addGather(*c, inputs.tensor(3), 0))->getOutput(0);
        ONNX_CHECK(ctx.rankOf(c) == 3, kINVALID_NODE) << "the cos and sin caches must give [batch, sequence, "
                                                      << half << "] values, got rank " << ctx.rankOf(c);
        return unsqueeze(ctx, *c, {2});
    };
    Tensor& cos = angles(1);
    Tensor& sin = angles(2);

    const bool interleaved = attrs.getInt("interleaved", 0) != 0;
    Tensor& x1 = interleaved ? lastAxisSlice(ctx, *x, 0, half, 2) : lastAxisSlice(ctx, *x, 0, half, 1);
    Tensor& x2 = interleaved ? lastAxisSlice(ctx, *x, 1, half, 2) : lastAxisSlice(ctx, *x, half, half, 1);
    auto mul = [&](Tensor& a, Tensor& b) -> Tensor& { return elementWise(ctx, a, b, ElementWiseOperation::kPROD); };
    Tensor& real = elementWise(ctx, mul(cos, x1), mul(sin, x2), ElementWiseOperation::kSUB);
    Tensor& imag = elementWise(ctx, mul(sin, x1), mul(cos, x2), ElementWiseOperation::kSUM);
    Tensor* rotated;
    if (interleaved) {
        // (real, imag) pairs back in place: [.., half, 2] flattened.
        rotated = &reshape(ctx, concatLast(ctx, unsqueeze(ctx, real, {4}), unsqueeze(ctx, imag, {4}), 4), {0, 0, 0, rotary});
    } else {
        rotated = &concatLast(ctx, real, imag, 3);
    }
    if (rotary < headSize) rotated = &concatLast(ctx, *rotated, lastAxisSlice(ctx, *x, rotary, headSize - rotary, 1), 3);
    if (rank == 4) return {&transpose(ctx, *rotated, {0, 2, 1, 3})};
    return {&reshape(ctx, *rotated, {0, 0, -1})};
}

}  // namespace kiln::onnximport
