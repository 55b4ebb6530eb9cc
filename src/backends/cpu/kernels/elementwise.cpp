// ElementWise (binary, numpy broadcasting) and Select. Both walk the output in broadcast rows
// (broadcast.h); a row whose operands are contiguous or scalar is a plain loop the compiler
// vectorizes, which is the common case (same shapes, or a scalar operand).
#include "ir/ops/elementwise.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/broadcast.h"
#include "ir/ops/select.h"

namespace kiln::cpu {
namespace {

using ir::TensorView;

// Signed integer overflow wraps (as on the GPU) instead of being undefined.
template <class C>
constexpr bool kSignedInt = std::is_integral_v<C>&& std::is_signed_v<C> && !std::is_same_v<C, bool>;

template <class C>
C wrapAdd(C x, C y) {
    if constexpr (kSignedInt<C>) {
        using U = std::make_unsigned_t<C>;
        return static_cast<C>(static_cast<U>(static_cast<U>(x) + static_cast<U>(y)));
    } else {
        return static_cast<C>(x + y);
    }
}
template <class C>
C wrapSub(C x, C y) {
    if constexpr (kSignedInt<C>) {
        using U = std::make_unsigned_t<C>;
        return static_cast<C>(static_cast<U>(static_cast<U>(x) - static_cast<U>(y)));
    } else {
        return static_cast<C>(x - y);
    }
}
template <class C>
C wrapMul(C x, C y) {
    if constexpr (std::is_integral_v<C>) {
        // Through uint64 so that no promoted (signed int) product can overflow.
        return static_cast<C>(static_cast<uint64_t>(static_cast<int64_t>(x)) *
                              static_cast<uint64_t>(static_cast<int64_t>(y)));
    } else {
        return x * y;
    }
}

// Integer power by repeated squaring (wrapping like the other integer ops); a negative
// exponent gives 0 unless the base is 1 or -1, as integer division would.
template <class C>
C intPow(C x, C y) {
    if constexpr (std::is_signed_v<C>) {
        if (y < 0) return x == 1 ? C(1) : x == -1 ? C(y % 2 ? -1 : 1) : C(0);
    }
    using U = std::make_unsigned_t<C>;
    U result = 1, base = static_cast<U>(x);
    for (auto e = static_cast<U>(y); e; e >>= 1) {
        if (e & 1) result *= base;
        base *= base;
    }
    return static_cast<C>(result);
}

template <class C>
C intDiv(C x, C y, bool floor) {
    KILN_CHECK_CODE(y != 0, ErrorCode::kFAILED_EXECUTION) << "ElementWise: integer division by zero";
    if constexpr (kSignedInt<C>) {
        if (y == -1) return wrapSub(C(0), x);  // min / -1 overflows
        C q = static_cast<C>(x / y);
        if (floor && (x % y != 0) && ((x < 0) != (y < 0))) --q;
        return q;
    } else {
        return static_cast<C>(x / y);
    }
}

// Remainders. MOD takes the divisor's sign (numpy.mod, Python's %): a zero remainder is a zero
// of the divisor's sign, and a nonzero one of the wrong sign moves by one divisor. FMOD takes the
// dividend's sign (C's fmod and %). Integer remainders by zero are an error, as division is.
template <class C>
C floatMod(C x, C y) {
    C r = std::fmod(x, y);
    if (r != 0) {
        if ((y < 0) != (r < 0)) r += y;
    } else {
        r = std::copysign(C(0), y);
    }
    return r;
}

template <class C>
C intRemainder(C x, C y, bool divisorSign) {
    KILN_CHECK_CODE(y != 0, ErrorCode::kFAILED_EXECUTION) << "ElementWise: integer remainder by zero";
    if constexpr (kSignedInt<C>) {
        if (y == -1) return C(0);  // min % -1 overflows
        C r = static_cast<C>(x % y);
        if (divisorSign && r != 0 && ((r < 0) != (y < 0))) r = static_cast<C>(r + y);
        return r;
    } else {
        return static_cast<C>(x % y);
    }
}

// Shifts (ONNX BitShift-28): a right shift of a signed value is arithmetic; a shift that is
// negative or of the width or more gives what the sign extension alone gives (-1 for a right
// shift of a negative value, else 0), where C++ would be undefined.
template <class C>
bool shiftOutOfRange(C y) {
    if constexpr (std::is_signed_v<C>) {
        if (y < 0) return true;
    }
    return static_cast<uint64_t>(y) >= sizeof(C) * 8;
}
template <class C>
C shiftLeft(C x, C y) {
    using U = std::make_unsigned_t<C>;
    if (shiftOutOfRange(y)) return C(0);
    return static_cast<C>(static_cast<U>(static_cast<U>(x) << static_cast<U>(y)));
}
template <class C>
C shiftRight(C x, C y) {
    if (shiftOutOfRange(y)) return std::is_signed_v<C> && x < 0 ? static_cast<C>(-1) : C(0);
    return static_cast<C>(x >> y);  // arithmetic for signed values (C++20)
}

template <class C>
C maxOf(C x, C y) {
    if constexpr (std::is_floating_point_v<C>) {
        if (std::isnan(x)) return x;  // NaN propagates, as numpy and ONNX Runtime do
    }
    return x > y || x != x ? x : y;
}
template <class C>
C minOf(C x, C y) {
    if constexpr (std::is_floating_point_v<C>) {
        if (std::isnan(x)) return x;
    }
    return x < y || x != x ? x : y;
}

//! out = f(a, b) over the broadcast of a and b. T: input storage, R: output storage.
template <class T, class R, class F>
void binary(const TensorView& a, const TensorView& b, TensorView& out, F f) {
    const T* pa = a.as<const T>();
    const T* pb = b.as<const T>();
    R* po = out.as<R>();
    auto plan = planBroadcast<2>(out, {&a, &b});
    forEachRow(plan, [&](int64_t o, const std::array<int64_t, 2>& off, int64_t n, const std::array<int64_t, 2>& st) {
        const T* x = pa + off[0];
        const T* y = pb + off[1];
        R* z = po + o;
        if (st[0] == 1 && st[1] == 1) {
            for (int64_t j = 0; j < n; ++j) store(z, j, f(load(x, j), load(y, j)));
        } else if (st[0] == 1 && st[1] == 0) {
            const auto yv = load(y, 0);
            for (int64_t j = 0; j < n; ++j) store(z, j, f(load(x, j), yv));
        } else if (st[0] == 0 && st[1] == 1) {
            const auto xv = load(x, 0);
            for (int64_t j = 0; j < n; ++j) store(z, j, f(xv, load(y, j)));
        } else {
            for (int64_t j = 0; j < n; ++j) store(z, j, f(load(x, j * st[0]), load(y, j * st[1])));
        }
    });
}

template <class T>
void runElementWise(ElementWiseOperation op, const TensorView& a, const TensorView& b, TensorView& out) {
    using C = compute_t<T>;
    constexpr bool kBool = std::is_same_v<T, Bool>;
    constexpr bool kFloat = isFloatStorage<T>();
    if constexpr (!kBool) {
        switch (op) {
            case ElementWiseOperation::kSUM:
                return binary<T, T>(a, b, out, [](C x, C y) { return wrapAdd(x, y); });
            case ElementWiseOperation::kSUB:
                return binary<T, T>(a, b, out, [](C x, C y) { return wrapSub(x, y); });
            case ElementWiseOperation::kPROD:
                return binary<T, T>(a, b, out, [](C x, C y) { return wrapMul(x, y); });
            case ElementWiseOperation::kMAX:
                return binary<T, T>(a, b, out, [](C x, C y) { return maxOf(x, y); });
            case ElementWiseOperation::kMIN:
                return binary<T, T>(a, b, out, [](C x, C y) { return minOf(x, y); });
            case ElementWiseOperation::kDIV:
                if constexpr (kFloat)
                    return binary<T, T>(a, b, out, [](C x, C y) { return x / y; });
                else
                    return binary<T, T>(a, b, out, [](C x, C y) { return intDiv(x, y, false); });
            case ElementWiseOperation::kFLOOR_DIV:
                if constexpr (kFloat)
                    return binary<T, T>(a, b, out, [](C x, C y) { return std::floor(x / y); });
                else
                    return binary<T, T>(a, b, out, [](C x, C y) { return intDiv(x, y, true); });
            case ElementWiseOperation::kMOD:
                if constexpr (kFloat)
                    return binary<T, T>(a, b, out, [](C x, C y) { return floatMod(x, y); });
                else
                    return binary<T, T>(a, b, out, [](C x, C y) { return intRemainder(x, y, true); });
            case ElementWiseOperation::kFMOD:
                if constexpr (kFloat)
                    return binary<T, T>(a, b, out, [](C x, C y) { return static_cast<C>(std::fmod(x, y)); });
                else
                    return binary<T, T>(a, b, out, [](C x, C y) { return intRemainder(x, y, false); });
            case ElementWiseOperation::kPOW:
                if constexpr (kFloat)
                    return binary<T, T>(a, b, out, [](C x, C y) { return std::pow(x, y); });
                else
                    return binary<T, T>(a, b, out, [](C x, C y) { return intPow(x, y); });
            default:
                break;
        }
        if constexpr (std::is_integral_v<C>) {
            switch (op) {
                case ElementWiseOperation::kBITWISE_AND:
                    return binary<T, T>(a, b, out, [](C x, C y) { return static_cast<C>(x & y); });
                case ElementWiseOperation::kBITWISE_OR:
                    return binary<T, T>(a, b, out, [](C x, C y) { return static_cast<C>(x | y); });
                case ElementWiseOperation::kBITWISE_XOR:
                    return binary<T, T>(a, b, out, [](C x, C y) { return static_cast<C>(x ^ y); });
                case ElementWiseOperation::kSHIFT_LEFT:
                    return binary<T, T>(a, b, out, [](C x, C y) { return shiftLeft(x, y); });
                case ElementWiseOperation::kSHIFT_RIGHT:
                    return binary<T, T>(a, b, out, [](C x, C y) { return shiftRight(x, y); });
                default:
                    break;
            }
        }
    } else {
        switch (op) {
            case ElementWiseOperation::kAND:
                return binary<T, T>(a, b, out, [](bool x, bool y) { return x && y; });
            case ElementWiseOperation::kOR:
                return binary<T, T>(a, b, out, [](bool x, bool y) { return x || y; });
            case ElementWiseOperation::kXOR:
                return binary<T, T>(a, b, out, [](bool x, bool y) { return x != y; });
            default:
                break;
        }
    }
    switch (op) {
        case ElementWiseOperation::kEQUAL:
            return binary<T, Bool>(a, b, out, [](C x, C y) { return x == y; });
        case ElementWiseOperation::kGREATER:
            return binary<T, Bool>(a, b, out, [](C x, C y) { return x > y; });
        case ElementWiseOperation::kLESS:
            return binary<T, Bool>(a, b, out, [](C x, C y) { return x < y; });
        default:
            break;
    }
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE)
        << "ElementWise operation " << static_cast<int>(op) << " does not support " << dataTypeName(a.type);
}

Tactic elementWiseReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::ElementWiseOp>();
        dispatchType(args.inputs[0].type, [&](auto tag) {
            using T = typename decltype(tag)::type;
            runElementWise<T>(op.op, args.inputs[0], args.inputs[1], args.outputs[0]);
        });
    };
    return t;
}

Tactic selectReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& args) {
        const TensorView& c = args.inputs[0];
        const TensorView& a = args.inputs[1];
        const TensorView& b = args.inputs[2];
        TensorView& out = args.outputs[0];
        auto plan = planBroadcast<3>(out, {&c, &a, &b});
        const uint8_t* pc = c.as<const uint8_t>();
        dispatchType(a.type, [&](auto tag) {
            using T = typename decltype(tag)::type;
            const T* pa = a.as<const T>();
            const T* pb = b.as<const T>();
            T* po = out.as<T>();
            forEachRow(plan,
                       [&](int64_t o, const std::array<int64_t, 3>& off, int64_t n, const std::array<int64_t, 3>& st) {
                           for (int64_t j = 0; j < n; ++j)
                               po[o + j] = pc[off[0] + j * st[0]] ? pa[off[1] + j * st[1]] : pb[off[2] + j * st[2]];
                       });
        });
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("ElementWise", elementWiseReference());
KILN_REGISTER_CPU_TACTIC("Select", selectReference());

}  // namespace
}  // namespace kiln::cpu
