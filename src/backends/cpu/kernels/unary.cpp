// Unary: the 25 TensorRT unary operations. float16 and bfloat16 compute in float; ABS, NEG and
// SIGN also run on integers (wrapping, as on the GPU); ISINF/ISNAN write bool.
#include "ir/ops/unary.h"

#include <cmath>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

template <class T, class R, class F>
void map(const ir::TensorView& in, ir::TensorView& out, F f) {
    const T* x = in.as<const T>();
    R* y = out.as<R>();
    const int64_t n = in.numel();
    for (int64_t i = 0; i < n; ++i) store(y, i, f(load(x, i)));
}

//! Round half to even (ONNX Round, numpy.round), independent of the FPU rounding mode.
inline float roundHalfEven(float x) {
    const float r = std::round(x);  // half away from zero
    if (std::fabs(x - std::trunc(x)) == 0.5f) return 2.f * std::round(x * 0.5f);
    return r;
}

template <class T>
void runFloat(UnaryOperation op, const ir::TensorView& in, ir::TensorView& out) {
    switch (op) {
        case UnaryOperation::kEXP:
            return map<T, T>(in, out, [](float x) { return std::exp(x); });
        case UnaryOperation::kLOG:
            return map<T, T>(in, out, [](float x) { return std::log(x); });
        case UnaryOperation::kSQRT:
            return map<T, T>(in, out, [](float x) { return std::sqrt(x); });
        case UnaryOperation::kRECIP:
            return map<T, T>(in, out, [](float x) { return 1.f / x; });
        case UnaryOperation::kABS:
            return map<T, T>(in, out, [](float x) { return std::fabs(x); });
        case UnaryOperation::kNEG:
            return map<T, T>(in, out, [](float x) { return -x; });
        case UnaryOperation::kSIN:
            return map<T, T>(in, out, [](float x) { return std::sin(x); });
        case UnaryOperation::kCOS:
            return map<T, T>(in, out, [](float x) { return std::cos(x); });
        case UnaryOperation::kTAN:
            return map<T, T>(in, out, [](float x) { return std::tan(x); });
        case UnaryOperation::kSINH:
            return map<T, T>(in, out, [](float x) { return std::sinh(x); });
        case UnaryOperation::kCOSH:
            return map<T, T>(in, out, [](float x) { return std::cosh(x); });
        case UnaryOperation::kASIN:
            return map<T, T>(in, out, [](float x) { return std::asin(x); });
        case UnaryOperation::kACOS:
            return map<T, T>(in, out, [](float x) { return std::acos(x); });
        case UnaryOperation::kATAN:
            return map<T, T>(in, out, [](float x) { return std::atan(x); });
        case UnaryOperation::kASINH:
            return map<T, T>(in, out, [](float x) { return std::asinh(x); });
        case UnaryOperation::kACOSH:
            return map<T, T>(in, out, [](float x) { return std::acosh(x); });
        case UnaryOperation::kATANH:
            return map<T, T>(in, out, [](float x) { return std::atanh(x); });
        case UnaryOperation::kCEIL:
            return map<T, T>(in, out, [](float x) { return std::ceil(x); });
        case UnaryOperation::kFLOOR:
            return map<T, T>(in, out, [](float x) { return std::floor(x); });
        case UnaryOperation::kERF:
            return map<T, T>(in, out, [](float x) { return std::erf(x); });
        case UnaryOperation::kSIGN:
            // sign(0) = 0 and sign(NaN) = NaN: return x itself there.
            return map<T, T>(in, out, [](float x) { return x > 0.f ? 1.f : x < 0.f ? -1.f : x; });
        case UnaryOperation::kROUND:
            return map<T, T>(in, out, [](float x) { return roundHalfEven(x); });
        case UnaryOperation::kISINF:
            return map<T, Bool>(in, out, [](float x) { return std::isinf(x); });
        case UnaryOperation::kISNAN:
            return map<T, Bool>(in, out, [](float x) { return std::isnan(x); });
        default:
            break;
    }
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE)
        << "Unary operation " << static_cast<int>(op) << " does not support " << dataTypeName(in.type);
}

template <class T>
void runInt(UnaryOperation op, const ir::TensorView& in, ir::TensorView& out) {
    using U = std::make_unsigned_t<T>;
    auto neg = [](T x) { return static_cast<T>(static_cast<U>(U(0) - static_cast<U>(x))); };
    if (op == UnaryOperation::kBITWISE_NOT) return map<T, T>(in, out, [](T x) { return static_cast<T>(~x); });
    if constexpr (std::is_unsigned_v<T>) {
        KILN_THROW(ErrorCode::kUNSUPPORTED_STATE)
            << "Unary operation " << static_cast<int>(op) << " does not support " << dataTypeName(in.type);
    }
    switch (op) {
        case UnaryOperation::kABS:
            return map<T, T>(in, out, [&](T x) { return x < 0 ? neg(x) : x; });
        case UnaryOperation::kNEG:
            return map<T, T>(in, out, neg);
        case UnaryOperation::kSIGN:
            return map<T, T>(in, out, [](T x) { return static_cast<T>((x > 0) - (x < 0)); });
        default:
            break;
    }
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE)
        << "Unary operation " << static_cast<int>(op) << " does not support " << dataTypeName(in.type);
}

Tactic unaryReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& args) {
        const UnaryOperation op = args.opAs<ir::UnaryOp>().op;
        const ir::TensorView& in = args.inputs[0];
        ir::TensorView& out = args.outputs[0];
        dispatchType(in.type, [&](auto tag) {
            using T = typename decltype(tag)::type;
            if constexpr (isFloatStorage<T>()) {
                runFloat<T>(op, in, out);
            } else if constexpr (std::is_same_v<T, Bool>) {
                KILN_CHECK_CODE(op == UnaryOperation::kNOT, ErrorCode::kUNSUPPORTED_STATE)
                    << "Unary operation " << static_cast<int>(op) << " does not support bool";
                map<Bool, Bool>(in, out, [](bool x) { return !x; });
            } else if constexpr (std::is_integral_v<T>) {
                runInt<T>(op, in, out);
            } else {
                KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "Unary does not support " << dataTypeName(in.type);
            }
        });
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("Unary", unaryReference());

}  // namespace
}  // namespace kiln::cpu
