// End to end through the public API: a small CNN with batch norm, dynamic batch, built, saved,
// reloaded and run, against a naive reference written here; marking an intermediate output.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "common/test_util.h"
#include "kiln/kiln.h"
#include "verify/api_networks.h"

namespace kiln {
namespace {

class CapturingLogger : public Logger {
public:
    void log(Severity s, const char* msg) noexcept override {
        if (s <= Severity::kWARNING) messages.push_back(msg);
        all.push_back(msg);
    }
    std::vector<std::string> messages, all;
    bool saw(const std::string& needle) const {
        for (const auto& m : all)
            if (m.find(needle) != std::string::npos) return true;
        return false;
    }
};

std::vector<float> randomVec(size_t n, float scale) {
    std::normal_distribution<float> d(0.f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = d(test::rng());
    return v;
}

// conv 3x3 pad 1 (C→K) + bias, then per-channel scale/shift, then relu. NCHW.
std::vector<float> convBnRelu(const std::vector<float>& x, int n, int c, int h, int w, int k, const std::vector<float>& wt,
                              const std::vector<float>& b, const std::vector<float>& s, const std::vector<float>& t) {
    std::vector<float> y(static_cast<size_t>(n) * k * h * w);
    for (int in = 0; in < n; ++in)
        for (int ok = 0; ok < k; ++ok)
            for (int oy = 0; oy < h; ++oy)
                for (int ox = 0; ox < w; ++ox) {
                    double acc = b[ok];
                    for (int ic = 0; ic < c; ++ic)
                        for (int ky = 0; ky < 3; ++ky)
                            for (int kx = 0; kx < 3; ++kx) {
                                int iy = oy + ky - 1, ix = ox + kx - 1;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                acc += x[((in * c + ic) * h + iy) * w + ix] * wt[((ok * c + ic) * 3 + ky) * 3 + kx];
                            }
                    double v = acc * s[ok] + t[ok];
                    y[((in * k + ok) * h + oy) * w + ox] = static_cast<float>(v > 0 ? v : 0);
                }
    return y;
}

//! The shared API-built CNN (verify/api_networks.h) with a naive reference for it.
struct Cnn : test::Cnn {
    Cnn() : test::Cnn(test::rng()) {}
    const std::vector<float>& w(const char* name) const { return weights.values.at(name); }

    //! Reference: conv-bn-relu → global average pool → fc → softmax.
    std::vector<float> reference(const std::vector<float>& x, int n, std::vector<float>* features = nullptr) const {
        auto y = convBnRelu(x, n, C, H, W, K, w("conv_w"), w("conv_b"), w("bn_scale"), w("bn_shift"));
        if (features) *features = y;
        const auto& fc = w("fc_w");
        std::vector<float> out(static_cast<size_t>(n) * F);
        for (int in = 0; in < n; ++in) {
            std::vector<double> pooled(K), logits(F, 0.0);
            for (int k = 0; k < K; ++k) {
                double s = 0;
                for (int i = 0; i < H * W; ++i) s += y[(in * K + k) * H * W + i];
                pooled[k] = s / (H * W);
            }
            double mx = -1e30, sum = 0;
            for (int f = 0; f < F; ++f) {
                for (int k = 0; k < K; ++k) logits[f] += pooled[k] * fc[k * F + f];
                mx = std::max(mx, logits[f]);
            }
            for (int f = 0; f < F; ++f) sum += std::exp(logits[f] - mx);
            for (int f = 0; f < F; ++f) out[in * F + f] = static_cast<float>(std::exp(logits[f] - mx) / sum);
        }
        return out;
    }
};

TEST(ApiCnn, BuildSaveLoadRunMatchesReferenceAtSeveralBatches) {
    CapturingLogger logger;
    Cnn cnn;
    auto plan = cnn.build(logger, false);
    ASSERT_TRUE(plan) << (logger.messages.empty() ? "" : logger.messages.back());
    EXPECT_TRUE(logger.saw("scale_folding: folded Scale 'bn' into Convolution 'conv'"));
    std::vector<uint8_t> bytes(static_cast<const uint8_t*>(plan->data()),
                               static_cast<const uint8_t*>(plan->data()) + plan->size());
    auto runtime = createRuntime(logger);
    auto engine = runtime->deserializeEngine(bytes.data(), bytes.size());
    ASSERT_TRUE(engine);
    EXPECT_EQ(engine->getTensorShape("x").d[0], -1);
    EXPECT_EQ(engine->getTensorShape("prob").d[0], -1);
    auto ctx = engine->createExecutionContext();
    for (int n : {1, 4, 6}) {
        auto x = randomVec(static_cast<size_t>(n) * Cnn::C * Cnn::H * Cnn::W, 1.0f);
        std::vector<float> prob(static_cast<size_t>(n) * Cnn::F, -1.f);
        ASSERT_TRUE(ctx->setInputShape("x", makeDims({n, Cnn::C, Cnn::H, Cnn::W})));
        Dims out = ctx->getTensorShape("prob");
        ASSERT_EQ(out.nbDims, 2);
        EXPECT_EQ(out.d[0], n);
        ctx->setTensorAddress("x", x.data());
        ctx->setTensorAddress("prob", prob.data());
        ASSERT_TRUE(ctx->executeV2());
        auto ref = cnn.reference(x, n);
        for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(prob[i], ref[i], 1e-5) << "batch " << n << " i " << i;
    }
}

TEST(ApiCnn, MarkedIntermediateOutputHasTheRightValuesAndBlocksFolding) {
    CapturingLogger logger;
    Cnn cnn;
    auto plan = cnn.build(logger, true);
    ASSERT_TRUE(plan);
    auto engine = createRuntime(logger)->deserializeEngine(plan->data(), plan->size());
    ASSERT_TRUE(engine);
    EXPECT_EQ(engine->getTensorIOMode("features"), TensorIOMode::kOUTPUT);
    auto ctx = engine->createExecutionContext();
    const int n = 2;
    auto x = randomVec(static_cast<size_t>(n) * Cnn::C * Cnn::H * Cnn::W, 1.0f);
    std::vector<float> prob(n * Cnn::F), features(static_cast<size_t>(n) * Cnn::K * Cnn::H * Cnn::W);
    ctx->setInputShape("x", makeDims({n, Cnn::C, Cnn::H, Cnn::W}));
    ctx->setTensorAddress("x", x.data());
    ctx->setTensorAddress("prob", prob.data());
    ctx->setTensorAddress("features", features.data());
    ASSERT_TRUE(ctx->executeV2());
    std::vector<float> refFeatures;
    auto ref = cnn.reference(x, n, &refFeatures);
    for (size_t i = 0; i < refFeatures.size(); ++i) ASSERT_NEAR(features[i], refFeatures[i], 1e-4) << i;
    for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(prob[i], ref[i], 1e-5);
}

TEST(ApiCnn, UserProvidedActivationMemory) {
    CapturingLogger logger;
    Cnn cnn;
    auto plan = cnn.build(logger, false);
    auto engine = createRuntime(logger)->deserializeEngine(plan->data(), plan->size());
    ASSERT_TRUE(engine);
    auto ctx = engine->createExecutionContextWithoutDeviceMemory();
    std::vector<uint8_t> memory(engine->getDeviceMemorySize() + 256);
    void* aligned = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(memory.data()) + 255) / 256 * 256);
    ctx->setDeviceMemory(aligned);
    const int n = 6;
    auto x = randomVec(static_cast<size_t>(n) * Cnn::C * Cnn::H * Cnn::W, 1.0f);
    std::vector<float> prob(n * Cnn::F);
    ctx->setInputShape("x", makeDims({n, Cnn::C, Cnn::H, Cnn::W}));
    EXPECT_LE(ctx->updateDeviceMemorySizeForShapes(), engine->getDeviceMemorySize());
    ctx->setTensorAddress("x", x.data());
    ctx->setTensorAddress("prob", prob.data());
    ASSERT_TRUE(ctx->executeV2());
    auto ref = cnn.reference(x, n);
    for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(prob[i], ref[i], 1e-5);
}

TEST(ApiCnn, InputShapeOutsideTheProfileIsAClearError) {
    CapturingLogger logger;
    Cnn cnn;
    auto plan = cnn.build(logger, false);
    auto engine = createRuntime(logger)->deserializeEngine(plan->data(), plan->size());
    auto ctx = engine->createExecutionContext();
    EXPECT_FALSE(ctx->setInputShape("x", makeDims({7, Cnn::C, Cnn::H, Cnn::W})));
    ASSERT_FALSE(logger.messages.empty());
    EXPECT_NE(logger.messages.back().find("input 'x' shape [7,3,9,7] is outside the range of optimization profile 0: "
                                          "min [1,3,9,7], max [6,3,9,7]"),
              std::string::npos)
        << logger.messages.back();
}

}  // namespace
}  // namespace kiln
