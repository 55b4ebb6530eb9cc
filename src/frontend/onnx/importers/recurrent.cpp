// RNN, GRU and LSTM, unrolled over the sequence at import (Kiln has no loop layer): each step is
// matrix multiplies, element-wise ops and activations. The sequence length must be static.
// Per gate, the input projection X W^T is one matrix multiply over the whole sequence; each step
// then picks its row with a Gather, so a dynamic batch dimension needs no slicing.
// sequence_lens shorter than the sequence are handled by masking: past a batch entry's length
// its state is held and its Y rows are zero (ONNX Runtime's behaviour).
#include <cctype>
#include <string>

#include "frontend/onnx/importers/compose_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

//! One of the ONNX recurrent activations, with its alpha/beta.
struct RecurrentActivation {
    std::string name;
    float alpha{0}, beta{0};
};

Tensor& applyActivation(ImportContext& ctx, Tensor& x, const RecurrentActivation& f) {
    const std::string& n = f.name;
    if (n == "Sigmoid") return activation(ctx, x, ActivationType::kSIGMOID);
    if (n == "Tanh") return activation(ctx, x, ActivationType::kTANH);
    if (n == "Relu") return activation(ctx, x, ActivationType::kRELU);
    if (n == "LeakyRelu") return activation(ctx, x, ActivationType::kLEAKY_RELU, f.alpha);
    if (n == "ThresholdedRelu") return activation(ctx, x, ActivationType::kTHRESHOLDED_RELU, f.alpha);
    if (n == "ScaledTanh") return activation(ctx, x, ActivationType::kSCALED_TANH, f.alpha, f.beta);
    if (n == "HardSigmoid") return activation(ctx, x, ActivationType::kHARD_SIGMOID, f.alpha, f.beta);
    if (n == "Elu") return activation(ctx, x, ActivationType::kELU, f.alpha);
    if (n == "Softsign") return activation(ctx, x, ActivationType::kSOFTSIGN);
    if (n == "Softplus") return activation(ctx, x, ActivationType::kSOFTPLUS, 1.f, 1.f);
    ONNX_CHECK(n == "Affine", kUNSUPPORTED_NODE) << "unknown recurrent activation '" << n << "'";
    const DataType type = x.getType();
    const int32_t rank = ctx.rankOf(&x);
    Tensor& scaled = elementWise(ctx, x, scalarConstant(ctx, type, f.alpha, rank), ElementWiseOperation::kPROD);
    return elementWise(ctx, scaled, scalarConstant(ctx, type, f.beta, rank), ElementWiseOperation::kSUM);
}

// Defaults of the activations that take parameters (ONNX operator docs); says which they take.
void defaultParameters(RecurrentActivation& f, bool& usesAlpha, bool& usesBeta) {
    const std::string& n = f.name;
    usesAlpha = n == "LeakyRelu" || n == "ThresholdedRelu" || n == "Elu" || n == "HardSigmoid" ||
                n == "ScaledTanh" || n == "Affine";
    usesBeta = n == "HardSigmoid" || n == "ScaledTanh" || n == "Affine";
    f.alpha = n == "LeakyRelu" ? 0.01f : n == "HardSigmoid" ? 0.2f : 1.f;
    f.beta = n == "HardSigmoid" ? 0.5f : n == "ScaledTanh" ? 1.f : 0.f;
}

//! The activations of each direction: `perDirection` names each, from the attribute or the
//! defaults. alpha and beta are consumed in order by the activations that take them.
std::vector<std::vector<RecurrentActivation>> activationsOf(const ::onnx::NodeProto& node,
                                                            const NodeAttributes& attrs,
                                                            const std::vector<std::string>& defaults,
                                                            int64_t directions) {
    // Names are matched without regard to case, as ONNX Runtime does ("tanh" is Tanh).
    static const char* const kKnown[] = {"Relu",      "Tanh",       "Sigmoid",     "Affine", "LeakyRelu", "ThresholdedRelu",
                                         "ScaledTanh", "HardSigmoid", "Elu", "Softsign", "Softplus"};
    auto lower = [](std::string v) {
        for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return v;
    };
    auto canonical = [&](const std::string& name) {
        for (const char* k : kKnown)
            if (lower(k) == lower(name)) return std::string(k);
        return name;
    };
    std::vector<std::string> names;
    for (const auto& a : node.attribute())
        if (a.name() == "activations")
            for (const auto& s : a.strings()) names.push_back(canonical(s));
    if (names.empty())
        for (int64_t d = 0; d < directions; ++d) names.insert(names.end(), defaults.begin(), defaults.end());
    const size_t per = defaults.size();
    ONNX_CHECK(names.size() == per * static_cast<size_t>(directions), kINVALID_NODE)
        << "activations lists " << names.size() << " functions, expected " << per * directions;
    const std::vector<float> alphas = attrs.getFloats("activation_alpha");
    const std::vector<float> betas = attrs.getFloats("activation_beta");
    size_t nextAlpha = 0, nextBeta = 0;
    std::vector<std::vector<RecurrentActivation>> out(directions);
    for (size_t k = 0; k < names.size(); ++k) {
        RecurrentActivation f{names[k]};
        bool usesAlpha = false, usesBeta = false;
        defaultParameters(f, usesAlpha, usesBeta);
        if (usesAlpha && nextAlpha < alphas.size()) f.alpha = alphas[nextAlpha++];
        if (usesBeta && nextBeta < betas.size()) f.beta = betas[nextBeta++];
        out[k / per].push_back(f);
    }
    return out;
}

//! What the three ops share: inputs in [seq, batch, *] order, sizes, and layer recipes.
class Unroller {
public:
    Unroller(ImportContext& ctx, const ::onnx::NodeProto& node, NodeInputs& in, const NodeAttributes& attrs,
             int64_t gates)
        : mCtx(ctx), mIn(in), mGates(gates) {
        mLayout = attrs.getInt("layout", 0);
        ONNX_CHECK(mLayout == 0 || mLayout == 1, kINVALID_NODE) << "layout must be 0 or 1, got " << mLayout;
        const std::string direction = attrs.getString("direction", "forward");
        ONNX_CHECK(direction == "forward" || direction == "reverse" || direction == "bidirectional", kINVALID_NODE)
            << "unknown direction '" << direction << "'";
        mReverse = direction == "reverse";
        mDirections = direction == "bidirectional" ? 2 : 1;
        ONNX_CHECK(in.rank(0) == 3 && in.rank(1) == 3 && in.rank(2) == 3, kINVALID_NODE)
            << "X, W and R must be 3-D, got ranks " << in.rank(0) << ", " << in.rank(1) << ", " << in.rank(2);
        mX = &in.tensor(0);
        if (mLayout == 1) mX = &transpose(ctx, *mX, {1, 0, 2});
        mType = mX->getType();
        const std::vector<int64_t> xDims = ctx.dimsOf(mX);
        mSeq = xDims[0];
        ONNX_CHECK(mSeq >= 1, kUNSUPPORTED_NODE)
            << node.op_type() << " is unrolled at import: its sequence length must be static and non-zero, got "
            << mSeq;
        // As for Loop and Scan: at most 1024 unrolled copies.
        ONNX_CHECK(mSeq <= 1024, kUNSUPPORTED_NODE) << "a sequence of " << mSeq << " steps is too long to unroll";
        const std::vector<int64_t> w = in.dims(1), r = in.dims(2);
        mHidden = attrs.getInt("hidden_size", r[2]);
        ONNX_CHECK(mHidden > 0 && mHidden <= (int64_t(1) << 24), kUNSUPPORTED_NODE) << "hidden_size " << mHidden;
        ONNX_CHECK(r[2] == mHidden && w[0] == mDirections && r[0] == mDirections &&
                       w[1] == gates * mHidden && r[1] == gates * mHidden && w[2] >= 0,
                   kUNSUPPORTED_NODE)
            << "W and R must have static dims [" << mDirections << ", " << gates << "*hidden_size, *]";
        mInput = w[2];
        if (attrs.has("clip")) {
            mClip = attrs.getFloat("clip", 0.f);
            ONNX_CHECK(mClip >= 0.f, kINVALID_NODE) << "clip must be non-negative, got " << mClip;
        }
        // [batch, hidden] zeros for absent initial states.
        Tensor& batch = gatherShape(ctx, shapeOf(ctx, *mX), {1});
        mStateShape = &concatShapes(ctx, {&batch, &constInt64(ctx, {mHidden})});
        if (in.has(4)) prepareMask(in);
    }

    int64_t directions() const { return mDirections; }
    int64_t sequence() const { return mSeq; }
    int64_t hidden() const { return mHidden; }
    //! Direction d walks the sequence backwards (reverse, or the second of bidirectional).
    bool backwards(int64_t d) const { return mReverse || d == 1; }

    //! Gate g of input `which` (1: W, 2: R) of direction d, as a [hidden, width] matrix.
    Tensor& weightBlock(size_t which, int64_t d, int64_t g) {
        const int64_t width = which == 1 ? mInput : mHidden;
        Tensor& w = mIn.tensor(which);
        Tensor& s = *mCtx.check(mCtx.network().addSlice(w, makeDims({d, g * mHidden, 0}),
                                                        makeDims({1, mHidden, width}), makeDims({1, 1, 1})))
                         ->getOutput(0);
        return reshape(mCtx, s, {mHidden, width});
    }
    //! Bias `k` (0..2*gates-1: Wb gates, then Rb gates) of direction d as [hidden], or nullptr.
    Tensor* bias(int64_t d, int64_t k) {
        if (!mIn.has(3)) return nullptr;
        ONNX_CHECK(mIn.dims(3) == (std::vector<int64_t>{mDirections, 2 * mGates * mHidden}), kUNSUPPORTED_NODE)
            << "B must have static dims [" << mDirections << ", " << 2 * mGates << "*hidden_size]";
        Tensor& s = *mCtx.check(mCtx.network().addSlice(mIn.tensor(3), makeDims({d, k * mHidden}),
                                                        makeDims({1, mHidden}), makeDims({1, 1})))
                         ->getOutput(0);
        return &reshape(mCtx, s, {mHidden});
    }
    Tensor* add(Tensor* a, Tensor* b) { return !a ? b : !b ? a : &elementWise(mCtx, *a, *b, ElementWiseOperation::kSUM); }
    Tensor& mul(Tensor& a, Tensor& b) { return elementWise(mCtx, a, b, ElementWiseOperation::kPROD); }
    Tensor& sub(Tensor& a, Tensor& b) { return elementWise(mCtx, a, b, ElementWiseOperation::kSUB); }
    Tensor& one() { return scalarConstant(mCtx, mType, 1.0, 2); }

    //! X W_g^T (+ bias) for every step: [seq, batch, hidden].
    Tensor& projectInput(int64_t d, int64_t g, Tensor* b) {
        Tensor& w = weightBlock(1, d, g);
        Tensor* p = mCtx.check(mCtx.network().addMatrixMultiply(*mX, MatrixOperation::kNONE, w,
                                                                 MatrixOperation::kTRANSPOSE))
                        ->getOutput(0);
        return *add(p, b);
    }
    //! Step t of a [seq, batch, hidden] projection: [batch, hidden].
    Tensor& step(Tensor& projected, int64_t t) {
        Tensor& index = mCtx.tensorOf(ImportContext::int64Weights({t}, {}));
        return *mCtx.check(mCtx.network().addGather(projected, index, 0))->getOutput(0);
    }
    Tensor& matmulT(Tensor& h, Tensor& w) {
        return *mCtx.check(mCtx.network().addMatrixMultiply(h, MatrixOperation::kNONE, w, MatrixOperation::kTRANSPOSE))
                    ->getOutput(0);
    }
    //! The gate pre-activation clipped to [-clip, clip] when clip is set.
    Tensor& clip(Tensor& x) {
        if (mClip < 0.f) return x;
        return activation(mCtx, x, ActivationType::kCLIP, -mClip, mClip);
    }

    //! Initial state (input 5 initial_h or 6 initial_c) of direction d: [batch, hidden].
    Tensor& initialState(size_t which, int64_t d) {
        if (!mIn.has(which)) return filled(mCtx, *mStateShape, 2, mType, 0.0);
        Tensor& index = mCtx.tensorOf(ImportContext::int64Weights({d}, {}));
        return *mCtx.check(mCtx.network().addGather(mIn.tensor(which), index, mLayout == 1 ? 1 : 0))->getOutput(0);
    }

    //! Step t's new state where t is within the batch entry's length, else the old one.
    Tensor& holdPast(int64_t t, Tensor& next, Tensor& previous) {
        if (!mMaskSeqLens) return next;
        return select(mCtx, validAt(t), next, previous);
    }
    //! Step t's output: zero past the batch entry's length.
    Tensor& outputAt(int64_t t, Tensor& h) {
        if (!mMaskSeqLens) return h;
        return select(mCtx, validAt(t), h, scalarConstant(mCtx, mType, 0.0, 2));
    }

    //! Y [seq, dirs, batch, hidden] (layout 1: [batch, seq, dirs, hidden]) from per-direction rows.
    Tensor& stackY(const std::vector<std::vector<Tensor*>>& rows) {
        std::vector<Tensor*> perDirection;
        for (const auto& dir : rows) {
            std::vector<Tensor*> steps;
            for (Tensor* r : dir) steps.push_back(&unsqueeze(mCtx, *r, {0, 1}));
            perDirection.push_back(&concat(steps, 0));
        }
        Tensor& y = concat(perDirection, 1);
        return mLayout == 1 ? transpose(mCtx, y, {2, 0, 1, 3}) : y;
    }
    //! Y_h / Y_c [dirs, batch, hidden] (layout 1: [batch, dirs, hidden]).
    Tensor& stackState(const std::vector<Tensor*>& states) {
        std::vector<Tensor*> parts;
        for (Tensor* s : states) parts.push_back(&unsqueeze(mCtx, *s, {0}));
        Tensor& y = concat(parts, 0);
        return mLayout == 1 ? transpose(mCtx, y, {1, 0, 2}) : y;
    }

private:
    Tensor& concat(std::vector<Tensor*> parts, int32_t axis) {
        if (parts.size() == 1) return *parts[0];
        ConcatenationLayer* l = mCtx.check(mCtx.network().addConcatenation(parts.data(), static_cast<int32_t>(parts.size())));
        l->setAxis(axis);
        return *l->getOutput(0);
    }
    void prepareMask(NodeInputs& in) {
        if (in.at(4).isWeights()) {
            bool full = true;
            for (int64_t v : in.ints(4)) {
                ONNX_CHECK(v >= 0 && v <= mSeq, kINVALID_NODE)
                    << "sequence_lens holds " << v << ", outside [0, " << mSeq << "]";
                full = full && v == mSeq;
            }
            if (full) return;
        }
        mMaskSeqLens = true;
        mSeqLens = &unsqueeze(mCtx, cast(mCtx, in.tensor(4), DataType::kINT64), {1});  // [batch, 1]
    }
    Tensor& validAt(int64_t t) {
        Tensor& step = mCtx.tensorOf(ImportContext::scalarWeights(DataType::kINT64, static_cast<double>(t), 2));
        return elementWise(mCtx, step, *mSeqLens, ElementWiseOperation::kLESS);
    }

    ImportContext& mCtx;
    NodeInputs& mIn;
    int64_t mGates;
    int64_t mLayout{0};
    bool mReverse{false};
    int64_t mDirections{1};
    Tensor* mX{nullptr};
    DataType mType{DataType::kFLOAT};
    int64_t mSeq{0}, mHidden{0}, mInput{0};
    float mClip{-1.f};
    Tensor* mStateShape{nullptr};
    bool mMaskSeqLens{false};
    Tensor* mSeqLens{nullptr};
};

//! The step order of direction d.
std::vector<int64_t> stepOrder(const Unroller& u, int64_t d) {
    std::vector<int64_t> order;
    for (int64_t k = 0; k < u.sequence(); ++k) order.push_back(u.backwards(d) ? u.sequence() - 1 - k : k);
    return order;
}

}  // namespace

// H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb)
KILN_ONNX_IMPORTER(RNN) {
    Unroller u(ctx, node, inputs, attrs, 1);
    const auto acts = activationsOf(node, attrs, {"Tanh"}, u.directions());
    std::vector<std::vector<Tensor*>> rows(u.directions());
    std::vector<Tensor*> finals;
    for (int64_t d = 0; d < u.directions(); ++d) {
        Tensor& xw = u.projectInput(d, 0, u.add(u.bias(d, 0), u.bias(d, 1)));
        Tensor& r = u.weightBlock(2, d, 0);
        Tensor* h = &u.initialState(5, d);
        rows[d].resize(u.sequence());
        for (int64_t t : stepOrder(u, d)) {
            Tensor& pre = *u.add(&u.step(xw, t), &u.matmulT(*h, r));
            Tensor& next = applyActivation(ctx, u.clip(pre), acts[d][0]);
            rows[d][t] = &u.outputAt(t, next);
            h = &u.holdPast(t, next, *h);
        }
        finals.push_back(h);
    }
    return {&u.stackY(rows), &u.stackState(finals)};
}

// Gates z, r, h: z = f(..), r = f(..), h~ = g(X Wh^T + (r . H) Rh^T + Rbh + Wbh), or with
// linear_before_reset g(X Wh^T + r . (H Rh^T + Rbh) + Wbh); H = (1 - z) . h~ + z . H.
KILN_ONNX_IMPORTER(GRU) {
    Unroller u(ctx, node, inputs, attrs, 3);
    const auto acts = activationsOf(node, attrs, {"Sigmoid", "Tanh"}, u.directions());
    const bool linearBeforeReset = attrs.getInt("linear_before_reset", 0) != 0;
    std::vector<std::vector<Tensor*>> rows(u.directions());
    std::vector<Tensor*> finals;
    for (int64_t d = 0; d < u.directions(); ++d) {
        Tensor& xz = u.projectInput(d, 0, u.add(u.bias(d, 0), u.bias(d, 3)));
        Tensor& xr = u.projectInput(d, 1, u.add(u.bias(d, 1), u.bias(d, 4)));
        Tensor& xh = u.projectInput(d, 2, u.bias(d, 2));
        Tensor* rbh = u.bias(d, 5);
        Tensor& rz = u.weightBlock(2, d, 0);
        Tensor& rr = u.weightBlock(2, d, 1);
        Tensor& rh = u.weightBlock(2, d, 2);
        Tensor* h = &u.initialState(5, d);
        rows[d].resize(u.sequence());
        for (int64_t t : stepOrder(u, d)) {
            Tensor& z = applyActivation(ctx, u.clip(*u.add(&u.step(xz, t), &u.matmulT(*h, rz))), acts[d][0]);
            Tensor& r = applyActivation(ctx, u.clip(*u.add(&u.step(xr, t), &u.matmulT(*h, rr))), acts[d][0]);
            Tensor* recurrent = nullptr;
            if (linearBeforeReset) recurrent = &u.mul(r, *u.add(&u.matmulT(*h, rh), rbh));
            else recurrent = u.add(&u.matmulT(u.mul(r, *h), rh), rbh);
            Tensor& candidate = applyActivation(ctx, u.clip(*u.add(&u.step(xh, t), recurrent)), acts[d][1]);
            // (1 - z) . h~ + z . H = h~ + z . (H - h~)
            Tensor& next = *u.add(&candidate, &u.mul(z, u.sub(*h, candidate)));
            rows[d][t] = &u.outputAt(t, next);
            h = &u.holdPast(t, next, *h);
        }
        finals.push_back(h);
    }
    return {&u.stackY(rows), &u.stackState(finals)};
}

// Gates i, o, f, c; peepholes P = [Pi, Po, Pf]:
// i = f(.. + Pi . C), f = f(.. + Pf . C) (or 1 - i with input_forget), c~ = g(..),
// C = f . C + i . c~, o = f(.. + Po . C_new), H = o . h(C).
KILN_ONNX_IMPORTER(LSTM) {
    Unroller u(ctx, node, inputs, attrs, 4);
    const auto acts = activationsOf(node, attrs, {"Sigmoid", "Tanh", "Tanh"}, u.directions());
    const bool inputForget = attrs.getInt("input_forget", 0) != 0;
    if (inputs.has(7)) {
        ONNX_CHECK(inputs.dims(7) == (std::vector<int64_t>{u.directions(), 3 * u.hidden()}), kUNSUPPORTED_NODE)
            << "P must have static dims [" << u.directions() << ", 3*hidden_size]";
    }
    auto peephole = [&](int64_t d, int64_t k) -> Tensor* {
        if (!inputs.has(7)) return nullptr;
        Tensor& s = *ctx.check(ctx.network().addSlice(inputs.tensor(7), makeDims({d, k * u.hidden()}),
                                                      makeDims({1, u.hidden()}), makeDims({1, 1})))
                         ->getOutput(0);
        return &reshape(ctx, s, {u.hidden()});
    };
    std::vector<std::vector<Tensor*>> rows(u.directions());
    std::vector<Tensor*> finalH, finalC;
    for (int64_t d = 0; d < u.directions(); ++d) {
        Tensor* projected[4];
        Tensor* recurrent[4];
        for (int64_t g = 0; g < 4; ++g) {
            projected[g] = &u.projectInput(d, g, u.add(u.bias(d, g), u.bias(d, 4 + g)));
            recurrent[g] = &u.weightBlock(2, d, g);
        }
        Tensor* pi = peephole(d, 0);
        Tensor* po = peephole(d, 1);
        Tensor* pf = peephole(d, 2);
        Tensor* h = &u.initialState(5, d);
        Tensor* c = &u.initialState(6, d);
        rows[d].resize(u.sequence());
        for (int64_t t : stepOrder(u, d)) {
            auto gate = [&](int64_t g) { return u.add(&u.step(*projected[g], t), &u.matmulT(*h, *recurrent[g])); };
            auto peep = [&](Tensor* p, Tensor& state) { return p ? &u.mul(*p, state) : nullptr; };
            Tensor& i = applyActivation(ctx, u.clip(*u.add(gate(0), peep(pi, *c))), acts[d][0]);
            Tensor& f = inputForget ? u.sub(u.one(), i)
                                    : applyActivation(ctx, u.clip(*u.add(gate(2), peep(pf, *c))), acts[d][0]);
            Tensor& candidate = applyActivation(ctx, u.clip(*gate(3)), acts[d][1]);
            Tensor& nextC = *u.add(&u.mul(f, *c), &u.mul(i, candidate));
            Tensor& o = applyActivation(ctx, u.clip(*u.add(gate(1), peep(po, nextC))), acts[d][0]);
            Tensor& nextH = u.mul(o, applyActivation(ctx, nextC, acts[d][2]));
            rows[d][t] = &u.outputAt(t, nextH);
            h = &u.holdPast(t, nextH, *h);
            c = &u.holdPast(t, nextC, *c);
        }
        finalH.push_back(h);
        finalC.push_back(c);
    }
    return {&u.stackY(rows), &u.stackState(finalH), &u.stackState(finalC)};
}

}  // namespace kiln::onnximport
