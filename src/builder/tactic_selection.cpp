#include <chrono>
#include <cstring>
#include <map>
#include <random>
#include <sstream>

#include "backends/cpu/dispatch.h"
#ifdef KILN_HAVE_CUDA
#include "backends/cuda/memory.h"
#endif
#include "builder/plan_builder.h"
#include "core/status.h"
#include "kiln/version.h"
#include "runtime/executor.h"

namespace kiln::builder {

namespace {

std::map<std::string, std::vector<int64_t>> profileDims(const engine::Profile& p, int which) {
    std::map<std::string, std::vector<int64_t>> dims;
    for (const auto& in : p.inputs) dims[in.name] = which == 0 ? in.min : which == 1 ? in.opt : in.max;
    return dims;
}

std::string timingKey(const engine::Header& header, const ir::Op& op, const std::vector<ir::TensorView>& inputs) {
    std::ostringstream os;
    os << header.deviceName << "|" << KILN_VERSION << "|" << op.signature();
    for (const auto& v : inputs) {
        if (v.rank < 0) {
            os << "|none";
            continue;
        }
        os << "|" << dataTypeName(v.type) << ir::dimsToString(v.shape());
    }
    std::string key = os.str();
    for (char& c : key)
        if (c == '\n') c = ' ';
    return key;
}

//! Random host buffers for the network inputs at the given dims (zeros for integer inputs,
//! which are often indices that must stay in range).
std::vector<ir::HostTensor> randomInputs(const engine::Plan& plan, const std::map<std::string, std::vector<int64_t>>& dims,
                                         std::map<std::string, void*>& io) {
    std::vector<ir::HostTensor> buffers;
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    for (const auto& t : plan.tensors) {
        if (!t.isInput) continue;
        ir::HostTensor b = ir::HostTensor::make(t.type, dims.at(t.name));
        cpu::dispatchType(t.type, [&](auto tag) {
            using T = typename decltype(tag)::type;
            for (int64_t i = 0; i < b.numel(); ++i) {
                if constexpr (cpu::isFloatStorage<T>()) cpu::store(b.as<T>(), i, dist(rng));
                else cpu::store(b.as<T>(), i, 0);
            }
        });
        buffers.push_back(std::move(b));
    }
    size_t k = 0;
    for (const auto& t : plan.tensors)
        if (t.isInput) io[t.name] = buffers[k++].data();
    return buffers;
}

//! Where tactic timing runs: host memory and wall time on the CPU; device memory, one stream
//! and CUDA events on the GPU.
class TimingTarget {
public:
    TimingTarget(DeviceType backend, GpuAllocator* allocator) : mBackend(backend), mAllocator(allocator) {
#ifdef KILN_HAVE_CUDA
        if (backend == DeviceType::kGPU) {
            mStream = std::make_unique<cuda::Stream>();
            mTimer = std::make_unique<cuda::EventTimer>();
        }
#endif
    }
    void* stream() const {
#ifdef KILN_HAVE_CUDA
        if (mStream) return mStream->get();
#endif
        return nullptr;
    }

    //! `bytes` of memory of the target, kept until the target goes; host bytes copied in if given.
    void* allocate(size_t bytes, const void* hostData = nullptr) {
#ifdef KILN_HAVE_CUDA
        if (mBackend == DeviceType::kGPU) {
            mDevice.emplace_back(std::max<size_t>(bytes, 1), mAllocator, "layer: tactic timing buffers");
            if (hostData) cuda::copyToDevice(mDevice.back().data(), hostData, bytes, stream());
            return mDevice.back().data();
        }
#endif
        mHost.emplace_back(std::max<size_t>(bytes, 1));
        if (hostData) std::memcpy(mHost.back().data(), hostData, bytes);
        return mHost.back().data();
    }

    //! Runs `t` on `args` with a workspace of its own: once (the warm-up, or the real run), then
    //! `timedRuns` more times. Returns the mean time of the timed runs in ms (0 if there are none).
    double runTactic(const cpu::Tactic& t, cpu::KernelArgs& args, int timedRuns) {
        const size_t bytes = t.workspaceSize ? t.workspaceSize(args) : 0;
        args.workspace = bytes ? scratch(bytes) : nullptr;
        args.workspaceSize = bytes;
        args.stream = stream();
        t.run(args);
        double ms = 0;
        if (timedRuns > 0) {
#ifdef KILN_HAVE_CUDA
            if (mTimer) {
                mTimer->start(stream());
                for (int r = 0; r < timedRuns; ++r) t.run(args);
                ms = mTimer->stop(stream()) / timedRuns;
            }
#endif
            if (!mTimer) {
                auto start = std::chrono::steady_clock::now();
                for (int r = 0; r < timedRuns; ++r) t.run(args);
                ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
                     timedRuns;
            }
        }
        args.workspace = nullptr;
        args.workspaceSize = 0;
        return ms;
    }

private:
    //! Workspace for one tactic run; reused (the target runs one tactic at a time).
    void* scratch(size_t bytes) {
        if (bytes > mScratchSize) {
#ifdef KILN_HAVE_CUDA
            if (mBackend == DeviceType::kGPU) {
                cuda::synchronize(stream());
                mScratchDevice = cuda::DeviceBuffer(bytes, mAllocator, "layer: tactic workspace");
                mScratchSize = bytes;
                return mScratchDevice.data();
            }
#endif
            mScratchHost.resize(bytes);
            mScratchSize = bytes;
        }
#ifdef KILN_HAVE_CUDA
        if (mBackend == DeviceType::kGPU) return mScratchDevice.data();
#endif
        return mScratchHost.data();
    }

    DeviceType mBackend;
    GpuAllocator* mAllocator;
    std::vector<std::vector<uint8_t>> mHost;
    std::vector<uint8_t> mScratchHost;
    size_t mScratchSize{0};
#ifdef KILN_HAVE_CUDA
    std::unique_ptr<cuda::Stream> mStream;
    std::unique_ptr<cuda::EventTimer> mTimer;
    std::vector<cuda::DeviceBuffer> mDevice;
    cuda::DeviceBuffer mScratchDevice;
#else
    std::unique_ptr<int> mTimer;  // no GPU: never set
#endif
};

}  // namespace

//! What follows TensorRT's "could not find any implementation" message: which op the backend
//! lacks, or the input types none of its kernels for the op takes.
std::string unsupportedReason(DeviceType backend, const engine::Step& step, const engine::Plan& plan, bool noKernel) {
    const std::string name = backend == DeviceType::kGPU ? "GPU" : "CPU";
    if (noKernel) return " (the " + name + " backend has no kernel for " + step.opName + ")";
    std::string types;
    for (int32_t slot : step.inputs)
        types += (types.empty() ? "" : ", ") + std::string(slot < 0 ? "none" : dataTypeName(plan.tensors[slot].type));
    return " (no " + step.opName + " kernel of the " + name + " backend takes inputs of types " + types + ")";
}

void selectTactics(engine::Plan& plan, const BuilderConfigImpl& config, const LogSink& sink, GpuAllocator* allocator) {
    const DeviceType backend = plan.header.backend;
    runtime::PreparedPlan prepared(plan, allocator);
    const bool tf32 = config.getFlag(BuilderFlag::kTF32);
    // Candidates that support the node and fit the workspace at every profile's MAX shapes.
    std::vector<std::vector<const cpu::Tactic*>> candidates(plan.steps.size());
    std::vector<std::map<const cpu::Tactic*, size_t>> workspaceOf(plan.steps.size());
    auto choose = [&](size_t s, const cpu::Tactic* t) {
        prepared.setTactic(s, t);
        plan.steps[s].tacticName = t->name;
        plan.steps[s].workspaceSize = workspaceOf[s][t];
    };
    std::vector<runtime::MemoryPlan> maxPlans;
    for (const auto& p : plan.profiles) maxPlans.push_back(prepared.planMemory(profileDims(p, 2)));
    for (size_t s = 0; s < plan.steps.size(); ++s) {
        const engine::Step& step = plan.steps[s];
        const auto& all = backend::tacticsFor(backend, step.opName);
        bool workspaceTooSmall = false;  // then the SPEC message says all there is to say
        for (const cpu::Tactic& t : all) {
            if (t.tf32 && !tf32) {
                KILN_LOG(sink, kVERBOSE) << "layer '" << step.layerName << "': tactic " << t.name
                                         << " uses TF32, which the config does not allow";
                continue;
            }
            size_t workspace = 0;
            bool supported = true;
            for (const auto& mp : maxPlans) {
                cpu::KernelArgs args;
                args.op = &prepared.op(s);
                std::vector<ir::ValueInfo> infos;
                for (int32_t slot : step.inputs) {
                    ir::ValueInfo info;
                    if (slot < 0) {
                        args.inputs.push_back(cpu::absentInput());
                    } else {
                        info.type = plan.tensors[slot].type;
                        info.shape = ir::shapeOf(mp.slots[slot].dims);
                        args.inputs.push_back(ir::makeView(info.type, mp.slots[slot].dims, nullptr));
                    }
                    infos.push_back(info);
                }
                for (int32_t slot : step.outputs)
                    args.outputs.push_back(ir::makeView(plan.tensors[slot].type, mp.slots[slot].dims, nullptr));
                if (t.supports && !t.supports(prepared.op(s), infos)) supported = false;
                if (supported && t.workspaceSize) workspace = std::max(workspace, t.workspaceSize(args));
            }
            if (!supported) {
                KILN_LOG(sink, kVERBOSE) << "layer '" << step.layerName << "': tactic " << t.name
                                         << " does not support this configuration";
                continue;
            }
            if (workspace > config.mWorkspace) {
                KILN_LOG(sink, kVERBOSE) << "layer '" << step.layerName << "': skipping tactic " << t.name
                                         << ": needs " << workspace << " bytes of workspace, limit is "
                                         << config.mWorkspace;
                workspaceTooSmall = true;
                continue;
            }
            candidates[s].push_back(&t);
            workspaceOf[s][&t] = workspace;
        }
        KILN_CHECK_CODE(!candidates[s].empty(), ErrorCode::kUNSUPPORTED_STATE)
            << "Internal error: could not find any implementation for node " << step.layerName
            << ". Try increasing the workspace size with setMemoryPoolLimit()."
            << (workspaceTooSmall ? std::string() : unsupportedReason(backend, step, plan, all.empty()));
        choose(s, candidates[s].front());
    }
    // Time the candidates at profile 0's OPT shape, on random inputs, through the timing cache.
    bool anyChoice = false;
    for (const auto& c : candidates) anyChoice = anyChoice || c.size() > 1;
    if (!anyChoice || plan.profiles.empty()) return;
    auto optDims = profileDims(plan.profiles[0], 1);
    runtime::MemoryPlan mp = prepared.planMemory(optDims);
    TimingTarget target(backend, allocator);
    std::map<std::string, void*> io;
    auto inputs = randomInputs(plan, optDims, io);
    size_t k = 0;
    for (const auto& t : plan.tensors) {
        if (!t.isInput) continue;
        io[t.name] = target.allocate(inputs[k].bytes(), inputs[k].data());
        ++k;
    }
    for (size_t i = 0; i < plan.tensors.size(); ++i) {
        if (!plan.tensors[i].isOutput || plan.tensors[i].isInput) continue;
        io[plan.tensors[i].name] = target.allocate(mp.slots[i].bytes);
    }
    void* arena = target.allocate(mp.arenaSize + runtime::kArenaAlignment);
    const int runs = std::max(1, config.mAvgTiming);
    runtime::ExecuteOptions options;
    options.stream = target.stream();
    options.replaceStep = [&](size_t s, cpu::KernelArgs& args) {
        const auto& cands = candidates[s];
        if (cands.size() <= 1 || config.mLevel == 0) {
            // Level 0: no timing; the last registered candidate is the specialised one.
            choose(s, cands.back());
            target.runTactic(*cands.back(), args, 0);
            return;
        }
        std::string key = timingKey(plan.header, prepared.op(s), args.inputs);
        TimingCacheImpl::Record cached;
        const cpu::Tactic* best = nullptr;
        if (config.mTimingCache && config.mTimingCache->lookup(key, cached)) {
            for (const cpu::Tactic* t : cands)
                if (t->name == cached.tactic) best = t;
            if (best)
                KILN_LOG(sink, kVERBOSE) << "layer '" << plan.steps[s].layerName << "': timing cache hit, tactic "
                                         << best->name << " (" << cached.ms << " ms)";
        }
        double bestMs = cached.ms;
        if (!best) {
            for (const cpu::Tactic* t : cands) {
                cpu::KernelArgs trial = args;
                const double ms = target.runTactic(*t, trial, runs);
                KILN_LOG(sink, kVERBOSE) << "layer '" << plan.steps[s].layerName << "': tactic " << t->name << ": "
                                         << ms << " ms";
                if (!best || ms < bestMs) {
                    best = t;
                    bestMs = ms;
                }
            }
            if (config.mTimingCache) config.mTimingCache->insert(key, {best->name, bestMs});
        }
        choose(s, best);
        KILN_LOG(sink, kVERBOSE) << "layer '" << plan.steps[s].layerName << "': chose tactic " << best->name;
        target.runTactic(*best, args, 0);
    };
    try {
        runtime::execute(prepared, mp, arena, io, options);
    } catch (const KilnError& e) {
        // Random inputs can be invalid for data-dependent ops (indices...): keep the choices
        // made so far and the first candidate elsewhere.
        KILN_LOG(sink, kVERBOSE) << "tactic timing stopped early: " << e.what();
    }
}

}  // namespace kiln::builder
