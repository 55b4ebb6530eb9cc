// Pass tests: build a graph, run one pass through the manager, compare with the expected graph.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "ir/graph.h"
#include "ir/ops/activation.h"
#include "ir/ops/convolution.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/identity.h"
#include "ir/ops/matrix_multiply.h"
#include "ir/ops/normalization.h"
#include "ir/ops/reduce.h"
#include "ir/ops/scale.h"
#include "ir/ops/shape.h"
#include "ir/ops/shuffle.h"
#include "ir/ops/unary.h"
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

//! A float32 scalar constant.
ir::Value* scalar(ir::Graph& g, const std::string& name, float v) { return g.addConstant(name, test::tensorFrom({1}, {v})); }

//! An ElementWise node's output.
ir::Value* ew(ir::Graph& g, ElementWiseOperation op, const std::string& name, ir::Value* a, ir::Value* b) {
    auto e = std::make_unique<ir::ElementWiseOp>();
    e->op = op;
    return g.addNode(std::move(e), name, {a, b}, 1)->outputs[0];
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

TEST(ConstantFolding, IntegerDivisionOfTheMinimumByMinusOneWrapsInsteadOfTrapping) {
    // Shape values: INT64_MIN / -1 overflows (a hardware trap in C++); it wraps, as the kernel does.
    for (ElementWiseOperation op : {ElementWiseOperation::kDIV, ElementWiseOperation::kFMOD}) {
        ir::Graph g;
        ir::Value* a = g.addConstant("a", test::intTensor(DataType::kINT64, {1}, {INT64_MIN}));
        ir::Value* b = g.addConstant("b", test::intTensor(DataType::kINT64, {1}, {-1}));
        auto div = std::make_unique<ir::ElementWiseOp>();
        div->op = op;
        auto* q = g.addNode(std::move(div), "q", {a, b}, 1);
        auto* id = g.addNode(std::make_unique<ir::IdentityOp>(), "use", {q->outputs[0]}, 1);
        id->outputs[0]->name = "y";
        g.markOutput(id->outputs[0]);
        g.inferShapes();
        ASSERT_TRUE(q->outputs[0]->shapeValue.has_value());
        ASSERT_TRUE((*q->outputs[0]->shapeValue)[0].isConst());
        EXPECT_EQ((*q->outputs[0]->shapeValue)[0].value(), op == ElementWiseOperation::kDIV ? INT64_MIN : 0);
        runPass(g, passes::createConstantFoldingPass());
        ASSERT_EQ(g.nodes().size(), 1u);
        EXPECT_EQ(g.nodes()[0]->inputs[0]->constant->intAt(0), op == ElementWiseOperation::kDIV ? INT64_MIN : 0);
    }
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

// Conv -> Mul(scalar) -> Add([1,K,1,1]) -> Sub([K,1,1]) -> Div(scalar) folds into the convolution's
// weights and bias, and gives what the unfolded chain gives; a constant that varies along a
// spatial axis, or a constant minus the output, does not fold.
TEST(ScaleFolding, FoldsElementWiseAffineChainIntoConvolution) {
    const int64_t c = 2, k = 3;
    auto x = test::randomTensor(DataType::kFLOAT, {1, c, 5, 5});
    auto w = test::randomTensor(DataType::kFLOAT, {k, c, 3, 3});
    auto b = test::randomTensor(DataType::kFLOAT, {k});
    struct Step {
        ElementWiseOperation op;
        ir::HostTensor constant;
        bool constantFirst;
    };
    const std::vector<Step> chain = {
        {ElementWiseOperation::kPROD, test::randomTensor(DataType::kFLOAT, {1}, 0.5, 2.0), true},
        {ElementWiseOperation::kSUM, test::randomTensor(DataType::kFLOAT, {1, k, 1, 1}), false},
        {ElementWiseOperation::kSUB, test::randomTensor(DataType::kFLOAT, {k, 1, 1}), false},
        {ElementWiseOperation::kDIV, test::randomTensor(DataType::kFLOAT, {}, 0.5, 2.0), false},
    };
    ir::ConvolutionOp convOp;
    convOp.nbOutputMaps = k;
    convOp.kernelSize = {3, 3};
    auto build = [&](ir::Graph& g, const std::vector<Step>& steps) {
        ir::Value* in = g.addInput("x", DataType::kFLOAT, {1, c, 5, 5});
        auto* cn = g.addNode(std::make_unique<ir::ConvolutionOp>(convOp), "conv",
                             {in, g.addConstant("w", w), g.addConstant("b", b)}, 1);
        ir::Value* v = cn->outputs[0];
        for (size_t i = 0; i < steps.size(); ++i) {
            auto op = std::make_unique<ir::ElementWiseOp>();
            op->op = steps[i].op;
            ir::Value* cv = g.addConstant("c" + std::to_string(i), steps[i].constant);
            std::vector<ir::Value*> ins = steps[i].constantFirst ? std::vector<ir::Value*>{cv, v}
                                                                 : std::vector<ir::Value*>{v, cv};
            v = g.addNode(std::move(op), "ew" + std::to_string(i), ins, 1)->outputs[0];
        }
        v->name = "y";
        g.markOutput(v);
        g.inferShapes();
    };
    ir::Graph g;
    build(g, chain);
    runPass(g, passes::createScaleFoldingPass());
    ASSERT_EQ(g.nodes().size(), 1u);
    const ir::Node& conv = *g.nodes()[0];
    EXPECT_EQ(conv.fusedFrom, (std::vector<std::string>{"ew0", "ew1", "ew2", "ew3"}));
    auto folded = cpu::evaluateReference(convOp, {&x, conv.inputs[1]->constant.get(), conv.inputs[2]->constant.get()});
    auto expected = cpu::evaluateReference(convOp, {&x, &w, &b});
    for (const Step& st : chain) {
        ir::ElementWiseOp e;
        e.op = st.op;
        expected = cpu::evaluateReference(e, {&expected[0], &st.constant});
    }
    EXPECT_TRUE(test::allClose(folded[0], expected[0], 1e-5, 1e-6));

    ir::Graph spatial;
    build(spatial, {{ElementWiseOperation::kSUM, test::randomTensor(DataType::kFLOAT, {1, 1, 3, 1}), false}});
    runPass(spatial, passes::createScaleFoldingPass());
    EXPECT_EQ(spatial.nodes().size(), 2u);
    ir::Graph reversed;
    build(reversed, {{ElementWiseOperation::kSUB, test::randomTensor(DataType::kFLOAT, {1}), true}});
    runPass(reversed, passes::createScaleFoldingPass());
    EXPECT_EQ(reversed.nodes().size(), 2u);
}

// x * Clip(x + 3, 0, 6) / 6 (and * (1/6)), and x * HardSigmoid(x), become one HardSwish whose
// values match the chain's; a chain with another constant, or a shared intermediate, stays.
TEST(HardSwishFusion, FusesDecomposedHardSwish) {
    auto act = [](ir::Graph& g, ActivationType type, double alpha, double beta, const std::string& name, ir::Value* a) {
        auto op = std::make_unique<ir::ActivationOp>();
        op->type = type;
        op->alpha = alpha;
        op->beta = beta;
        return g.addNode(std::move(op), name, {a}, 1)->outputs[0];
    };
    // variant 0: / 6; 1: * (1/6); 2: HardSigmoid product; 3: / 5 (no match); 4: the clip also an output
    for (int variant = 0; variant < 5; ++variant) {
        SCOPED_TRACE(variant);
        ir::Graph g;
        ir::Value* x = g.addInput("x", DataType::kFLOAT, {2, 9});
        ir::Value* y;
        if (variant == 2) {
            y = ew(g, ElementWiseOperation::kPROD, "mul", x, act(g, ActivationType::kHARD_SIGMOID, 0.2, 0.4, "hs", x));
        } else {
            ir::Value* clip = act(g, ActivationType::kCLIP, 0, 6, "clip",
                                  ew(g, ElementWiseOperation::kSUM, "add", scalar(g, "three", 3), x));
            if (variant == 4) g.markOutput(clip);
            ir::Value* prod = ew(g, ElementWiseOperation::kPROD, "mul", clip, x);
            y = variant == 1 ? ew(g, ElementWiseOperation::kPROD, "scale", prod, scalar(g, "sixth", 1.f / 6.f))
                             : ew(g, ElementWiseOperation::kDIV, "div", prod, scalar(g, "six", variant == 3 ? 5 : 6));
        }
        y->name = "y";
        g.markOutput(y);
        g.inferShapes();
        runPass(g, passes::createHardSwishFusionPass());
        const bool fuses = variant <= 2;
        const ir::Node* last = g.nodes().back().get();
        EXPECT_EQ(std::string(last->op->name()) == "Activation", fuses);
        if (!fuses) continue;
        EXPECT_EQ(g.nodes().size(), 1u);
        const auto& op = static_cast<const ir::ActivationOp&>(*last->op);
        EXPECT_EQ(op.type, ActivationType::kHARD_SWISH);
        EXPECT_NEAR(op.alpha, variant == 2 ? 0.2 : 1.0 / 6, 1e-7);
        EXPECT_NEAR(op.beta, variant == 2 ? 0.4 : 0.5, 1e-7);
        auto in = test::randomTensor(DataType::kFLOAT, {2, 9}, -5, 5);
        auto got = cpu::evaluateReference(op, {&in});
        auto want = ir::HostTensor::make(DataType::kFLOAT, {2, 9});
        for (int64_t i = 0; i < 18; ++i) {
            const double v = in.as<float>()[i];
            want.as<float>()[i] = static_cast<float>(
                variant == 2 ? v * std::max(0.0, std::min(1.0, 0.2 * v + 0.4)) : v * std::max(0.0, std::min(6.0, v + 3)) / 6);
        }
        EXPECT_TRUE(test::allClose(got[0], want, 1e-6, 1e-6));
    }
}

// The exporters' erf GELU (nn.GELU's order, Hugging Face's order, and a multiplication by
// 1/sqrt(2)) becomes one GELU activation with the chain's values; a chain with another constant,
// or an intermediate that is also an output, stays.
TEST(GeluFusion, FusesTheDecomposedErfGelu) {
    // variant 0: nn.GELU; 1: x * 0.5 first; 2: * (1/sqrt(2)); 3: / 2 (no match); 4: erf also an output
    for (int variant = 0; variant < 5; ++variant) {
        SCOPED_TRACE(variant);
        ir::Graph g;
        ir::Value* x = g.addInput("x", DataType::kFLOAT, {3, 7});
        ir::Value* scaled = variant == 2 ? ew(g, ElementWiseOperation::kPROD, "scale", scalar(g, "r", 0.70710677f), x)
                                         : ew(g, ElementWiseOperation::kDIV, "div", x,
                                              scalar(g, "sqrt2", variant == 3 ? 2.f : 1.4142135f));
        auto erfOp = std::make_unique<ir::UnaryOp>();
        erfOp->op = UnaryOperation::kERF;
        ir::Value* erf = g.addNode(std::move(erfOp), "erf", {scaled}, 1)->outputs[0];
        if (variant == 4) g.markOutput(erf);
        ir::Value* gate = ew(g, ElementWiseOperation::kSUM, "add", erf, scalar(g, "one", 1.f));
        ir::Value* y = variant == 1 ? ew(g, ElementWiseOperation::kPROD, "mul",
                                         ew(g, ElementWiseOperation::kPROD, "half_x", x, scalar(g, "half", 0.5f)), gate)
                                    : ew(g, ElementWiseOperation::kPROD, "mul2",
                                         ew(g, ElementWiseOperation::kPROD, "mul1", x, gate), scalar(g, "half", 0.5f));
        y->name = "y";
        g.markOutput(y);
        g.inferShapes();
        runPass(g, passes::createGeluFusionPass());
        const bool fuses = variant <= 2;
        const ir::Node* last = g.nodes().back().get();
        EXPECT_EQ(std::string(last->op->name()) == "Activation", fuses);
        if (!fuses) continue;
        EXPECT_EQ(g.nodes().size(), 1u);
        const auto& op = static_cast<const ir::ActivationOp&>(*last->op);
        EXPECT_EQ(op.type, ActivationType::kGELU_ERF);
        EXPECT_EQ(last->inputs[0], x);
        auto in = test::randomTensor(DataType::kFLOAT, {3, 7}, -4, 4);
        auto got = cpu::evaluateReference(op, {&in});
        auto want = ir::HostTensor::make(DataType::kFLOAT, {3, 7});
        for (int64_t i = 0; i < 21; ++i) {
            const double v = in.as<float>()[i];
            want.as<float>()[i] = static_cast<float>(v * 0.5 * (1 + std::erf(v / std::sqrt(2.0))));
        }
        EXPECT_TRUE(test::allClose(got[0], want, 1e-6, 1e-6));
    }
}

//! Runs `g` node by node with the CPU reference kernels; returns the outputs by name.
std::map<std::string, ir::HostTensor> evaluateGraph(const ir::Graph& g,
                                                    const std::map<std::string, ir::HostTensor>& inputs) {
    std::map<const ir::Value*, ir::HostTensor> values;
    for (const ir::Value* in : g.inputs()) values[in] = inputs.at(in->name);
    for (const auto& n : g.nodes()) {
        std::vector<const ir::HostTensor*> ins;
        for (const ir::Value* v : n->inputs) ins.push_back(v->isConstant() ? v->constant.get() : &values.at(v));
        std::vector<ir::HostTensor> outs = cpu::evaluateReference(*n->op, ins);
        for (size_t i = 0; i < outs.size(); ++i) values[n->outputs[i]] = outs[i];
    }
    std::map<std::string, ir::HostTensor> out;
    for (const ir::Value* v : g.outputs()) out[v->name] = values.at(v);
    return out;
}

// A Transpose of the last two dims becomes the product's kTRANSPOSE (both operands; one
// already transposed flips back to kNONE); other permutations, and vectors, stay.
TEST(TransposeFolding, FoldsLastTwoDimsSwapsIntoTheProduct) {
    auto transpose = [](ir::Graph& g, const std::string& name, ir::Value* v, std::vector<int64_t> perm) {
        auto s = std::make_unique<ir::ShuffleOp>();
        s->firstTranspose = std::move(perm);
        return g.addNode(std::move(s), name, {v}, 1)->outputs[0];
    };
    // variant 0: B^T; 1: A^T with op0 already kTRANSPOSE; 2: another permutation (no fold)
    for (int variant = 0; variant < 3; ++variant) {
        SCOPED_TRACE(variant);
        ir::Graph g;
        ir::Value* a = g.addInput("a", DataType::kFLOAT, {2, 3, 5, 4});
        ir::Value* b = g.addInput("b", DataType::kFLOAT, {2, 3, 6, 4});
        auto mm = std::make_unique<ir::MatrixMultiplyOp>();
        ir::Value *lhs = a, *rhs = b;
        if (variant == 0) rhs = transpose(g, "bt", b, {0, 1, 3, 2});
        if (variant == 1) {
            mm->op0 = MatrixOperation::kTRANSPOSE;  // (A^T)^T = A: [5,4] x B^T [4,6]
            lhs = transpose(g, "at", a, {0, 1, 3, 2});
            rhs = transpose(g, "bt", b, {0, 1, 3, 2});
        }
        if (variant == 2) {
            // [2,3,5,4] → [3,2,4,5]: not a swap of the last two only
            lhs = transpose(g, "p", a, {1, 0, 2, 3});
            mm->op0 = MatrixOperation::kNONE;
            rhs = transpose(g, "bt", b, {1, 0, 3, 2});
        }
        auto* product = g.addNode(std::move(mm), "mm", {lhs, rhs}, 1);
        product->outputs[0]->name = "y";
        g.markOutput(product->outputs[0]);
        g.inferShapes();
        auto ins = std::vector<ir::HostTensor>{test::randomTensor(DataType::kFLOAT, {2, 3, 5, 4}),
                                               test::randomTensor(DataType::kFLOAT, {2, 3, 6, 4})};
        auto before = evaluateGraph(g, {{"a", ins[0]}, {"b", ins[1]}});
        runPass(g, passes::createTransposeFoldingPass());
        const auto& op = static_cast<const ir::MatrixMultiplyOp&>(*g.nodes().back()->op);
        if (variant == 0) {
            EXPECT_EQ(g.nodes().size(), 1u);
            EXPECT_EQ(op.op1, MatrixOperation::kTRANSPOSE);
        } else if (variant == 1) {
            EXPECT_EQ(g.nodes().size(), 1u);
            EXPECT_EQ(op.op0, MatrixOperation::kNONE);
            EXPECT_EQ(op.op1, MatrixOperation::kTRANSPOSE);
        } else {
            EXPECT_EQ(g.nodes().size(), 3u);
        }
        auto after = evaluateGraph(g, {{"a", ins[0]}, {"b", ins[1]}});
        EXPECT_TRUE(test::allClose(after.at("y"), before.at("y"), 1e-6, 1e-6));
    }
}

// Conv -> Relu and MatMul -> Sigmoid become the producers' epilogues; an activation whose input
// has another use, or one the kernels cannot carry (Softplus), stays a layer.
// Layer normalization written out (Mul(d, d) or Pow(d, 2); with gamma and beta, gamma only, or
// neither) becomes one Normalization with the chain's values; a mean over a non-trailing axis,
// or a centred tensor that is also an output, stays.
TEST(LayerNormFusion, FusesTheWrittenOutLayerNorm) {
    auto mean = [](ir::Graph& g, const std::string& name, ir::Value* v, int64_t axis) {
        auto r = std::make_unique<ir::ReduceOp>();
        r->op = ReduceOperation::kAVG;
        r->axes = {axis};
        r->keepDims = true;
        return g.addNode(std::move(r), name, {v}, 1)->outputs[0];
    };
    // variant 0: Mul(d,d), gamma and beta [8]; 1: Pow(d,2), no affine tail; 2: gamma [1,1,8] only;
    // 3: the mean over axis 1 (no fusion); 4: d is also an output (no fusion)
    for (int variant = 0; variant < 5; ++variant) {
        SCOPED_TRACE(variant);
        ir::Graph g;
        ir::Value* x = g.addInput("x", DataType::kFLOAT, {2, 5, 8});
        const int64_t axis = variant == 3 ? 1 : -1;
        ir::Value* d = ew(g, ElementWiseOperation::kSUB, "sub", x, mean(g, "mean", x, axis));
        if (variant == 4) g.markOutput(d);
        ir::Value* sq = variant == 1 ? ew(g, ElementWiseOperation::kPOW, "pow", d,
                                          g.addConstant("two", test::tensorFrom({1}, {2.f})))
                                     : ew(g, ElementWiseOperation::kPROD, "sq", d, d);
        ir::Value* ve = ew(g, ElementWiseOperation::kSUM, "add_eps", mean(g, "var", sq, axis),
                           g.addConstant("eps", test::tensorFrom({1}, {1e-5f})));
        auto sqrtOp = std::make_unique<ir::UnaryOp>();
        sqrtOp->op = UnaryOperation::kSQRT;
        ir::Value* sd = g.addNode(std::move(sqrtOp), "sqrt", {ve}, 1)->outputs[0];
        ir::Value* y = ew(g, ElementWiseOperation::kDIV, "div", d, sd);
        if (variant == 0 || variant == 3 || variant == 4) {
            y = ew(g, ElementWiseOperation::kPROD, "gamma", y, g.addConstant("g", test::randomTensor(DataType::kFLOAT, {8})));
            y = ew(g, ElementWiseOperation::kSUM, "beta", g.addConstant("b", test::randomTensor(DataType::kFLOAT, {8})), y);
        } else if (variant == 2) {
            y = ew(g, ElementWiseOperation::kPROD, "gamma", y,
                   g.addConstant("g", test::randomTensor(DataType::kFLOAT, {1, 1, 8})));
        }
        y->name = "y";
        g.markOutput(y);
        g.inferShapes();
        std::map<std::string, ir::HostTensor> in{{"x", test::randomTensor(DataType::kFLOAT, {2, 5, 8}, -3, 3)}};
        auto before = evaluateGraph(g, in);
        runPass(g, passes::createLayerNormFusionPass());
        const bool fuses = variant <= 2;
        const ir::Node* last = g.nodes().back().get();
        EXPECT_EQ(std::string(last->op->name()) == "Normalization", fuses);
        if (fuses) {
            EXPECT_EQ(g.nodes().size(), 1u);
            const auto& op = static_cast<const ir::NormalizationOp&>(*last->op);
            EXPECT_EQ(op.axes, (std::vector<int64_t>{2}));
            EXPECT_NEAR(op.epsilon, 1e-5, 1e-12);
        }
        auto after = evaluateGraph(g, in);
        EXPECT_TRUE(test::allClose(after.at("y"), before.at("y"), 1e-5, 1e-5));
    }
}

// Add(conv, z) and Add(z, conv) become the convolution with residual z, and the ReLU after it
// its activation (relu(conv + bias + z)) with the chain's values; a convolution with its own
// activation, one whose output is also an output, and a broadcast z stay.
TEST(ResidualFusion, FoldsTheShortcutAddIntoTheConvolution) {
    for (int variant = 0; variant < 5; ++variant) {
        SCOPED_TRACE(variant);
        ir::Graph g;
        ir::Value* x = g.addInput("x", DataType::kFLOAT, {2, 3, 6, 5});
        ir::Value* z = g.addInput("z", DataType::kFLOAT, variant == 4 ? ir::Shape{2, 4, 1, 1} : ir::Shape{2, 4, 6, 5});
        auto conv = std::make_unique<ir::ConvolutionOp>();
        conv->nbOutputMaps = 4;
        conv->kernelSize = {3, 3};
        conv->prePadding = conv->postPadding = {1, 1};
        if (variant == 2) conv->fusedActivation = static_cast<int64_t>(ActivationType::kSIGMOID);
        auto* cn = g.addNode(std::move(conv), "conv",
                             {x, g.addConstant("w", test::randomTensor(DataType::kFLOAT, {4, 3, 3, 3})),
                              g.addConstant("b", test::randomTensor(DataType::kFLOAT, {4}))},
                             1);
        if (variant == 3) g.markOutput(cn->outputs[0]);
        auto add = std::make_unique<ir::ElementWiseOp>();
        add->op = ElementWiseOperation::kSUM;
        auto* an = g.addNode(std::move(add), "add",
                             variant == 1 ? std::vector<ir::Value*>{z, cn->outputs[0]}
                                          : std::vector<ir::Value*>{cn->outputs[0], z},
                             1);
        auto relu = std::make_unique<ir::ActivationOp>();
        relu->type = ActivationType::kRELU;
        auto* rn = g.addNode(std::move(relu), "relu", {an->outputs[0]}, 1);
        rn->outputs[0]->name = "y";
        g.markOutput(rn->outputs[0]);
        g.inferShapes();
        const std::vector<int64_t> zDims = variant == 4 ? std::vector<int64_t>{2, 4, 1, 1} : std::vector<int64_t>{2, 4, 6, 5};
        std::map<std::string, ir::HostTensor> in{{"x", test::randomTensor(DataType::kFLOAT, {2, 3, 6, 5})},
                                                 {"z", test::randomTensor(DataType::kFLOAT, zDims, -2, 2)}};
        auto before = evaluateGraph(g, in);
        static NullLogger logger;
        static LogSink sink(&logger);
        passes::PassManager pm(sink);
        pm.add(passes::createResidualFusionPass());
        pm.add(passes::createActivationFusionPass());
        pm.run(g);
        const bool fuses = variant <= 1;
        EXPECT_EQ(g.nodes().size(), fuses ? 1u : 3u);
        if (fuses) {
            const ir::Node& n = *g.nodes()[0];
            const auto& op = static_cast<const ir::ConvolutionOp&>(*n.op);
            EXPECT_EQ(n.name, "conv");
            ASSERT_EQ(n.inputs.size(), 4u);
            EXPECT_EQ(n.inputs[3], z);
            EXPECT_EQ(op.fusedActivation, static_cast<int64_t>(ActivationType::kRELU));
            EXPECT_EQ(n.fusedFrom, (std::vector<std::string>{"add", "relu"}));
        }
        auto after = evaluateGraph(g, in);
        EXPECT_TRUE(test::allClose(after.at("y"), before.at("y"), 1e-5, 1e-5));
    }
}

TEST(ActivationFusion, FusesIntoConvolutionAndMatrixMultiply) {
    auto build = [](ir::Graph& g, ActivationType type, bool shared) {
        ir::Value* x = g.addInput("x", DataType::kFLOAT, {1, 2, 5, 5});
        auto conv = std::make_unique<ir::ConvolutionOp>();
        conv->nbOutputMaps = 3;
        conv->kernelSize = {3, 3};
        auto* cn = g.addNode(std::move(conv), "conv",
                             {x, g.addConstant("w", test::randomTensor(DataType::kFLOAT, {3, 2, 3, 3}))}, 1);
        auto act = std::make_unique<ir::ActivationOp>();
        act->type = type;
        auto* an = g.addNode(std::move(act), "act", {cn->outputs[0]}, 1);
        an->outputs[0]->name = "y";
        g.markOutput(an->outputs[0]);
        if (shared) g.markOutput(cn->outputs[0]);
        g.inferShapes();
    };
    ir::Graph fused;
    build(fused, ActivationType::kRELU, false);
    runPass(fused, passes::createActivationFusionPass());
    ASSERT_EQ(fused.nodes().size(), 1u);
    const auto& conv = static_cast<const ir::ConvolutionOp&>(*fused.nodes()[0]->op);
    EXPECT_EQ(conv.fusedActivation, static_cast<int64_t>(ActivationType::kRELU));
    EXPECT_EQ(fused.nodes()[0]->outputs[0]->name, "y");
    EXPECT_EQ(fused.nodes()[0]->fusedFrom, std::vector<std::string>{"act"});
    for (auto [type, shared] : {std::pair{ActivationType::kRELU, true}, std::pair{ActivationType::kSOFTPLUS, false}}) {
        ir::Graph kept;
        build(kept, type, shared);
        runPass(kept, passes::createActivationFusionPass());
        EXPECT_EQ(kept.nodes().size(), 2u) << static_cast<int>(type);
    }

    ir::Graph mm;
    ir::Value* a = mm.addInput("a", DataType::kFLOAT, {4, 6});
    auto* mn = mm.addNode(std::make_unique<ir::MatrixMultiplyOp>(), "mm",
                          {a, mm.addConstant("b", test::randomTensor(DataType::kFLOAT, {6, 3}))}, 1);
    auto sig = std::make_unique<ir::ActivationOp>();
    sig->type = ActivationType::kSIGMOID;
    auto* sn = mm.addNode(std::move(sig), "sig", {mn->outputs[0]}, 1);
    mm.markOutput(sn->outputs[0]);
    mm.inferShapes();
    runPass(mm, passes::createActivationFusionPass());
    ASSERT_EQ(mm.nodes().size(), 1u);
    EXPECT_EQ(static_cast<const ir::MatrixMultiplyOp&>(*mm.nodes()[0]->op).fusedActivation,
              static_cast<int64_t>(ActivationType::kSIGMOID));
}

// MatMul(x, W) -> Add(bias [N]) -> Mul(scalar) folds into the matmul's weights and bias (the
// second fold scales the bias the first one made) and gives what the chain gives; a constant
// that varies along the rows does not fold.
TEST(ScaleFolding, FoldsElementWiseBiasAndScaleIntoMatrixMultiply) {
    auto x = test::randomTensor(DataType::kFLOAT, {2, 4, 6});
    auto w = test::randomTensor(DataType::kFLOAT, {6, 3});
    auto bias = test::randomTensor(DataType::kFLOAT, {3});
    auto half = test::tensorFrom({1}, {0.5f});
    auto rows = test::randomTensor(DataType::kFLOAT, {4, 1});
    auto build = [&](ir::Graph& g, const ir::HostTensor& addend) {
        ir::Value* in = g.addInput("x", DataType::kFLOAT, {2, 4, 6});
        auto* mn = g.addNode(std::make_unique<ir::MatrixMultiplyOp>(), "mm", {in, g.addConstant("w", w)}, 1);
        auto add = std::make_unique<ir::ElementWiseOp>();
        add->op = ElementWiseOperation::kSUM;
        auto* an = g.addNode(std::move(add), "add", {mn->outputs[0], g.addConstant("bias", addend)}, 1);
        auto mul = std::make_unique<ir::ElementWiseOp>();
        mul->op = ElementWiseOperation::kPROD;
        auto* pn = g.addNode(std::move(mul), "mul", {an->outputs[0], g.addConstant("half", half)}, 1);
        g.markOutput(pn->outputs[0]);
        g.inferShapes();
    };
    ir::Graph g;
    build(g, bias);
    runPass(g, passes::createScaleFoldingPass());
    ASSERT_EQ(g.nodes().size(), 1u);
    const ir::Node& mm = *g.nodes()[0];
    ASSERT_EQ(mm.inputs.size(), 3u);
    ir::MatrixMultiplyOp op;
    auto folded = cpu::evaluateReference(op, {&x, mm.inputs[1]->constant.get(), mm.inputs[2]->constant.get()});
    auto expected = cpu::evaluateReference(op, {&x, &w});
    ir::ElementWiseOp add, mul;
    mul.op = ElementWiseOperation::kPROD;
    expected = cpu::evaluateReference(add, {&expected[0], &bias});
    expected = cpu::evaluateReference(mul, {&expected[0], &half});
    EXPECT_TRUE(test::allClose(folded[0], expected[0], 1e-5, 1e-6));

    ir::Graph kept;
    build(kept, rows);
    runPass(kept, passes::createScaleFoldingPass());
    EXPECT_EQ(kept.nodes().size(), 3u);  // the Add stays (per row), and so the Mul after it
}

// Attention's scores: MatMul(q, Transpose(k)) / 8, where k = MatMul(x, Wk) + bias: the 1/8 moves
// into Wk and the bias through the Shuffle, and the scores are what the unfolded graph gives.
TEST(ScaleFolding, FoldsScoreScaleIntoTheProjectionBehindShuffles) {
    auto q = test::randomTensor(DataType::kFLOAT, {5, 4});
    auto x = test::randomTensor(DataType::kFLOAT, {6, 3});
    auto wk = test::randomTensor(DataType::kFLOAT, {3, 4});
    auto bk = test::randomTensor(DataType::kFLOAT, {4});
    auto eight = test::tensorFrom({1}, {8.f});
    ir::Graph g;
    ir::Value* qv = g.addInput("q", DataType::kFLOAT, {5, 4});
    ir::Value* xv = g.addInput("x", DataType::kFLOAT, {6, 3});
    auto* proj = g.addNode(std::make_unique<ir::MatrixMultiplyOp>(), "proj",
                           {xv, g.addConstant("wk", wk), g.addConstant("bk", bk)}, 1);
    auto t = std::make_unique<ir::ShuffleOp>();
    t->firstTranspose = {1, 0};
    auto* tn = g.addNode(std::move(t), "kt", {proj->outputs[0]}, 1);
    auto* scores = g.addNode(std::make_unique<ir::MatrixMultiplyOp>(), "scores", {qv, tn->outputs[0]}, 1);
    auto div = std::make_unique<ir::ElementWiseOp>();
    div->op = ElementWiseOperation::kDIV;
    auto* dn = g.addNode(std::move(div), "div", {scores->outputs[0], g.addConstant("eight", eight)}, 1);
    g.markOutput(dn->outputs[0]);
    g.inferShapes();
    runPass(g, passes::createScaleFoldingPass());
    ASSERT_EQ(g.nodes().size(), 3u);  // proj, kt, scores
    const ir::Node& p = *g.nodes()[0];
    ir::MatrixMultiplyOp mm;
    auto k = cpu::evaluateReference(mm, {&x, p.inputs[1]->constant.get(), p.inputs[2]->constant.get()});
    ir::ShuffleOp tr;
    tr.firstTranspose = {1, 0};
    auto kt = cpu::evaluateReference(tr, {&k[0]});
    auto got = cpu::evaluateReference(mm, {&q, &kt[0]});
    auto k0 = cpu::evaluateReference(mm, {&x, &wk, &bk});
    auto kt0 = cpu::evaluateReference(tr, {&k0[0]});
    auto s0 = cpu::evaluateReference(mm, {&q, &kt0[0]});
    ir::ElementWiseOp d;
    d.op = ElementWiseOperation::kDIV;
    auto want = cpu::evaluateReference(d, {&s0[0], &eight});
    EXPECT_TRUE(test::allClose(got[0], want[0], 1e-5, 1e-6));
}

}  // namespace
}  // namespace kiln
