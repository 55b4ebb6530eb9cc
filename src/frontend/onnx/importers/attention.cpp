// Attention (opset 23+): scaled dot-product attention composed from matrix multiplies, a
// softmax and element-wise layers, following the operator's definition:
//   scores = (Q * sqrt(scale)) @ (K * sqrt(scale))^T, softcapped, plus the attention bias
//   (attn_mask, causal and window masks, nonpad_kv_seqlen padding), softmax over the keys,
//   rows with every key masked set to 0, then @ V.
// 3-D inputs [B, S, heads * size] are split into heads first. Grouped-query attention
// (fewer K/V heads) folds each group of query heads into the sequence axis instead of
// repeating K and V: query head h uses K/V head h / (q_heads / kv_heads).
#include <cmath>
#include <limits>

#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// [B, S, heads * size] -> [B, heads, S, size].
Tensor& splitHeads(ImportContext& ctx, Tensor& x, int64_t heads) {
    return transpose(ctx, reshape(ctx, x, {0, 0, heads, -1}), {0, 2, 1, 3});
}

Tensor& matmul(ImportContext& ctx, Tensor& a, Tensor& b, MatrixOperation opB) {
    return *ctx.check(ctx.network().addMatrixMultiply(a, MatrixOperation::kNONE, b, opB))->getOutput(0);
}

Tensor& concatAxis(ImportContext& ctx, Tensor& a, Tensor& b, int32_t axis) {
    Tensor* parts[] = {&a, &b};
    ConcatenationLayer* l = ctx.network().addConcatenation(parts, 2);
    if (l) l->setAxis(axis);
    return *ctx.check(l)->getOutput(0);
}

int64_t staticDim(ImportContext& ctx, Tensor& x, int32_t axis, const char* what) {
    const int64_t d = ctx.dimsOf(&x)[axis];
    ONNX_CHECK(d >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "a dynamic " << what << " is not supported";
    return d;
}

struct PositionMask {
    bool causal{false};
    int64_t left{-1}, right{-1};  //!< window sizes; -1 leaves that side open
    bool any() const { return causal || left >= 0 || right >= 0; }
};

// A dimension as a 1-element INT64 tensor (folded by shape inference when static).
Tensor& dimTensor(ImportContext& ctx, Tensor& x, int32_t axis) { return gatherShape(ctx, shapeOf(ctx, x), {axis}); }

// 0, 1, ..., n - 1 (INT64) for n held by a 1-element tensor: a Fill, so that no constant of
// a model-given size is made at import.
Tensor& iota(ImportContext& ctx, Tensor& n) {
    // Layers see their inputs made before them: the constants come first.
    Tensor& start = ctx.tensorOf(ImportContext::scalarWeights(DataType::kINT64, 0));
    Tensor& delta = ctx.tensorOf(ImportContext::scalarWeights(DataType::kINT64, 1));
    FillLayer* l = ctx.network().addFill(Dims{}, FillOperation::kLINSPACE, DataType::kINT64);
    if (l) {
        l->setInput(0, n);
        l->setInput(1, start);
        l->setInput(2, delta);
    }
    return *ctx.check(l)->getOutput(0);
}

// The bias of the causal frontier and the window: query i (absolute position i + offset)
// attends key j iff j <= i + offset (causal), i + offset - j <= left and j - (i + offset) <= right
// (window sides that are >= 0); 0 where attended, -inf elsewhere. `offset` is [1] (no cache:
// 0, past_key: the past length) giving [Sq, S], or [B, 1, 1] (nonpad_kv_seqlen - Sq) giving
// [B, 1, Sq, S].
Tensor& positionBias(ImportContext& ctx, DataType type, Tensor& offset, Tensor& qLength, Tensor& kLength,
                     const PositionMask& m) {
    Tensor& rows = reshape(ctx, iota(ctx, qLength), {-1, 1});
    Tensor& cols = reshape(ctx, iota(ctx, kLength), {1, -1});
    Tensor& position = elementWise(ctx, rows, offset, ElementWiseOperation::kSUM);
    Tensor& diff = elementWise(ctx, position, cols, ElementWiseOperation::kSUB);
    const int32_t rank = ctx.rankOf(&diff);
    Tensor* masked = nullptr;
    auto compare = [&](int64_t value, ElementWiseOperation op) {
        Tensor& c = ctx.tensorOf(ImportContext::scalarWeights(DataType::kINT64, static_cast<double>(value), rank));
        Tensor& t = elementWise(ctx, diff, c, op);
        masked = masked ? &elementWise(ctx, *masked, t, ElementWiseOperation::kOR) : &t;
    };
    if (m.causal) compare(0, ElementWiseOperation::kLESS);
    if (m.left >= 0) compare(m.left, ElementWiseOperation::kGREATER);
    if (m.right >= 0) compare(-m.right, ElementWiseOperation::kLESS);
    Tensor& bias = select(ctx, *masked, scalarConstant(ctx, type, kNegInf, rank), scalarConstant(ctx, type, 0, rank));
    return rank == 3 ? unsqueeze(ctx, bias, {1}) : bias;
}

// Keys at or past nonpad_kv_seqlen[b] are padding: [B, 1, 1, S] of 0 / -inf.
Tensor& paddingBias(ImportContext& ctx, DataType type, Tensor& nonpad, Tensor& kLength) {
    Tensor& cols = reshape(ctx, iota(ctx, kLength), {1, -1});
    Tensor& valid = elementWise(ctx, cols, reshape(ctx, cast(ctx, nonpad, DataType::kINT64), {-1, 1}),
                                ElementWiseOperation::kLESS);
    Tensor& bias = select(ctx, valid, scalarConstant(ctx, type, 0, 2), scalarConstant(ctx, type, kNegInf, 2));
    return unsqueeze(ctx, bias, {1, 2});
}

// attn_mask as an additive bias of the query's type, its key axis padded to S (with -inf, or
// false for a boolean mask) when shorter.
Tensor& maskBias(ImportContext& ctx, NodeInputs& inputs, DataType type, int64_t s) {
    Tensor* mask = &inputs.tensor(3);
    const bool boolean = mask->getType() == DataType::kBOOL;
    ONNX_CHECK(boolean || mask->getType() == type, kINVALID_NODE)
        << "attn_mask must be bool or of the query's type " << dataTypeName(type) << ", got "
        << dataTypeName(mask->getType());
    std::vector<int64_t> dims = inputs.dims(3);
    ONNX_CHECK(!dims.empty(), kINVALID_NODE) << "attn_mask must have at least 1 dimension";
    const int64_t last = dims.back();
    ONNX_CHECK(last >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "a dynamic key axis of attn_mask";
    ONNX_CHECK(last <= s, kINVALID_NODE) << "attn_mask covers " << last << " keys, more than the " << s << " keys";
    if (last < s) {
        // The missing keys: a fill of shape [mask dims..., S - last].
        const int64_t r = static_cast<int64_t>(dims.size());
        std::vector<int64_t> leading;
        for (int64_t d = 0; d + 1 < r; ++d) leading.push_back(d);
        std::vector<Tensor*> parts;
        if (!leading.empty()) parts.push_back(&gatherShape(ctx, shapeOf(ctx, *mask), leading));
        parts.push_back(&constInt64(ctx, {s - last}));
        Tensor& pad = filled(ctx, concatShapes(ctx, parts), r, mask->getType(), boolean ? 0.0 : kNegInf);
        mask = &concatAxis(ctx, *mask, pad, static_cast<int32_t>(r) - 1);
    }
    if (!boolean) return *mask;
    const int32_t rank = static_cast<int32_t>(dims.size());
    return select(ctx, *mask, scalarConstant(ctx, type, 0, rank), scalarConstant(ctx, type, kNegInf, rank));
}

// Softmax over the last axis. In half types it is written out (max, subtract, exp, sum, divide) so
// that each stage rounds to the type as the ONNX reference does; one Softmax layer, which keeps
// float inside, differs from it by an ulp or two.
Tensor& softmaxOverKeys(ImportContext& ctx, Tensor& x) {
    const DataType type = x.getType();
    if (type == DataType::kHALF || type == DataType::kBF16) {
        Tensor& max = reduce(ctx, x, ReduceOperation::kMAX, 1u << 3, true);
        Tensor& e = unary(ctx, elementWise(ctx, x, max, ElementWiseOperation::kSUB), UnaryOperation::kEXP);
        return elementWise(ctx, e, reduce(ctx, e, ReduceOperation::kSUM, 1u << 3, true), ElementWiseOperation::kDIV);
    }
    SoftMaxLayer* sm = ctx.network().addSoftMax(x);
    if (sm) sm->setAxes(1u << 3);
    return *ctx.check(sm)->getOutput(0);
}

Tensor& add(ImportContext& ctx, Tensor* a, Tensor& b) { return a ? elementWise(ctx, *a, b, ElementWiseOperation::kSUM) : b; }

}  // namespace

KILN_ONNX_IMPORTER(Attention) {
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank == 3 || rank == 4, kINVALID_NODE) << "Q must be 3-D or 4-D, got rank " << rank;
    ONNX_CHECK(inputs.rank(1) == rank && inputs.rank(2) == rank, kINVALID_NODE)
        << "Q, K and V must have the same rank, got " << rank << ", " << inputs.rank(1) << " and " << inputs.rank(2);
    Tensor* q = &inputs.tensor(0);
    Tensor* k = &inputs.tensor(1);
    Tensor* v = &inputs.tensor(2);
    const DataType type = q->getType();
    ONNX_CHECK(k->getType() == type && v->getType() == type, kINVALID_NODE) << "Q, K and V must have one type";
    int64_t qHeads, kvHeads;
    if (rank == 3) {
        qHeads = attrs.getInt("q_num_heads", 0);
        kvHeads = attrs.getInt("kv_num_heads", 0);
        ONNX_CHECK(qHeads >= 1 && kvHeads >= 1, kINVALID_NODE)
            << "3-D inputs need q_num_heads and kv_num_heads >= 1, got " << qHeads << " and " << kvHeads;
        q = &splitHeads(ctx, *q, qHeads);
        k = &splitHeads(ctx, *k, kvHeads);
        v = &splitHeads(ctx, *v, kvHeads);
    } else {
        qHeads = staticDim(ctx, *q, 1, "number of query heads");
        kvHeads = staticDim(ctx, *k, 1, "number of key heads");
        ONNX_CHECK(staticDim(ctx, *v, 1, "number of value heads") == kvHeads, kINVALID_NODE)
            << "K and V must have the same number of heads";
    }
    ONNX_CHECK(kvHeads >= 1 && qHeads % kvHeads == 0, kINVALID_NODE)
        << qHeads << " query heads are not a multiple of " << kvHeads << " key/value heads";
    const bool grouped = qHeads != kvHeads;

    // The KV cache: present = concat(past, new) along the sequence.
    ONNX_CHECK(inputs.has(4) == inputs.has(5), kINVALID_NODE) << "past_key and past_value must be given together";
    const bool past = inputs.has(4);
    const bool nonpad = inputs.has(6);
    ONNX_CHECK(!(past && nonpad), kINVALID_NODE) << "nonpad_kv_seqlen cannot be combined with past_key/past_value";
    if (past) {
        k = &concatAxis(ctx, inputs.tensor(4), *k, 2);
        v = &concatAxis(ctx, inputs.tensor(5), *v, 2);
    }

    const double scale = attrs.has("scale") ? attrs.getFloat("scale", 1.f)
                                            : 1.0 / std::sqrt(static_cast<double>(staticDim(ctx, *q, 3, "head size")));
    Tensor& rootScale = scalarConstant(ctx, type, std::sqrt(scale), 4);
    Tensor* qs = &elementWise(ctx, *q, rootScale, ElementWiseOperation::kPROD);
    Tensor& ks = elementWise(ctx, *k, rootScale, ElementWiseOperation::kPROD);
    if (grouped) qs = &reshape(ctx, *qs, {0, kvHeads, -1, 0});
    Tensor* scores = &matmul(ctx, *qs, ks, MatrixOperation::kTRANSPOSE);
    if (grouped) scores = &reshape(ctx, *scores, {0, qHeads, -1, 0});
    Tensor* qkMatmul = scores;

    const float softcap = attrs.getFloat("softcap", 0.f);
    if (softcap > 0.f) {
        Tensor& cap = scalarConstant(ctx, type, softcap, 4);
        Tensor& squashed = activation(ctx, elementWise(ctx, *scores, cap, ElementWiseOperation::kDIV), ActivationType::kTANH);
        scores = &elementWise(ctx, squashed, cap, ElementWiseOperation::kPROD);
    }
    Tensor* qkSoftcapped = scores;

    // The additive bias, [.., Sq, S] broadcast against the scores [B, Hq, Sq, S].
    PositionMask position;
    position.causal = attrs.getInt("is_causal", 0) != 0;
    position.left = attrs.getInt("left_window_size", -1);
    position.right = attrs.getInt("right_window_size", -1);
    ONNX_CHECK(position.left >= -1 && position.right >= -1, kINVALID_NODE)
        << "window sizes must be -1 or >= 0, got " << position.left << " and " << position.right;
    Tensor* bias = nullptr;
    if (inputs.has(3)) bias = &maskBias(ctx, inputs, type, staticDim(ctx, *k, 2, "key sequence length with attn_mask"));
    if (position.any()) {
        Tensor& qLength = dimTensor(ctx, *q, 2);
        Tensor* offset;
        if (nonpad) {
            Tensor& valid = reshape(ctx, cast(ctx, inputs.tensor(6), DataType::kINT64), {-1, 1, 1});
            offset = &elementWise(ctx, valid, qLength, ElementWiseOperation::kSUB);
        } else {
            offset = past ? &dimTensor(ctx, inputs.tensor(4), 2) : &constInt64(ctx, {0});
        }
        bias = &add(ctx, bias, positionBias(ctx, type, *offset, qLength, dimTensor(ctx, *k, 2), position));
    }
    if (nonpad) bias = &add(ctx, bias, paddingBias(ctx, type, inputs.tensor(6), dimTensor(ctx, *k, 2)));
    if (bias) scores = &elementWise(ctx, *scores, *bias, ElementWiseOperation::kSUM);
    Tensor* qkBiased = scores;

    // Softmax in softmax_precision when given; a row whose bias masks every key is 0, not NaN.
    DataType softmaxType = type;
    if (attrs.has("softmax_precision"))
        softmaxType = fromOnnxType(static_cast<int32_t>(attrs.getInt("softmax_precision", 1)), "softmax_precision");
    Tensor* probs = &softmaxOverKeys(ctx, cast(ctx, *scores, softmaxType));
    if (bias) {
        const int32_t biasRank = ctx.rankOf(bias);
        Tensor& rowMax = reduce(ctx, *bias, ReduceOperation::kMAX, 1u << (biasRank - 1), true);
        Tensor& rowMasked = elementWise(ctx, rowMax, scalarConstant(ctx, type, kNegInf, biasRank), ElementWiseOperation::kEQUAL);
        probs = &select(ctx, rowMasked, scalarConstant(ctx, softmaxType, 0, 4), *probs);
    }
    probs = &cast(ctx, *probs, type);

    Tensor* attended = probs;
    if (grouped) attended = &reshape(ctx, *attended, {0, kvHeads, -1, 0});
    Tensor* y = &matmul(ctx, *attended, *v, MatrixOperation::kNONE);
    if (grouped) y = &reshape(ctx, *y, {0, qHeads, -1, 0});
    if (rank == 3) y = &reshape(ctx, transpose(ctx, *y, {0, 2, 1, 3}), {0, 0, -1});

    // Without a cache the present K/V are the (4-D) inputs; a network input cannot be an output.
    auto present = [&](Tensor* t) { return t->isNetworkInput() ? ctx.check(ctx.network().addIdentity(*t))->getOutput(0) : t; };
    Outputs out{y, hasOutput(node, 1) ? present(k) : k, hasOutput(node, 2) ? present(v) : v};
    if (hasOutput(node, 3)) {
        const int64_t mode = attrs.getInt("qk_matmul_output_mode", 0);
        ONNX_CHECK(mode >= 0 && mode <= 3, kINVALID_NODE) << "qk_matmul_output_mode=" << mode << " (expected 0 to 3)";
        Tensor* const byMode[] = {qkMatmul, qkSoftcapped, qkBiased, probs};
        out.push_back(byMode[mode]);
    }
    return out;
}

}  // namespace kiln::onnximport
