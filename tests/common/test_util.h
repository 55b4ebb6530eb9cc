// Helpers shared by the tests: random tensors (fresh each run, seed printed on failure) and
// comparisons with a clear report of the worst element.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ir/host_tensor.h"

namespace kiln::test {

//! The generator of this test run; its seed comes from KILN_TEST_SEED or the clock, and is
//! printed by a failing comparison so that a failure can be replayed.
std::mt19937& rng();
uint32_t seed();

ir::HostTensor randomTensor(DataType type, std::vector<int64_t> dims, double lo = -1.0, double hi = 1.0);
ir::HostTensor tensorFrom(std::vector<int64_t> dims, const std::vector<float>& values);
ir::HostTensor intTensor(DataType type, std::vector<int64_t> dims, const std::vector<int64_t>& values);

//! Element-wise comparison (any types, compared as double); `atol + rtol * |expected|`.
::testing::AssertionResult allClose(const ir::HostTensor& actual, const ir::HostTensor& expected,
                                    double rtol = 1e-5, double atol = 1e-6);

}  // namespace kiln::test
