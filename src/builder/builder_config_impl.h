// BuilderConfig, OptimizationProfile and TimingCache implementations.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/log.h"
#include "kiln/builder.h"

namespace kiln {

class OptimizationProfileImpl : public OptimizationProfile {
public:
    struct Entry {
        Dims dims[3]{};
        bool set[3]{false, false, false};
        std::vector<int64_t> values[3];
    };
    explicit OptimizationProfileImpl(const LogSink& sink) : mSink(sink) {}
    bool setDimensions(const char* inputName, OptProfileSelector select, Dims dims) noexcept override;
    Dims getDimensions(const char* inputName, OptProfileSelector select) const noexcept override;
    bool setShapeValues(const char* inputName, OptProfileSelector select, const int64_t* values,
                        int32_t nbValues) noexcept override;
    int32_t getNbShapeValues(const char* inputName) const noexcept override;
    const int64_t* getShapeValues(const char* inputName, OptProfileSelector select) const noexcept override;
    bool isValid() const noexcept override;

    std::map<std::string, Entry> mEntries;

private:
    const LogSink& mSink;
};

//! Timings by key (op signature, shapes, types, device, library version) → best tactic.
class TimingCacheImpl : public TimingCache {
public:
    struct Record {
        std::string tactic;
        double ms{0};
    };
    std::unique_ptr<HostMemory> serialize() const noexcept override;
    bool combine(const TimingCache& other, bool ignoreMismatch) noexcept override;
    int64_t getNbEntries() const noexcept override;
    bool reset() noexcept override;
    //! Parses a serialized cache; throws KilnError on a malformed one.
    void load(const void* blob, size_t size);
    bool lookup(const std::string& key, Record& out) const;
    void insert(const std::string& key, const Record& r);

private:
    mutable std::mutex mMutex;
    std::map<std::string, Record> mRecords;
};

class BuilderConfigImpl : public BuilderConfig {
public:
    explicit BuilderConfigImpl(const LogSink& sink) : mSink(sink) { mFlags |= 1u << static_cast<int>(BuilderFlag::kTF32); }
    void setFlag(BuilderFlag flag) noexcept override { mFlags |= 1u << static_cast<int>(flag); }
    void clearFlag(BuilderFlag flag) noexcept override { mFlags &= ~(1u << static_cast<int>(flag)); }
    bool getFlag(BuilderFlag flag) const noexcept override { return mFlags & (1u << static_cast<int>(flag)); }
    void setMemoryPoolLimit(MemoryPoolType pool, size_t bytes) noexcept override { mWorkspace = bytes; }
    size_t getMemoryPoolLimit(MemoryPoolType pool) const noexcept override { return mWorkspace; }
    int32_t addOptimizationProfile(const OptimizationProfile* profile) noexcept override;
    int32_t getNbOptimizationProfiles() const noexcept override { return static_cast<int32_t>(mProfiles.size()); }
    void setBuilderOptimizationLevel(int32_t level) noexcept override;
    int32_t getBuilderOptimizationLevel() const noexcept override { return mLevel; }
    std::unique_ptr<TimingCache> createTimingCache(const void* blob, size_t size) const noexcept override;
    bool setTimingCache(TimingCache& cache, bool ignoreMismatch) noexcept override;
    const TimingCache* getTimingCache() const noexcept override { return mTimingCache; }
    void setAvgTimingIterations(int32_t n) noexcept override { mAvgTiming = n < 1 ? 1 : n; }
    void setProgressMonitor(ProgressMonitor* monitor) noexcept override { mProgress = monitor; }

    const LogSink& mSink;
    uint32_t mFlags{0};
    size_t mWorkspace{size_t(1) << 30};  //!< default 1 GiB on the CPU
    std::vector<OptimizationProfileImpl> mProfiles;
    int32_t mLevel{3};
    TimingCacheImpl* mTimingCache{nullptr};
    int32_t mAvgTiming{1};
    ProgressMonitor* mProgress{nullptr};
};

//! Bytes owned by Kiln.
class HostMemoryImpl : public HostMemory {
public:
    explicit HostMemoryImpl(std::vector<uint8_t> bytes) : mBytes(std::move(bytes)) {}
    const void* data() const noexcept override { return mBytes.data(); }
    size_t size() const noexcept override { return mBytes.size(); }

private:
    std::vector<uint8_t> mBytes;
};

}  // namespace kiln
