// RNN, GRU and LSTM unrolled over a static sequence length: per direction, one matrix multiply
// of every input step by W (X W^T + Wb), then per step the recurrent product H R^T, the gates
// (slices of the last axis, in ONNX's gate order) and their activations, all ordinary layers.
//   RNN:  H = f(x + H R^T + Rb)
//   GRU:  z, r = f(..); h~ = g(xh + (r * H) Rh^T + Rbh), or g(xh + r * (H Rh^T + Rbh)) with
//         linear_before_reset; H = (1 - z) * h~ + z * H
//   LSTM: i, f = f(.. + P * C), c~ = g(..), C = f * C + i * c~, o = f(.. + Po * C), H = o * h(C)
// sequence_lens (forward only) freezes H and C and zeroes Y past each batch entry's length.
#include <string>

#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

enum class Cell { kRNN, kGRU, kLSTM };

struct ActivationSpec {
    std::string name;
    float alpha{0}, beta{0};
};

// The activations attribute (f, g, h per direction) with ONNX's defaults per activation.
std::vector<ActivationSpec> activationsOf(const ::onnx::NodeProto& node, const NodeAttributes& attrs,
                                          const std::vector<std::string>& defaults, int64_t directions) {
    std::vector<std::string> names;
    for (const auto& a : node.attribute())
        if (a.name() == "activations") names.assign(a.strings().begin(), a.strings().end());
    if (names.empty())
        for (int64_t d = 0; d < directions; ++d) names.insert(names.end(), defaults.begin(), defaults.end());
    ONNX_CHECK(names.size() == defaults.size() * static_cast<size_t>(directions), kINVALID_NODE)
        << "activations lists " << names.size() << " functions, expected " << defaults.size() * directions;
    // activation_alpha and activation_beta are consumed in order by the functions that take them
    // (as ONNX Runtime reads them): Relu, Tanh, Sigmoid... take none.
    const std::vector<float> alphas = attrs.getFloats("activation_alpha"), betas = attrs.getFloats("activation_beta");
    size_t nextAlpha = 0, nextBeta = 0;
    std::vector<ActivationSpec> out;
    for (const std::string& n : names) {
        ActivationSpec s{n};
        const bool takesAlpha = n == "LeakyRelu" || n == "ThresholdedRelu" || n == "ScaledTanh" || n == "HardSigmoid" ||
                                n == "Elu" || n == "Affine";
        const bool takesBeta = n == "ScaledTanh" || n == "HardSigmoid" || n == "Affine";
        // The operator's defaults where no value is given.
        s.alpha = n == "LeakyRelu" ? 0.01f : n == "HardSigmoid" ? 0.2f : 1.f;
        s.beta = n == "HardSigmoid" ? 0.5f : n == "ScaledTanh" ? 1.f : 0.f;
        if (takesAlpha && nextAlpha < alphas.size()) s.alpha = alphas[nextAlpha++];
        if (takesBeta && nextBeta < betas.size()) s.beta = betas[nextBeta++];
        out.push_back(s);
    }
    return out;
}

Tensor& activate(ImportContext& ctx, Tensor& x, const ActivationSpec& a) {
    const std::string& n = a.name;
    if (n == "Sigmoid") return activation(ctx, x, ActivationType::kSIGMOID);
    if (n == "Tanh") return activation(ctx, x, ActivationType::kTANH);
    if (n == "Relu") return activation(ctx, x, ActivationType::kRELU);
    if (n == "LeakyRelu") return activation(ctx, x, ActivationType::kLEAKY_RELU, a.alpha);
    if (n == "ThresholdedRelu") return activation(ctx, x, ActivationType::kTHRESHOLDED_RELU, a.alpha);
    if (n == "ScaledTanh") return activation(ctx, x, ActivationType::kSCALED_TANH, a.alpha, a.beta);
    if (n == "HardSigmoid") return activation(ctx, x, ActivationType::kHARD_SIGMOID, a.alpha, a.beta);
    if (n == "Elu") return activation(ctx, x, ActivationType::kELU, a.alpha);
    if (n == "Softsign") return activation(ctx, x, ActivationType::kSOFTSIGN);
    if (n == "Softplus") return activation(ctx, x, ActivationType::kSOFTPLUS, 1.f, 1.f);
    if (n == "Affine") {
        Tensor& scaled = elementWise(ctx, x, scalarConstant(ctx, x.getType(), a.alpha, ctx.rankOf(&x)),
                                     ElementWiseOperation::kPROD);
        return elementWise(ctx, scaled, scalarConstant(ctx, x.getType(), a.beta, ctx.rankOf(&x)), ElementWiseOperation::kSUM);
    }
    ONNX_THROW(kUNSUPPORTED_NODE_ATTR) << "activation '" << n << "'";
}

// x[.., from : from + count] along `axis`, the other axes whole.
Tensor& sliceAxis(ImportContext& ctx, Tensor& x, int32_t axis, int64_t from, int64_t count) {
    const int32_t rank = ctx.rankOf(&x);
    std::vector<ShapeScalar> start(rank, ShapeScalar{0}), size(rank);
    for (int32_t a = 0; a < rank; ++a) size[a] = dimOf(ctx, x, a);
    start[axis] = {from};
    size[axis] = {count};
    return sliceLayer(ctx, x, start, size, std::vector<int64_t>(rank, 1));
}

// Entry d of a [D, ...] input, without its leading axis.
Tensor& direction(ImportContext& ctx, Tensor& x, int64_t d) { return squeeze(ctx, sliceAxis(ctx, x, 0, d, 1), {0}); }

Tensor& concat(ImportContext& ctx, const std::vector<Tensor*>& parts, int32_t axis) {
    if (parts.size() == 1) return *parts[0];
    ConcatenationLayer* l = ctx.network().addConcatenation(parts.data(), static_cast<int32_t>(parts.size()));
    if (l) l->setAxis(axis);
    return *ctx.check(l)->getOutput(0);
}

Tensor& add(ImportContext& ctx, Tensor& a, Tensor& b) { return elementWise(ctx, a, b, ElementWiseOperation::kSUM); }
Tensor& mul(ImportContext& ctx, Tensor& a, Tensor& b) { return elementWise(ctx, a, b, ElementWiseOperation::kPROD); }
Tensor& matmulT(ImportContext& ctx, Tensor& a, Tensor& b) {
    return *ctx.check(ctx.network().addMatrixMultiply(a, MatrixOperation::kNONE, b, MatrixOperation::kTRANSPOSE))
                ->getOutput(0);
}

Outputs recurrent(ImportContext& ctx, const ::onnx::NodeProto& node, NodeInputs& inputs, const NodeAttributes& attrs,
                  Cell cell) {
    const int64_t gates = cell == Cell::kRNN ? 1 : cell == Cell::kGRU ? 3 : 4;
    const int64_t hidden = attrs.getInt("hidden_size", 0);
    ONNX_CHECK(hidden >= 1, kINVALID_NODE) << "hidden_size must be >= 1, got " << hidden;
    const std::string dir = attrs.getString("direction", "forward");
    ONNX_CHECK(dir == "forward" || dir == "reverse" || dir == "bidirectional", kINVALID_NODE)
        << "direction='" << dir << "'";
    const int64_t directions = dir == "bidirectional" ? 2 : 1;
    const bool batchFirst = attrs.getInt("layout", 0) != 0;
    ONNX_CHECK(cell != Cell::kLSTM || attrs.getInt("input_forget", 0) == 0, kUNSUPPORTED_NODE_ATTR)
        << "input_forget=1 (coupled input and forget gates) is not supported";
    const bool linearBeforeReset = cell == Cell::kGRU && attrs.getInt("linear_before_reset", 0) != 0;
    const std::vector<std::string> defaults = cell == Cell::kRNN   ? std::vector<std::string>{"Tanh"}
                                              : cell == Cell::kGRU ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                                   : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
    const std::vector<ActivationSpec> acts = activationsOf(node, attrs, defaults, directions);
    const bool clipped = attrs.has("clip");
    const float clip = attrs.getFloat("clip", 0.f);
    ONNX_CHECK(!clipped || clip > 0.f, kINVALID_NODE) << "clip must be > 0, got " << clip;

    ONNX_CHECK(inputs.rank(0) == 3, kINVALID_NODE) << "X must be 3-D, got rank " << inputs.rank(0);
    Tensor& x = batchFirst ? transpose(ctx, inputs.tensor(0), {1, 0, 2}) : inputs.tensor(0);  // [S, B, I]
    const int64_t steps = ctx.dimsOf(&x)[0];
    ONNX_CHECK(steps >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "a dynamic sequence length (the loop is unrolled)";
    ONNX_CHECK(steps >= 1 && steps <= 1024, kUNSUPPORTED_NODE_SHAPE)
        << "a sequence of " << steps << " steps (unrolled: 1 to 1024 supported)";
    const DataType type = x.getType();
    Tensor* seqLens = nullptr;
    if (inputs.has(4)) {
        ONNX_CHECK(dir == "forward", kUNSUPPORTED_NODE) << "sequence_lens with direction '" << dir << "'";
        seqLens = &reshape(ctx, cast(ctx, inputs.tensor(4), DataType::kINT64), {-1, 1});
    }
    // initial_h / initial_c: [D, B, H] ([B, D, H] batch first).
    auto initial = [&](size_t i) -> Tensor* {
        if (!inputs.has(i)) return nullptr;
        return batchFirst ? &transpose(ctx, inputs.tensor(i), {1, 0, 2}) : &inputs.tensor(i);
    };
    Tensor* initialH = initial(5);
    Tensor* initialC = cell == Cell::kLSTM ? initial(6) : nullptr;

    std::vector<std::vector<Tensor*>> ys(directions, std::vector<Tensor*>(steps));
    std::vector<Tensor*> lastH(directions), lastC(directions);
    for (int64_t d = 0; d < directions; ++d) {
        const bool reverse = dir == "reverse" || d == 1;
        const ActivationSpec* f = &acts[d * defaults.size()];
        Tensor& w = direction(ctx, inputs.tensor(1), d);  // [G*H, I]
        Tensor& r = direction(ctx, inputs.tensor(2), d);  // [G*H, H]
        Tensor* xw = &matmulT(ctx, x, w);                 // [S, B, G*H]
        Tensor* rb = nullptr;
        if (inputs.has(3)) {
            Tensor& b = direction(ctx, inputs.tensor(3), d);  // [2*G*H]
            xw = &add(ctx, *xw, sliceAxis(ctx, b, 0, 0, gates * hidden));
            rb = &sliceAxis(ctx, b, 0, gates * hidden, gates * hidden);
        }
        Tensor* p = cell == Cell::kLSTM && inputs.has(7) ? &direction(ctx, inputs.tensor(7), d) : nullptr;  // [3H]
        auto zeros = [&]() -> Tensor& {
            // [B, H] of 0: B from X's shape.
            Tensor& shape = concatShapes(ctx, {&gatherShape(ctx, shapeOf(ctx, x), {1}), &constInt64(ctx, {hidden})});
            return filled(ctx, shape, 2, type, 0.0);
        };
        Tensor* h = initialH ? &direction(ctx, *initialH, d) : &zeros();
        Tensor* c = cell == Cell::kLSTM ? (initialC ? &direction(ctx, *initialC, d) : &zeros()) : nullptr;
        auto gate = [&](Tensor& all, int64_t k) -> Tensor& { return sliceAxis(ctx, all, 1, k * hidden, hidden); };
        auto preActivation = [&](Tensor& t) -> Tensor& {
            return clipped ? activation(ctx, t, ActivationType::kCLIP, -clip, clip) : t;
        };
        for (int64_t i = 0; i < steps; ++i) {
            const int64_t t = reverse ? steps - 1 - i : i;
            Tensor& xt = squeeze(ctx, sliceAxis(ctx, *xw, 0, t, 1), {0});  // [B, G*H]
            Tensor* hNew;
            Tensor* cNew = nullptr;
            if (cell == Cell::kGRU) {
                // z and r from the first 2H columns; h~ with the reset gate placed per linear_before_reset.
                Tensor& rz = sliceAxis(ctx, r, 0, 0, 2 * hidden);
                Tensor& rh = sliceAxis(ctx, r, 0, 2 * hidden, hidden);
                Tensor* hr = &matmulT(ctx, *h, rz);
                if (rb) hr = &add(ctx, *hr, sliceAxis(ctx, *rb, 0, 0, 2 * hidden));
                Tensor& zr = add(ctx, sliceAxis(ctx, xt, 1, 0, 2 * hidden), *hr);
                Tensor& z = activate(ctx, preActivation(gate(zr, 0)), f[0]);
                Tensor& reset = activate(ctx, preActivation(gate(zr, 1)), f[0]);
                Tensor* recurrentH;
                if (linearBeforeReset) {
                    Tensor* hh = &matmulT(ctx, *h, rh);
                    if (rb) hh = &add(ctx, *hh, sliceAxis(ctx, *rb, 0, 2 * hidden, hidden));
                    recurrentH = &mul(ctx, reset, *hh);
                } else {
                    recurrentH = &matmulT(ctx, mul(ctx, reset, *h), rh);
                    if (rb) recurrentH = &add(ctx, *recurrentH, sliceAxis(ctx, *rb, 0, 2 * hidden, hidden));
                }
                Tensor& candidate = activate(ctx, preActivation(add(ctx, gate(xt, 2), *recurrentH)), f[1]);
                // (1 - z) * h~ + z * H = h~ + z * (H - h~)
                Tensor& keep = mul(ctx, z, elementWise(ctx, *h, candidate, ElementWiseOperation::kSUB));
                hNew = &add(ctx, candidate, keep);
            } else {
                Tensor* all = &add(ctx, xt, matmulT(ctx, *h, r));
                if (rb) all = &add(ctx, *all, *rb);
                if (cell == Cell::kRNN) {
                    hNew = &activate(ctx, preActivation(*all), f[0]);
                } else {
                    // Gate order i, o, f, c; peepholes P in the order i, o, f.
                    auto peep = [&](Tensor& g, int64_t k, Tensor& state) -> Tensor& {
                        return p ? add(ctx, g, mul(ctx, sliceAxis(ctx, *p, 0, k * hidden, hidden), state)) : g;
                    };
                    Tensor& in = activate(ctx, preActivation(peep(gate(*all, 0), 0, *c)), f[0]);
                    Tensor& forget = activate(ctx, preActivation(peep(gate(*all, 2), 2, *c)), f[0]);
                    Tensor& candidate = activate(ctx, preActivation(gate(*all, 3)), f[1]);
                    cNew = &add(ctx, mul(ctx, forget, *c), mul(ctx, in, candidate));
                    Tensor& out = activate(ctx, preActivation(peep(gate(*all, 1), 1, *cNew)), f[0]);
                    hNew = &mul(ctx, out, activate(ctx, *cNew, f[2]));
                }
            }
            Tensor* y = hNew;
            if (seqLens) {
                // Steps at or past a sequence's length keep its state and output 0.
                Tensor& live = elementWise(ctx, constInt64(ctx, {t}), *seqLens, ElementWiseOperation::kLESS);  // [B, 1]
                hNew = &select(ctx, live, *hNew, *h);
                if (cNew) cNew = &select(ctx, live, *cNew, *c);
                y = &select(ctx, live, *y, scalarConstant(ctx, type, 0, 2));
            }
            h = hNew;
            c = cNew;
            ys[d][t] = &unsqueeze(ctx, *y, {0, 1});  // [1, 1, B, H]
        }
        lastH[d] = &unsqueeze(ctx, *h, {0});
        if (c) lastC[d] = &unsqueeze(ctx, *c, {0});
    }

    // Y [S, D, B, H] ([B, S, D, H] batch first); Y_h and Y_c [D, B, H] ([B, D, H]).
    Outputs out(3);
    if (hasOutput(node, 0)) {
        std::vector<Tensor*> perStep;
        for (int64_t t = 0; t < steps; ++t) {
            std::vector<Tensor*> dirs;
            for (int64_t d = 0; d < directions; ++d) dirs.push_back(ys[d][t]);
            perStep.push_back(&concat(ctx, dirs, 1));
        }
        Tensor* y = &concat(ctx, perStep, 0);
        if (batchFirst) y = &transpose(ctx, *y, {2, 0, 1, 3});
        out[0] = y;
    }
    auto final = [&](std::vector<Tensor*>& states) -> Tensor* {
        Tensor* s = &concat(ctx, states, 0);
        return batchFirst ? &transpose(ctx, *s, {1, 0, 2}) : s;
    };
    if (hasOutput(node, 1)) out[1] = final(lastH);
    if (cell == Cell::kLSTM && hasOutput(node, 2)) out[2] = final(lastC);
    return out;
}

}  // namespace

KILN_ONNX_IMPORTER(RNN) { return recurrent(ctx, node, inputs, attrs, Cell::kRNN); }
KILN_ONNX_IMPORTER(GRU) { return recurrent(ctx, node, inputs, attrs, Cell::kGRU); }
KILN_ONNX_IMPORTER(LSTM) { return recurrent(ctx, node, inputs, attrs, Cell::kLSTM); }

}  // namespace kiln::onnximport
