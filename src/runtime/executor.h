// The executor: runs a plan's steps with their tactics (CPU, or CUDA on a stream). Shared by the execution context (inference)
// and the builder (tactic timing at the OPT shape).
//
//   reshape(input dims)  → every tensor's concrete dims (upper bounds for data-dependent sizes)
//                          and its offset in one activation arena (liveness-based reuse)
//   execute(arena, I/O)  → runs the steps with the planned dims; in a plan with data-dependent
//                          sizes (NonZero), shapes are re-inferred from the actual inputs so they
//                          become exact as execution proceeds.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "backends/cpu/kernel.h"
#include "engine/engine_data.h"
#include "kiln/gpu_allocator.h"
#include "ir/host_tensor.h"
#include "ir/op.h"

namespace kiln::runtime {

constexpr size_t kArenaAlignment = 256;

//! What execution knows of each tensor slot for the current shapes.
struct SlotState {
    std::vector<int64_t> dims;
    size_t bytes{0};        //!< planned capacity (upper bound)
    size_t arenaOffset{0};  //!< activations only
    std::optional<std::vector<int64_t>> values;  //!< known values of small int tensors
};

struct MemoryPlan {
    std::vector<SlotState> slots;
    size_t arenaSize{0};
    size_t workspaceSize{0};  //!< largest workspace of any step (placed after the activations)
};

//! Immutable, prepared form of a plan: ops built from their attributes, tactics resolved,
//! weights viewed in place. Shared by all contexts of an engine.
class PreparedPlan {
public:
    //! Throws KilnError if an op or tactic is unknown, or attributes don't fit the op. A GPU
    //! plan's weights are copied to the current device, through `allocator` (nullptr: cudaMalloc).
    //! `deviceWeights` false keeps them on the host (memory planning needs only their shapes).
    explicit PreparedPlan(const engine::Plan& plan, GpuAllocator* allocator = nullptr, bool deviceWeights = true);

    DeviceType backend() const { return mPlan.header.backend; }
    //! Bytes of weights on the device (GPU plans; 0 on the CPU).
    size_t deviceWeightBytes() const { return mDeviceWeightBytes; }

    const engine::Plan& plan() const { return mPlan; }
    const ir::Op& op(size_t step) const { return *mOps[step]; }
    const cpu::Tactic& tactic(size_t step) const { return *mTactics[step]; }
    void setTactic(size_t step, const cpu::Tactic* tactic) { mTactics[step] = tactic; }
    //! A view of the weights: the plan's own bytes on the CPU, their device copy on the GPU.
    const ir::TensorView& weights(int32_t index) const { return mWeights[index]; }
    int32_t slotIndex(const std::string& name) const;
    //! True when some op's output size depends on data (NonZero): planned dims downstream of it
    //! are upper bounds, so execution infers shapes again step by step.
    bool hasDataDependentShapes() const { return mDataDependentShapes; }

    //! Concrete dims and arena offsets for these input dims (by input name).
    MemoryPlan planMemory(const std::map<std::string, std::vector<int64_t>>& inputDims) const;

private:
    const engine::Plan& mPlan;
    std::vector<std::unique_ptr<ir::Op>> mOps;
    std::vector<const cpu::Tactic*> mTactics;
    std::vector<ir::TensorView> mWeights;
    //! Values of small integer weights (shape constants), read once.
    std::vector<std::optional<std::vector<int64_t>>> mWeightValues;
    std::map<std::string, int32_t> mSlotByName;
    bool mDataDependentShapes{false};
    std::shared_ptr<void> mDeviceWeights;  //!< a cuda::DeviceBuffer holding every weight (GPU plans)
    size_t mDeviceWeightBytes{0};
};

//! Called after each step (profiling) or instead of it (tactic timing).
using StepHook = std::function<void(size_t step, cpu::KernelArgs& args)>;

struct ExecuteOptions {
    StepHook replaceStep;  //!< if set, called instead of the tactic's run
    StepHook afterStep;
    void* stream{nullptr};  //!< GPU plans: the cudaStream_t every step is launched on
};

//! Runs every step. `io` maps I/O tensor names to their memory; `arena` holds at least
//! plan.arenaSize + plan.workspaceSize bytes. Returns the actual dims of every slot.
std::vector<std::vector<int64_t>> execute(const PreparedPlan& prepared, const MemoryPlan& memory, void* arena,
                                          const std::map<std::string, void*>& io, const ExecuteOptions& options = {});

}  // namespace kiln::runtime
