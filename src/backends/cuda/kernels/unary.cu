// Unary: floats (double included) compute in float, as the reference; ABS, NEG and SIGN also on
// signed integers (wrapping), BITWISE_NOT on integers, NOT on bool; ISINF/ISNAN write bool.
#include "backends/cuda/kernels/unary.h"

#include <type_traits>

#include "backends/cuda/kernels/pointwise_common.cuh"

namespace kiln::cuda {
namespace {

using U = UnaryOperation;
using pw::Bool8;
using pw::kThreads;

template <U Op, class T>
constexpr bool valid() {
    if constexpr (pw::kIsFloat<T>) return Op != U::kNOT && Op != U::kBITWISE_NOT;
    else if constexpr (pw::kIsBool<T>) return Op == U::kNOT;
    else if constexpr (Op == U::kBITWISE_NOT) return true;
    else if constexpr (Op == U::kABS || Op == U::kNEG || Op == U::kSIGN) return std::is_signed_v<T>;
    else return false;
}

constexpr bool writesBool(U op) { return op == U::kISINF || op == U::kISNAN; }

//! Round half to even (ONNX Round), the reference's formula.
__device__ __forceinline__ float roundHalfEven(float x) {
    const float r = roundf(x);  // half away from zero
    if (fabsf(x - truncf(x)) == 0.5f) return 2.f * roundf(x * 0.5f);
    return r;
}

template <U Op>
__device__ __forceinline__ auto applyFloat(float x) {
    if constexpr (Op == U::kEXP) return expf(x);
    else if constexpr (Op == U::kLOG) return logf(x);
    else if constexpr (Op == U::kSQRT) return sqrtf(x);
    else if constexpr (Op == U::kRECIP) return 1.f / x;
    else if constexpr (Op == U::kABS) return fabsf(x);
    else if constexpr (Op == U::kNEG) return -x;
    else if constexpr (Op == U::kSIN) return sinf(x);
    else if constexpr (Op == U::kCOS) return cosf(x);
    else if constexpr (Op == U::kTAN) return tanf(x);
    else if constexpr (Op == U::kSINH) return sinhf(x);
    else if constexpr (Op == U::kCOSH) return coshf(x);
    else if constexpr (Op == U::kASIN) return asinf(x);
    else if constexpr (Op == U::kACOS) return acosf(x);
    else if constexpr (Op == U::kATAN) return atanf(x);
    else if constexpr (Op == U::kASINH) return asinhf(x);
    else if constexpr (Op == U::kACOSH) return acoshf(x);
    else if constexpr (Op == U::kATANH) return atanhf(x);
    else if constexpr (Op == U::kCEIL) return ceilf(x);
    else if constexpr (Op == U::kFLOOR) return floorf(x);
    else if constexpr (Op == U::kERF) return erff(x);
    // sign(0) = 0 and sign(NaN) = NaN: x itself there.
    else if constexpr (Op == U::kSIGN) return x > 0.f ? 1.f : x < 0.f ? -1.f : x;
    else if constexpr (Op == U::kROUND) return roundHalfEven(x);
    else if constexpr (Op == U::kISINF) return static_cast<bool>(isinf(x));
    else {
        static_assert(Op == U::kISNAN);
        return static_cast<bool>(isnan(x));
    }
}

template <U Op, class T>
__device__ __forceinline__ T applyInt(T x) {
    using UT = std::make_unsigned_t<T>;
    if constexpr (Op == U::kBITWISE_NOT) {
        return static_cast<T>(~x);
    } else if constexpr (Op == U::kNEG || Op == U::kABS) {
        const T neg = static_cast<T>(static_cast<UT>(UT(0) - static_cast<UT>(x)));  // wraps at min
        if constexpr (Op == U::kNEG) return neg;
        else return x < 0 ? neg : x;
    } else {
        static_assert(Op == U::kSIGN);
        return static_cast<T>((x > 0) - (x < 0));
    }
}

template <U Op, class T, class R>
__global__ void __launch_bounds__(kThreads) unaryKernel(const T* in, R* out, int64_t n) {
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) {
        if constexpr (pw::kIsFloat<T>) pw::st(out, i, applyFloat<Op>(static_cast<float>(pw::ld(in, i))));
        else if constexpr (pw::kIsBool<T>) pw::st(out, i, !pw::ld(in, i));
        else pw::st(out, i, applyInt<Op>(pw::ld(in, i)));
    }
}

template <U Op>
int launchOp(DataType type, const void* in, void* out, int64_t n, cudaStream_t stream) {
    int status = pw::kUnsupported;
    pw::dispatchType(type, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (valid<Op, T>()) {
            using R = std::conditional_t<writesBool(Op), Bool8, T>;
            unaryKernel<Op, T, R><<<gridFor(n, kThreads), kThreads, 0, stream>>>(static_cast<const T*>(in),
                                                                                static_cast<R*>(out), n);
            status = static_cast<int>(cudaGetLastError());
        }
    });
    return status;
}

template <U Op>
bool supportsOp(DataType type) {
    bool ok = false;
    pw::dispatchType(type, [&](auto tag) { ok = valid<Op, decltype(tag)>(); });
    return ok;
}

#define KILN_UNARY_CASES(X)                                                                                         \
    X(kEXP) X(kLOG) X(kSQRT) X(kRECIP) X(kABS) X(kNEG) X(kSIN) X(kCOS) X(kTAN) X(kSINH) X(kCOSH) X(kASIN) X(kACOS) \
        X(kATAN) X(kASINH) X(kACOSH) X(kATANH) X(kCEIL) X(kFLOOR) X(kERF) X(kNOT) X(kSIGN) X(kROUND) X(kISINF)     \
            X(kISNAN) X(kBITWISE_NOT)

}  // namespace

bool unarySupports(int32_t op, DataType type) {
    switch (static_cast<U>(op)) {
#define KILN_UNARY_SUPPORTS(name) \
    case U::name: return supportsOp<U::name>(type);
        KILN_UNARY_CASES(KILN_UNARY_SUPPORTS)
#undef KILN_UNARY_SUPPORTS
    }
    return false;
}

int unary(int32_t op, DataType type, const void* in, void* out, int64_t n, void* stream) {
    if (n <= 0) return unarySupports(op, type) ? cudaSuccess : pw::kUnsupported;
    auto s = static_cast<cudaStream_t>(stream);
    switch (static_cast<U>(op)) {
#define KILN_UNARY_LAUNCH(name) \
    case U::name: return launchOp<U::name>(type, in, out, n, s);
        KILN_UNARY_CASES(KILN_UNARY_LAUNCH)
#undef KILN_UNARY_LAUNCH
    }
    return pw::kUnsupported;
}

}  // namespace kiln::cuda
