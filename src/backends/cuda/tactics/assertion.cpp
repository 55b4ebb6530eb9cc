// Assertion on the GPU: the condition (a bool tensor, in practice a handful of shape checks
// the parser inserted) is read back to the host and checked there, so that a false element
// fails the execution with the node's message as on the CPU. The read-back waits for the
// stream: the price of a host-visible error, paid only by networks that assert.
#include <cuda_runtime_api.h>

#include <string>
#include <vector>

#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/assertion.h"

namespace kiln::cuda {
namespace {

Tactic assertionTactic() {
    Tactic t;
    t.name = "cuda_assertion";
    t.supports = [](const ir::Op&, const std::vector<ir::ValueInfo>& in) {
        return in.size() == 1 && in[0].type == DataType::kBOOL;
    };
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::AssertionOp>();
        const ir::TensorView& in = args.inputs[0];
        const size_t n = static_cast<size_t>(in.numel());
        if (n == 0) return;
        std::string host(n, '\0');  // (a std::vector here trips a GCC 12 -Wfree-nonheap-object false positive)
        check(cudaMemcpyAsync(host.data(), in.data, n, cudaMemcpyDeviceToHost, streamOf(args)),
              "Assertion: cudaMemcpyAsync");
        check(cudaStreamSynchronize(streamOf(args)), "Assertion: cudaStreamSynchronize");
        for (char v : host)
            KILN_CHECK_CODE(v != 0, ErrorCode::kFAILED_EXECUTION)
                << (op.message.empty() ? std::string("Assertion failed") : op.message);
    };
    return t;
}

KILN_REGISTER_CUDA_TACTIC("Assertion", assertionTactic());

}  // namespace
}  // namespace kiln::cuda
