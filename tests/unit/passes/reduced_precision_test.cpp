// The reduced-precision pass on the CPU backend's tactics (whose reference kernels take half):
// the layers run in half with their weights converted once, a reformat wherever float32 meets
// half, float32 kept for a layer constrained to it and for the producer of the output.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/test_util.h"
#include "ir/graph.h"
#include "ir/ops/activation.h"
#include "ir/ops/einsum.h"
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

// Under kOBEY/kPREFER_PRECISION_CONSTRAINTS, without the FP16 flag: layers constrained to half
// run in half, the one producing the output too, with a reformat back to float32 after it.
TEST(ReducedPrecision, ConstrainedLayersRunInTheirTypeAndTheOutputIsReformatted) {
    ir::Graph g;
    ir::Value* x = g.addInput("x", DataType::kFLOAT, {2, 3});
    auto* relu = g.addNode(std::make_unique<ir::ActivationOp>(), "relu", {x}, 1);
    relu->precision = DataType::kHALF;
    auto sig = std::make_unique<ir::ActivationOp>();
    sig->type = ActivationType::kSIGMOID;
    auto* last = g.addNode(std::move(sig), "last", {relu->outputs[0]}, 1);
    last->precision = DataType::kHALF;
    last->outputs[0]->name = "y";
    g.markOutput(last->outputs[0]);
    auto* free = g.addNode(std::make_unique<ir::ActivationOp>(), "free", {x}, 1);  // unconstrained: float32
    free->outputs[0]->name = "z";
    g.markOutput(free->outputs[0]);
    g.inferShapes();
    NullLogger logger;
    LogSink sink(&logger);
    passes::PassManager pm(sink);
    pm.add(passes::createReducedPrecisionPass(DeviceType::kCPU, DataType::kFLOAT, passes::PrecisionConstraints::kOBEY));
    pm.run(g);
    EXPECT_EQ(relu->outputs[0]->type, DataType::kHALF);
    EXPECT_EQ(last->precision, DataType::kHALF);
    EXPECT_EQ(last->outputs[0]->type, DataType::kHALF);
    ASSERT_EQ(g.outputs().size(), 2u);
    EXPECT_EQ(g.outputs()[0]->name, "y");
    EXPECT_EQ(g.outputs()[0]->type, DataType::kFLOAT) << "the output keeps its declared type";
    EXPECT_EQ(g.outputs()[0]->producer->op->name(), std::string("Cast"));
    EXPECT_EQ(g.outputs()[0]->producer->inputs[0], last->outputs[0]);
    EXPECT_EQ(free->outputs[0]->type, DataType::kFLOAT);
}

// A layer constrained to half that no kernel runs in half (an Einsum of five operands: the GPU
// kernel takes four): obey fails the build naming the layer, prefer keeps it in float32 with a warning.
TEST(ReducedPrecision, ObeyFailsAndPreferFallsBackWhereNoKernelTakesTheConstraint) {
    for (auto mode : {passes::PrecisionConstraints::kOBEY, passes::PrecisionConstraints::kPREFER}) {
        ir::Graph g;
        std::vector<ir::Value*> operands;
        for (const char* name : {"a", "b", "c", "d", "e"}) operands.push_back(g.addInput(name, DataType::kFLOAT, {2}));
        auto e = std::make_unique<ir::EinsumOp>();
        e->equation = "a,b,c,d,e->abcde";
        auto* n = g.addNode(std::move(e), "outer_einsum", operands, 1);
        n->precision = DataType::kHALF;
        auto* relu = g.addNode(std::make_unique<ir::ActivationOp>(), "relu", {n->outputs[0]}, 1);
        g.markOutput(relu->outputs[0]);
        g.inferShapes();
        struct Warnings : Logger {
            void log(Severity s, const char* m) noexcept override {
                if (s == Severity::kWARNING) text += m;
            }
            std::string text;
        } logger;
        LogSink sink(&logger);
        passes::PassManager pm(sink);
        pm.add(passes::createReducedPrecisionPass(DeviceType::kGPU, DataType::kFLOAT, mode));
        if (mode == passes::PrecisionConstraints::kOBEY) {
            try {
                pm.run(g);
                FAIL() << "no error";
            } catch (const KilnError& err) {
                EXPECT_NE(std::string(err.what()).find("layer 'outer_einsum' is constrained to float16 but no GPU "
                                                       "kernel for Einsum runs in it"),
                          std::string::npos)
                    << err.what();
            }
        } else {
            pm.run(g);
            EXPECT_EQ(n->outputs[0]->type, DataType::kFLOAT);
            EXPECT_NE(logger.text.find("it runs in float32 (kPREFER_PRECISION_CONSTRAINTS)"), std::string::npos);
        }
    }
}

}  // namespace
}  // namespace kiln
