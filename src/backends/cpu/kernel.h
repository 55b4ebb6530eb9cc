// CPU kernels. Every op has a "reference" tactic (obviously correct, the oracle of every test);
// hot ops add fast tactics. Tactics register themselves by op name (KILN_REGISTER_CPU_TACTIC).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ir/host_tensor.h"
#include "ir/op.h"

namespace kiln::cpu {

//! What a kernel receives. Output views already carry their shapes (from shape inference) and
//! memory; a data-dependent op (NonZero) rewrites its output's dims to the actual shape.
struct KernelArgs {
    const ir::Op* op{nullptr};
    std::vector<ir::TensorView> inputs;  //!< rank -1 marks an absent optional input
    std::vector<ir::TensorView> outputs;
    void* workspace{nullptr};
    size_t workspaceSize{0};

    bool has(size_t i) const { return i < inputs.size() && inputs[i].rank >= 0; }
    template <class OpT>
    const OpT& opAs() const { return static_cast<const OpT&>(*op); }
};

//! The view of an absent optional input (rank -1).
inline ir::TensorView absentInput() {
    ir::TensorView v;
    v.rank = -1;
    return v;
}

struct Tactic {
    std::string name;  //!< "reference", "openblas_sgemm", ...; unique per op
    //! May this tactic run this node? (types, attributes). Defaults to yes.
    std::function<bool(const ir::Op&, const std::vector<ir::ValueInfo>& inputs)> supports;
    //! Scratch bytes needed for these concrete shapes. Defaults to 0.
    std::function<size_t(const KernelArgs&)> workspaceSize;
    std::function<void(KernelArgs&)> run;
};

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
