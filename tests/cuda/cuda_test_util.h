// GPU kernel tests: every CUDA tactic of an op against the CPU reference kernel, on the same
// (fresh random) inputs. On a machine without a GPU (CI) the tests skip; scripts/gpu runs them
// on the GPU machine.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/test_util.h"
#include "ir/host_tensor.h"
#include "ir/op.h"

namespace kiln::test {

bool haveGpu();

//! Skips the test when there is no GPU.
#define KILN_REQUIRE_GPU() \
    if (!::kiln::test::haveGpu()) GTEST_SKIP() << "no GPU on this machine"

struct GpuCheck {
    double rtol{1e-5};
    double atol{1e-6};
    //! Names of tactics to run; empty: every CUDA tactic that supports the node.
    std::vector<std::string> tactics;
};

//! A check with these tolerances (and, if given, only these tactics).
inline GpuCheck tol(double rtol, double atol, std::vector<std::string> tactics = {}) {
    return GpuCheck{rtol, atol, std::move(tactics)};
}

//! Runs `op` on `inputs` (nullptr: absent optional input) with the CPU reference and with every
//! CUDA tactic that supports it, and compares each output. Fails if no CUDA tactic supports it.
::testing::AssertionResult gpuMatchesReference(const ir::Op& op, const std::vector<const ir::HostTensor*>& inputs,
                                               const GpuCheck& check = {});

//! The same for inputs held by value.
::testing::AssertionResult gpuMatchesReference(const ir::Op& op, const std::vector<ir::HostTensor>& inputs,
                                               const GpuCheck& check = {});

//! Runs one CUDA tactic and returns its outputs (shapes from shape inference).
std::vector<ir::HostTensor> runOnGpu(const ir::Op& op, const std::vector<const ir::HostTensor*>& inputs,
                                     const std::string& tactic);

}  // namespace kiln::test
