// The API-built transformer block (verify/api_networks.h): dynamic batch and sequence length
// with two profiles. Numerics are checked against numpy by the api_networks_vs_numpy test; here,
// shapes, profiles and determinism.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "common/test_util.h"
#include "kiln/kiln.h"
#include "verify/api_networks.h"

namespace kiln {
namespace {

class ErrorLogger : public Logger {
public:
    void log(Severity s, const char* msg) noexcept override {
        if (s <= Severity::kERROR) last = msg;
    }
    std::string last;
};

TEST(ApiTransformer, TwoProfilesDynamicBatchAndSequence) {
    ErrorLogger logger;
    test::TransformerBlock block(test::rng());
    auto plan = block.build(logger);
    ASSERT_TRUE(plan) << logger.last;
    auto engine = createRuntime(logger)->deserializeEngine(plan->data(), plan->size());
    ASSERT_TRUE(engine);
    EXPECT_EQ(engine->getNbOptimizationProfiles(), 2);
    Dims x = engine->getTensorShape("x");
    ASSERT_EQ(x.nbDims, 3);
    EXPECT_EQ(x.d[0], -1);
    EXPECT_EQ(x.d[1], -1);
    EXPECT_EQ(x.d[2], test::TransformerBlock::D);
    EXPECT_EQ(engine->getProfileShape("x", 1, OptProfileSelector::kMAX).d[1], 32);

    auto ctx = engine->createExecutionContext();
    ASSERT_TRUE(ctx->setOptimizationProfile(1));
    EXPECT_FALSE(ctx->setInputShape("x", makeDims({1, 4, 16})));  // S = 4 is profile 0's range
    EXPECT_NE(logger.last.find("outside the range of optimization profile 1"), std::string::npos) << logger.last;
    for (auto [profile, b, s] : {std::tuple{0, 3, 7}, std::tuple{1, 2, 29}}) {
        ASSERT_TRUE(ctx->setOptimizationProfile(profile));
        ASSERT_TRUE(ctx->setInputShape("x", makeDims({b, s, 16})));
        Dims y = ctx->getTensorShape("y");
        ASSERT_EQ(y.nbDims, 3);
        EXPECT_EQ(y.d[0], b);
        EXPECT_EQ(y.d[1], s);
        auto in = test::randomTensor(DataType::kFLOAT, {b, s, 16});
        std::vector<float> first(static_cast<size_t>(b) * s * 16), second(first.size());
        ctx->setTensorAddress("x", in.data());
        ctx->setTensorAddress("y", first.data());
        ASSERT_TRUE(ctx->executeV2()) << logger.last;
        ctx->setTensorAddress("y", second.data());
        ASSERT_TRUE(ctx->executeV2());
        EXPECT_EQ(first, second);  // the arena is reused: results must not depend on leftovers
    }
}

}  // namespace
}  // namespace kiln
