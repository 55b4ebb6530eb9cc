// ElementWise and Select: one thread per output element (grid-stride). Operands whose plan
// collapses to one axis (same shapes, or a scalar) take a flat kernel with a step of 0 or 1;
// others decompose the output index once for all operands. The integer semantics (wrapping,
// floor division, remainder signs, shifts, integer powers) are the CPU reference's
// (backends/cpu/kernels/elementwise.cpp), written again for the device.
#include "backends/cuda/kernels/elementwise.h"

#include <cmath>
#include <type_traits>

#include "backends/cuda/kernels/pointwise_common.cuh"

namespace kiln::cuda {
namespace {

using E = ElementWiseOperation;
using pw::Bool8;
using pw::kThreads;

constexpr bool isComparison(E op) { return op == E::kEQUAL || op == E::kGREATER || op == E::kLESS; }

//! The operation/type pairs the reference implements (it throws for the others).
template <E Op, class T>
constexpr bool valid() {
    if constexpr (Op == E::kAND || Op == E::kOR || Op == E::kXOR) return pw::kIsBool<T>;
    else if constexpr (isComparison(Op)) return true;
    else if constexpr (Op == E::kBITWISE_AND || Op == E::kBITWISE_OR || Op == E::kBITWISE_XOR ||
                       Op == E::kSHIFT_LEFT || Op == E::kSHIFT_RIGHT)
        return pw::kIsInt<T>;
    else return !pw::kIsBool<T>;
}

template <class C>
constexpr bool kSigned = std::is_integral_v<C> && std::is_signed_v<C> && !std::is_same_v<C, bool>;

// float and double overloads, so that nothing silently promotes float math to double.
__device__ __forceinline__ float mFloor(float x) { return floorf(x); }
__device__ __forceinline__ double mFloor(double x) { return floor(x); }
__device__ __forceinline__ float mFmod(float x, float y) { return fmodf(x, y); }
__device__ __forceinline__ double mFmod(double x, double y) { return fmod(x, y); }
__device__ __forceinline__ float mPow(float x, float y) { return powf(x, y); }
__device__ __forceinline__ double mPow(double x, double y) { return pow(x, y); }
__device__ __forceinline__ float mCopysign(float x, float y) { return copysignf(x, y); }
__device__ __forceinline__ double mCopysign(double x, double y) { return copysign(x, y); }

// Signed overflow wraps, through the unsigned type (as the reference does).
template <class C>
__device__ __forceinline__ C wrapAdd(C x, C y) {
    if constexpr (kSigned<C>) {
        using U = std::make_unsigned_t<C>;
        return static_cast<C>(static_cast<U>(static_cast<U>(x) + static_cast<U>(y)));
    } else {
        return static_cast<C>(x + y);
    }
}
template <class C>
__device__ __forceinline__ C wrapSub(C x, C y) {
    if constexpr (kSigned<C>) {
        using U = std::make_unsigned_t<C>;
        return static_cast<C>(static_cast<U>(static_cast<U>(x) - static_cast<U>(y)));
    } else {
        return static_cast<C>(x - y);
    }
}
template <class C>
__device__ __forceinline__ C wrapMul(C x, C y) {
    if constexpr (std::is_integral_v<C>) {
        return static_cast<C>(static_cast<uint64_t>(static_cast<int64_t>(x)) *
                              static_cast<uint64_t>(static_cast<int64_t>(y)));
    } else {
        return x * y;
    }
}

//! Repeated squaring; a negative exponent gives 0 unless the base is 1 or -1.
template <class C>
__device__ __forceinline__ C intPow(C x, C y) {
    if constexpr (std::is_signed_v<C>) {
        if (y < 0) return x == 1 ? C(1) : x == -1 ? C(y % 2 ? -1 : 1) : C(0);
    }
    using U = std::make_unsigned_t<C>;
    U result = 1, base = static_cast<U>(x);
    for (U e = static_cast<U>(y); e; e >>= 1) {
        if (e & 1) result = static_cast<U>(result * base);
        base = static_cast<U>(base * base);
    }
    return static_cast<C>(result);
}

// Integer division and remainder by zero: the reference throws; a kernel cannot, so the GPU
// writes 0 there (documented in the tactic; the result is not otherwise defined).
template <class C>
__device__ __forceinline__ C intDiv(C x, C y, bool floorDiv) {
    if (y == 0) return C(0);
    if constexpr (kSigned<C>) {
        if (y == -1) return wrapSub(C(0), x);  // min / -1 overflows
        C q = static_cast<C>(x / y);
        if (floorDiv && (x % y != 0) && ((x < 0) != (y < 0))) --q;
        return q;
    } else {
        return static_cast<C>(x / y);
    }
}
template <class C>
__device__ __forceinline__ C intRemainder(C x, C y, bool divisorSign) {
    if (y == 0) return C(0);
    if constexpr (kSigned<C>) {
        if (y == -1) return C(0);  // min % -1 overflows
        C r = static_cast<C>(x % y);
        if (divisorSign && r != 0 && ((r < 0) != (y < 0))) r = static_cast<C>(r + y);
        return r;
    } else {
        return static_cast<C>(x % y);
    }
}

//! numpy.mod: the divisor's sign; a zero remainder is a zero of the divisor's sign.
template <class C>
__device__ __forceinline__ C floatMod(C x, C y) {
    C r = mFmod(x, y);
    if (r != 0) {
        if ((y < 0) != (r < 0)) r += y;
    } else {
        r = mCopysign(C(0), y);
    }
    return r;
}

// Shifts (ONNX BitShift): by a negative amount or the width or more, only the sign remains.
template <class C>
__device__ __forceinline__ bool shiftOutOfRange(C y) {
    if constexpr (std::is_signed_v<C>) {
        if (y < 0) return true;
    }
    return static_cast<uint64_t>(y) >= sizeof(C) * 8;
}
template <class C>
__device__ __forceinline__ C shiftLeft(C x, C y) {
    using U = std::make_unsigned_t<C>;
    if (shiftOutOfRange(y)) return C(0);
    return static_cast<C>(static_cast<U>(static_cast<U>(x) << static_cast<U>(y)));
}
template <class C>
__device__ __forceinline__ C shiftRight(C x, C y) {
    if (shiftOutOfRange(y)) return std::is_signed_v<C> && x < 0 ? static_cast<C>(-1) : C(0);
    return static_cast<C>(x >> y);  // arithmetic for signed values
}

// NaN propagates from either side (the reference's maxOf/minOf).
template <class C>
__device__ __forceinline__ C maxOf(C x, C y) {
    if constexpr (std::is_floating_point_v<C>) {
        if (isnan(x)) return x;
    }
    return x > y || x != x ? x : y;
}
template <class C>
__device__ __forceinline__ C minOf(C x, C y) {
    if constexpr (std::is_floating_point_v<C>) {
        if (isnan(x)) return x;
    }
    return x < y || x != x ? x : y;
}

template <E Op, class C>
__device__ __forceinline__ auto apply(C x, C y) {
    constexpr bool kFloat = std::is_floating_point_v<C>;
    if constexpr (Op == E::kSUM) return wrapAdd(x, y);
    else if constexpr (Op == E::kSUB) return wrapSub(x, y);
    else if constexpr (Op == E::kPROD) return wrapMul(x, y);
    else if constexpr (Op == E::kMAX) return maxOf(x, y);
    else if constexpr (Op == E::kMIN) return minOf(x, y);
    else if constexpr (Op == E::kDIV) {
        if constexpr (kFloat) return x / y;
        else return intDiv(x, y, false);
    } else if constexpr (Op == E::kFLOOR_DIV) {
        if constexpr (kFloat) return mFloor(x / y);
        else return intDiv(x, y, true);
    } else if constexpr (Op == E::kMOD) {
        if constexpr (kFloat) return floatMod(x, y);
        else return intRemainder(x, y, true);
    } else if constexpr (Op == E::kFMOD) {
        if constexpr (kFloat) return mFmod(x, y);
        else return intRemainder(x, y, false);
    } else if constexpr (Op == E::kPOW) {
        if constexpr (kFloat) return mPow(x, y);
        else return intPow(x, y);
    } else if constexpr (Op == E::kBITWISE_AND) return static_cast<C>(x & y);
    else if constexpr (Op == E::kBITWISE_OR) return static_cast<C>(x | y);
    else if constexpr (Op == E::kBITWISE_XOR) return static_cast<C>(x ^ y);
    else if constexpr (Op == E::kSHIFT_LEFT) return shiftLeft(x, y);
    else if constexpr (Op == E::kSHIFT_RIGHT) return shiftRight(x, y);
    else if constexpr (Op == E::kAND) return x && y;
    else if constexpr (Op == E::kOR) return x || y;
    else if constexpr (Op == E::kXOR) return x != y;
    else if constexpr (Op == E::kEQUAL) return x == y;
    else if constexpr (Op == E::kGREATER) return x > y;
    else {
        static_assert(Op == E::kLESS);
        return x < y;
    }
}

template <E Op, class T, class R>
__global__ void __launch_bounds__(kThreads) binaryFlat(const T* a, int64_t sa, const T* b, int64_t sb, R* out,
                                                         int64_t n) {
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep())
        pw::st(out, i, apply<Op>(pw::ld(a, i * sa), pw::ld(b, i * sb)));
}

template <E Op, class T, class R>
__global__ void __launch_bounds__(kThreads) binaryStrided(const T* a, const T* b, R* out, int64_t n,
                                                            const pw::Plan<2> plan) {
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) {
        int64_t off[2];
        pw::offsetsOf(plan, i, off);
        pw::st(out, i, apply<Op>(pw::ld(a, off[0]), pw::ld(b, off[1])));
    }
}

template <E Op, class T>
int launchBinary(const void* a, const Layout& la, const void* b, const Layout& lb, void* out, int64_t n,
                 cudaStream_t stream) {
    using R = std::conditional_t<isComparison(Op), Bool8, T>;
    const Layout* layouts[2] = {&la, &lb};
    const pw::Plan<2> plan = pw::makePlan<2>(layouts);
    const T* pa = static_cast<const T*>(a);
    const T* pb = static_cast<const T*>(b);
    R* po = static_cast<R*>(out);
    if (plan.rank <= 1) {
        const int64_t sa = plan.rank ? plan.strides[0][0] : 0;
        const int64_t sb = plan.rank ? plan.strides[1][0] : 0;
        binaryFlat<Op, T, R><<<gridFor(n, kThreads), kThreads, 0, stream>>>(pa, sa, pb, sb, po, n);
    } else {
        binaryStrided<Op, T, R><<<gridFor(n, kThreads), kThreads, 0, stream>>>(pa, pb, po, n, plan);
    }
    return static_cast<int>(cudaGetLastError());
}

template <E Op>
int launchOp(DataType type, const void* a, const Layout& la, const void* b, const Layout& lb, void* out, int64_t n,
             cudaStream_t stream) {
    int status = pw::kUnsupported;
    pw::dispatchType(type, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (valid<Op, T>()) status = launchBinary<Op, T>(a, la, b, lb, out, n, stream);
    });
    return status;
}

template <E Op>
bool supportsOp(DataType type) {
    bool ok = false;
    pw::dispatchType(type, [&](auto tag) { ok = valid<Op, decltype(tag)>(); });
    return ok;
}

#define KILN_EW_CASES(X)                                                                                      \
    X(kSUM) X(kPROD) X(kMAX) X(kMIN) X(kSUB) X(kDIV) X(kPOW) X(kFLOOR_DIV) X(kAND) X(kOR) X(kXOR) X(kEQUAL) \
        X(kGREATER) X(kLESS) X(kMOD) X(kFMOD) X(kBITWISE_AND) X(kBITWISE_OR) X(kBITWISE_XOR) X(kSHIFT_LEFT)  \
            X(kSHIFT_RIGHT)

template <class T, bool kFlat>
__global__ void __launch_bounds__(kThreads) selectKernel(const uint8_t* c, const T* a, const T* b, T* out, int64_t n,
                                                           const pw::Plan<3> plan) {
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) {
        int64_t off[3];
        if constexpr (kFlat) {
            for (int k = 0; k < 3; ++k) off[k] = plan.rank ? i * plan.strides[k][0] : 0;
        } else {
            pw::offsetsOf(plan, i, off);
        }
        out[i] = c[off[0]] ? a[off[1]] : b[off[2]];
    }
}

template <class T>
int launchSelect(const void* c, const void* a, const void* b, void* out, int64_t n, const pw::Plan<3>& plan,
                 cudaStream_t stream) {
    const auto* pc = static_cast<const uint8_t*>(c);
    const auto* pa = static_cast<const T*>(a);
    const auto* pb = static_cast<const T*>(b);
    auto* po = static_cast<T*>(out);
    if (plan.rank <= 1)
        selectKernel<T, true><<<gridFor(n, kThreads), kThreads, 0, stream>>>(pc, pa, pb, po, n, plan);
    else
        selectKernel<T, false><<<gridFor(n, kThreads), kThreads, 0, stream>>>(pc, pa, pb, po, n, plan);
    return static_cast<int>(cudaGetLastError());
}

}  // namespace

bool elementWiseSupports(int32_t op, DataType type) {
    switch (static_cast<E>(op)) {
#define KILN_EW_SUPPORTS(name) \
    case E::name: return supportsOp<E::name>(type);
        KILN_EW_CASES(KILN_EW_SUPPORTS)
#undef KILN_EW_SUPPORTS
    }
    return false;
}

int elementWise(int32_t op, DataType type, const void* a, const Layout& la, const void* b, const Layout& lb,
                void* out, int64_t n, void* stream) {
    if (n <= 0) return cudaSuccess;
    auto s = static_cast<cudaStream_t>(stream);
    switch (static_cast<E>(op)) {
#define KILN_EW_LAUNCH(name) \
    case E::name: return launchOp<E::name>(type, a, la, b, lb, out, n, s);
        KILN_EW_CASES(KILN_EW_LAUNCH)
#undef KILN_EW_LAUNCH
    }
    return pw::kUnsupported;
}

int select(const void* cond, const Layout& lc, const void* a, const Layout& la, const void* b, const Layout& lb,
           void* out, int64_t n, size_t elementSize, void* stream) {
    if (n <= 0) return cudaSuccess;
    const Layout* layouts[3] = {&lc, &la, &lb};
    const pw::Plan<3> plan = pw::makePlan<3>(layouts);
    auto s = static_cast<cudaStream_t>(stream);
    // Select moves elements without looking at them: one kernel per element size.
    switch (elementSize) {
        case 1: return launchSelect<uint8_t>(cond, a, b, out, n, plan, s);
        case 2: return launchSelect<uint16_t>(cond, a, b, out, n, plan, s);
        case 4: return launchSelect<uint32_t>(cond, a, b, out, n, plan, s);
        case 8: return launchSelect<uint64_t>(cond, a, b, out, n, plan, s);
        default: return pw::kUnsupported;
    }
}

}  // namespace kiln::cuda
