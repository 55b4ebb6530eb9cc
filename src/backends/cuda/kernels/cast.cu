// Cast: one kernel per (from, to) pair; conversions as the reference's castView(). The narrow
// types are encoded and decoded with core/float8.h, which the CPU reference uses too.
#include "backends/cuda/kernels/cast.h"

#include <limits>
#include <type_traits>

#include "backends/cuda/kernels/pointwise_common.cuh"
#include "core/float8.h"

namespace kiln::cuda {
namespace {

using pw::kThreads;

//! Stores the loaded value `v` (a compute type) into dst[i] as the reference converts.
template <class O, class V>
__device__ __forceinline__ void storeCast(O* dst, int64_t i, V v) {
    if constexpr (pw::kIsBool<O>) {
        pw::st(dst, i, v != 0);
    } else if constexpr (!pw::kIsFloat<O> && std::is_floating_point_v<V>) {
        // Float to integer truncates toward zero; out of range saturates, NaN gives 0.
        using C = pw::compute_t<O>;
        const double t = trunc(static_cast<double>(v));
        const double lo = static_cast<double>(std::numeric_limits<C>::lowest());
        const double hi = static_cast<double>(std::numeric_limits<C>::max());
        const C c = !(t == t)  ? C(0)
                    : t <= lo ? std::numeric_limits<C>::lowest()
                    : t >= hi ? std::numeric_limits<C>::max()
                              : static_cast<C>(t);
        pw::st(dst, i, c);
    } else {
        pw::st(dst, i, static_cast<pw::compute_t<O>>(v));
    }
}

template <class I, class O>
__global__ void __launch_bounds__(kThreads) castKernel(const I* in, O* out, int64_t n) {
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) storeCast(out, i, pw::ld(in, i));
}

template <class O>
__global__ void __launch_bounds__(kThreads) fromNarrowKernel(const uint8_t* in, O* out, int64_t n, Float8Format f) {
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) storeCast(out, i, float8ToFloat(in[i], f));
}

template <class I>
__global__ void __launch_bounds__(kThreads) toNarrowKernel(const I* in, uint8_t* out, int64_t n, Float8Format f,
                                                          bool saturate, E8M0RoundingMode rounding) {
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) {
        const auto v = pw::ld(in, i);
        out[i] = f == Float8Format::kE8M0 ? floatToE8m0(static_cast<float>(v), saturate, rounding)
                                          : floatToFloat8(static_cast<double>(v), f, saturate);
    }
}

//! To INT2/UINT2 as the ONNX reference: a float truncates toward zero and becomes 0 outside
//! the type's range (NaN too); an integer keeps its low two bits.
template <class I>
__global__ void __launch_bounds__(kThreads) toTwoBitKernel(const I* in, int8_t* out, int64_t n, bool isSigned) {
    const double lo = isSigned ? -2 : 0, hi = isSigned ? 1 : 3;
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) {
        const auto v = pw::ld(in, i);
        int r = 0;
        if constexpr (std::is_floating_point_v<decltype(v)>) {
            const double d = trunc(static_cast<double>(v));
            if (d >= lo && d <= hi) r = static_cast<int>(d);
        } else {
            r = static_cast<int>(static_cast<int64_t>(v) & 3);
            if (isSigned && r >= 2) r -= 4;
        }
        out[i] = static_cast<int8_t>(r);
    }
}

bool narrowFloat(DataType t, Float8Format& f) {
    switch (t) {
        case DataType::kFP8: f = Float8Format::kE4M3FN; return true;
        case DataType::kFP8E4M3FNUZ: f = Float8Format::kE4M3FNUZ; return true;
        case DataType::kFP8E5M2: f = Float8Format::kE5M2; return true;
        case DataType::kFP8E5M2FNUZ: f = Float8Format::kE5M2FNUZ; return true;
        case DataType::kFP4: f = Float8Format::kE2M1; return true;
        case DataType::kE8M0: f = Float8Format::kE8M0; return true;
        default: return false;
    }
}

bool isTwoBit(DataType t) { return t == DataType::kINT2 || t == DataType::kUINT2; }

//! INT2/UINT2 are read as the int8/uint8 they are stored in.
DataType storageOf(DataType t) {
    return t == DataType::kINT2 ? DataType::kINT8 : t == DataType::kUINT2 ? DataType::kUINT8 : t;
}

bool wide(DataType t) { return pw::dispatchType(t, [](auto) {}); }

}  // namespace

bool castSupports(DataType from, DataType to) {
    Float8Format f{};
    const DataType src = storageOf(from);
    if (wide(src) && (wide(to) || narrowFloat(to, f) || isTwoBit(to))) return true;
    return narrowFloat(from, f) && wide(to);
}

int cast(DataType from, DataType to, const void* in, void* out, int64_t n, void* stream, bool saturate,
         int32_t e8m0Rounding) {
    if (!castSupports(from, to)) return pw::kUnsupported;
    if (n <= 0) return cudaSuccess;
    auto s = static_cast<cudaStream_t>(stream);
    const unsigned grid = gridFor(n, kThreads);
    int status = pw::kUnsupported;
    Float8Format f{};
    const DataType src = storageOf(from);
    if (narrowFloat(from, f)) {
        pw::dispatchType(to, [&](auto outTag) {
            using O = decltype(outTag);
            fromNarrowKernel<O><<<grid, kThreads, 0, s>>>(static_cast<const uint8_t*>(in), static_cast<O*>(out), n, f);
            status = static_cast<int>(cudaGetLastError());
        });
        return status;
    }
    pw::dispatchType(src, [&](auto inTag) {
        using I = decltype(inTag);
        const I* pin = static_cast<const I*>(in);
        if (narrowFloat(to, f)) {
            toNarrowKernel<I><<<grid, kThreads, 0, s>>>(pin, static_cast<uint8_t*>(out), n, f, saturate,
                                                        static_cast<E8M0RoundingMode>(e8m0Rounding));
        } else if (isTwoBit(to)) {
            toTwoBitKernel<I><<<grid, kThreads, 0, s>>>(pin, static_cast<int8_t*>(out), n, to == DataType::kINT2);
        } else {
            pw::dispatchType(to, [&](auto outTag) {
                using O = decltype(outTag);
                castKernel<I, O><<<grid, kThreads, 0, s>>>(pin, static_cast<O*>(out), n);
            });
        }
        status = static_cast<int>(cudaGetLastError());
    });
    return status;
}

}  // namespace kiln::cuda
