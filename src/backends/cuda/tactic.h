// CUDA tactics: the shared tactic interface (backends/tactic.h) with device memory in every
// view and the stream in KernelArgs::stream. Kernels live in kernels/<family>.cu behind plain
// launch functions (nvcc compiles C++17, the IR is C++20); the tactics that read the ops and
// call those launchers live in tactics/<family>.cpp.
#pragma once

#include <cuda_runtime_api.h>

#include <utility>

#include "backends/cuda/device.h"
#include "backends/tactic.h"

namespace kiln::cuda {

using backend::KernelArgs;
using backend::Tactic;

//! KILN_REGISTER_CUDA_TACTIC("ElementWise", makeTactic(...));
#define KILN_REGISTER_CUDA_TACTIC(opName, tactic)                                                     \
    static const ::kiln::backend::TacticRegistration KILN_TACTIC_CONCAT(kCudaTactic, __LINE__)( \
        ::kiln::DeviceType::kGPU, opName, tactic)

//! A tactic of a name, a supports test and a run function (no workspace).
inline Tactic simpleTactic(const char* name, decltype(Tactic::supports) supports, void (*run)(KernelArgs&)) {
    Tactic t;
    t.name = name;
    t.supports = std::move(supports);
    t.run = run;
    return t;
}

inline cudaStream_t streamOf(const KernelArgs& args) { return static_cast<cudaStream_t>(args.stream); }

//! Throws (naming the op and the launch) when the last launch failed.
void checkLaunch(const KernelArgs& args, const char* kernel);

}  // namespace kiln::cuda
