// Builder, BuilderConfig and OptimizationProfile: how a NetworkDefinition becomes a plan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kiln/gpu_allocator.h"
#include "kiln/logger.h"
#include "kiln/network.h"
#include "kiln/types.h"

namespace kiln {

//! Bytes owned by Kiln (a serialized engine or timing cache).
class KILN_API HostMemory {
public:
    virtual ~HostMemory() = default;
    virtual const void* data() const noexcept = 0;
    virtual size_t size() const noexcept = 0;
};

enum class BuilderFlag : int32_t {
    kFP16 = 0,
    kINT8 = 1,
    kDEBUG = 2,
    kGPU_FALLBACK = 3,
    kREFIT = 4,
    kDISABLE_TIMING_CACHE = 5,
    kTF32 = 6,  //!< on by default
    kSPARSE_WEIGHTS = 7,
    kOBEY_PRECISION_CONSTRAINTS = 8,
    kPREFER_PRECISION_CONSTRAINTS = 9,
    kBF16 = 10,
};

enum class MemoryPoolType : int32_t { kWORKSPACE = 0 };

//! For each dynamic input: MIN, OPT and MAX dimensions (and values, for shape inputs).
class KILN_API OptimizationProfile {
public:
    virtual ~OptimizationProfile() = default;
    virtual bool setDimensions(const char* inputName, OptProfileSelector select, Dims dims) noexcept = 0;
    virtual Dims getDimensions(const char* inputName, OptProfileSelector select) const noexcept = 0;
    virtual bool setShapeValues(const char* inputName, OptProfileSelector select, const int64_t* values,
                                int32_t nbValues) noexcept = 0;
    virtual int32_t getNbShapeValues(const char* inputName) const noexcept = 0;
    virtual const int64_t* getShapeValues(const char* inputName, OptProfileSelector select) const noexcept = 0;
    //! True when every input's MIN <= OPT <= MAX holds (and something was set).
    virtual bool isValid() const noexcept = 0;
};

//! Saved tactic timings: keyed by (op signature, shapes, types, device, library version).
class KILN_API TimingCache {
public:
    virtual ~TimingCache() = default;
    virtual std::unique_ptr<HostMemory> serialize() const noexcept = 0;
    //! Merges another cache into this one.
    virtual bool combine(const TimingCache& other, bool ignoreMismatch) noexcept = 0;
    virtual int64_t getNbEntries() const noexcept = 0;
    virtual bool reset() noexcept = 0;
};

//! Called by the builder while it works; return false from stepComplete to cancel the build.
class KILN_API ProgressMonitor {
public:
    virtual ~ProgressMonitor() = default;
    virtual void phaseStart(const char* phaseName, const char* parentPhase, int32_t nbSteps) noexcept = 0;
    virtual bool stepComplete(const char* phaseName, int32_t step) noexcept = 0;
    virtual void phaseFinish(const char* phaseName) noexcept = 0;
};

class KILN_API BuilderConfig {
public:
    virtual ~BuilderConfig() = default;
    virtual void setFlag(BuilderFlag flag) noexcept = 0;
    virtual void clearFlag(BuilderFlag flag) noexcept = 0;
    virtual bool getFlag(BuilderFlag flag) const noexcept = 0;
    //! WORKSPACE bounds the scratch memory of any one layer implementation.
    virtual void setMemoryPoolLimit(MemoryPoolType pool, size_t bytes) noexcept = 0;
    virtual size_t getMemoryPoolLimit(MemoryPoolType pool) const noexcept = 0;
    //! Returns the profile's index, or -1 if the profile is invalid.
    virtual int32_t addOptimizationProfile(const OptimizationProfile* profile) noexcept = 0;
    virtual int32_t getNbOptimizationProfiles() const noexcept = 0;
    //! 0 (fastest build) to 5 (widest search); default 3.
    virtual void setBuilderOptimizationLevel(int32_t level) noexcept = 0;
    virtual int32_t getBuilderOptimizationLevel() const noexcept = 0;
    virtual std::unique_ptr<TimingCache> createTimingCache(const void* blob, size_t size) const noexcept = 0;
    //! The cache is shared, not copied: the builder adds its new timings to it.
    virtual bool setTimingCache(TimingCache& cache, bool ignoreMismatch) noexcept = 0;
    virtual const TimingCache* getTimingCache() const noexcept = 0;
    //! Number of timing runs averaged per tactic (trtexec --avgTiming); default 1.
    virtual void setAvgTimingIterations(int32_t n) noexcept = 0;
    virtual void setProgressMonitor(ProgressMonitor* monitor) noexcept = 0;
};

class KILN_API Builder {
public:
    virtual ~Builder() = default;
    virtual std::unique_ptr<NetworkDefinition> createNetwork() noexcept = 0;
    //! `flags`: bits 1U << NetworkDefinitionCreationFlag (kSTRONGLY_TYPED); nullptr for unknown bits.
    virtual std::unique_ptr<NetworkDefinition> createNetworkV2(NetworkDefinitionCreationFlags flags) noexcept = 0;
    virtual std::unique_ptr<BuilderConfig> createBuilderConfig() noexcept = 0;
    //! The profile is owned by the builder and lives as long as it.
    virtual OptimizationProfile* createOptimizationProfile() noexcept = 0;
    //! Returns nullptr on failure (reported through the Logger and the ErrorRecorder).
    virtual std::unique_ptr<HostMemory> buildSerializedNetwork(NetworkDefinition& network,
                                                               BuilderConfig& config) noexcept = 0;
    virtual DeviceType getDeviceType() const noexcept = 0;
    //! Device memory for tactic timing (GPU builders) comes from `allocator`; nullptr: cudaMalloc.
    virtual void setGpuAllocator(GpuAllocator* allocator) noexcept = 0;
    virtual void setErrorRecorder(ErrorRecorder* recorder) noexcept = 0;
    virtual ErrorRecorder* getErrorRecorder() const noexcept = 0;
};

//! A builder for the CPU. (The CUDA builder takes the current CUDA device.)
KILN_API std::unique_ptr<Builder> createBuilder(Logger& logger, DeviceType device = DeviceType::kCPU) noexcept;

}  // namespace kiln
