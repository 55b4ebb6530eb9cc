#include <cstring>
#include <sstream>

#include "builder/builder_config_impl.h"
#include "core/api_guard.h"
#include "kiln/version.h"

namespace kiln {

namespace {
std::string dimsText(const Dims& d) {
    std::ostringstream os;
    os << "[";
    for (int32_t i = 0; i < d.nbDims; ++i) os << (i ? "," : "") << d.d[i];
    os << "]";
    return os.str();
}
}  // namespace

bool OptimizationProfileImpl::setDimensions(const char* name, OptProfileSelector select, Dims dims) noexcept {
    return apiGuard(mSink, false, [&] {
        KILN_CHECK(name && *name) << "setDimensions: the input name must not be empty";
        KILN_CHECK(dims.nbDims >= 0 && dims.nbDims <= Dims::MAX_DIMS)
            << "setDimensions: input '" << name << "' has " << dims.nbDims << " dimensions";
        for (int32_t i = 0; i < dims.nbDims; ++i)
            KILN_CHECK(dims.d[i] >= 0) << "setDimensions: input '" << name << "' dimensions " << dimsText(dims)
                                       << " must all be >= 0 in a profile";
        Entry& e = mEntries[name];
        int s = static_cast<int>(select);
        KILN_CHECK(s >= 0 && s < 3) << "setDimensions: bad selector";
        e.dims[s] = dims;
        e.set[s] = true;
        return true;
    });
}

Dims OptimizationProfileImpl::getDimensions(const char* name, OptProfileSelector select) const noexcept {
    Dims none;
    none.nbDims = -1;
    auto it = name ? mEntries.find(name) : mEntries.end();
    int s = static_cast<int>(select);
    if (it == mEntries.end() || s < 0 || s > 2 || !it->second.set[s]) return none;
    return it->second.dims[s];
}

bool OptimizationProfileImpl::setShapeValues(const char* name, OptProfileSelector select, const int64_t* values,
                                             int32_t nbValues) noexcept {
    return apiGuard(mSink, false, [&] {
        KILN_CHECK(name && *name && (values || nbValues == 0) && nbValues >= 0) << "setShapeValues: bad arguments";
        int s = static_cast<int>(select);
        KILN_CHECK(s >= 0 && s < 3) << "setShapeValues: bad selector";
        mEntries[name].values[s].assign(values, values + nbValues);
        return true;
    });
}

int32_t OptimizationProfileImpl::getNbShapeValues(const char* name) const noexcept {
    auto it = name ? mEntries.find(name) : mEntries.end();
    return it == mEntries.end() ? -1 : static_cast<int32_t>(it->second.values[0].size());
}

const int64_t* OptimizationProfileImpl::getShapeValues(const char* name, OptProfileSelector select) const noexcept {
    auto it = name ? mEntries.find(name) : mEntries.end();
    int s = static_cast<int>(select);
    if (it == mEntries.end() || s < 0 || s > 2 || it->second.values[s].empty()) return nullptr;
    return it->second.values[s].data();
}

bool OptimizationProfileImpl::isValid() const noexcept {
    if (mEntries.empty()) return false;
    for (const auto& [name, e] : mEntries) {
        bool hasDims = e.set[0] || e.set[1] || e.set[2];
        if (hasDims) {
            if (!(e.set[0] && e.set[1] && e.set[2])) {
                mSink.error(ErrorCode::kINVALID_CONFIG, "optimization profile: input '" + name +
                                                            "' needs MIN, OPT and MAX dimensions");
                return false;
            }
            const Dims &mn = e.dims[0], &op = e.dims[1], &mx = e.dims[2];
            if (mn.nbDims != op.nbDims || op.nbDims != mx.nbDims) {
                mSink.error(ErrorCode::kINVALID_CONFIG, "optimization profile: input '" + name +
                                                            "' has MIN, OPT and MAX of different ranks");
                return false;
            }
            for (int32_t i = 0; i < mn.nbDims; ++i) {
                if (!(mn.d[i] <= op.d[i] && op.d[i] <= mx.d[i])) {
                    mSink.error(ErrorCode::kINVALID_CONFIG,
                                "optimization profile: input '" + name + "' must satisfy MIN <= OPT <= MAX, got MIN " +
                                    dimsText(mn) + ", OPT " + dimsText(op) + ", MAX " + dimsText(mx));
                    return false;
                }
            }
        }
        const auto& v = e.values;
        if (!v[0].empty() || !v[1].empty() || !v[2].empty()) {
            if (v[0].size() != v[1].size() || v[1].size() != v[2].size()) return false;
            for (size_t i = 0; i < v[0].size(); ++i)
                if (!(v[0][i] <= v[1][i] && v[1][i] <= v[2][i])) return false;
        }
    }
    return true;
}

int32_t BuilderConfigImpl::addOptimizationProfile(const OptimizationProfile* profile) noexcept {
    return apiGuard(mSink, -1, [&] {
        auto* impl = dynamic_cast<const OptimizationProfileImpl*>(profile);
        KILN_CHECK_CODE(impl, ErrorCode::kINVALID_ARGUMENT) << "addOptimizationProfile: null or foreign profile";
        KILN_CHECK_CODE(impl->isValid(), ErrorCode::kINVALID_CONFIG) << "addOptimizationProfile: the profile is invalid";
        mProfiles.push_back(*impl);
        return static_cast<int32_t>(mProfiles.size()) - 1;
    });
}

void BuilderConfigImpl::setBuilderOptimizationLevel(int32_t level) noexcept {
    if (level < 0 || level > 5) {
        mSink.error(ErrorCode::kINVALID_ARGUMENT,
                    "setBuilderOptimizationLevel: level " + std::to_string(level) + " is outside [0, 5]");
        return;
    }
    mLevel = level;
}

std::unique_ptr<TimingCache> BuilderConfigImpl::createTimingCache(const void* blob, size_t size) const noexcept {
    return apiGuard(mSink, std::unique_ptr<TimingCache>(), [&] {
        auto cache = std::make_unique<TimingCacheImpl>();
        if (blob && size) {
            try {
                cache->load(blob, size);
            } catch (const KilnError& e) {
                // As TensorRT: a cache that doesn't load is not fatal; the build starts cold.
                mSink.warning(std::string("ignoring the timing cache: ") + e.what());
                cache->reset();
            }
        }
        return std::unique_ptr<TimingCache>(std::move(cache));
    });
}

bool BuilderConfigImpl::setTimingCache(TimingCache& cache, bool) noexcept {
    auto* impl = dynamic_cast<TimingCacheImpl*>(&cache);
    if (!impl) {
        mSink.error(ErrorCode::kINVALID_ARGUMENT, "setTimingCache: the cache was not created by Kiln");
        return false;
    }
    mTimingCache = impl;
    return true;
}

}  // namespace kiln
