// Resize on the GPU: every output element sums over the taps of each axis (the tables the
// host builds with cpu::resize::axisTaps, copied into the workspace).
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln::cuda {

constexpr int kResizeMaxRank = 8;

//! Device pointers into the workspace: axis d's output coordinate o has the taps
//! [starts[d][o], starts[d][o + 1]) of `index` (-1: extrapolated) and `weight`.
struct ResizeTables {
    int32_t rank{0};
    int64_t inStrides[kResizeMaxRank]{};
    int64_t outDims[kResizeMaxRank]{};
    const int32_t* starts[kResizeMaxRank]{};
    const int32_t* index{nullptr};
    const double* weight{nullptr};
};

//! nearest: the one tap is copied (any element type); else the weighted sum, float types only.
//! Returns a cudaError_t (cudaErrorInvalidValue for a type the kernel lacks).
int launchResize(DataType type, bool nearest, const void* x, void* y, int64_t n, const ResizeTables& tables,
                 double extrapolationValue, void* stream);

}  // namespace kiln::cuda
