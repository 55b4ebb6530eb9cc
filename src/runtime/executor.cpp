#include "runtime/executor.h"

#include <algorithm>

#include "backends/cpu/dispatch.h"
#ifdef KILN_HAVE_CUDA
#include "backends/cuda/memory.h"
#endif
#include "core/status.h"

namespace kiln::runtime {

namespace {
size_t alignUp(size_t v, size_t a) { return (v + a - 1) / a * a; }

std::unique_ptr<ir::Op> makeOp(const engine::Step& step) {
    std::unique_ptr<ir::Op> op = ir::createOp(step.opName);
    KILN_CHECK_CODE(op != nullptr, ErrorCode::kINVALID_ARGUMENT)
        << "engine step '" << step.layerName << "' uses unknown op '" << step.opName << "'";
    op->setAttributes(step.attributes);
    return op;
}

//! Concrete shape inference of one step from its inputs' dims and (for shape inputs) values.
std::vector<ir::ValueInfo> inferStep(const PreparedPlan& p, size_t s, const std::vector<SlotState>& slots,
                                     const std::vector<DataType>& types) {
    const engine::Step& step = p.plan().steps[s];
    std::vector<ir::ValueInfo> infos(step.inputs.size());
    std::vector<const ir::ValueInfo*> ptrs(step.inputs.size(), nullptr);
    for (size_t i = 0; i < step.inputs.size(); ++i) {
        int32_t slot = step.inputs[i];
        if (slot < 0) continue;
        infos[i].type = types[slot];
        infos[i].shape = ir::shapeOf(slots[slot].dims);
        if (slots[slot].values) infos[i].value = ir::shapeOf(*slots[slot].values);
        ptrs[i] = &infos[i];
    }
    ir::InferContext ctx(step.layerName, ptrs, [](const ir::DimExpr& bound) { return bound; });
    p.op(s).inferShapes(ctx);
    return std::move(ctx.outputs());
}

std::optional<std::vector<int64_t>> concreteValues(const std::optional<std::vector<ir::DimExpr>>& v) {
    if (!v) return std::nullopt;
    std::vector<int64_t> out;
    for (const auto& d : *v) {
        if (!d.isConst()) return std::nullopt;
        out.push_back(d.value());
    }
    return out;
}

std::vector<int64_t> readValues(const ir::TensorView& v) {
    std::vector<int64_t> out;
    int64_t n = v.numel();
    for (int64_t i = 0; i < n; ++i) out.push_back(cpu::loadIndex(v, i));
    return out;
}
}  // namespace

//! One device buffer with every weight at a 256-byte aligned offset; `views` are re-pointed there.
std::shared_ptr<void> uploadWeights(const engine::Plan& plan, std::vector<ir::TensorView>& views,
                                    GpuAllocator* allocator, size_t& total) {
    total = 0;
    std::vector<size_t> offsets;
    for (const auto& w : plan.weights) {
        offsets.push_back(total);
        total += alignUp(std::max<size_t>(w.bytes.size(), 1), kArenaAlignment);
    }
#ifdef KILN_HAVE_CUDA
    auto buffer = std::make_shared<cuda::DeviceBuffer>(
        cuda::DeviceBuffer::withMessage(total, allocator, "Allocation failed during deserialization of weights."));
    for (size_t i = 0; i < plan.weights.size(); ++i) {
        auto* dst = static_cast<uint8_t*>(buffer->data()) + offsets[i];
        cuda::copyToDevice(dst, plan.weights[i].bytes.data(), plan.weights[i].bytes.size(), nullptr);
        views[i].data = dst;
    }
    cuda::synchronize(nullptr);
    return buffer;
#else
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "the plan was built for the GPU, and this build of Kiln has no GPU backend";
#endif
}

PreparedPlan::PreparedPlan(const engine::Plan& plan, GpuAllocator* allocator, bool deviceWeights) : mPlan(plan) {
    for (const auto& w : plan.weights) {
        // Kernels never write their inputs, so the view may point into the (const) plan.
        ir::TensorView v = ir::makeView(w.type, w.dims, const_cast<uint8_t*>(w.bytes.data()));
        KILN_CHECK_CODE(v.bytes() == w.bytes.size(), ErrorCode::kINVALID_ARGUMENT)
            << "engine weights have " << w.bytes.size() << " bytes, expected " << v.bytes();
        const bool shapeConstant = (w.type == DataType::kINT32 || w.type == DataType::kINT64) && v.rank <= 1 &&
                                   v.numel() <= ir::kMaxShapeValueElements;
        mWeightValues.push_back(shapeConstant ? std::optional(readValues(v)) : std::nullopt);
        mWeights.push_back(v);
    }
    for (size_t i = 0; i < plan.tensors.size(); ++i) mSlotByName[plan.tensors[i].name] = static_cast<int32_t>(i);
    for (const auto& step : plan.steps) {
        mOps.push_back(makeOp(step));
        mDataDependentShapes = mDataDependentShapes || mOps.back()->hasDataDependentShape();
        // GPU steps would have to read sizes back from the device between launches.
        KILN_CHECK_CODE(!(mDataDependentShapes && backend() == DeviceType::kGPU), ErrorCode::kUNSUPPORTED_STATE)
            << "engine step '" << step.layerName << "' (" << step.opName
            << ") has a data-dependent output shape, which GPU engines do not support yet";
        // An empty name: a plan the builder is still choosing tactics for (setTactic follows);
        // the plan reader refuses it in a file.
        const backend::Tactic* t = backend::findTactic(backend(), step.opName, step.tacticName);
        KILN_CHECK_CODE(t != nullptr || step.tacticName.empty(), ErrorCode::kINVALID_ARGUMENT)
            << "engine step '" << step.layerName << "' uses unknown implementation '" << step.tacticName << "'";
        mTactics.push_back(t);
    }
    if (backend() == DeviceType::kGPU && deviceWeights) mDeviceWeights = uploadWeights(plan, mWeights, allocator, mDeviceWeightBytes);
}

int32_t PreparedPlan::slotIndex(const std::string& name) const {
    auto it = mSlotByName.find(name);
    return it == mSlotByName.end() ? -1 : it->second;
}

MemoryPlan PreparedPlan::planMemory(const std::map<std::string, std::vector<int64_t>>& inputDims) const {
    MemoryPlan mp;
    const auto& tensors = mPlan.tensors;
    mp.slots.resize(tensors.size());
    std::vector<DataType> types;
    for (const auto& t : tensors) types.push_back(t.type);
    for (size_t i = 0; i < tensors.size(); ++i) {
        if (tensors[i].weightIndex >= 0) {
            mp.slots[i].dims = mWeights[tensors[i].weightIndex].shape();
            mp.slots[i].values = mWeightValues[tensors[i].weightIndex];
        } else if (tensors[i].isInput) {
            auto it = inputDims.find(tensors[i].name);
            KILN_CHECK_CODE(it != inputDims.end(), ErrorCode::kINVALID_STATE)
                << "input '" << tensors[i].name << "' has no shape";
            mp.slots[i].dims = it->second;
        }
    }
    for (size_t s = 0; s < mPlan.steps.size(); ++s) {
        auto outs = inferStep(*this, s, mp.slots, types);
        const auto& step = mPlan.steps[s];
        KILN_CHECK_CODE(outs.size() == step.outputs.size(), ErrorCode::kINVALID_ARGUMENT)
            << step.layerName << ": the engine lists " << step.outputs.size() << " outputs, the op produces "
            << outs.size();
        for (size_t o = 0; o < outs.size(); ++o) {
            SlotState& st = mp.slots[step.outputs[o]];
            st.dims = ir::constValues(outs[o].shape);
            st.values = concreteValues(outs[o].value);
        }
    }
    // Liveness-based placement: largest first, each at the lowest offset that does not
    // overlap a placed tensor whose lifetime overlaps.
    struct Item {
        int32_t slot;
        size_t bytes;
        int32_t first, last;
    };
    std::vector<Item> items;
    for (size_t i = 0; i < tensors.size(); ++i) {
        mp.slots[i].bytes = ir::byteSizeOf(tensors[i].type, mp.slots[i].dims);
        bool activation = !tensors[i].isInput && !tensors[i].isOutput && tensors[i].weightIndex < 0;
        if (activation && tensors[i].firstStep >= 0)
            items.push_back({static_cast<int32_t>(i), alignUp(std::max<size_t>(mp.slots[i].bytes, 1), kArenaAlignment),
                             tensors[i].firstStep, std::max(tensors[i].lastStep, tensors[i].firstStep)});
    }
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.bytes > b.bytes; });
    std::vector<const Item*> placed;
    for (Item& it : items) {
        std::vector<std::pair<size_t, size_t>> busy;
        for (const Item* p : placed)
            if (!(p->last < it.first || it.last < p->first))
                busy.emplace_back(mp.slots[p->slot].arenaOffset, mp.slots[p->slot].arenaOffset + p->bytes);
        std::sort(busy.begin(), busy.end());
        size_t offset = 0;
        for (const auto& [b, e] : busy) {
            if (offset + it.bytes <= b) break;
            offset = std::max(offset, e);
        }
        size_t end = 0;
        KILN_CHECK_CODE(!__builtin_add_overflow(offset, it.bytes, &end), ErrorCode::kINVALID_ARGUMENT)
            << "the activation memory for these shapes overflows the address space";
        mp.slots[it.slot].arenaOffset = offset;
        mp.arenaSize = std::max(mp.arenaSize, end);
        placed.push_back(&it);
    }
    for (const auto& step : mPlan.steps) mp.workspaceSize = std::max<size_t>(mp.workspaceSize, step.workspaceSize);
    return mp;
}

std::vector<std::vector<int64_t>> execute(const PreparedPlan& p, const MemoryPlan& memory, void* arena,
                                          const std::map<std::string, void*>& io, const ExecuteOptions& options) {
    const engine::Plan& plan = p.plan();
    const size_t n = plan.tensors.size();
    std::vector<SlotState> slots = memory.slots;  // dims become exact as steps run
    std::vector<void*> data(n, nullptr);
    std::vector<DataType> types;
    for (const auto& t : plan.tensors) types.push_back(t.type);
    auto* base = static_cast<uint8_t*>(arena);
    for (size_t i = 0; i < n; ++i) {
        const auto& t = plan.tensors[i];
        if (t.weightIndex >= 0) {
            data[i] = p.weights(t.weightIndex).data;
        } else if (t.isInput || t.isOutput) {
            auto it = io.find(t.name);
            KILN_CHECK_CODE(it != io.end() && (it->second || slots[i].bytes == 0), ErrorCode::kINVALID_STATE)
                << "no address was set for I/O tensor '" << t.name << "' (setTensorAddress)";
            data[i] = it->second;
        } else {
            data[i] = base + slots[i].arenaOffset;
        }
    }
    void* workspace = base + alignUp(memory.arenaSize, kArenaAlignment);
    for (size_t s = 0; s < plan.steps.size(); ++s) {
        const engine::Step& step = plan.steps[s];
        cpu::KernelArgs args;
        args.op = &p.op(s);
        for (int32_t slot : step.inputs)
            args.inputs.push_back(slot < 0 ? cpu::absentInput() : ir::makeView(types[slot], slots[slot].dims, data[slot]));
        std::vector<ir::ValueInfo> outs;
        if (p.hasDataDependentShapes()) {
            // Planned dims are upper bounds past a data-dependent op: infer from the actual
            // inputs, reading shape inputs' values from the data itself.
            for (size_t i = 0; i < step.inputs.size(); ++i) {
                int32_t slot = step.inputs[i];
                if (slot >= 0 && p.op(s).isShapeInput(static_cast<int32_t>(i)) &&
                    ir::numelOf(slots[slot].dims) <= ir::kMaxShapeValueElements)
                    slots[slot].values = readValues(args.inputs[i]);
            }
            outs = inferStep(p, s, slots, types);
        }
        for (size_t o = 0; o < step.outputs.size(); ++o) {
            int32_t slot = step.outputs[o];
            std::vector<int64_t> dims = outs.empty() ? slots[slot].dims : ir::constValues(outs[o].shape);
            size_t bytes = ir::byteSizeOf(types[slot], dims);
            KILN_CHECK_CODE(bytes <= slots[slot].bytes, ErrorCode::kFAILED_EXECUTION)
                << step.layerName << ": output '" << plan.tensors[slot].name << "' needs " << bytes
                << " bytes but only " << slots[slot].bytes << " were planned for the current input shapes";
            args.outputs.push_back(ir::makeView(types[slot], dims, data[slot]));
        }
        args.workspace = workspace;
        args.workspaceSize = step.workspaceSize;
        args.stream = options.stream;
        if (options.replaceStep) {
            options.replaceStep(s, args);
        } else {
            // A kernel's message names the op; the layer and tactic say which node of the model.
            try {
                p.tactic(s).run(args);
            } catch (const KilnError& e) {
                throw KilnError(e.code(), "layer '" + step.layerName + "' (tactic " + step.tacticName + "): " + e.what());
            }
        }
        for (size_t o = 0; !outs.empty() && o < args.outputs.size(); ++o) {
            SlotState& st = slots[step.outputs[o]];
            st.dims = args.outputs[o].shape();
            st.values = concreteValues(outs[o].value);
        }
        if (options.afterStep) options.afterStep(s, args);
    }
    std::vector<std::vector<int64_t>> dims;
    for (const auto& st : slots) dims.push_back(st.dims);
    return dims;
}

}  // namespace kiln::runtime
