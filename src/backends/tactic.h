// The tactic interface every backend shares: a tactic is one implementation of one op, with
// a name that is stable across releases (engine files store it). CPU tactics see host memory;
// CUDA tactics see device memory and run on `KernelArgs::stream`. Tactics register themselves
// by backend and op name (KILN_REGISTER_CPU_TACTIC, KILN_REGISTER_CUDA_TACTIC).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ir/host_tensor.h"
#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::backend {

//! What a kernel receives. Output views already carry their shapes (from shape inference) and
//! memory; a data-dependent op (NonZero) rewrites its output's dims to the actual shape.
struct KernelArgs {
    const ir::Op* op{nullptr};
    std::vector<ir::TensorView> inputs;  //!< rank -1 marks an absent optional input
    std::vector<ir::TensorView> outputs;
    void* workspace{nullptr};
    size_t workspaceSize{0};
    //! CUDA tactics: the cudaStream_t to launch on (never null: the context's or the caller's).
    void* stream{nullptr};

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
    std::string name;  //!< "reference", "openblas_sgemm", "cublaslt", ...; unique per op and backend
    //! May this tactic run this node? (types, attributes). Defaults to yes.
    std::function<bool(const ir::Op&, const std::vector<ir::ValueInfo>& inputs)> supports;
    //! Scratch bytes needed for these concrete shapes. Defaults to 0.
    std::function<size_t(const KernelArgs&)> workspaceSize;
    std::function<void(KernelArgs&)> run;
    //! Computes float32 products with TF32 tensor cores: a candidate only while the builder
    //! config allows TF32 (BuilderFlag::kTF32, on by default; kiln exec --noTF32 clears it).
    bool tf32{false};
};

void registerTactic(DeviceType backend, const char* opName, Tactic tactic);
//! Tactics of a backend for an op, the reference first on the CPU. Empty if there are none.
const std::vector<Tactic>& tacticsFor(DeviceType backend, const std::string& opName);
const Tactic* findTactic(DeviceType backend, const std::string& opName, const std::string& tacticName);

struct TacticRegistration {
    TacticRegistration(DeviceType backend, const char* opName, Tactic tactic) {
        registerTactic(backend, opName, std::move(tactic));
    }
};

#define KILN_TACTIC_CONCAT2(a, b) a##b
#define KILN_TACTIC_CONCAT(a, b) KILN_TACTIC_CONCAT2(a, b)

}  // namespace kiln::backend
