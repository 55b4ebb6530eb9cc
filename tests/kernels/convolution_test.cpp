// Convolution and Deconvolution: hand values, a naive 3-d loop written here (1-d and 2-d run as
// 3-d with unit dims), every padding mode, groups, fused activations, float16, shape errors, and
// the OpenBLAS im2col tactic against the reference.
#include "ir/ops/convolution.h"

#include <cmath>
#include <functional>

#include "backends/cpu/kernel.h"
#include "common/test_util.h"
#include "core/half.h"
#include "ir/ops/deconvolution.h"

namespace kiln {
namespace {

using ir::HostTensor;
using V = std::vector<int64_t>;

HostTensor toFloat(const HostTensor& t) {
    HostTensor r = HostTensor::make(DataType::kFLOAT, t.dims);
    for (int64_t i = 0; i < t.numel(); ++i) r.as<float>()[i] = static_cast<float>(t.floatAt(i));
    return r;
}

//! Naive convolution/deconvolution over 3 spatial dims, x [N, C, D, H, W]; `pre` is the
//! resolved leading padding; output spatial dims given.
struct Naive {
    V stride{1, 1, 1}, dilation{1, 1, 1}, pre{0, 0, 0}, out;
    int64_t groups{1};
    bool deconv{false};
};

HostTensor naiveConv(const HostTensor& x, const HostTensor& w, const HostTensor* bias, const Naive& p,
                     const std::function<float(float)>& act = nullptr) {
    const int64_t n = x.dims[0], c = x.dims[1];
    const int64_t k = p.deconv ? w.dims[1] * p.groups : w.dims[0];
    const int64_t cg = c / p.groups, kg = k / p.groups;
    HostTensor y = HostTensor::make(DataType::kFLOAT, {n, k, p.out[0], p.out[1], p.out[2]});
    const float* xs = x.as<float>();
    const float* ws = w.as<float>();
    float* ys = y.as<float>();
    const V in = {x.dims[2], x.dims[3], x.dims[4]};
    const V kd = {w.dims[2], w.dims[3], w.dims[4]};
    int64_t yi = 0;
    for (int64_t b = 0; b < n; ++b)
        for (int64_t ko = 0; ko < k; ++ko)
            for (int64_t o0 = 0; o0 < p.out[0]; ++o0)
                for (int64_t o1 = 0; o1 < p.out[1]; ++o1)
                    for (int64_t o2 = 0; o2 < p.out[2]; ++o2, ++yi) {
                        const int64_t g = ko / kg;
                        double s = bias ? bias->as<float>()[ko] : 0.0;
                        for (int64_t ci = 0; ci < cg; ++ci)
                            for (int64_t k0 = 0; k0 < kd[0]; ++k0)
                                for (int64_t k1 = 0; k1 < kd[1]; ++k1)
                                    for (int64_t k2 = 0; k2 < kd[2]; ++k2) {
                                        const int64_t o[3] = {o0, o1, o2}, kk[3] = {k0, k1, k2};
                                        int64_t i[3];
                                        bool ok = true;
                                        for (int d = 0; d < 3; ++d) {
                                            if (!p.deconv) {
                                                i[d] = o[d] * p.stride[d] - p.pre[d] + kk[d] * p.dilation[d];
                                            } else {  // gather form of the transposed convolution
                                                int64_t t = o[d] + p.pre[d] - kk[d] * p.dilation[d];
                                                ok = ok && t % p.stride[d] == 0;
                                                i[d] = t / p.stride[d];
                                                ok = ok && t >= 0;
                                            }
                                            ok = ok && i[d] >= 0 && i[d] < in[d];
                                        }
                                        if (!ok) continue;
                                        const int64_t cin = g * cg + ci;
                                        float xv = xs[(((b * c + cin) * in[0] + i[0]) * in[1] + i[1]) * in[2] + i[2]];
                                        int64_t wi = p.deconv ? (cin * kg + (ko - g * kg)) : (ko * cg + ci);
                                        float wv = ws[((wi * kd[0] + k0) * kd[1] + k1) * kd[2] + k2];
                                        s += static_cast<double>(xv) * wv;
                                    }
                        ys[yi] = act ? act(static_cast<float>(s)) : static_cast<float>(s);
                    }
    return y;
}

//! Views a 1-/2-/3-d tensor [N, C, s...] as [N, C, 1.., s...] (same bytes).
HostTensor as3d(HostTensor t) {
    while (t.dims.size() < 5) t.dims.insert(t.dims.begin() + 2, 1);
    return t;
}

struct ConvCase {
    V xDims, kernel;
    int64_t k, groups;
    V stride, dilation, pre, post;
    bool bias;
};

// Shapes that stress the im2col tactic: odd sizes, groups, depthwise, dilation, stride 2, 1x1, 1-d, 3-d.
const std::vector<ConvCase> kCases = {
    {{1, 1, 3, 3}, {2, 2}, 1, 1, {}, {}, {}, {}, false},
    {{2, 3, 7, 5}, {3, 3}, 4, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
    {{1, 4, 9, 11}, {3, 3}, 6, 2, {2, 2}, {1, 1}, {1, 0}, {0, 1}, true},
    {{2, 6, 8, 7}, {3, 3}, 6, 6, {1, 2}, {1, 1}, {1, 1}, {1, 1}, true},  // depthwise
    {{1, 3, 10, 9}, {3, 2}, 5, 1, {1, 1}, {2, 3}, {2, 1}, {2, 0}, false},
    {{3, 5, 6, 4}, {1, 1}, 7, 1, {}, {}, {}, {}, true},                                    // 1x1
    {{1, 4, 6, 6}, {1, 1}, 2, 2, {2, 2}, {}, {}, {}, false},                               // 1x1 strided
    {{2, 3, 13}, {4}, 5, 1, {3}, {2}, {2}, {1}, true},                                     // 1-d
    {{1, 4, 5, 6, 7}, {3, 2, 3}, 4, 2, {2, 1, 2}, {1, 2, 1}, {1, 0, 1}, {1, 1, 0}, true},  // 3-d
    {{1, 2, 1, 1}, {1, 1}, 3, 1, {}, {}, {}, {}, true},
    {{1, 5, 9, 17}, {5, 5}, 5, 5, {2, 2}, {1, 1}, {2, 2}, {2, 2}, false},               // depthwise 5x5 stride 2
    {{2, 3, 7, 33}, {3, 3}, 6, 3, {1, 1}, {2, 2}, {2, 1}, {2, 3}, true},                // depthwise x2, dilated
    {{1, 4, 3, 2}, {3, 3}, 4, 4, {1, 3}, {}, {1, 2}, {1, 2}, true},                     // depthwise, kernel > input
    {{2, 8, 11, 9}, {3, 3}, 8, 8, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},                // depthwise stride 1 (padded plane)
    {{1, 6, 6, 5}, {5, 5}, 6, 6, {1, 1}, {1, 1}, {2, 0}, {1, 3}, false},                // ... 5x5, uneven pads
    {{1, 3, 5, 4}, {2, 3}, 6, 3, {1, 1}, {2, 1}, {0, 4}, {3, 0}, true},                 // ... x2, pads past the kernel
};

struct Built {
    ir::ConvolutionOp op;
    HostTensor x, w, b;
    Naive naive;
};

Built build(const ConvCase& c) {
    Built r;
    r.op.nbGroups = c.groups;
    r.op.nbOutputMaps = c.k;
    r.op.kernelSize = c.kernel;
    r.op.stride = c.stride;
    r.op.dilation = c.dilation;
    r.op.prePadding = c.pre;
    r.op.postPadding = c.post;
    r.x = test::randomTensor(DataType::kFLOAT, c.xDims);
    V wd = {c.k, c.xDims[1] / c.groups};
    wd.insert(wd.end(), c.kernel.begin(), c.kernel.end());
    r.w = test::randomTensor(DataType::kFLOAT, wd);
    r.b = test::randomTensor(DataType::kFLOAT, {c.k});
    const size_t ns = c.kernel.size(), pad = 3 - ns;
    for (size_t i = 0; i < ns; ++i) {
        int64_t s = c.stride.empty() ? 1 : c.stride[i], d = c.dilation.empty() ? 1 : c.dilation[i];
        int64_t pr = c.pre.empty() ? 0 : c.pre[i];
        r.naive.stride[pad + i] = s;
        r.naive.dilation[pad + i] = d;
        r.naive.pre[pad + i] = pr;
    }
    r.naive.groups = c.groups;
    return r;
}

HostTensor runNaive(const Built& b, const HostTensor& y, bool bias, const std::function<float(float)>& act = nullptr) {
    Naive p = b.naive;
    HostTensor y3 = as3d(y);
    p.out = {y3.dims[2], y3.dims[3], y3.dims[4]};
    HostTensor r = naiveConv(as3d(b.x), as3d(b.w), bias ? &b.b : nullptr, p, act);
    r.dims = y.dims;
    return r;
}

TEST(Convolution, HandValues3x3With2x2Kernel) {
    ir::ConvolutionOp op;
    op.nbOutputMaps = 1;
    op.kernelSize = {2, 2};
    auto x = test::tensorFrom({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    auto w = test::tensorFrom({1, 1, 2, 2}, {1, 2, 3, 4});
    auto b = test::tensorFrom({1}, {1});
    auto y = cpu::evaluateReference(op, {&x, &w, &b});
    EXPECT_TRUE(test::allClose(y[0], test::tensorFrom({1, 1, 2, 2}, {38, 48, 68, 78}), 0, 0));
    // Padding 1 and stride 2: each output sees one corner of the padded image.
    op.prePadding = {1, 1};
    op.postPadding = {1, 1};
    op.stride = {2, 2};
    y = cpu::evaluateReference(op, {&x, &w});
    EXPECT_TRUE(test::allClose(y[0], test::tensorFrom({1, 1, 2, 2}, {4, 18, 36, 77}), 0, 0));
    y = cpu::evaluateWithTactic(op, {&x, &w}, "openblas_im2col_gemm");
    EXPECT_TRUE(test::allClose(y[0], test::tensorFrom({1, 1, 2, 2}, {4, 18, 36, 77}), 0, 0));
}

TEST(Convolution, ReferenceAndGemmMatchNaiveLoop) {
    for (const ConvCase& c : kCases) {
        SCOPED_TRACE("x " + ir::dimsToString(c.xDims) + " kernel " + ir::dimsToString(c.kernel) + " groups " +
                     std::to_string(c.groups));
        Built b = build(c);
        std::vector<const HostTensor*> in = {&b.x, &b.w};
        if (c.bias) in.push_back(&b.b);
        auto ref = cpu::evaluateReference(b.op, in);
        EXPECT_TRUE(test::allClose(ref[0], runNaive(b, ref[0], c.bias), 1e-5, 1e-5));
        auto fast = cpu::evaluateWithTactic(b.op, in, "openblas_im2col_gemm");
        EXPECT_TRUE(test::allClose(fast[0], ref[0], 1e-4, 1e-5));
        const cpu::Tactic* depthwise = cpu::findTactic("Convolution", "depthwise_direct");
        ASSERT_NE(depthwise, nullptr);
        std::vector<ir::ValueInfo> infos;
        for (const HostTensor* t : in) infos.push_back(ir::constantInfo(*t));
        const bool isDepthwise = c.groups > 1 && c.groups == c.xDims[1] && c.kernel.size() == 2;
        EXPECT_EQ(depthwise->supports(b.op, infos), isDepthwise);
        if (isDepthwise) {
            auto dw = cpu::evaluateWithTactic(b.op, in, "depthwise_direct");
            EXPECT_TRUE(test::allClose(dw[0], ref[0], 1e-4, 1e-5));
        }
    }
}

TEST(Convolution, OutputDimsFollowTensorRTFormulas) {
    ir::ConvolutionOp op;
    auto x = test::randomTensor(DataType::kFLOAT, {1, 1, 5, 5});
    auto w = test::randomTensor(DataType::kFLOAT, {1, 1, 2, 2});
    op.stride = {2, 2};
    EXPECT_EQ(cpu::evaluateReference(op, {&x, &w})[0].dims, (V{1, 1, 2, 2}));  // floor(3/2)+1
    op.paddingMode = PaddingMode::kEXPLICIT_ROUND_UP;
    EXPECT_EQ(cpu::evaluateReference(op, {&x, &w})[0].dims, (V{1, 1, 3, 3}));  // ceil(3/2)+1
    op.paddingMode = PaddingMode::kSAME_UPPER;
    op.stride = {1, 1};
    EXPECT_EQ(cpu::evaluateReference(op, {&x, &w})[0].dims, (V{1, 1, 5, 5}));
    op.stride = {2, 3};
    EXPECT_EQ(cpu::evaluateReference(op, {&x, &w})[0].dims, (V{1, 1, 3, 2}));
}

TEST(Convolution, SamePaddingPutsTheOddPixelAtTheRightEnd) {
    // Input 4, kernel 2, stride 1: total padding 1; SAME_UPPER pads after, SAME_LOWER before.
    auto x = test::randomTensor(DataType::kFLOAT, {1, 2, 4, 4});
    auto w = test::randomTensor(DataType::kFLOAT, {3, 2, 2, 2});
    for (PaddingMode mode : {PaddingMode::kSAME_UPPER, PaddingMode::kSAME_LOWER}) {
        ir::ConvolutionOp same;
        same.paddingMode = mode;
        ir::ConvolutionOp expl;
        int64_t pre = mode == PaddingMode::kSAME_UPPER ? 0 : 1;
        expl.prePadding = {pre, pre};
        expl.postPadding = {1 - pre, 1 - pre};
        auto a = cpu::evaluateReference(same, {&x, &w});
        auto e = cpu::evaluateReference(expl, {&x, &w});
        EXPECT_EQ(a[0].dims, (V{1, 3, 4, 4}));
        EXPECT_TRUE(test::allClose(a[0], e[0], 0, 0));
        EXPECT_TRUE(
            test::allClose(cpu::evaluateWithTactic(same, {&x, &w}, "openblas_im2col_gemm")[0], e[0], 1e-4, 1e-5));
    }
}

TEST(Convolution, FusedActivations) {
    const float alpha = 0.2f, beta = 0.3f;
    const std::vector<std::pair<ActivationType, std::function<float(float)>>> acts = {
        {ActivationType::kRELU, [](float v) { return v > 0 ? v : 0.f; }},
        {ActivationType::kSIGMOID, [](float v) { return 1.f / (1.f + std::exp(-v)); }},
        {ActivationType::kTANH, [](float v) { return std::tanh(v); }},
        {ActivationType::kLEAKY_RELU, [&](float v) { return v >= 0 ? v : alpha * v; }},
        {ActivationType::kCLIP, [&](float v) { return std::min(std::max(v, alpha), beta); }},
        {ActivationType::kGELU_ERF, [](float v) { return 0.5f * v * (1.f + std::erf(v / std::sqrt(2.f))); }},
    };
    Built b = build(kCases[2]);
    for (const auto& [type, fn] : acts) {
        SCOPED_TRACE(static_cast<int>(type));
        b.op.fusedActivation = static_cast<int64_t>(type);
        b.op.fusedAlpha = alpha;
        b.op.fusedBeta = beta;
        auto ref = cpu::evaluateReference(b.op, {&b.x, &b.w, &b.b});
        EXPECT_TRUE(test::allClose(ref[0], runNaive(b, ref[0], true, fn), 1e-5, 1e-5));
        auto fast = cpu::evaluateWithTactic(b.op, {&b.x, &b.w, &b.b}, "openblas_im2col_gemm");
        EXPECT_TRUE(test::allClose(fast[0], ref[0], 1e-4, 1e-5));
    }
    b.op.fusedActivation = static_cast<int64_t>(ActivationType::kSELU);
    EXPECT_THROW(cpu::evaluateReference(b.op, {&b.x, &b.w}), KilnError);
}

// The fused residual (input 3, from the residual fusion) is added after the bias and before the
// activation, by the reference and by every fast tactic that takes the case.
TEST(Convolution, FusedResidualBeforeTheActivation) {
    const std::vector<std::pair<ConvCase, const char*>> cases = {
        {kCases[2], "openblas_im2col_gemm"},  // groups, stride 2
        {kCases[3], "depthwise_direct"},
        {{{1, 3, 7, 5}, {3, 3}, 4, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true}, "winograd_f2x2_3x3"},
    };
    for (const auto& [c, tactic] : cases) {
        SCOPED_TRACE(tactic);
        Built b = build(c);
        const auto plain = cpu::evaluateReference(b.op, {&b.x, &b.w, &b.b});
        HostTensor z = test::randomTensor(DataType::kFLOAT, plain[0].dims, -2, 2);
        HostTensor expected = HostTensor::make(DataType::kFLOAT, plain[0].dims);
        for (int64_t i = 0; i < z.numel(); ++i) {
            const float v = plain[0].as<float>()[i] + z.as<float>()[i];
            expected.as<float>()[i] = v > 0 ? v : 0.f;
        }
        b.op.fusedActivation = static_cast<int64_t>(ActivationType::kRELU);
        const std::vector<const HostTensor*> in = {&b.x, &b.w, &b.b, &z};
        std::vector<ir::ValueInfo> infos;
        for (const HostTensor* t : in) infos.push_back(ir::constantInfo(*t));
        ASSERT_TRUE(cpu::findTactic("Convolution", tactic)->supports(b.op, infos));
        EXPECT_TRUE(test::allClose(cpu::evaluateReference(b.op, in)[0], expected, 1e-5, 1e-5));
        EXPECT_TRUE(test::allClose(cpu::evaluateWithTactic(b.op, in, tactic)[0], expected, 1e-4, 1e-5));
        // A residual of another shape is a shape error naming it.
        HostTensor wrong = test::randomTensor(DataType::kFLOAT, {1, 1, 1, 1});
        EXPECT_THROW(cpu::evaluateReference(b.op, {&b.x, &b.w, &b.b, &wrong}), KilnError);
    }
}

TEST(Convolution, Float16StorageComputesInFloat) {
    Built b = build(kCases[1]);
    HostTensor xh = HostTensor::make(DataType::kHALF, b.x.dims), wh = HostTensor::make(DataType::kHALF, b.w.dims);
    auto toHalf = [](const HostTensor& f, HostTensor& h) {
        for (int64_t i = 0; i < f.numel(); ++i) h.as<uint16_t>()[i] = floatToHalf(f.as<float>()[i]);
    };
    toHalf(b.x, xh);
    toHalf(b.w, wh);
    auto yh = cpu::evaluateReference(b.op, {&xh, &wh, &b.b});
    EXPECT_EQ(yh[0].type, DataType::kHALF);
    auto yf = cpu::evaluateReference(b.op, {&b.x, &b.w, &b.b});
    EXPECT_TRUE(test::allClose(toFloat(yh[0]), yf[0], 1e-2, 2e-2));
}

TEST(Convolution, EmptyBatchAndExtraLeadingDims) {
    Built b = build(kCases[1]);
    auto x0 = test::randomTensor(DataType::kFLOAT, {0, 3, 7, 5});
    EXPECT_EQ(cpu::evaluateReference(b.op, {&x0, &b.w})[0].dims, (V{0, 4, 7, 5}));
    EXPECT_EQ(cpu::evaluateWithTactic(b.op, {&x0, &b.w}, "openblas_im2col_gemm")[0].dims, (V{0, 4, 7, 5}));
    // Leading dims before C act as batch.
    HostTensor x5 = b.x;
    x5.dims = {1, 2, 3, 7, 5};
    auto y5 = cpu::evaluateReference(b.op, {&x5, &b.w, &b.b});
    auto y4 = cpu::evaluateReference(b.op, {&b.x, &b.w, &b.b});
    EXPECT_EQ(y5[0].dims, (V{1, 2, 4, 7, 5}));
    y5[0].dims = y4[0].dims;
    EXPECT_TRUE(test::allClose(y5[0], y4[0], 0, 0));
}

TEST(Convolution, SymbolicShapeInference) {
    ir::ConvolutionOp op;
    op.stride = {2, 3};
    op.prePadding = {1, 0};
    op.postPadding = {0, 2};
    op.paddingMode = PaddingMode::kEXPLICIT_ROUND_UP;
    ir::ValueInfo x, w;
    x.shape = {ir::DimExpr::symbol(0), 4, ir::DimExpr::symbol(1), ir::DimExpr::symbol(2)};
    w.shape = {8, 4, 3, 3};
    ir::InferContext ctx("conv", {&x, &w}, [](const ir::DimExpr& d) { return d; });
    op.inferShapes(ctx);
    const ir::Shape& s = ctx.outputs()[0].shape;
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[1].value(), 8);
    for (int64_t h : {3, 4, 9, 10}) {
        auto eval = [&](const ir::DimExpr& d) { return d.evaluate([&](int32_t id) { return id == 0 ? 2 : h; }); };
        EXPECT_EQ(eval(s[2]), (h + 1 - 3 + 1) / 2 + 1);  // ceil((h+1-3)/2)+1
        EXPECT_EQ(eval(s[3]), (h + 2 - 3 + 2) / 3 + 1);
    }
}

TEST(Convolution, ShapeErrorsNameTheNode) {
    auto x = test::randomTensor(DataType::kFLOAT, {1, 6, 5, 5});
    auto w = test::randomTensor(DataType::kFLOAT, {4, 3, 3, 3});
    auto expectError = [&](const ir::ConvolutionOp& op, std::vector<const HostTensor*> in, const char* text) {
        try {
            cpu::evaluateReference(op, in, "conv_7");
            ADD_FAILURE() << "no error, expected: " << text;
        } catch (const KilnError& e) {
            EXPECT_NE(std::string(e.what()).find("conv_7"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
        }
    };
    ir::ConvolutionOp op;
    op.nbGroups = 4;
    expectError(op, {&x, &w}, "not divisible by nbGroups 4");
    op.nbGroups = 1;
    expectError(op, {&x, &w}, "expected dimension 1 = C/groups = 6");
    op.nbGroups = 2;
    op.nbOutputMaps = 5;
    expectError(op, {&x, &w}, "expected 5 output maps");
    op.nbOutputMaps = 4;
    auto badBias = test::randomTensor(DataType::kFLOAT, {3});
    expectError(op, {&x, &w, &badBias}, "bias has shape [3], expected [4]");
    op.kernelSize = {3, 2};
    expectError(op, {&x, &w}, "does not match kernel weights");
    op.kernelSize = {};
    op.stride = {1, 1, 1};
    expectError(op, {&x, &w}, "stride has 3 values, expected 2");
    op.stride = {};
    auto x3 = test::randomTensor(DataType::kFLOAT, {6, 5, 5});
    expectError(op, {&x3, &w}, "expected at least 4 dimensions");
    auto xi = test::intTensor(DataType::kINT32, {1, 6, 1, 1}, {1, 2, 3, 4, 5, 6});
    expectError(op, {&xi, &w}, "supports float32");
    auto small = test::randomTensor(DataType::kFLOAT, {1, 6, 2, 5});
    expectError(op, {&small, &w}, "smaller than the dilated kernel");
}

TEST(Convolution, GemmTacticRefusesNonFloat32) {
    const cpu::Tactic* t = cpu::findTactic("Convolution", "openblas_im2col_gemm");
    ASSERT_NE(t, nullptr);
    ir::ConvolutionOp op;
    ir::ValueInfo x, w;
    x.shape = {1, 2, 4, 4};
    w.shape = {1, 2, 3, 3};
    EXPECT_TRUE(t->supports(op, {x, w}));
    x.type = DataType::kHALF;
    EXPECT_FALSE(t->supports(op, {x, w}));
    x.type = DataType::kFLOAT;
    w.type = DataType::kBF16;
    EXPECT_FALSE(t->supports(op, {x, w}));
}

TEST(Convolution, GemmWorkspaceIsTheIm2colBuffer) {
    const cpu::Tactic* t = cpu::findTactic("Convolution", "openblas_im2col_gemm");
    ASSERT_NE(t, nullptr);
    ir::ConvolutionOp op;
    op.nbGroups = 2;
    auto x = test::randomTensor(DataType::kFLOAT, {1, 4, 6, 5});
    auto w = test::randomTensor(DataType::kFLOAT, {2, 2, 3, 3});
    auto y = HostTensor::make(DataType::kFLOAT, {1, 2, 4, 3});
    cpu::KernelArgs a;
    a.op = &op;
    a.inputs = {ir::viewOf(x), ir::viewOf(w)};
    a.outputs = {ir::viewOf(y)};
    EXPECT_EQ(t->workspaceSize(a), 2u * 9 * 12 * sizeof(float));  // C/g * kernel * outputs
}

// Unrolled matrices over 1 MiB are unrolled a block of output positions at a time; the blocks
// cross output rows, padding and strides, and give the reference's result.
TEST(Convolution, GemmTilesLargeUnrolledMatrices) {
    const std::vector<ConvCase> cases = {
        {{1, 24, 37, 41}, {3, 3}, 5, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},     // 216 x 1517 floats
        {{2, 32, 80, 58}, {3, 3}, 8, 2, {2, 1}, {1, 2}, {1, 2}, {0, 2}, false},    // groups, stride, dilation
        {{1, 40, 30, 30}, {5, 5}, 3, 1, {1, 1}, {1, 1}, {2, 2}, {2, 2}, true},
    };
    const cpu::Tactic* t = cpu::findTactic("Convolution", "openblas_im2col_gemm");
    for (const ConvCase& c : cases) {
        SCOPED_TRACE("x " + ir::dimsToString(c.xDims));
        Built b = build(c);
        std::vector<const HostTensor*> in = {&b.x, &b.w};
        if (c.bias) in.push_back(&b.b);
        auto ref = cpu::evaluateReference(b.op, in);
        auto fast = cpu::evaluateWithTactic(b.op, in, "openblas_im2col_gemm");
        // The reference sums in double, the GEMM in float: its rounding error grows with the
        // depth of each dot product (as sqrt(depth) for random inputs) and its size depends on
        // the BLAS kernel the CPU selects, so the absolute tolerance follows the depth. A
        // misplaced tap still errs by the size of a product term (~0.25), far above it.
        const double depth = double(c.xDims[1] / c.groups * c.kernel[0] * c.kernel[1]);
        EXPECT_TRUE(test::allClose(fast[0], ref[0], 1e-4, 3e-6 * std::sqrt(depth)));
        cpu::KernelArgs a;
        a.op = &b.op;
        for (const HostTensor* h : in) a.inputs.push_back(ir::viewOf(*h));
        a.outputs = {ir::viewOf(fast[0])};
        EXPECT_LE(t->workspaceSize(a), size_t(1) << 20) << "the unrolled block stays within 1 MiB";
    }
}

// Winograd F(2x2, 3x3): odd and even output sizes (partial 2x2 tiles), uneven and large padding,
// batches, with and without bias, a fused activation, and enough tiles for several blocks; what
// it refuses (stride, dilation, groups, other kernels).
TEST(Convolution, WinogradMatchesTheReference) {
    const std::vector<ConvCase> cases = {
        {{1, 3, 7, 5}, {3, 3}, 4, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
        {{2, 5, 8, 9}, {3, 3}, 3, 1, {1, 1}, {1, 1}, {0, 2}, {1, 0}, false},
        {{1, 2, 3, 3}, {3, 3}, 2, 1, {1, 1}, {1, 1}, {0, 0}, {0, 0}, true},       // one output
        {{1, 96, 40, 41}, {3, 3}, 24, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},  // 420 tiles: three blocks
        {{1, 4, 6, 6}, {3, 3}, 5, 1, {1, 1}, {1, 1}, {3, 1}, {2, 4}, true},      // padding past the kernel
    };
    for (const ConvCase& c : cases) {
        SCOPED_TRACE("x " + ir::dimsToString(c.xDims));
        Built b = build(c);
        std::vector<const HostTensor*> in = {&b.x, &b.w};
        if (c.bias) in.push_back(&b.b);
        std::vector<ir::ValueInfo> infos;
        for (const HostTensor* t : in) infos.push_back(ir::constantInfo(*t));
        ASSERT_TRUE(cpu::findTactic("Convolution", "winograd_f2x2_3x3")->supports(b.op, infos));
        auto ref = cpu::evaluateReference(b.op, in);
        auto fast = cpu::evaluateWithTactic(b.op, in, "winograd_f2x2_3x3");
        const double depth = double(c.xDims[1] * 9);  // float rounding grows with the sum's depth
        EXPECT_TRUE(test::allClose(fast[0], ref[0], 1e-4, 4e-6 * std::sqrt(depth)));
    }
    Built b = build(cases[0]);
    b.op.fusedActivation = static_cast<int64_t>(ActivationType::kRELU);
    auto ref = cpu::evaluateReference(b.op, {&b.x, &b.w, &b.b});
    EXPECT_TRUE(test::allClose(cpu::evaluateWithTactic(b.op, {&b.x, &b.w, &b.b}, "winograd_f2x2_3x3")[0], ref[0],
                               1e-4, 2e-5));
    const cpu::Tactic* t = cpu::findTactic("Convolution", "winograd_f2x2_3x3");
    for (const ConvCase& c : {kCases[2], kCases[4], kCases[3], kCases[5]}) {  // stride 2, dilation, groups, 1x1
        Built r = build(c);
        EXPECT_FALSE(t->supports(r.op, {ir::constantInfo(r.x), ir::constantInfo(r.w)})) << ir::dimsToString(c.xDims);
    }
}

// ---- Deconvolution ----

TEST(Deconvolution, HandValues) {
    ir::DeconvolutionOp op;
    auto x = test::tensorFrom({1, 1, 2, 2}, {1, 2, 3, 4});
    auto w = test::tensorFrom({1, 1, 2, 2}, {1, 1, 1, 1});
    auto y = cpu::evaluateReference(op, {&x, &w});
    EXPECT_TRUE(test::allClose(y[0], test::tensorFrom({1, 1, 3, 3}, {1, 3, 2, 4, 10, 6, 3, 7, 4}), 0, 0));
    // Stride 2 places copies of the kernel without overlap; bias adds everywhere.
    op.stride = {2, 2};
    auto b = test::tensorFrom({1}, {0.5f});
    y = cpu::evaluateReference(op, {&x, &w, &b});
    EXPECT_TRUE(test::allClose(y[0],
                               test::tensorFrom({1, 1, 4, 4}, {1.5, 1.5, 2.5, 2.5, 1.5, 1.5, 2.5, 2.5, 3.5, 3.5, 4.5,
                                                               4.5, 3.5, 3.5, 4.5, 4.5}),
                               0, 0));
}

TEST(Deconvolution, MatchesNaiveGatherLoop) {
    struct Case {
        V xDims, wDims;
        int64_t groups;
        V stride, dilation, pre, post;
        PaddingMode mode;
    };
    const std::vector<Case> cases = {
        {{2, 3, 4, 5}, {3, 2, 3, 3}, 1, {2, 2}, {1, 1}, {1, 0}, {0, 1}, PaddingMode::kEXPLICIT_ROUND_DOWN},
        {{1, 4, 3, 3}, {4, 3, 2, 3}, 2, {3, 1}, {1, 2}, {0, 1}, {1, 1}, PaddingMode::kEXPLICIT_ROUND_DOWN},
        {{1, 4, 5, 4}, {4, 1, 3, 3}, 4, {2, 2}, {}, {}, {}, PaddingMode::kSAME_UPPER},
        {{1, 2, 5, 4}, {2, 2, 4, 4}, 1, {2, 2}, {}, {}, {}, PaddingMode::kSAME_LOWER},
        {{2, 2, 6}, {2, 3, 3}, 1, {2}, {2}, {1}, {2}, PaddingMode::kEXPLICIT_ROUND_DOWN},
        {{1, 2, 3, 2, 3},
         {2, 2, 2, 3, 2},
         2,
         {2, 1, 2},
         {1, 1, 2},
         {0, 1, 0},
         {1, 0, 0},
         PaddingMode::kEXPLICIT_ROUND_UP},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE("x " + ir::dimsToString(c.xDims) + " w " + ir::dimsToString(c.wDims));
        ir::DeconvolutionOp op;
        op.nbGroups = c.groups;
        op.stride = c.stride;
        op.dilation = c.dilation;
        op.prePadding = c.pre;
        op.postPadding = c.post;
        op.paddingMode = c.mode;
        auto x = test::randomTensor(DataType::kFLOAT, c.xDims);
        auto w = test::randomTensor(DataType::kFLOAT, c.wDims);
        auto b = test::randomTensor(DataType::kFLOAT, {c.wDims[1] * c.groups});
        auto y = cpu::evaluateReference(op, {&x, &w, &b});
        const size_t ns = c.wDims.size() - 2, off = 3 - ns;
        Naive p;
        p.deconv = true;
        p.groups = c.groups;
        V out;
        for (size_t i = 0; i < ns; ++i) {
            int64_t s = c.stride.empty() ? 1 : c.stride[i], d = c.dilation.empty() ? 1 : c.dilation[i];
            int64_t dk = d * (c.wDims[2 + i] - 1) + 1, in = c.xDims[2 + i];
            int64_t pre = c.pre.empty() ? 0 : c.pre[i], post = c.post.empty() ? 0 : c.post[i];
            if (c.mode == PaddingMode::kSAME_UPPER || c.mode == PaddingMode::kSAME_LOWER) {
                int64_t total = dk - s;  // output in*s
                pre = c.mode == PaddingMode::kSAME_UPPER ? total / 2 : total - total / 2;
                post = total - pre;
            }
            out.push_back((in - 1) * s + dk - pre - post);
            p.stride[off + i] = s;
            p.dilation[off + i] = d;
            p.pre[off + i] = pre;
        }
        V expectDims = {c.xDims[0], c.wDims[1] * c.groups};
        expectDims.insert(expectDims.end(), out.begin(), out.end());
        ASSERT_EQ(y[0].dims, expectDims);
        HostTensor y3 = as3d(y[0]);
        p.out = {y3.dims[2], y3.dims[3], y3.dims[4]};
        HostTensor e = naiveConv(as3d(x), as3d(w), &b, p);
        e.dims = y[0].dims;
        EXPECT_TRUE(test::allClose(y[0], e, 1e-5, 1e-5));
        // The GEMM + col2im tactic against the reference, with and without bias.
        EXPECT_TRUE(test::allClose(cpu::evaluateWithTactic(op, {&x, &w, &b}, "openblas_gemm_col2im")[0], y[0], 1e-4, 1e-5));
        auto noBias = cpu::evaluateReference(op, {&x, &w});
        EXPECT_TRUE(test::allClose(cpu::evaluateWithTactic(op, {&x, &w}, "openblas_gemm_col2im")[0], noBias[0], 1e-4, 1e-5));
    }
}

TEST(Deconvolution, ShapeErrors) {
    ir::DeconvolutionOp op;
    auto x = test::randomTensor(DataType::kFLOAT, {1, 4, 3, 3});
    auto w = test::randomTensor(DataType::kFLOAT, {3, 2, 3, 3});
    EXPECT_THROW(cpu::evaluateReference(op, {&x, &w}), KilnError);  // weights dim 0 must be C
    auto w2 = test::randomTensor(DataType::kFLOAT, {4, 2, 3, 3});
    op.nbGroups = 3;
    EXPECT_THROW(cpu::evaluateReference(op, {&x, &w2}), KilnError);
    op.nbGroups = 2;
    op.nbOutputMaps = 4;
    EXPECT_EQ(cpu::evaluateReference(op, {&x, &w2})[0].dims, (V{1, 4, 5, 5}));
    op.nbOutputMaps = 3;
    EXPECT_THROW(cpu::evaluateReference(op, {&x, &w2}), KilnError);
    op.nbOutputMaps = 0;
    op.prePadding = {4, 4};
    op.postPadding = {4, 4};
    EXPECT_THROW(cpu::evaluateReference(op, {&x, &w2}), KilnError);
}

}  // namespace
}  // namespace kiln
