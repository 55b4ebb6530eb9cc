// The reduced-precision pass on the CPU backend's tactics (whose reference kernels take half):
// the layers run in half with their weights converted once, a reformat wherever float32 meets
// half, float32 kept for a layer constrained to it and for the producer of the output.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "ir/graph.h"
#include "ir/ops/activation.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/shape.h"
#include "passes/pass.h"
#include "passes/precision/reduced_precision.h"

namespace kiln {
namespace {

class NullLogger : public Logger {
public:
    void log(Severity, const char*) noexcept override {}
};

TEST(ReducedPrecision, RunsLayersInHalfWithReformatsAtTheFloatBoundaries) {
    ir::Graph g;
    ir::Value* x = g.addInput("x", DataType::kFLOAT, {2, 3});
    ir::Value* w = g.addConstant("w", test::randomTensor(DataType::kFLOAT, {2, 3}));
    auto sum = std::make_unique<ir::ElementWiseOp>();
    sum->op = ElementWiseOperation::kSUM;
    auto* add = g.addNode(std::move(sum), "add", {x, w}, 1);
    auto* relu = g.addNode(std::make_unique<ir::ActivationOp>(), "relu", {add->outputs[0]}, 1);
    auto* keep = g.addNode(std::make_unique<ir::ActivationOp>(), "keep", {relu->outputs[0]}, 1);
    keep->precision = DataType::kFLOAT;  // a per-layer constraint
    auto prod = std::make_unique<ir::ElementWiseOp>();
    prod->op = ElementWiseOperation::kPROD;
    auto* last = g.addNode(std::move(prod), "last", {keep->outputs[0], relu->outputs[0]}, 1);
    last->outputs[0]->name = "y";
    g.markOutput(last->outputs[0]);
    auto* shape = g.addNode(std::make_unique<ir::ShapeOp>(), "shape", {relu->outputs[0]}, 1);
    shape->outputs[0]->name = "dims";
    g.markOutput(shape->outputs[0]);
    g.inferShapes();

    NullLogger logger;
    LogSink sink(&logger);
    passes::PassManager pm(sink);
    pm.add(passes::createReducedPrecisionPass(DeviceType::kCPU, DataType::kHALF));
    pm.run(g);

    EXPECT_EQ(add->precision, DataType::kHALF);
    EXPECT_EQ(relu->precision, DataType::kHALF);
    EXPECT_EQ(relu->outputs[0]->type, DataType::kHALF);
    EXPECT_EQ(add->inputs[1]->type, DataType::kHALF) << "the weights are converted at build time";
    EXPECT_TRUE(add->inputs[1]->isConstant());
    EXPECT_EQ(add->inputs[0]->producer->op->name(), std::string("Cast")) << "x is reformatted to half";
    EXPECT_EQ(keep->precision, DataType::kFLOAT);
    EXPECT_EQ(keep->outputs[0]->type, DataType::kFLOAT);
    EXPECT_EQ(last->outputs[0]->type, DataType::kFLOAT) << "the output keeps its declared type";
    // relu's half output is reformatted once, for both float32 readers.
    EXPECT_EQ(keep->inputs[0], last->inputs[1]);
    EXPECT_EQ(keep->inputs[0]->producer->op->name(), std::string("Cast"));
    EXPECT_EQ(shape->inputs[0], relu->outputs[0]) << "Shape reads the half tensor as it is";
    int casts = 0;
    for (const auto& n : g.nodes()) casts += n->op->name() == std::string("Cast");
    EXPECT_EQ(casts, 2);
}

}  // namespace
}  // namespace kiln
