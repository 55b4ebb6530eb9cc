// Pass tests: build a graph, run one pass through the manager, compare with the expected graph.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "ir/graph.h"
#include "ir/ops/activation.h"
#include "ir/ops/convolution.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/identity.h"
#include "ir/ops/scale.h"
#include "ir/ops/shape.h"
#include "passes/pass.h"

namespace kiln {
namespace {

class NullLogger : public Logger {
public:
    void log(Severity, const char*) noexcept override {}
};

void runPass(ir::Graph& g, std::unique_ptr<passes::Pass> pass) {
    static NullLogger logger;
    static LogSink sink(&logger);
    passes::PassManager pm(sink);
    pm.add(std::move(pass));
    pm.run(g);
}

TEST(IdentityCleanup, RemovesIdentityButKeepsNetworkOutputProducer) {
    ir::Graph g;
    ir::Value* x = g.addInput("x", DataType::kFLOAT, {ir::DimExpr::symbol(0), 4});
    auto* id1 = g.addNode(std::make_unique<ir::IdentityOp>(), "id1", {x}, 1);
    auto relu = std::make_unique<ir::ActivationOp>();
    auto* act = g.addNode(std::move(relu), "relu", {id1->outputs[0]}, 1);
    auto* id2 = g.addNode(std::make_unique<ir::IdentityOp>(), "id2", {act->outputs[0]}, 1);
    id2->outputs[0]->name = "y";
    g.markOutput(id2->outputs[0]);
    g.inferShapes();
    runPass(g, passes::createIdentityCleanupPass());
    EXPECT_EQ(ir::printGraph(g),
              "graph(%x: float32[s0,4]) {\n"
              "  %y: float32[s0,4] = Activation[alpha=0,beta=0,type=0](%x)\n"
              "  return %y\n"
              "}\n");
}

TEST(ConstantFolding, FoldsShapeArithmeticOnStaticDims) {
    ir::Graph g;
    ir::Value* x = g.addInput("x", DataType::kFLOAT, {2, 3});
    auto* shape = g.addNode(std::make_unique<ir::ShapeOp>(), "shape", {x}, 1);
    auto add = std::make_unique<ir::ElementWiseOp>();
    ir::Value* one = g.addConstant("one", test::intTensor(DataType::kINT64, {1}, {1}));
    auto* sum = g.addNode(std::move(add), "plus_one", {shape->outputs[0], one}, 1);
    sum->outputs[0]->name = "dims";
    auto* id = g.addNode(std::make_unique<ir::IdentityOp>(), "use", {sum->outputs[0]}, 1);
    id->outputs[0]->name = "y";
    g.markOutput(id->outputs[0]);
    g.inferShapes();
    runPass(g, passes::createConstantFoldingPass());
    ASSERT_EQ(g.nodes().size(), 1u);
    const ir::Value* folded = g.nodes()[0]->inputs[0];
    ASSERT_TRUE(folded->isConstant());
    EXPECT_EQ(folded->constant->intAt(0), 3);
    EXPECT_EQ(folded->constant->intAt(1), 4);
}

TEST(ScaleFolding, FoldsPerChannelScaleIntoConvolutionExactly) {
    const int64_t c = 2, k = 3;
    auto build = [&](ir::Graph& g, bool markMid) {
        ir::Value* x = g.addInput("x", DataType::kFLOAT, {1, c, 5, 5});
        auto conv = std::make_unique<ir::ConvolutionOp>();
        conv->nbOutputMaps = k;
        conv->kernelSize = {3, 3};
        ir::Value* w = g.addConstant("w", test::randomTensor(DataType::kFLOAT, {k, c, 3, 3}));
        ir::Value* b = g.addConstant("b", test::randomTensor(DataType::kFLOAT, {k}));
        auto* cn = g.addNode(std::move(conv), "conv", {x, w, b}, 1);
        auto scale = std::make_unique<ir::ScaleOp>();
        scale->mode = ScaleMode::kCHANNEL;
        ir::Value* shift = g.addConstant("shift", test::randomTensor(DataType::kFLOAT, {k}));
        ir::Value* mul = g.addConstant("mul", test::randomTensor(DataType::kFLOAT, {k}));
        auto* sc = g.addNode(std::move(scale), "bn", {cn->outputs[0], shift, mul}, 1);
        sc->outputs[0]->name = "y";
        g.markOutput(sc->outputs[0]);
        if (markMid) g.markOutput(cn->outputs[0]);
        g.inferShapes();
    };
    ir::Graph g;
    build(g, false);
    runPass(g, passes::createScaleFoldingPass());
    ASSERT_EQ(g.nodes().size(), 1u);
    EXPECT_STREQ(g.nodes()[0]->op->name(), "Convolution");
    EXPECT_EQ(g.nodes()[0]->outputs[0]->name, "y");
    EXPECT_EQ(g.nodes()[0]->fusedFrom, std::vector<std::string>{"bn"});

    ir::Graph kept;
    build(kept, true);  // the conv output is a network output: folding must not happen
    runPass(kept, passes::createScaleFoldingPass());
    EXPECT_EQ(kept.nodes().size(), 2u);
}

}  // namespace
}  // namespace kiln
