// LinearAttention (opset 27): the recurrent form of linear attention, unrolled over the (static)
// sequence like Scan. Per step t, with the state S [B, Hkv, dk, dv] (past_state or zeros):
//   gated:  S *= exp(decay_t)                       (per head, or per head and key channel)
//   delta:  v_t = beta_t * (v_t - k_t . S)          (the value S already gives k_t is replaced)
//   S += k_t (x) v_t;   o_t = scale * q_t . S       (S repeated over the query heads of a group)
// Computed in float32 (as the ONNX reference), cast to the inputs' type at the end.
#include <algorithm>
#include <cmath>

#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

constexpr int64_t kMaxSteps = 1024;  // as Loop and Scan: an unrolled copy per step

Tensor& at(ImportContext& ctx, Tensor& x, int32_t axis, int64_t index) {
    Tensor& i = ctx.tensorOf(ImportContext::int64Weights({index}, {}));
    return *ctx.check(ctx.network().addGather(x, i, axis))->getOutput(0);
}

Tensor& matmul(ImportContext& ctx, Tensor& a, Tensor& b) {
    return *ctx.check(ctx.network().addMatrixMultiply(a, MatrixOperation::kNONE, b, MatrixOperation::kNONE))
                ->getOutput(0);
}

// [B, T, H*D] -> [B, H, T, D] in float32.
Tensor& heads(ImportContext& ctx, Tensor& x, int64_t b, int64_t t, int64_t h, int64_t d) {
    return transpose(ctx, reshape(ctx, cast(ctx, x, DataType::kFLOAT), {b, t, h, d}), {0, 2, 1, 3});
}

}  // namespace

KILN_ONNX_IMPORTER(LinearAttention) {
    const std::string rule = attrs.getString("update_rule", "gated_delta");
    ONNX_CHECK(rule == "linear" || rule == "gated" || rule == "delta" || rule == "gated_delta", kUNSUPPORTED_NODE_ATTR)
        << "update_rule='" << rule << "'";
    const bool gating = rule == "gated" || rule == "gated_delta", delta = rule == "delta" || rule == "gated_delta";
    const int64_t hq = attrs.getInt("q_num_heads", 0), hkv = attrs.getInt("kv_num_heads", 0);
    ONNX_CHECK(hq > 0 && hkv > 0 && hq % hkv == 0, kINVALID_NODE)
        << "q_num_heads " << hq << " must be a positive multiple of kv_num_heads " << hkv;
    ONNX_CHECK(inputs.has(4) == gating && inputs.has(5) == delta, kINVALID_NODE)
        << "update_rule '" << rule << "' " << (gating ? "needs" : "takes no") << " decay and "
        << (delta ? "needs" : "takes no") << " beta";
    const std::vector<int64_t> qd = inputs.dims(0), vd = inputs.dims(2);
    ONNX_CHECK(qd.size() == 3 && vd.size() == 3 && inputs.rank(1) == 3, kINVALID_NODE) << "query, key, value must be 3-D";
    for (int64_t d : qd) ONNX_CHECK(d >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "LinearAttention with dynamic shapes";
    const int64_t b = qd[0], steps = qd[1], dk = qd[2] / hq, dv = vd[2] / hkv, group = hq / hkv;
    ONNX_CHECK(group <= 1024 && b <= (1 << 24) && dk <= (1 << 16) && dv <= (1 << 16) && hkv <= (1 << 16) &&
                   static_cast<double>(b * hkv) * static_cast<double>(dk * dv) <= double(1 << 26),
               kINVALID_NODE)
        << "LinearAttention sizes out of range (batch " << b << ", heads " << hq << "/" << hkv << ", d " << dk << "/" << dv << ")";
    ONNX_CHECK(steps >= 1 && steps <= kMaxSteps, kUNSUPPORTED_NODE) << "a sequence of " << steps << " (Kiln unrolls at most " << kMaxSteps << ")";
    const DataType outType = inputs.type(0);
    Tensor& q = heads(ctx, inputs.tensor(0), b, steps, hq, dk);
    Tensor& k = heads(ctx, inputs.tensor(1), b, steps, hkv, dk);
    Tensor& v = heads(ctx, inputs.tensor(2), b, steps, hkv, dv);
    Tensor* decay = nullptr;
    if (gating) {
        const int64_t last = inputs.dims(4).back();
        ONNX_CHECK(last == hkv || last == hkv * dk, kINVALID_NODE) << "decay's last dimension must be kv_num_heads or kv_num_heads * d_k";
        decay = &unary(ctx, heads(ctx, inputs.tensor(4), b, steps, hkv, last / hkv), UnaryOperation::kEXP);
    }
    Tensor* beta = nullptr;
    if (delta) {
        const int64_t last = inputs.dims(5).back();
        ONNX_CHECK(last == hkv || last == 1, kINVALID_NODE) << "beta's last dimension must be kv_num_heads or 1";
        beta = &heads(ctx, inputs.tensor(5), b, steps, last, 1);
    }
    const DataType stateType = inputs.has(3) ? inputs.type(3) : outType;
    Tensor* state = nullptr;
    if (inputs.has(3)) {
        state = &cast(ctx, inputs.tensor(3), DataType::kFLOAT);
    } else {  // zeros of the state's shape
        auto zeros = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kFLOAT, {b, hkv, dk, dv}));
        std::fill_n(zeros->as<float>(), zeros->numel(), 0.f);
        state = &ctx.tensorOf(zeros);
    }
    const double s = attrs.getFloat("scale", 0.f);
    Tensor& scale = scalarConstant(ctx, DataType::kFLOAT, s == 0.0 ? 1.0 / std::sqrt(static_cast<double>(dk)) : s, 4);
    std::vector<Tensor*> outs;
    for (int64_t t = 0; t < steps; ++t) {
        Tensor& kt = at(ctx, k, 2, t);  // [B, Hkv, dk]
        Tensor* vt = &at(ctx, v, 2, t);  // [B, Hkv, dv]
        if (decay) state = &elementWise(ctx, *state, unsqueeze(ctx, at(ctx, *decay, 2, t), {3}), ElementWiseOperation::kPROD);
        if (beta) {
            Tensor& retrieved = squeeze(ctx, matmul(ctx, unsqueeze(ctx, kt, {2}), *state), {2});
            vt = &elementWise(ctx, at(ctx, *beta, 2, t), elementWise(ctx, *vt, retrieved, ElementWiseOperation::kSUB),
                                ElementWiseOperation::kPROD);
        }
        Tensor& outer = elementWise(ctx, unsqueeze(ctx, kt, {3}), unsqueeze(ctx, *vt, {2}), ElementWiseOperation::kPROD);
        state = &elementWise(ctx, *state, outer, ElementWiseOperation::kSUM);
        Tensor* read = state;
        if (group > 1) {  // each key/value head serves `group` consecutive query heads
            Tensor& u = unsqueeze(ctx, *state, {2});
            std::vector<Tensor*> copies(static_cast<size_t>(group), &u);
            ConcatenationLayer* cat = ctx.network().addConcatenation(copies.data(), static_cast<int32_t>(group));
            if (cat) cat->setAxis(2);
            read = &reshape(ctx, *ctx.check(cat)->getOutput(0), {b, hq, dk, dv});
        }
        Tensor& qt = unsqueeze(ctx, at(ctx, q, 2, t), {2});  // [B, Hq, 1, dk]
        outs.push_back(&elementWise(ctx, matmul(ctx, qt, *read), scale, ElementWiseOperation::kPROD));
    }
    ConcatenationLayer* all = ctx.network().addConcatenation(outs.data(), static_cast<int32_t>(outs.size()));
    if (all) all->setAxis(2);
    Tensor& o = reshape(ctx, transpose(ctx, *ctx.check(all)->getOutput(0), {0, 2, 1, 3}), {b, steps, hq * dv});
    return {&cast(ctx, o, outType), &cast(ctx, *state, stateType)};
}

}  // namespace kiln::onnximport
