#include "backends/cuda/tactic.h"

#include <string>

namespace kiln::cuda {

void checkLaunch(const KernelArgs& args, const char* kernel) {
    cudaError_t status = cudaGetLastError();
    if (status == cudaSuccess) return;
    std::string what = std::string(args.op ? args.op->name() : "?") + ": kernel " + kernel;
    check(status, what.c_str());
}

}  // namespace kiln::cuda
