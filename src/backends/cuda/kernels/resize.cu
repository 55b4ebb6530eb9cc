// Resize kernel: one thread per output element, an odometer over the axes' taps.
#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/resize.h"

namespace kiln::cuda {
namespace {

template <class T>
__device__ __forceinline__ T fromDouble(double v) {
    if constexpr (std::is_same_v<T, double>) return v;
    else if constexpr (std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16> || std::is_same_v<T, float>)
        return fromFloat<T>(static_cast<float>(v));
    else return static_cast<T>(v);
}

template <class T>
__device__ __forceinline__ double toDouble(T v) {
    if constexpr (std::is_same_v<T, double>) return v;
    else return static_cast<double>(toFloat<T>(v));
}

template <class T, bool kNearest>
__global__ void resizeKernel(const T* x, T* y, int64_t n, ResizeTables t, double extrapolation) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        int32_t begin[kResizeMaxRank], end[kResizeMaxRank], tap[kResizeMaxRank];
        bool extrapolated = false;
        int64_t rest = i;
        for (int d = t.rank - 1; d >= 0; --d) {
            const int64_t o = rest % t.outDims[d];
            rest /= t.outDims[d];
            begin[d] = t.starts[d][o];
            end[d] = t.starts[d][o + 1];
            tap[d] = begin[d];
            extrapolated = extrapolated || t.index[begin[d]] < 0;
        }
        if (extrapolated) {
            y[i] = fromDouble<T>(extrapolation);
            continue;
        }
        if constexpr (kNearest) {
            int64_t off = 0;
            for (int d = 0; d < t.rank; ++d) off += t.index[begin[d]] * t.inStrides[d];
            y[i] = x[off];
        } else {
            double sum = 0;
            while (true) {
                int64_t off = 0;
                double w = 1;
                for (int d = 0; d < t.rank; ++d) {
                    off += t.index[tap[d]] * t.inStrides[d];
                    w *= t.weight[tap[d]];
                }
                sum += w * toDouble(x[off]);
                int d = t.rank - 1;
                for (; d >= 0 && ++tap[d] == end[d]; --d) tap[d] = begin[d];
                if (d < 0) break;
            }
            y[i] = fromDouble<T>(sum);
        }
    }
}

}  // namespace

int launchResize(DataType type, bool nearest, const void* x, void* y, int64_t n, const ResizeTables& tables,
                 double extrapolationValue, void* stream) {
    if (n == 0) return cudaSuccess;
    auto s = static_cast<cudaStream_t>(stream);
    bool known = false;
    auto launch = [&](auto tag) {
        using T = decltype(tag);
        known = true;
        if (nearest)
            resizeKernel<T, true><<<gridFor(n), 256, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(y), n, tables,
                                                             extrapolationValue);
        else
            resizeKernel<T, false><<<gridFor(n), 256, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(y), n, tables,
                                                              extrapolationValue);
    };
    if (nearest) {
        dispatchAll(type, launch);
    } else if (type == DataType::kDOUBLE) {
        launch(double{});
    } else {
        dispatchFloat(type, launch);
    }
    return known ? cudaGetLastError() : cudaErrorInvalidValue;
}

}  // namespace kiln::cuda
