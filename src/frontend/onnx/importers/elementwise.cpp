// Binary and variadic element-wise ops, Mod, comparisons, logic and Where (numpy broadcasting).
#include <algorithm>
#include <climits>
#include <cstdint>

#include "frontend/onnx/importers/importer_util.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// Before opset 7, B broadcasts to A only with broadcast=1, aligned at `axis` of A (numpy aligns
// at the end): B gets trailing axes of size 1 so that numpy broadcasting places it there.
Tensor& legacyAligned(ImportContext& ctx, NodeInputs& in, const NodeAttributes& attrs) {
    Tensor& b = in.tensor(1);
    if (ctx.opset() >= 7 || attrs.getInt("broadcast", 0) == 0 || !attrs.has("axis")) return b;
    const int32_t ra = in.rank(0), rb = in.rank(1);
    const int64_t axis = normalizeAxis(attrs.getInt("axis", 0), ra);
    ONNX_CHECK(axis + rb <= ra, kINVALID_NODE) << "broadcast axis " << axis << " puts B of rank " << rb
                                               << " past the end of A of rank " << ra;
    std::vector<int64_t> trailing;
    for (int64_t k = rb; k < ra - axis; ++k) trailing.push_back(k);
    return trailing.empty() ? b : unsqueeze(ctx, b, trailing);
}

// Integer arithmetic on small weights is shape arithmetic (Sub(Size(Shape(x)), axis), Div(H, block) in the
// function bodies of LayerNormalization and others): it folds at import, so that the shapes it
// feeds stay known to Reshape, ConstantOfShape and the like. nullptr when it does not apply.
std::shared_ptr<const ir::HostTensor> foldIntegerBinary(const ir::HostTensor& a, const ir::HostTensor& b,
                                                        ElementWiseOperation op) {
    constexpr int64_t kMaxFolded = 64;
    if (a.type != b.type || (a.type != DataType::kINT64 && a.type != DataType::kINT32)) return nullptr;
    if (a.numel() > kMaxFolded || b.numel() > kMaxFolded) return nullptr;
    // numpy broadcasting of the two shapes, aligned at the end.
    const size_t rank = std::max(a.dims.size(), b.dims.size());
    std::vector<int64_t> dims(rank), da(rank, 1), db(rank, 1);
    std::copy(a.dims.begin(), a.dims.end(), da.begin() + (rank - a.dims.size()));
    std::copy(b.dims.begin(), b.dims.end(), db.begin() + (rank - b.dims.size()));
    for (size_t i = 0; i < rank; ++i) {
        if (da[i] != db[i] && da[i] != 1 && db[i] != 1) return nullptr;  // left to the layer's error
        dims[i] = da[i] == 1 ? db[i] : da[i];
    }
    auto out = std::make_shared<ir::HostTensor>(ir::HostTensor::make(a.type, dims));
    const int64_t n = out->numel();
    for (int64_t flat = 0; flat < n; ++flat) {
        int64_t rest = flat, ia = 0, ib = 0, sa = 1, sb = 1;
        for (size_t i = rank; i-- > 0;) {
            const int64_t k = rest % dims[i];
            rest /= dims[i];
            if (da[i] != 1) ia += k * sa;
            if (db[i] != 1) ib += k * sb;
            sa *= da[i];
            sb *= db[i];
        }
        const int64_t x = a.intAt(ia), y = b.intAt(ib);
        int64_t r = 0;
        switch (op) {
            case ElementWiseOperation::kSUM: if (__builtin_add_overflow(x, y, &r)) return nullptr; break;
            case ElementWiseOperation::kSUB: if (__builtin_sub_overflow(x, y, &r)) return nullptr; break;
            case ElementWiseOperation::kPROD: if (__builtin_mul_overflow(x, y, &r)) return nullptr; break;
            case ElementWiseOperation::kDIV:  // truncating, as the Div layer on integers
                if (y == 0 || (x == INT64_MIN && y == -1)) return nullptr;
                r = x / y;
                break;
            case ElementWiseOperation::kMAX: r = std::max(x, y); break;
            case ElementWiseOperation::kMIN: r = std::min(x, y); break;
            default: return nullptr;
        }
        if (a.type == DataType::kINT32) {
            if (r < INT32_MIN || r > INT32_MAX) return nullptr;
            out->as<int32_t>()[flat] = static_cast<int32_t>(r);
        } else {
            out->as<int64_t>()[flat] = r;
        }
    }
    return out;
}

Outputs binary(ImportContext& ctx, NodeInputs& in, const NodeAttributes& attrs, ElementWiseOperation op) {
    ONNX_CHECK(in.size() == 2, kINVALID_NODE) << "expected 2 inputs, got " << in.size();
    if (in.at(0).isWeights() && in.at(1).isWeights() && (ctx.opset() >= 7 || attrs.getInt("broadcast", 0) == 0))
        if (auto folded = foldIntegerBinary(*in.at(0).weights, *in.at(1).weights, op)) return {folded};
    return {&elementWise(ctx, in.tensor(0), legacyAligned(ctx, in, attrs), op)};
}

// Max, Min, Sum, Mean take one or more inputs.
Outputs variadic(ImportContext& ctx, NodeInputs& in, ElementWiseOperation op) {
    ONNX_CHECK(in.size() >= 1, kINVALID_NODE) << "expected at least one input";
    Tensor* acc = &in.tensor(0);
    if (in.size() == 1) acc = ctx.check(ctx.network().addIdentity(*acc))->getOutput(0);
    for (size_t i = 1; i < in.size(); ++i) acc = &elementWise(ctx, *acc, in.tensor(i), op);
    return {acc};
}

// Not of a bool, BitwiseNot of an integer.
Outputs notOf(ImportContext& ctx, Tensor& t) {
    return {&unary(ctx, t, t.getType() == DataType::kBOOL ? UnaryOperation::kNOT : UnaryOperation::kBITWISE_NOT)};
}

}  // namespace

KILN_ONNX_IMPORTER(Add) { return binary(ctx, inputs, attrs, ElementWiseOperation::kSUM); }
KILN_ONNX_IMPORTER(Sub) { return binary(ctx, inputs, attrs, ElementWiseOperation::kSUB); }
KILN_ONNX_IMPORTER(Mul) { return binary(ctx, inputs, attrs, ElementWiseOperation::kPROD); }
KILN_ONNX_IMPORTER(Div) { return binary(ctx, inputs, attrs, ElementWiseOperation::kDIV); }
KILN_ONNX_IMPORTER(Equal) { return binary(ctx, inputs, attrs, ElementWiseOperation::kEQUAL); }
KILN_ONNX_IMPORTER(Greater) { return binary(ctx, inputs, attrs, ElementWiseOperation::kGREATER); }
KILN_ONNX_IMPORTER(Less) { return binary(ctx, inputs, attrs, ElementWiseOperation::kLESS); }
KILN_ONNX_IMPORTER(And) { return binary(ctx, inputs, attrs, ElementWiseOperation::kAND); }
KILN_ONNX_IMPORTER(Or) { return binary(ctx, inputs, attrs, ElementWiseOperation::kOR); }
KILN_ONNX_IMPORTER(Xor) { return binary(ctx, inputs, attrs, ElementWiseOperation::kXOR); }
KILN_ONNX_IMPORTER(BitwiseAnd) { return binary(ctx, inputs, attrs, ElementWiseOperation::kBITWISE_AND); }
KILN_ONNX_IMPORTER(BitwiseOr) { return binary(ctx, inputs, attrs, ElementWiseOperation::kBITWISE_OR); }
KILN_ONNX_IMPORTER(BitwiseXor) { return binary(ctx, inputs, attrs, ElementWiseOperation::kBITWISE_XOR); }
KILN_ONNX_IMPORTER(BitwiseNot) { return notOf(ctx, inputs.tensor(0)); }
KILN_ONNX_IMPORTER(BitShift) {
    const std::string direction = attrs.getString("direction", "");
    ONNX_CHECK(direction == "LEFT" || direction == "RIGHT", kINVALID_NODE)
        << "direction must be LEFT or RIGHT, got '" << direction << "'";
    return binary(ctx, inputs, attrs,
                  direction == "LEFT" ? ElementWiseOperation::kSHIFT_LEFT : ElementWiseOperation::kSHIFT_RIGHT);
}
KILN_ONNX_IMPORTER(Max) { return variadic(ctx, inputs, ElementWiseOperation::kMAX); }
KILN_ONNX_IMPORTER(Min) { return variadic(ctx, inputs, ElementWiseOperation::kMIN); }
KILN_ONNX_IMPORTER(Sum) { return variadic(ctx, inputs, ElementWiseOperation::kSUM); }

KILN_ONNX_IMPORTER(Mean) {
    Tensor* sum = variadic(ctx, inputs, ElementWiseOperation::kSUM)[0].tensor;
    Tensor& n = ctx.tensorOf(ImportContext::scalarWeights(sum->getType(), static_cast<double>(inputs.size()),
                                                          ctx.rankOf(sum)));
    return {&elementWise(ctx, *sum, n, ElementWiseOperation::kDIV)};
}

KILN_ONNX_IMPORTER(GreaterOrEqual) {
    return notOf(ctx, elementWise(ctx, inputs.tensor(0), inputs.tensor(1), ElementWiseOperation::kLESS));
}

KILN_ONNX_IMPORTER(LessOrEqual) {
    return notOf(ctx, elementWise(ctx, inputs.tensor(0), inputs.tensor(1), ElementWiseOperation::kGREATER));
}

// ONNX Pow allows an exponent of another type (float base, int exponent): cast it to the base's.
KILN_ONNX_IMPORTER(Pow) {
    // Exporters write x^2 (the variance of decomposed layer norms): a product is exact where pow
    // is a libm call per element.
    if (inputs.at(1).isWeights() && inputs.at(1).weights->numel() == 1 && inputs.type(0) == DataType::kFLOAT &&
        inputs.rank(1) <= inputs.rank(0)) {
        const double e = inputs.floats(1)[0];
        Tensor& x = inputs.tensor(0);
        if (e == 2.0) return {&elementWise(ctx, x, x, ElementWiseOperation::kPROD)};
        if (e == 1.0) return {ctx.check(ctx.network().addIdentity(x))->getOutput(0)};
    }
    Tensor& base = inputs.tensor(0);
    Tensor& exponent = cast(ctx, inputs.tensor(1), base.getType());
    return {&elementWise(ctx, base, exponent, ElementWiseOperation::kPOW)};
}

// Mod: fmod=0 takes the divisor's sign (numpy.mod; integers, and floats as ONNX's reference
// does), fmod=1 the dividend's (C fmod).
KILN_ONNX_IMPORTER(Mod) {
    const int64_t fmod = attrs.getInt("fmod", 0);
    ONNX_CHECK(fmod == 0 || fmod == 1, kINVALID_NODE) << "fmod must be 0 or 1, got " << fmod;
    return binary(ctx, inputs, attrs, fmod ? ElementWiseOperation::kFMOD : ElementWiseOperation::kMOD);
}

KILN_ONNX_IMPORTER(Where) {
    return {ctx.check(ctx.network().addSelect(inputs.tensor(0), inputs.tensor(1), inputs.tensor(2)))->getOutput(0)};
}

// PRelu: max(x, 0) + slope * min(x, 0).
KILN_ONNX_IMPORTER(PRelu) {
    Tensor& x = inputs.tensor(0);
    Tensor& zero = ctx.tensorOf(ImportContext::scalarWeights(x.getType(), 0.0, inputs.rank(0)));
    Tensor& pos = elementWise(ctx, x, zero, ElementWiseOperation::kMAX);
    Tensor& neg = elementWise(ctx, x, zero, ElementWiseOperation::kMIN);
    // Before opset 7 a 1-d slope of C values applied per channel (axis 1), not to the last axis.
    Tensor* slope = &inputs.tensor(1);
    if (ctx.opset() < 7 && inputs.rank(1) == 1 && inputs.rank(0) > 2) {
        std::vector<int64_t> trailing;
        for (int64_t k = 1; k < inputs.rank(0) - 1; ++k) trailing.push_back(k);
        slope = &unsqueeze(ctx, *slope, trailing);
    }
    Tensor& scaled = elementWise(ctx, neg, *slope, ElementWiseOperation::kPROD);
    return {&elementWise(ctx, pos, scaled, ElementWiseOperation::kSUM)};
}

}  // namespace kiln::onnximport
