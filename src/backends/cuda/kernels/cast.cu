// Cast: one kernel per (from, to) pair; conversions as the reference's castView().
#include "backends/cuda/kernels/cast.h"

#include <limits>
#include <type_traits>

#include "backends/cuda/kernels/pointwise_common.cuh"

namespace kiln::cuda {
namespace {

using pw::kThreads;

template <class I, class O>
__device__ __forceinline__ void castOne(const I* src, O* dst, int64_t i) {
    const auto v = pw::ld(src, i);
    if constexpr (pw::kIsBool<O>) {
        pw::st(dst, i, v != 0);
    } else if constexpr (!pw::kIsFloat<O> && pw::kIsFloat<I>) {
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
    for (int64_t i = pw::firstIndex(); i < n; i += pw::indexStep()) castOne(in, out, i);
}

}  // namespace

bool castSupports(DataType from, DataType to) {
    return pw::dispatchType(from, [](auto) {}) && pw::dispatchType(to, [](auto) {});
}

int cast(DataType from, DataType to, const void* in, void* out, int64_t n, void* stream) {
    if (!castSupports(from, to)) return pw::kUnsupported;
    if (n <= 0) return cudaSuccess;
    auto s = static_cast<cudaStream_t>(stream);
    int status = pw::kUnsupported;
    pw::dispatchType(from, [&](auto inTag) {
        using I = decltype(inTag);
        pw::dispatchType(to, [&](auto outTag) {
            using O = decltype(outTag);
            castKernel<I, O><<<gridFor(n, kThreads), kThreads, 0, s>>>(static_cast<const I*>(in),
                                                                      static_cast<O*>(out), n);
            status = static_cast<int>(cudaGetLastError());
        });
    });
    return status;
}

}  // namespace kiln::cuda
