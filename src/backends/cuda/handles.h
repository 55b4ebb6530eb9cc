// Library handles of the matrix and convolution tactics: one cuBLASLt and one cuDNN handle per
// thread and device, created on first use and kept for the thread's life (creating them costs
// milliseconds, far more than a small kernel). A handle is never shared between threads, so
// setting its stream before each call is safe.
#pragma once

#include <cublasLt.h>
#include <cudnn.h>

namespace kiln::cuda {

//! The calling thread's cuBLASLt handle for the current device. Throws on failure.
cublasLtHandle_t cublasLtHandle();

//! The calling thread's cuDNN handle for the current device. Throws on failure.
cudnnHandle_t cudnnHandle();

//! Throws KilnError(kFAILED_EXECUTION) "<what>: cuBLASLt error <name> (<text>)" when status fails.
void checkCublas(cublasStatus_t status, const char* what);

//! Throws KilnError(kFAILED_EXECUTION) "<what>: cuDNN error <text>" when status fails.
void checkCudnn(cudnnStatus_t status, const char* what);

}  // namespace kiln::cuda
