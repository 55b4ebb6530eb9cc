// Shapes and strides as kernels receive them (plain data, shared by the C++20 tactics and the
// C++17 device code). Broadcast inputs get stride 0 along the broadcast axes.
#pragma once

#include <cstdint>

// Callable from device code too when nvcc compiles the includer.
#ifdef __CUDACC__
#define KILN_HOST_DEVICE __host__ __device__
#else
#define KILN_HOST_DEVICE
#endif

namespace kiln::cuda {

constexpr int kMaxRank = 8;

struct Layout {
    int32_t rank{0};
    int64_t dims[kMaxRank]{};
    int64_t strides[kMaxRank]{};  //!< in elements
};

//! Row-major layout of dims[0..rank).
KILN_HOST_DEVICE inline Layout denseLayout(int32_t rank, const int64_t* dims) {
    Layout l;
    l.rank = rank;
    int64_t s = 1;
    for (int32_t i = rank - 1; i >= 0; --i) {
        l.dims[i] = dims[i];
        l.strides[i] = s;
        s *= dims[i];
    }
    return l;
}

//! The layout of a tensor of `rank`/`dims` read as if broadcast to `outRank`/`outDims`
//! (numpy rules: aligned at the last axis, size-1 axes repeat).
KILN_HOST_DEVICE inline Layout broadcastLayout(int32_t rank, const int64_t* dims, int32_t outRank, const int64_t* outDims) {
    Layout dense = denseLayout(rank, dims);
    Layout l;
    l.rank = outRank;
    for (int32_t i = 0; i < outRank; ++i) {
        l.dims[i] = outDims[i];
        int32_t j = i - (outRank - rank);
        l.strides[i] = (j < 0 || dims[j] == 1) ? 0 : dense.strides[j];
    }
    return l;
}

KILN_HOST_DEVICE inline int64_t numelOf(const Layout& l) {
    int64_t n = 1;
    for (int32_t i = 0; i < l.rank; ++i) n *= l.dims[i];
    return n;
}

}  // namespace kiln::cuda
