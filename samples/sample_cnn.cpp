// sample_cnn: builds a small CNN by hand through the API (as TensorRT's samples do), with a
// dynamic batch and batch-norm folded into the convolution, saves the engine, loads it back
// and runs it. Usage: sample_cnn [--saveEngine=cnn.engine] [--batch=N]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "kiln/kiln.h"

namespace {

class Log : public kiln::Logger {
public:
    void log(Severity s, const char* msg) noexcept override {
        if (s <= Severity::kINFO) std::printf("[%s] %s\n", s <= Severity::kERROR ? "E" : s == Severity::kWARNING ? "W" : "I", msg);
    }
};

std::vector<float> randomVector(std::mt19937& rng, size_t n, float scale) {
    std::normal_distribution<float> d(0.f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    std::string enginePath = "cnn.engine";
    int batch = 4;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--saveEngine=", 0) == 0) enginePath = a.substr(13);
        else if (a.rfind("--batch=", 0) == 0) batch = std::stoi(a.substr(8));
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 1;
        }
    }
    Log logger;
    std::mt19937 rng(7);
    auto builder = kiln::createBuilder(logger);
    auto network = builder->createNetwork();
    // input [N, 3, 32, 32] → conv3x3(16) → batchnorm → relu → maxpool 2 → conv3x3(32) → relu
    // → global average pool → fully connected (10) → softmax
    auto* x = network->addInput("input", kiln::DataType::kFLOAT, kiln::makeDims({-1, 3, 32, 32}));
    auto w1 = randomVector(rng, 16 * 3 * 9, 0.2f), b1 = randomVector(rng, 16, 0.1f);
    auto* c1 = network->addConvolutionNd(*x, 16, kiln::makeDims({3, 3}), {kiln::DataType::kFLOAT, w1.data(), (int64_t)w1.size()},
                                         {kiln::DataType::kFLOAT, b1.data(), 16});
    c1->setPaddingNd(kiln::makeDims({1, 1}));
    c1->setName("conv1");
    std::vector<float> bnScale(16), bnShift(16);
    for (int c = 0; c < 16; ++c) {  // batch norm: gamma / sqrt(var + eps), beta - mean * that
        float gamma = 1.0f + 0.1f * c, beta = 0.05f * c, mean = 0.01f * c, var = 1.0f + 0.02f * c;
        bnScale[c] = gamma / std::sqrt(var + 1e-5f);
        bnShift[c] = beta - mean * bnScale[c];
    }
    auto* bn = network->addScaleNd(*c1->getOutput(0), kiln::ScaleMode::kCHANNEL, {kiln::DataType::kFLOAT, bnShift.data(), 16},
                                   {kiln::DataType::kFLOAT, bnScale.data(), 16}, {}, 1);
    bn->setName("bn1");
    auto* r1 = network->addActivation(*bn->getOutput(0), kiln::ActivationType::kRELU);
    auto* p1 = network->addPoolingNd(*r1->getOutput(0), kiln::PoolingType::kMAX, kiln::makeDims({2, 2}));
    p1->setStrideNd(kiln::makeDims({2, 2}));
    auto w2 = randomVector(rng, 32 * 16 * 9, 0.1f), b2 = randomVector(rng, 32, 0.1f);
    auto* c2 = network->addConvolutionNd(*p1->getOutput(0), 32, kiln::makeDims({3, 3}),
                                         {kiln::DataType::kFLOAT, w2.data(), (int64_t)w2.size()}, {kiln::DataType::kFLOAT, b2.data(), 32});
    c2->setPaddingNd(kiln::makeDims({1, 1}));
    auto* r2 = network->addActivation(*c2->getOutput(0), kiln::ActivationType::kRELU);
    auto* gap = network->addReduce(*r2->getOutput(0), kiln::ReduceOperation::kAVG, (1u << 2) | (1u << 3), false);
    auto wf = randomVector(rng, 32 * 10, 0.3f);
    auto* fcW = network->addConstant(kiln::makeDims({32, 10}), {kiln::DataType::kFLOAT, wf.data(), 320});
    auto* fc = network->addMatrixMultiply(*gap->getOutput(0), kiln::MatrixOperation::kNONE, *fcW->getOutput(0),
                                          kiln::MatrixOperation::kNONE);
    auto* prob = network->addSoftMax(*fc->getOutput(0));
    prob->getOutput(0)->setName("prob");
    network->markOutput(*prob->getOutput(0));

    auto config = builder->createBuilderConfig();
    auto* profile = builder->createOptimizationProfile();
    profile->setDimensions("input", kiln::OptProfileSelector::kMIN, kiln::makeDims({1, 3, 32, 32}));
    profile->setDimensions("input", kiln::OptProfileSelector::kOPT, kiln::makeDims({batch, 3, 32, 32}));
    profile->setDimensions("input", kiln::OptProfileSelector::kMAX, kiln::makeDims({32, 3, 32, 32}));
    config->addOptimizationProfile(profile);
    auto t0 = std::chrono::steady_clock::now();
    auto plan = builder->buildSerializedNetwork(*network, *config);
    if (!plan) return 1;
    std::printf("[I] Built the engine (%zu bytes) in %.3f s\n", plan->size(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    std::ofstream(enginePath, std::ios::binary).write(static_cast<const char*>(plan->data()), plan->size());
    std::printf("[I] Saved %s\n", enginePath.c_str());

    // Load it back, as a deployment would, and run one batch.
    std::ifstream in(enginePath, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto runtime = kiln::createRuntime(logger);
    auto engine = runtime->deserializeEngine(bytes.data(), bytes.size());
    if (!engine) return 1;
    auto context = engine->createExecutionContext();
    context->setInputShape("input", kiln::makeDims({batch, 3, 32, 32}));
    auto input = randomVector(rng, static_cast<size_t>(batch) * 3 * 32 * 32, 1.0f);
    std::vector<float> output(static_cast<size_t>(batch) * 10);
    context->setTensorAddress("input", input.data());
    context->setTensorAddress("prob", output.data());
    auto r0 = std::chrono::steady_clock::now();
    if (!context->executeV2()) return 1;
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - r0).count();
    for (int n = 0; n < batch; ++n) {
        int best = 0;
        double sum = 0;
        for (int k = 0; k < 10; ++k) {
            sum += output[n * 10 + k];
            if (output[n * 10 + k] > output[n * 10 + best]) best = k;
        }
        std::printf("[I] sample %d: class %d (p = %.4f), probabilities sum to %.6f\n", n, best, output[n * 10 + best], sum);
    }
    std::printf("[I] Inference of batch %d took %.3f ms\n", batch, ms);
    return 0;
}
