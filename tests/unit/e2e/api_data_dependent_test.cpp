// A data-dependent output size through the whole runtime: NonZero's count is known only after
// the kernel runs; the context plans with the upper bound and reports the actual shape.
#include <gtest/gtest.h>

#include <vector>

#include "kiln/kiln.h"

namespace kiln {
namespace {

class NullLogger : public Logger {
public:
    void log(Severity, const char*) noexcept override {}
};

TEST(ApiDataDependent, NonZeroThenCastReportsTheActualShape) {
    NullLogger logger;
    auto builder = createBuilder(logger);
    auto net = builder->createNetwork();
    auto* x = net->addInput("x", DataType::kFLOAT, makeDims({2, 3}));
    auto* nz = net->addNonZero(*x);
    auto* cast = net->addCast(*nz->getOutput(0), DataType::kINT32);  // a consumer of the unknown size
    cast->getOutput(0)->setName("indices");
    net->markOutput(*cast->getOutput(0));
    auto config = builder->createBuilderConfig();
    auto plan = builder->buildSerializedNetwork(*net, *config);
    ASSERT_TRUE(plan);
    auto engine = createRuntime(logger)->deserializeEngine(plan->data(), plan->size());
    ASSERT_TRUE(engine);
    auto ctx = engine->createExecutionContext();
    std::vector<int32_t> out(2 * 6, -1);
    ctx->setTensorAddress("indices", out.data());
    for (const auto& [input, expected] :
         {std::pair<std::vector<float>, std::vector<int32_t>>{{0, 3, 0, -1, 0, 0}, {0, 1, 1, 0}},
          {{1, 1, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1, 0, 1, 2, 0, 1, 2}},
          {{0, 0, 0, 0, 0, 0}, {}}}) {
        ctx->setTensorAddress("x", const_cast<float*>(input.data()));
        ASSERT_TRUE(ctx->executeV2());
        Dims d = ctx->getTensorShape("indices");
        ASSERT_EQ(d.nbDims, 2);
        EXPECT_EQ(d.d[0], 2);
        EXPECT_EQ(d.d[1], static_cast<int64_t>(expected.size() / 2));
        EXPECT_EQ(std::vector<int32_t>(out.begin(), out.begin() + expected.size()), expected);
    }
}

}  // namespace
}  // namespace kiln
