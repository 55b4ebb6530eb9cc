// Helper kernels of the matrix-product and convolution tactics: the bias add that cuBLASLt's
// epilogue cannot express, and the zero-padded window copy that turns asymmetric padding into
// cuDNN's symmetric one (and crops a full transposed convolution). Each returns a cudaError_t.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cuda/kernels/layout.h"
#include "kiln/types.h"

namespace kiln::cuda {

//! out[i] += bias[offsetOf(biasLayout, i)] over the n dense elements of out (biasLayout has the
//! output's dims and stride 0 on broadcast axes). out and bias: float, half, bf16 or double, each
//! its own type; the sum is computed in float (double for a double output).
int launchBiasAdd(void* out, DataType outType, const void* bias, DataType biasType, const Layout& biasLayout,
                  int64_t n, void* stream);

//! A dense copy between boxes of the same rank: out[c] = in[c - offset] where that index lies
//! inside inDims, else 0. Positive offsets pad, negative ones crop. Elements of 1, 2, 4 or 8 bytes.
struct WindowCopy {
    int32_t rank{0};
    int64_t inDims[kMaxRank]{};
    int64_t outDims[kMaxRank]{};
    int64_t offset[kMaxRank]{};
};
int launchWindowCopy(const void* in, void* out, size_t elemSize, const WindowCopy& w, void* stream);

}  // namespace kiln::cuda
