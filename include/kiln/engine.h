// Engine (immutable, shared) and ExecutionContext (per-inference state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kiln/builder.h"
#include "kiln/logger.h"
#include "kiln/types.h"

namespace kiln {

enum class TensorIOMode : int32_t { kNONE = 0, kINPUT = 1, kOUTPUT = 2 };

class ExecutionContext;

class KILN_API Engine {
public:
    virtual ~Engine() = default;
    virtual int32_t getNbIOTensors() const noexcept = 0;
    virtual const char* getIOTensorName(int32_t index) const noexcept = 0;
    virtual TensorIOMode getTensorIOMode(const char* name) const noexcept = 0;
    virtual DataType getTensorDataType(const char* name) const noexcept = 0;
    //! -1 for dynamic dimensions.
    virtual Dims getTensorShape(const char* name) const noexcept = 0;
    virtual bool isShapeInferenceIO(const char* name) const noexcept = 0;
    virtual int32_t getNbOptimizationProfiles() const noexcept = 0;
    virtual Dims getProfileShape(const char* name, int32_t profile, OptProfileSelector select) const noexcept = 0;
    virtual int32_t getNbLayers() const noexcept = 0;
    //! Activation memory a context needs for the largest shapes of any profile.
    virtual size_t getDeviceMemorySize() const noexcept = 0;
    virtual DeviceType getDeviceType() const noexcept = 0;
    virtual std::unique_ptr<HostMemory> serialize() const noexcept = 0;
    virtual std::unique_ptr<ExecutionContext> createExecutionContext() noexcept = 0;
    //! A context that uses memory the application provides (setDeviceMemory).
    virtual std::unique_ptr<ExecutionContext> createExecutionContextWithoutDeviceMemory() noexcept = 0;
    //! JSON description of layers, implementations, precisions and memory (kiln inspect).
    virtual const char* getLayerInformationJson() const noexcept = 0;
    virtual void setErrorRecorder(ErrorRecorder* recorder) noexcept = 0;
    virtual ErrorRecorder* getErrorRecorder() const noexcept = 0;
};

//! Optional per-layer timing callback (TensorRT's IProfiler).
class KILN_API Profiler {
public:
    virtual ~Profiler() = default;
    virtual void reportLayerTime(const char* layerName, float ms) noexcept = 0;
};

class KILN_API ExecutionContext {
public:
    virtual ~ExecutionContext() = default;
    virtual const Engine& getEngine() const noexcept = 0;
    virtual bool setOptimizationProfile(int32_t profileIndex) noexcept = 0;
    virtual int32_t getOptimizationProfile() const noexcept = 0;
    //! Fails with a message naming the input, the shape and the profile's range when outside it.
    virtual bool setInputShape(const char* name, Dims dims) noexcept = 0;
    //! Inputs: as set. Outputs: as computed from the input shapes (-1 if not yet known).
    virtual Dims getTensorShape(const char* name) const noexcept = 0;
    virtual bool allInputDimensionsSpecified() const noexcept = 0;
    virtual bool setTensorAddress(const char* name, void* data) noexcept = 0;
    virtual const void* getTensorAddress(const char* name) const noexcept = 0;
    //! Memory of at least Engine::getDeviceMemorySize() bytes, 256-byte aligned.
    virtual void setDeviceMemory(void* memory) noexcept = 0;
    //! What the current input shapes need (<= Engine::getDeviceMemorySize()).
    virtual size_t updateDeviceMemorySizeForShapes() noexcept = 0;
    //! Synchronous.
    virtual bool executeV2() noexcept = 0;
    //! Asynchronous on `stream` (a cudaStream_t for CUDA engines; ignored on the CPU).
    virtual bool enqueueV3(void* stream) noexcept = 0;
    virtual void setProfiler(Profiler* profiler) noexcept = 0;
    virtual void setErrorRecorder(ErrorRecorder* recorder) noexcept = 0;
    virtual ErrorRecorder* getErrorRecorder() const noexcept = 0;
};

}  // namespace kiln
