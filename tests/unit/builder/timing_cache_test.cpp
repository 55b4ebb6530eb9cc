// The timing cache: filled by a build, saved, loaded into a new config, and used by the next
// build (no re-timing); a malformed cache is ignored with a warning.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "kiln/kiln.h"
#include "verify/api_networks.h"

namespace kiln {
namespace {

class CapturingLogger : public Logger {
public:
    void log(Severity s, const char* msg) noexcept override {
        messages.emplace_back(msg);
        if (s == Severity::kWARNING) warnings.emplace_back(msg);
    }
    int count(const std::string& needle) const {
        int n = 0;
        for (const auto& m : messages) n += m.find(needle) != std::string::npos;
        return n;
    }
    std::vector<std::string> messages, warnings;
};

//! Builds a one-convolution network (two candidate tactics, so timing happens) with `cache`, or
//! with a cache created from `blob` when `cache` is null.
std::unique_ptr<HostMemory> buildWith(Logger& logger, TimingCache* cache, std::unique_ptr<TimingCache>* created,
                                      const std::vector<uint8_t>& blob) {
    auto builder = createBuilder(logger);
    auto net = builder->createNetwork();
    std::vector<float> w(8 * 3 * 9, 0.1f);
    auto* x = net->addInput("x", DataType::kFLOAT, makeDims({2, 3, 16, 16}));
    auto* conv = net->addConvolutionNd(*x, 8, makeDims({3, 3}), {DataType::kFLOAT, w.data(), (int64_t)w.size()}, {});
    net->markOutput(*conv->getOutput(0));
    auto config = builder->createBuilderConfig();
    if (!cache) {
        *created = config->createTimingCache(blob.data(), blob.size());
        cache = created->get();
    }
    EXPECT_TRUE(config->setTimingCache(*cache, false));
    return builder->buildSerializedNetwork(*net, *config);
}

TEST(TimingCache, SavedCacheMakesTheNextBuildSkipTiming) {
    CapturingLogger first;
    std::unique_ptr<TimingCache> cache;
    ASSERT_TRUE(buildWith(first, nullptr, &cache, {}));
    ASSERT_GE(cache->getNbEntries(), 1);
    EXPECT_GE(first.count("openblas_im2col_gemm: "), 1);  // timed: "tactic <name>: <ms> ms"
    auto saved = cache->serialize();
    ASSERT_TRUE(saved);
    std::vector<uint8_t> blob(static_cast<const uint8_t*>(saved->data()),
                              static_cast<const uint8_t*>(saved->data()) + saved->size());

    CapturingLogger second;
    std::unique_ptr<TimingCache> loaded;
    ASSERT_TRUE(buildWith(second, nullptr, &loaded, blob));
    EXPECT_EQ(loaded->getNbEntries(), cache->getNbEntries());
    EXPECT_GE(second.count("timing cache hit"), 1);
    EXPECT_EQ(second.count("openblas_im2col_gemm: "), 0);  // nothing timed again
}

TEST(TimingCache, MalformedCacheIsIgnoredWithAWarning) {
    CapturingLogger logger;
    const std::string junk = "KILNTC 1 garbage\nnot a number\n";
    std::unique_ptr<TimingCache> cache;
    ASSERT_TRUE(buildWith(logger, nullptr, &cache, std::vector<uint8_t>(junk.begin(), junk.end())));
    ASSERT_FALSE(logger.warnings.empty());
    EXPECT_NE(logger.warnings.front().find("ignoring the timing cache"), std::string::npos);
}

}  // namespace
}  // namespace kiln
