#pragma once

#include <cstdint>

namespace kiln::cuda {

//! Sets n floats of device memory to `value` on `stream` (a cudaStream_t); returns the cudaError_t.
int fill(float* data, int64_t n, float value, void* stream);

}  // namespace kiln::cuda
