// Strongly typed networks (NetworkDefinitionCreationFlag::kSTRONGLY_TYPED): types come from the
// network only. Layer precisions and output types are refused, so are the builder's reduced
// precision flags; the engine keeps the types the network's Cast layers give.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <random>

#include "common/test_util.h"
#include "core/half.h"
#include "kiln/kiln.h"

namespace kiln {
namespace {

struct Recorder : Logger {
    void log(Severity s, const char* m) noexcept override {
        if (s <= Severity::kERROR) errors.emplace_back(m);
    }
    bool saw(const std::string& text) const {
        for (const auto& e : errors)
            if (e.find(text) != std::string::npos) return true;
        return false;
    }
    std::vector<std::string> errors;
};

constexpr NetworkDefinitionCreationFlags kStrong = 1U << static_cast<int32_t>(NetworkDefinitionCreationFlag::kSTRONGLY_TYPED);

//! x (float32) → Cast to float16 → ReLU → y (float16 by the type rules).
struct HalfNetwork {
    std::unique_ptr<NetworkDefinition> net;
    Layer* relu{nullptr};
    explicit HalfNetwork(Builder& builder, NetworkDefinitionCreationFlags flags) : net(builder.createNetworkV2(flags)) {
        Tensor* x = net->addInput("x", DataType::kFLOAT, makeDims({2, 5}));
        auto* cast = net->addCast(*x, DataType::kHALF);
        auto* act = net->addActivation(*cast->getOutput(0), ActivationType::kRELU);
        act->getOutput(0)->setName("y");
        net->markOutput(*act->getOutput(0));
        relu = act;
    }
};

TEST(StronglyTyped, TheFlagIsKeptAndUnknownBitsAreRefused) {
    Recorder logger;
    auto builder = createBuilder(logger);
    EXPECT_TRUE(builder->createNetworkV2(kStrong)->getFlag(NetworkDefinitionCreationFlag::kSTRONGLY_TYPED));
    EXPECT_FALSE(builder->createNetwork()->getFlag(NetworkDefinitionCreationFlag::kSTRONGLY_TYPED));
    EXPECT_EQ(builder->createNetworkV2(1U << 7), nullptr);
    EXPECT_TRUE(logger.saw("unknown NetworkDefinitionCreationFlag bits 0x80")) << logger.errors.size();
}

TEST(StronglyTyped, LayerPrecisionAndOutputTypesAreRefused) {
    Recorder logger;
    auto builder = createBuilder(logger);
    HalfNetwork h(*builder, kStrong);
    h.relu->setPrecision(DataType::kFLOAT);
    EXPECT_FALSE(h.relu->precisionIsSet());
    EXPECT_TRUE(logger.saw("setPrecision is not allowed in a strongly typed network"));
    h.relu->getOutput(0)->setType(DataType::kFLOAT);
    EXPECT_EQ(h.relu->getOutput(0)->getType(), DataType::kHALF);
    EXPECT_TRUE(logger.saw("setType on tensor 'y': a strongly typed network takes the types of layer outputs"));
    // A weakly typed network takes both.
    Recorder weakLogger;
    auto weakBuilder = createBuilder(weakLogger);
    HalfNetwork weak(*weakBuilder, 0);
    weak.relu->setPrecision(DataType::kFLOAT);
    EXPECT_TRUE(weak.relu->precisionIsSet());
    EXPECT_TRUE(weakLogger.errors.empty());
}

TEST(StronglyTyped, ReducedPrecisionFlagsAreRefusedAndTheNetworksTypesAreKept) {
    Recorder logger;
    auto builder = createBuilder(logger);
    HalfNetwork h(*builder, kStrong);
    for (BuilderFlag flag : {BuilderFlag::kFP16, BuilderFlag::kBF16, BuilderFlag::kINT8}) {
        auto config = builder->createBuilderConfig();
        config->setFlag(flag);
        EXPECT_EQ(builder->buildSerializedNetwork(*h.net, *config), nullptr);
    }
    EXPECT_TRUE(logger.saw("BuilderFlag::kFP16 is not allowed with a strongly typed network"));
    EXPECT_TRUE(logger.saw("BuilderFlag::kINT8 is not allowed with a strongly typed network"));
    logger.errors.clear();
    auto config = builder->createBuilderConfig();
    auto plan = builder->buildSerializedNetwork(*h.net, *config);
    ASSERT_TRUE(plan) << (logger.errors.empty() ? "" : logger.errors.back());
    auto runtime = createRuntime(logger);
    auto engine = runtime->deserializeEngine(plan->data(), plan->size());
    ASSERT_TRUE(engine);
    EXPECT_EQ(engine->getTensorDataType("x"), DataType::kFLOAT);
    EXPECT_EQ(engine->getTensorDataType("y"), DataType::kHALF);
    // It runs: ReLU of the float16 rounding of fresh random inputs.
    auto context = engine->createExecutionContext();
    std::uniform_real_distribution<float> dist(-4.f, 4.f);
    std::vector<float> x(10);
    for (auto& v : x) v = dist(test::rng());
    std::vector<uint16_t> y(10, 0xFFFF);
    ASSERT_TRUE(context->setTensorAddress("x", x.data()));
    ASSERT_TRUE(context->setTensorAddress("y", y.data()));
    ASSERT_TRUE(context->executeV2()) << (logger.errors.empty() ? "" : logger.errors.back());
    for (size_t i = 0; i < x.size(); ++i) {
        const float expected = x[i] > 0 ? x[i] : 0.f;
        EXPECT_NEAR(halfToFloat(y[i]), expected, 4e-3f * (1.f + expected)) << i;
    }
}

}  // namespace
}  // namespace kiln
