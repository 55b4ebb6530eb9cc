// Engine (immutable, shared by its contexts) and ExecutionContext (shapes, addresses, arena).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/log.h"
#include "engine/engine_data.h"
#include "kiln/engine.h"
#include "runtime/executor.h"

namespace kiln::runtime {

class EngineImpl : public Engine {
public:
    //! A GPU engine binds to the current device: its compute capability and memory are checked
    //! and the weights copied there (through `allocator`; nullptr: cudaMalloc).
    EngineImpl(Logger* logger, engine::Plan plan, GpuAllocator* allocator = nullptr);

    int32_t getNbIOTensors() const noexcept override { return static_cast<int32_t>(mIO.size()); }
    const char* getIOTensorName(int32_t index) const noexcept override;
    TensorIOMode getTensorIOMode(const char* name) const noexcept override;
    DataType getTensorDataType(const char* name) const noexcept override;
    Dims getTensorShape(const char* name) const noexcept override;
    bool isShapeInferenceIO(const char* name) const noexcept override { return false; }
    int32_t getNbOptimizationProfiles() const noexcept override {
        return static_cast<int32_t>(mPlan.profiles.size());
    }
    Dims getProfileShape(const char* name, int32_t profile, OptProfileSelector select) const noexcept override;
    int32_t getNbLayers() const noexcept override { return static_cast<int32_t>(mPlan.steps.size()); }
    size_t getDeviceMemorySize() const noexcept override { return mPlan.deviceMemorySize; }
    DeviceType getDeviceType() const noexcept override { return mPlan.header.backend; }
    std::unique_ptr<HostMemory> serialize() const noexcept override;
    std::unique_ptr<ExecutionContext> createExecutionContext() noexcept override;
    std::unique_ptr<ExecutionContext> createExecutionContextWithoutDeviceMemory() noexcept override;
    const char* getLayerInformationJson() const noexcept override { return mPlan.layerInfoJson.c_str(); }
    void setErrorRecorder(ErrorRecorder* recorder) noexcept override { mSink.setRecorder(recorder); }
    ErrorRecorder* getErrorRecorder() const noexcept override { return mSink.recorder(); }

    const engine::Plan& plan() const { return mPlan; }
    const PreparedPlan& prepared() const { return *mPrepared; }
    const LogSink& sink() const { return mSink; }
    GpuAllocator* allocator() const { return mAllocator; }
    //! The CUDA device ordinal a GPU engine is bound to.
    int device() const { return mDevice; }
    //! Slot index of an I/O tensor, or -1.
    int32_t ioSlot(const char* name) const;

private:
    LogSink mSink;
    engine::Plan mPlan;
    std::unique_ptr<PreparedPlan> mPrepared;
    std::vector<int32_t> mIO;  //!< slot indices: inputs first, then outputs
    GpuAllocator* mAllocator{nullptr};
    int mDevice{0};
};

}  // namespace kiln::runtime
