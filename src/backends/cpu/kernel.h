// CPU kernels. Every op has a "reference" tactic (obviously correct, the oracle of every test);
// hot ops add fast tactics. Tactics register themselves by op name (KILN_REGISTER_CPU_TACTIC);
// the tactic interface itself is every backend's (backends/tactic.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backends/tactic.h"
#include "ir/host_tensor.h"
#include "ir/op.h"

namespace kiln::cpu {

using backend::absentInput;
using backend::KernelArgs;
using backend::Tactic;

//! The CPU's tactics (backend::registerTactic with DeviceType::kCPU).
void registerTactic(const char* opName, Tactic tactic);
//! Tactics for an op, the reference first. Empty if the op has no CPU kernel.
const std::vector<Tactic>& tacticsFor(const std::string& opName);
const Tactic* findTactic(const std::string& opName, const std::string& tacticName);

//! Runs the reference kernel on host tensors (constant folding and tests use this).
//! Output shapes come from shape inference with the inputs' concrete shapes and values.
std::vector<ir::HostTensor> evaluateReference(const ir::Op& op, const std::vector<const ir::HostTensor*>& inputs,
                                              const std::string& nodeName = "node");
//! Same, with a named tactic (tests run every fast tactic against the reference this way).
std::vector<ir::HostTensor> evaluateWithTactic(const ir::Op& op, const std::vector<const ir::HostTensor*>& inputs,
                                               const std::string& tacticName, const std::string& nodeName = "node");

struct TacticRegistration {
    TacticRegistration(const char* opName, Tactic tactic) { registerTactic(opName, std::move(tactic)); }
};

#define KILN_CPU_CONCAT2(a, b) a##b
#define KILN_CPU_CONCAT(a, b) KILN_CPU_CONCAT2(a, b)
//! KILN_REGISTER_CPU_TACTIC("Convolution", makeTactic(...));
#define KILN_REGISTER_CPU_TACTIC(opName, tactic) \
    static const ::kiln::cpu::TacticRegistration KILN_CPU_CONCAT(kTactic, __LINE__)(opName, tactic)

//! Row-major strides of a view.
void stridesOf(const ir::TensorView& v, int64_t* strides);

//! A possibly negative axis, checked: "<op>: axis <a> out of range for rank <r>".
int32_t normalizedAxis(int64_t axis, int32_t rank, const char* op);

//! A view as [outer, len, inner] around one axis: the layout that axis-wise kernels walk
//! (element (o, j, i) is at (o * len + j) * inner + i).
struct AxisSplit {
    int64_t outer{1}, len{1}, inner{1};
};
AxisSplit splitAt(const ir::TensorView& v, int32_t axis);

}  // namespace kiln::cpu
