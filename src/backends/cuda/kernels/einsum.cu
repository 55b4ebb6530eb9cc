// Einsum: see einsum.h.
#include "backends/cuda/kernels/einsum.h"

#include <type_traits>

#include "backends/cuda/kernels/pointwise_common.cuh"

namespace kiln::cuda {
namespace {

template <class T>
__global__ void __launch_bounds__(pw::kThreads) einsumKernel(T* out, EinsumParams p) {
    using Acc = std::conditional_t<std::is_integral_v<T>, int64_t, double>;
    for (int64_t o = pw::firstIndex(); o < p.outCount; o += pw::indexStep()) {
        int64_t base[kEinsumMaxOperands] = {};
        int64_t r = o;
        for (int32_t l = p.nbOut; l-- > 0;) {  // the output position's label values
            const int64_t v = r % p.sizes[l];
            r /= p.sizes[l];
            for (int32_t i = 0; i < p.nbOperands; ++i) base[i] += v * p.strides[i][l];
        }
        Acc acc = 0;
        for (int64_t s = 0; s < p.sumCount; ++s) {
            int64_t off[kEinsumMaxOperands];
            for (int32_t i = 0; i < p.nbOperands; ++i) off[i] = base[i];
            int64_t q = s;
            for (int32_t l = p.nbLabels; l-- > p.nbOut;) {  // the summed labels' values
                const int64_t v = q % p.sizes[l];
                q /= p.sizes[l];
                for (int32_t i = 0; i < p.nbOperands; ++i) off[i] += v * p.strides[i][l];
            }
            Acc prod = 1;
            for (int32_t i = 0; i < p.nbOperands; ++i)
                prod *= static_cast<Acc>(pw::ld(static_cast<const T*>(p.operands[i]), off[i]));
            acc += prod;
        }
        pw::st(out, o, static_cast<pw::compute_t<T>>(acc));
    }
}

}  // namespace

bool einsumSupportsType(DataType type) {
    return type == DataType::kFLOAT || type == DataType::kHALF || type == DataType::kBF16 ||
           type == DataType::kDOUBLE || type == DataType::kINT32 || type == DataType::kINT64;
}

int launchEinsum(void* out, DataType type, const EinsumParams& p, void* stream) {
    if (!einsumSupportsType(type)) return pw::kUnsupported;
    if (p.outCount <= 0) return cudaSuccess;
    int status = pw::kUnsupported;
    pw::dispatchType(type, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (pw::kIsFloat<T> || std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
            einsumKernel<T><<<gridFor(p.outCount, pw::kThreads), pw::kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
                static_cast<T*>(out), p);
            status = static_cast<int>(cudaGetLastError());
        }
    });
    return status;
}

}  // namespace kiln::cuda
