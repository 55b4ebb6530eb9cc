// Identity and Cast: reference kernels for every supported type pair.
#include <cmath>
#include <cstring>
#include <limits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "ir/ops/cast.h"
#include "ir/ops/identity.h"

namespace kiln::cpu {
namespace {

// To INT2/UINT2 as the ONNX reference (ml_dtypes) casts: a float truncates toward zero and
// becomes 0 outside the type's range (NaN too); an integer keeps its low two bits.
void castToTwoBit(const ir::TensorView& in, ir::TensorView& out) {
    const bool isSigned = out.type == DataType::kINT2;
    const double lo = isSigned ? -2 : 0, hi = isSigned ? 1 : 3;
    auto* dst = static_cast<int8_t*>(out.data);
    dispatchType(in.type, [&](auto inTag) {
        using I = typename decltype(inTag)::type;
        const I* src = in.as<const I>();
        for (int64_t i = 0, n = in.numel(); i < n; ++i) {
            int v = 0;
            if constexpr (isFloatStorage<I>()) {
                const double d = std::trunc(static_cast<double>(load(src, i)));
                if (d >= lo && d <= hi) v = static_cast<int>(d);
            } else {
                v = static_cast<int>(static_cast<int64_t>(load(src, i)) & 3);
                if (isSigned && v >= 2) v -= 4;
            }
            dst[i] = static_cast<int8_t>(v);
        }
    });
}

void castView(const ir::TensorView& in, ir::TensorView& out, bool saturate, bool bitCast, E8M0RoundingMode rounding) {
    const int64_t n = in.numel();
    if (in.type == out.type || bitCast) {
        if (n) std::memcpy(out.data, in.data, in.bytes());
        return;
    }
    if (out.type == DataType::kINT2 || out.type == DataType::kUINT2) {
        castToTwoBit(in, out);
        return;
    }
    dispatchType(in.type, [&](auto inTag) {
        using I = typename decltype(inTag)::type;
        dispatchType(out.type, [&](auto outTag) {
            using O = typename decltype(outTag)::type;
            const I* src = in.as<const I>();
            O* dst = out.as<O>();
            for (int64_t i = 0; i < n; ++i) {
                auto v = load(src, i);
                if constexpr (std::is_same_v<O, Bool>) {
                    store(dst, i, v != 0);
                } else if constexpr (std::is_same_v<O, Float8<Float8Format::kE8M0>>) {
                    dst[i].bits = floatToE8m0(static_cast<float>(v), saturate, rounding);
                } else if constexpr (IsFloat8<O>::value) {
                    dst[i].bits = floatToFloat8(static_cast<double>(v), float8FormatOf<O>(), saturate);
                } else if constexpr (!isFloatStorage<O>() && isFloatStorage<I>()) {
                    // float -> int truncates toward zero, as C++ and TensorRT do; out of range
                    // (undefined in ONNX and C++) saturates, NaN gives 0.
                    using C = compute_t<O>;
                    const double t = std::trunc(static_cast<double>(v));
                    const double lo = static_cast<double>(std::numeric_limits<C>::lowest());
                    const double hi = static_cast<double>(std::numeric_limits<C>::max());
                    C c = !(t == t) ? C(0) : t <= lo ? std::numeric_limits<C>::lowest()
                                         : t >= hi ? std::numeric_limits<C>::max() : static_cast<C>(t);
                    store(dst, i, c);
                } else {
                    store(dst, i, static_cast<compute_t<O>>(v));
                }
            }
        });
    });
}

//! Identity is a cast to the same type: one kernel serves both ops.
Tactic copyCastReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& a) {
        const auto* cast = dynamic_cast<const ir::CastOp*>(a.op);
        const auto rounding = static_cast<E8M0RoundingMode>(cast ? cast->e8m0Rounding : 0);
        castView(a.inputs[0], a.outputs[0], !cast || cast->saturate != 0, cast && cast->bitCast != 0, rounding);
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("Identity", copyCastReference());
KILN_REGISTER_CPU_TACTIC("Cast", copyCastReference());

}  // namespace
}  // namespace kiln::cpu
