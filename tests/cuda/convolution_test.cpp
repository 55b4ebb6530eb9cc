// Convolution and Deconvolution through cuDNN against the CPU reference: 1-D, 2-D and 3-D,
// strides, dilations, symmetric and asymmetric padding (staged in the workspace), every padding
// mode, groups and depthwise, bias (also of another float type), each fused activation, extra
// batch dims, a fused residual, float32 (exact and TF32), float16 and bfloat16.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends/cpu/kernel.h"
#include "backends/tactic.h"
#include "cuda/cuda_test_util.h"
#include "ir/ops/convolution.h"
#include "ir/ops/deconvolution.h"

namespace kiln {
namespace {

using Dims = std::vector<int64_t>;
using PM = PaddingMode;
using test::GpuCheck;
using test::tol;
using test::randomTensor;
using Inputs = std::vector<const ir::HostTensor*>;

//! Exact FP32 only for float32 (the TF32 tactic has its own test).
GpuCheck checkFor(DataType t) {
    switch (t) {
        case DataType::kFLOAT: return tol(1e-4, 1e-4, {"cudnn_fp32"});
        case DataType::kHALF: return tol(1e-2, 1e-2);
        default: return tol(2e-2, 3e-2);  // bf16
    }
}

//! Window attributes shared by both ops.
struct Window {
    Dims stride, pre, post, dilation;
    PM mode{PM::kEXPLICIT_ROUND_DOWN};
    int64_t groups{1};
};

template <class OpT>
OpT makeOp(const Dims& w, const Window& win) {
    OpT op;
    op.kernelSize.assign(w.begin() + 2, w.end());
    op.stride = win.stride;
    op.prePadding = win.pre;
    op.postPadding = win.post;
    op.dilation = win.dilation;
    op.paddingMode = win.mode;
    op.nbGroups = win.groups;
    return op;
}

//! Random x, w and (biasDims non-empty) bias; biasType defaults to the input's type.
template <class OpT>
::testing::AssertionResult matches(const OpT& op, DataType t, const Dims& x, const Dims& w, Dims biasDims = {},
                                   std::optional<DataType> biasType = std::nullopt) {
    ir::HostTensor tx = randomTensor(t, x), tw = randomTensor(t, w);
    if (biasDims.empty()) return test::gpuMatchesReference(op, Inputs{&tx, &tw}, checkFor(t));
    ir::HostTensor tb = randomTensor(biasType.value_or(t), biasDims);
    return test::gpuMatchesReference(op, Inputs{&tx, &tw, &tb}, checkFor(t));
}

std::string trace(DataType t, const Dims& x, const Dims& w) {
    return std::string(dataTypeName(t)) + " x" + ir::dimsToString(x) + " w" + ir::dimsToString(w);
}

const DataType kTypes[] = {DataType::kFLOAT, DataType::kHALF, DataType::kBF16};

struct Case {
    Dims x, w;
    Window win;
};

// Convolution cases: weights [K, C/groups, kernel...].
const std::vector<Case> kConvCases = {
    {{2, 3, 9, 11}, {4, 3, 3, 3}, {{}, {1, 1}, {1, 1}, {}}},                      // same-size 3x3
    {{1, 5, 7, 7}, {7, 5, 1, 1}, {}},                                               // 1x1
    {{2, 3, 13, 17}, {5, 3, 3, 5}, {{2, 3}, {1, 2}, {1, 2}, {2, 1}}},               // stride + dilation
    {{1, 4, 10, 9}, {6, 4, 3, 3}, {{}, {1, 0}, {0, 2}, {}}},                        // asymmetric: staged
    {{1, 4, 10, 9}, {6, 4, 3, 3}, {{2, 2}, {0, 0}, {0, 0}, {}}},                    // round down drops a row
    {{1, 4, 10, 9}, {6, 4, 4, 4}, {{2, 2}, {1, 1}, {1, 1}, {}, PM::kEXPLICIT_ROUND_UP}},
    {{1, 4, 10, 9}, {6, 4, 4, 4}, {{}, {}, {}, {}, PM::kSAME_UPPER}},               // even kernel: asymmetric
    {{1, 4, 10, 9}, {6, 4, 4, 4}, {{}, {}, {}, {}, PM::kSAME_LOWER}},
    {{1, 4, 11, 8}, {6, 4, 3, 3}, {{2, 2}, {}, {}, {}, PM::kSAME_UPPER}},
    {{2, 6, 8, 9}, {9, 2, 3, 3}, {{}, {1, 1}, {1, 1}, {}, PM::kEXPLICIT_ROUND_DOWN, 3}},  // groups
    {{2, 8, 12, 12}, {8, 1, 3, 3}, {{2, 2}, {1, 1}, {1, 1}, {}, PM::kEXPLICIT_ROUND_DOWN, 8}},  // depthwise
    {{2, 3, 17}, {4, 3, 5}, {{2}, {2}, {1}, {}}},                                   // 1-D, asymmetric
    {{3, 4, 33}, {5, 4, 3}, {{1}, {2}, {2}, {2}}},                                  // 1-D dilated
    {{1, 2, 5, 6, 7}, {3, 2, 3, 3, 3}, {{1, 2, 1}, {1, 1, 1}, {1, 1, 1}, {}}},      // 3-D
    {{1, 4, 5, 6, 7}, {4, 2, 2, 3, 2}, {{}, {1, 0, 1}, {0, 1, 0}, {}, PM::kEXPLICIT_ROUND_DOWN, 2}},  // 3-D staged
    {{2, 2, 3, 8, 8}, {4, 3, 3, 3}, {{}, {1, 1}, {1, 1}, {}}},                      // extra batch dim
    {{1, 1, 1, 1}, {1, 1, 1, 1}, {}},                                               // one element
};

TEST(CudaConvolution, Shapes) {
    KILN_REQUIRE_GPU();
    for (DataType t : kTypes)
        for (const Case& c : kConvCases) {
            SCOPED_TRACE(trace(t, c.x, c.w));
            auto op = makeOp<ir::ConvolutionOp>(c.w, c.win);
            EXPECT_TRUE(matches(op, t, c.x, c.w));
            EXPECT_TRUE(matches(op, t, c.x, c.w, {c.w[0]}));
        }
}

TEST(CudaConvolution, BiasOfAnotherType) {
    KILN_REQUIRE_GPU();
    const Dims x{2, 3, 9, 11}, w{4, 3, 3, 3};
    auto op = makeOp<ir::ConvolutionOp>(w, {{}, {1, 1}, {1, 1}, {}});
    EXPECT_TRUE(matches(op, DataType::kFLOAT, x, w, {4}, DataType::kHALF));
    EXPECT_TRUE(matches(op, DataType::kHALF, x, w, {4}, DataType::kFLOAT));
    EXPECT_TRUE(matches(op, DataType::kBF16, x, w, {4}, DataType::kHALF));
}

TEST(CudaConvolution, FusedActivations) {
    KILN_REQUIRE_GPU();
    using A = ActivationType;
    struct Act {
        A type;
        double alpha, beta;
    };
    const Act acts[] = {{A::kRELU, 0, 0},         {A::kSIGMOID, 0, 0},      {A::kTANH, 0, 0},
                        {A::kLEAKY_RELU, 0.1, 0}, {A::kCLIP, -0.5, 0.75},   {A::kGELU_ERF, 0, 0},
                        {A::kGELU_TANH, 0, 0},    {A::kHARD_SIGMOID, 0.2, 0.5}, {A::kHARD_SWISH, 1.0 / 6, 0.5}};
    const Dims x{2, 6, 9, 10}, w{6, 3, 3, 3};
    for (DataType t : kTypes)
        for (const Act& act : acts) {
            SCOPED_TRACE(trace(t, x, w) + " activation " + std::to_string(static_cast<int>(act.type)));
            auto op = makeOp<ir::ConvolutionOp>(w, {{}, {1, 0}, {1, 2}, {}, PM::kEXPLICIT_ROUND_DOWN, 2});
            op.fusedActivation = static_cast<int64_t>(act.type);
            op.fusedAlpha = act.alpha;
            op.fusedBeta = act.beta;
            EXPECT_TRUE(matches(op, t, x, w, {6}));
            EXPECT_TRUE(matches(op, t, x, w));
        }
}

// The fused residual (input 3): added after the bias, before the activation; a staged
// (asymmetrically padded) case and a depthwise one, every type.
TEST(CudaConvolution, FusedResidual) {
    KILN_REQUIRE_GPU();
    for (const Case& c : {kConvCases[0], kConvCases[3], kConvCases[10]}) {
        auto op = makeOp<ir::ConvolutionOp>(c.w, c.win);
        op.fusedActivation = static_cast<int64_t>(ActivationType::kRELU);
        for (DataType t : kTypes) {
            SCOPED_TRACE(trace(t, c.x, c.w) + " residual");
            ir::HostTensor tx = randomTensor(t, c.x), tw = randomTensor(t, c.w), tb = randomTensor(t, {c.w[0]});
            const Dims out = cpu::evaluateReference(op, Inputs{&tx, &tw, &tb})[0].dims;
            ir::HostTensor tz = randomTensor(t, out);
            EXPECT_TRUE(test::gpuMatchesReference(op, Inputs{&tx, &tw, &tb, &tz}, checkFor(t)));
        }
    }
}

TEST(CudaConvolution, Larger) {
    KILN_REQUIRE_GPU();
    const Dims x{2, 16, 64, 64}, w{32, 16, 3, 3};
    auto op = makeOp<ir::ConvolutionOp>(w, {{}, {1, 1}, {1, 1}, {}});
    for (DataType t : kTypes) EXPECT_TRUE(matches(op, t, x, w, {32})) << dataTypeName(t);
    // A 7x7 stride-2 stem and a 5x5 kernel (other algorithms).
    const Dims x2{1, 3, 61, 67}, w2{16, 3, 7, 7};
    EXPECT_TRUE(matches(makeOp<ir::ConvolutionOp>(w2, {{2, 2}, {3, 3}, {3, 3}, {}}), DataType::kFLOAT, x2, w2, {16}));
    const Dims x3{1, 8, 31, 29}, w3{8, 8, 5, 5};
    EXPECT_TRUE(matches(makeOp<ir::ConvolutionOp>(w3, {{}, {2, 2}, {2, 2}, {}}), DataType::kFLOAT, x3, w3));
}

TEST(CudaConvolution, Tf32Tactic) {
    KILN_REQUIRE_GPU();
    const Dims x{2, 16, 20, 20}, w{8, 16, 3, 3};
    ir::HostTensor tx = randomTensor(DataType::kFLOAT, x), tw = randomTensor(DataType::kFLOAT, w);
    ir::HostTensor tb = randomTensor(DataType::kFLOAT, {8});
    auto op = makeOp<ir::ConvolutionOp>(w, {{}, {1, 1}, {1, 1}, {}});
    EXPECT_TRUE(test::gpuMatchesReference(op, Inputs{&tx, &tw, &tb}, tol(1e-2, 1e-2, {"cudnn_tf32"})));
    const backend::Tactic* t = backend::findTactic(DeviceType::kGPU, "Convolution", "cudnn_tf32");
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(t->tf32);
}

// Deconvolution cases: weights [C, K/groups, kernel...].
const std::vector<Case> kDeconvCases = {
    {{2, 3, 5, 6}, {3, 4, 3, 3}, {{2, 2}, {1, 1}, {1, 1}, {}}},                // symmetric: cuDNN directly
    {{1, 4, 7, 7}, {4, 2, 4, 4}, {{2, 2}, {1, 1}, {1, 1}, {}}},
    {{1, 4, 6, 5}, {4, 3, 3, 3}, {}},                                           // no padding, stride 1
    {{1, 4, 6, 5}, {4, 3, 3, 3}, {{2, 3}, {1, 0}, {0, 2}, {}}},                 // asymmetric: cropped
    {{1, 4, 6, 5}, {4, 3, 3, 3}, {{2, 2}, {}, {}, {2, 1}}},                     // dilated
    {{1, 4, 6, 5}, {4, 3, 4, 4}, {{2, 2}, {}, {}, {}, PM::kSAME_UPPER}},        // total 2: symmetric
    {{1, 4, 6, 5}, {4, 3, 3, 3}, {{2, 2}, {}, {}, {}, PM::kSAME_UPPER}},        // total 1: staged
    {{1, 4, 6, 5}, {4, 3, 3, 3}, {{2, 2}, {}, {}, {}, PM::kSAME_LOWER}},
    {{1, 4, 6, 5}, {4, 3, 1, 1}, {{2, 2}, {}, {}, {}, PM::kSAME_UPPER}},        // total -1: padded output
    {{2, 6, 5, 5}, {6, 2, 3, 3}, {{2, 2}, {1, 1}, {1, 1}, {}, PM::kEXPLICIT_ROUND_DOWN, 3}},  // groups
    {{2, 4, 5, 5}, {4, 1, 3, 3}, {{2, 2}, {1, 1}, {1, 1}, {}, PM::kEXPLICIT_ROUND_DOWN, 4}},  // depthwise
    {{2, 3, 9}, {3, 5, 4}, {{3}, {1}, {2}, {}}},                                // 1-D
    {{1, 2, 3, 4, 5}, {2, 3, 3, 3, 3}, {{2, 1, 2}, {1, 0, 1}, {1, 1, 0}, {}}},  // 3-D
};

TEST(CudaDeconvolution, Shapes) {
    KILN_REQUIRE_GPU();
    for (DataType t : kTypes)
        for (const Case& c : kDeconvCases) {
            SCOPED_TRACE(trace(t, c.x, c.w));
            auto op = makeOp<ir::DeconvolutionOp>(c.w, c.win);
            const int64_t k = c.w[1] * c.win.groups;
            EXPECT_TRUE(matches(op, t, c.x, c.w));
            EXPECT_TRUE(matches(op, t, c.x, c.w, {k}));
        }
}

TEST(CudaConvolution, RefusesMixedWeightsAndManyDims) {
    // No GPU needed: supports() is host-only.
    ir::ValueInfo x, w;
    x.type = DataType::kFLOAT;
    x.shape = ir::shapeOf({1, 2, 5, 5});
    w.type = DataType::kHALF;
    w.shape = ir::shapeOf({3, 2, 3, 3});
    ir::ConvolutionOp op;
    for (const char* name : {"cudnn_fp32", "cudnn_tf32", "cudnn"}) {
        const backend::Tactic* t = backend::findTactic(DeviceType::kGPU, "Convolution", name);
        ASSERT_NE(t, nullptr) << name;
        EXPECT_FALSE(t->supports(op, {x, w})) << name;
    }
    // Four spatial dims: cuDNN's legacy API stops at three.
    w.type = DataType::kFLOAT;
    x.shape = ir::shapeOf({1, 2, 3, 3, 3, 3});
    w.shape = ir::shapeOf({3, 2, 1, 1, 1, 1});
    EXPECT_FALSE(backend::findTactic(DeviceType::kGPU, "Convolution", "cudnn_fp32")->supports(op, {x, w}));
}

}  // namespace
}  // namespace kiln
