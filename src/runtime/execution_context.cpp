// ExecutionContext: reshape (input shapes → memory plan) → setup (addresses) → execute.
#include <chrono>
#include <cstdlib>
#include <sstream>

#ifdef KILN_HAVE_CUDA
#include "backends/cuda/memory.h"
#endif
#include "core/api_guard.h"
#include "runtime/arena.h"
#include "runtime/engine_impl.h"

namespace kiln::runtime {
namespace {

std::string text(const std::vector<int64_t>& v) { return ir::dimsToString(v); }

class ContextImpl : public ExecutionContext {
public:
    ContextImpl(EngineImpl& engine, bool ownMemory)
        : mEngine(engine), mSink(engine.sink()), mOwnMemory(ownMemory), mArena(engine.getDeviceType(), engine.allocator()) {
        if (ownMemory) {
            // The engine's size (the alignment slack included): enough for every profile's MAX
            // shapes; exactly what getDeviceMemorySize() reports.
            onEngineDevice([&] { mArena.reserve(engine.getDeviceMemorySize(), nullptr); });
        }
        selectProfile(0);
    }

    const Engine& getEngine() const noexcept override { return mEngine; }

    bool setOptimizationProfile(int32_t index) noexcept override {
        return apiGuard(mSink, false, [&] {
            KILN_CHECK(index >= 0 && index < mEngine.getNbOptimizationProfiles())
                << "setOptimizationProfile: profile " << index << " does not exist (the engine has "
                << mEngine.getNbOptimizationProfiles() << ")";
            selectProfile(index);
            return true;
        });
    }
    int32_t getOptimizationProfile() const noexcept override { return mProfile; }

    bool setInputShape(const char* name, Dims dims) noexcept override {
        return apiGuard(mSink, false, [&] {
            int32_t slot = mEngine.ioSlot(name);
            KILN_CHECK(slot >= 0 && mEngine.plan().tensors[slot].isInput)
                << "setInputShape: '" << (name ? name : "(null)") << "' is not an input of this engine";
            std::vector<int64_t> given(dims.d, dims.d + std::max(0, std::min(dims.nbDims, Dims::MAX_DIMS)));
            const engine::ProfileInput* range = nullptr;
            for (const auto& in : mEngine.plan().profiles[mProfile].inputs)
                if (in.name == name) range = &in;
            KILN_CHECK(range) << "setInputShape: input '" << name << "' is missing from profile " << mProfile;
            bool ok = dims.nbDims == static_cast<int32_t>(range->min.size());
            for (size_t i = 0; ok && i < given.size(); ++i) ok = given[i] >= range->min[i] && given[i] <= range->max[i];
            KILN_CHECK(ok) << "setInputShape: input '" << name << "' shape " << text(given)
                           << " is outside the range of optimization profile " << mProfile << ": min "
                           << text(range->min) << ", max " << text(range->max);
            mInputDims[name] = given;
            mPlanned = false;
            mLastDims.clear();  // output shapes of the previous run no longer apply
            return true;
        });
    }

    Dims getTensorShape(const char* name) const noexcept override {
        Dims d;
        d.nbDims = -1;
        int32_t slot = mEngine.ioSlot(name);
        if (slot < 0) return d;
        const std::vector<int64_t>* dims = nullptr;
        if (mEngine.plan().tensors[slot].isInput) {
            auto it = mInputDims.find(name);
            if (it != mInputDims.end()) dims = &it->second;
        } else if (!mLastDims.empty()) {
            dims = &mLastDims[slot];
        } else if (const_cast<ContextImpl*>(this)->plan()) {
            dims = &mMemory.slots[slot].dims;
        }
        if (!dims) return d;
        d.nbDims = static_cast<int32_t>(dims->size());
        for (int32_t i = 0; i < d.nbDims; ++i) d.d[i] = (*dims)[i];
        return d;
    }

    bool allInputDimensionsSpecified() const noexcept override {
        for (const auto& t : mEngine.plan().tensors)
            if (t.isInput && !mInputDims.count(t.name)) return false;
        return true;
    }

    bool setTensorAddress(const char* name, void* data) noexcept override {
        return apiGuard(mSink, false, [&] {
            KILN_CHECK(mEngine.ioSlot(name) >= 0) << "setTensorAddress: '" << (name ? name : "(null)")
                                                  << "' is not an input or output of this engine";
            mAddresses[name] = data;
            return true;
        });
    }
    const void* getTensorAddress(const char* name) const noexcept override {
        auto it = name ? mAddresses.find(name) : mAddresses.end();
        return it == mAddresses.end() ? nullptr : it->second;
    }

    void setDeviceMemory(void* memory) noexcept override { mUserMemory = memory; }

    size_t updateDeviceMemorySizeForShapes() noexcept override {
        return apiGuard(mSink, size_t(0), [&] {
            KILN_CHECK_CODE(plan(), ErrorCode::kINVALID_STATE) << "not every input shape is set";
            return mMemory.arenaSize + kArenaAlignment + mMemory.workspaceSize;
        });
    }

    bool executeV2() noexcept override {
        return apiGuard(mSink, false, [&] {
            if (mEngine.getDeviceType() == DeviceType::kCPU) return run(nullptr);
#ifdef KILN_HAVE_CUDA
            // Synchronous: the context's own stream, waited for.
            return onEngineDevice([&] {
                // Blocking: executeV2 follows the application's copies on the default stream
                // (a pageable cudaMemcpyAsync may still be in flight when it returns).
                if (!mStream) mStream = std::make_unique<cuda::Stream>(/*blocking=*/true);
                run(mStream->get());
                cuda::synchronize(mStream->get());
                return true;
            });
#else
            return false;
#endif
        });
    }

    bool enqueueV3(void* stream) noexcept override {
        return apiGuard(mSink, false, [&] {
            // The CPU runs synchronously; a GPU engine launches on the caller's stream.
            return onEngineDevice([&] { return run(stream); });
        });
    }

    void setProfiler(Profiler* profiler) noexcept override { mProfiler = profiler; }
    void setErrorRecorder(ErrorRecorder* recorder) noexcept override { mSink.setRecorder(recorder); }
    ErrorRecorder* getErrorRecorder() const noexcept override { return mSink.recorder(); }

private:
    void selectProfile(int32_t index) {
        mProfile = index;
        mInputDims.clear();
        // Static inputs need no setInputShape, as in TensorRT.
        for (const auto& in : mEngine.plan().profiles[index].inputs)
            if (in.min == in.max) mInputDims[in.name] = in.min;
        mPlanned = false;
        mLastDims.clear();
    }

    //! Runs `fn` with the engine's device current, restoring the caller's (SPEC §2.4).
    template <class Fn>
    auto onEngineDevice(Fn&& fn) -> decltype(fn()) {
#ifdef KILN_HAVE_CUDA
        if (mEngine.getDeviceType() == DeviceType::kGPU) {
            cuda::DeviceGuard guard(mEngine.device());
            return fn();
        }
#endif
        return fn();
    }

    //! One inference of every step (on `stream` for GPU engines).
    bool run(void* stream) {
        KILN_CHECK_CODE(plan(), ErrorCode::kINVALID_STATE) << "execute: not every input shape is set (setInputShape)";
        size_t needed = mMemory.arenaSize + kArenaAlignment + mMemory.workspaceSize;
        void* arena = nullptr;
        if (mOwnMemory) {
            arena = mArena.reserve(needed, stream);  // grows for shapes beyond the build-time estimate
        } else {
            KILN_CHECK_CODE(mUserMemory || needed == 0, ErrorCode::kINVALID_STATE)
                << "execute: this context was created without device memory; call setDeviceMemory first";
            KILN_CHECK_CODE(needed <= mEngine.getDeviceMemorySize(), ErrorCode::kINVALID_STATE)
                << "execute: the shapes need " << needed << " bytes, more than getDeviceMemorySize()";
            arena = mUserMemory;
        }
        ExecuteOptions options;
        options.stream = stream;
        if (mProfiler) options.afterStep = layerTimer(stream);
        mLastDims = execute(mEngine.prepared(), mMemory, arena, mAddresses, options);
        return true;
    }

    //! Reports each step's time to the profiler: wall time on the CPU, CUDA events on the GPU
    //! (the stream is waited for after every step, so profiled runs are slower).
    StepHook layerTimer(void* stream) {
        const auto& steps = mEngine.plan().steps;
#ifdef KILN_HAVE_CUDA
        if (mEngine.getDeviceType() == DeviceType::kGPU) {
            auto timer = std::make_shared<cuda::EventTimer>();
            timer->start(stream);
            return [this, timer, stream, &steps](size_t s, cpu::KernelArgs&) {
                mProfiler->reportLayerTime(steps[s].layerName.c_str(), timer->stop(stream));
                timer->start(stream);
            };
        }
#endif
        auto last = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
        return [this, last, &steps](size_t s, cpu::KernelArgs&) {
            auto now = std::chrono::steady_clock::now();
            mProfiler->reportLayerTime(steps[s].layerName.c_str(),
                                       std::chrono::duration<float, std::milli>(now - *last).count());
            *last = now;
        };
    }

    //! Plans memory for the current input shapes; false if some input shape is missing.
    bool plan() {
        if (mPlanned) return true;
        if (!allInputDimensionsSpecified()) return false;
        mMemory = mEngine.prepared().planMemory(mInputDims);
        mLastDims.clear();
        mPlanned = true;
        return true;
    }

    EngineImpl& mEngine;
    LogSink mSink;
    bool mOwnMemory;
    Arena mArena;
#ifdef KILN_HAVE_CUDA
    std::unique_ptr<cuda::Stream> mStream;  //!< executeV2's
#endif
    void* mUserMemory{nullptr};
    int32_t mProfile{0};
    std::map<std::string, std::vector<int64_t>> mInputDims;
    std::map<std::string, void*> mAddresses;
    MemoryPlan mMemory;
    bool mPlanned{false};
    std::vector<std::vector<int64_t>> mLastDims;
    Profiler* mProfiler{nullptr};
};

}  // namespace

std::unique_ptr<ExecutionContext> makeContext(EngineImpl& engine, bool ownMemory) {
    return std::make_unique<ContextImpl>(engine, ownMemory);
}

}  // namespace kiln::runtime
