// The timing cache file: "KILNTC <format> <library version>\n" then one line per entry,
// "<ms> <tactic> <key>" (keys contain no newlines). Text keeps it diffable and easy to verify.
#include <sstream>

#include "builder/builder_config_impl.h"
#include "core/status.h"
#include "kiln/version.h"

namespace kiln {

namespace {
constexpr const char* kMagic = "KILNTC";
constexpr int kFormat = 1;
}  // namespace

std::unique_ptr<HostMemory> TimingCacheImpl::serialize() const noexcept {
    try {
        std::lock_guard<std::mutex> lock(mMutex);
        std::ostringstream os;
        os << kMagic << " " << kFormat << " " << KILN_VERSION << "\n";
        for (const auto& [key, r] : mRecords) os << r.ms << " " << r.tactic << " " << key << "\n";
        std::string s = os.str();
        return std::make_unique<HostMemoryImpl>(std::vector<uint8_t>(s.begin(), s.end()));
    } catch (...) {
        return nullptr;
    }
}

void TimingCacheImpl::load(const void* blob, size_t size) {
    std::string text(static_cast<const char*>(blob), size);
    std::istringstream is(text);
    std::string magic;
    int format = 0;
    int32_t version = 0;
    is >> magic >> format >> version;
    KILN_CHECK(magic == kMagic) << "not a Kiln timing cache";
    KILN_CHECK(format == kFormat) << "timing cache format " << format << ", expected " << kFormat;
    KILN_CHECK(version == KILN_VERSION) << "timing cache from library version " << version << ", expected "
                                        << KILN_VERSION;
    std::string line;
    std::getline(is, line);
    std::map<std::string, Record> records;
    while (std::getline(is, line)) {
        if (line.empty()) continue;
        std::istringstream ls(line);
        Record r;
        ls >> r.ms >> r.tactic;
        KILN_CHECK(!ls.fail() && r.ms >= 0) << "malformed timing cache entry";
        std::string key;
        std::getline(ls, key);
        KILN_CHECK(key.size() > 1) << "malformed timing cache entry";
        records[key.substr(1)] = r;
    }
    std::lock_guard<std::mutex> lock(mMutex);
    mRecords = std::move(records);
}

bool TimingCacheImpl::combine(const TimingCache& other, bool) noexcept {
    auto* o = dynamic_cast<const TimingCacheImpl*>(&other);
    if (!o || o == this) return false;
    std::scoped_lock lock(mMutex, o->mMutex);
    for (const auto& [k, r] : o->mRecords) mRecords.insert({k, r});
    return true;
}

int64_t TimingCacheImpl::getNbEntries() const noexcept {
    std::lock_guard<std::mutex> lock(mMutex);
    return static_cast<int64_t>(mRecords.size());
}

bool TimingCacheImpl::reset() noexcept {
    std::lock_guard<std::mutex> lock(mMutex);
    mRecords.clear();
    return true;
}

bool TimingCacheImpl::lookup(const std::string& key, Record& out) const {
    std::lock_guard<std::mutex> lock(mMutex);
    auto it = mRecords.find(key);
    if (it == mRecords.end()) return false;
    out = it->second;
    return true;
}

void TimingCacheImpl::insert(const std::string& key, const Record& r) {
    std::lock_guard<std::mutex> lock(mMutex);
    mRecords[key] = r;
}

}  // namespace kiln
