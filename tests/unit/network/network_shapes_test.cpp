// Tensor shapes as the network reports them while it is being defined: inferred once, and
// again after any change (setters, new layers, new inputs).
#include <gtest/gtest.h>

#include <vector>

#include "kiln/kiln.h"

namespace kiln {
namespace {

class NullLogger : public Logger {
public:
    void log(Severity, const char*) noexcept override {}
};

TEST(NetworkShapes, SettersAreSeenByTheNextQuery) {
    NullLogger logger;
    auto builder = createBuilder(logger);
    auto net = builder->createNetwork();
    auto* x = net->addInput("x", DataType::kFLOAT, makeDims({-1, 2, 9, 9}));
    std::vector<float> w(4 * 2 * 3 * 3, 0.5f);
    auto* conv = net->addConvolutionNd(*x, 4, makeDims({3, 3}), {DataType::kFLOAT, w.data(), (int64_t)w.size()}, {});
    Dims d = conv->getOutput(0)->getDimensions();
    ASSERT_EQ(d.nbDims, 4);
    EXPECT_EQ(d.d[0], -1);
    EXPECT_EQ(d.d[2], 7);
    conv->setStrideNd(makeDims({2, 2}));
    EXPECT_EQ(conv->getOutput(0)->getDimensions().d[2], 4);
    conv->setPaddingNd(makeDims({1, 1}));
    EXPECT_EQ(conv->getOutput(0)->getDimensions().d[2], 5);
    x->setDimensions(makeDims({-1, 2, 17, 9}));
    EXPECT_EQ(conv->getOutput(0)->getDimensions().d[2], 9);
    auto* pool = net->addPoolingNd(*conv->getOutput(0), PoolingType::kMAX, makeDims({3, 3}));
    EXPECT_EQ(pool->getOutput(0)->getDimensions().d[3], 3);
    pool->setWindowSizeNd(makeDims({1, 1}));
    EXPECT_EQ(pool->getOutput(0)->getDimensions().d[3], 5);
}

}  // namespace
}  // namespace kiln
