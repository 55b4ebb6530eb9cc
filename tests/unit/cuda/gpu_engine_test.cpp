// GPU engines end to end through the public API: the hand-built CNN and transformer block of
// verify/api_networks.h built for the GPU and for the CPU, run on the same fresh random inputs,
// and compared; the device checks and the GPU memory messages, simulated (a fake device, a
// capped allocator). The message checks run everywhere; the rest needs a GPU.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/test_util.h"
#include "core/status.h"
#include "engine/compatibility.h"
#include "kiln/kiln.h"
#include "verify/api_networks.h"

#ifdef KILN_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace kiln {
namespace {

struct Capture : Logger {
    void log(Severity s, const char* m) noexcept override {
        if (s <= Severity::kWARNING) messages.push_back(m);
    }
    bool saw(const std::string& text) const {
        for (const auto& m : messages)
            if (m.find(text) != std::string::npos) return true;
        return false;
    }
    std::vector<std::string> messages;
};

engine::GpuProperties fakeH100() { return {"NVIDIA H100 80GB HBM3", 90, 80ull << 30, true}; }

TEST(GpuChecks, AnotherComputeCapabilityIsRefused) {
    try {
        engine::checkGpuCompatibility("NVIDIA A100-SXM4-80GB", 80, fakeH100());
        FAIL() << "no error";
    } catch (const KilnError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "The engine plan file is generated on an incompatible device, expecting compute 9.0 got compute 8.0, "
                  "please rebuild.");
    }
}

TEST(GpuChecks, AnotherModelOfTheSameComputeCapabilityWarns) {
    std::string w = engine::checkGpuCompatibility("NVIDIA H200", 90, fakeH100());
    EXPECT_EQ(w.rfind("Using an engine plan file across different models of devices is not recommended and is likely "
                      "to affect performance or even cause errors.",
                      0),
              0u)
        << w;
    EXPECT_EQ(engine::checkGpuCompatibility("NVIDIA H100 80GB HBM3", 90, fakeH100()), "");
}

TEST(GpuChecks, ABuilderUsedOnAnotherDeviceIsRefused) {
    EXPECT_NO_THROW(engine::checkBuilderDevice(1, 1));
    try {
        engine::checkBuilderDevice(0, 1);  // created with device 0 current, used with device 1
        FAIL() << "no error";
    } catch (const KilnError& e) {
        EXPECT_EQ(std::string(e.what()), "Builder was created on device different from current device.");
        EXPECT_EQ(e.code(), ErrorCode::kINVALID_STATE);
    }
}

TEST(GpuChecks, TooLittleDeviceMemoryAndNoNativeFp16AreRefused) {
    engine::GpuProperties small = fakeH100();
    small.totalMemory = 1000;
    EXPECT_NO_THROW(engine::checkGpuMemory(400, 600, small));
    try {
        engine::checkGpuMemory(400, 601, small);
        FAIL() << "no error";
    } catch (const KilnError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("GPU does not meet the minimum memory requirements to run this engine", 0),
                  0u);
    }
    engine::GpuProperties old = fakeH100();
    old.nativeFp16 = false;
    try {
        engine::checkNativeFp16(old);
        FAIL() << "no error";
    } catch (const KilnError& e) {
        EXPECT_EQ(std::string(e.what()), "Network needs native FP16 and platform does not have native FP16");
    }
}

#ifdef KILN_HAVE_CUDA
bool haveGpu() {
    int count = 0;
    return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

#define KILN_REQUIRE_GPU() \
    if (!haveGpu()) GTEST_SKIP() << "no GPU on this machine"

//! Runs `plan` with `inputs` (host data, by name) at the given shapes; returns the named outputs.
std::map<std::string, std::vector<float>> runEngine(Logger& logger, const HostMemory& plan,
                                                    const std::map<std::string, std::pair<Dims, std::vector<float>>>& inputs,
                                                    const std::vector<std::string>& outputs, int profile = 0) {
    auto runtime = createRuntime(logger);
    auto engine = runtime->deserializeEngine(plan.data(), plan.size());
    EXPECT_TRUE(engine);
    if (!engine) return {};
    const bool gpu = engine->getDeviceType() == DeviceType::kGPU;
    auto context = engine->createExecutionContext();
    EXPECT_TRUE(context->setOptimizationProfile(profile));
    std::vector<void*> device;
    auto place = [&](const std::vector<float>& host, size_t bytes) -> void* {
        if (!gpu) return const_cast<float*>(host.data());
        void* d = nullptr;
        EXPECT_EQ(cudaMalloc(&d, std::max<size_t>(bytes, 1)), cudaSuccess);
        if (!host.empty()) cudaMemcpy(d, host.data(), bytes, cudaMemcpyHostToDevice);
        device.push_back(d);
        return d;
    };
    for (const auto& [name, in] : inputs) {
        EXPECT_TRUE(context->setInputShape(name.c_str(), in.first));
        EXPECT_TRUE(context->setTensorAddress(name.c_str(), place(in.second, in.second.size() * 4)));
    }
    std::map<std::string, std::vector<float>> result;
    for (const auto& name : outputs) {
        Dims d = context->getTensorShape(name.c_str());
        int64_t n = 1;
        for (int32_t i = 0; i < d.nbDims; ++i) n *= d.d[i];
        result[name].assign(static_cast<size_t>(n), 0.f);
        EXPECT_TRUE(context->setTensorAddress(name.c_str(), gpu ? place({}, n * 4) : result[name].data()));
    }
    EXPECT_TRUE(context->executeV2());
    if (gpu) {
        size_t k = inputs.size();
        for (const auto& name : outputs)
            cudaMemcpy(result[name].data(), device[k++], result[name].size() * 4, cudaMemcpyDeviceToHost);
        for (void* d : device) cudaFree(d);
    }
    return result;
}

std::vector<float> randomValues(size_t n) {
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(test::rng());
    return v;
}

void expectClose(const std::vector<float>& gpu, const std::vector<float>& cpu, float tol, const char* what) {
    ASSERT_EQ(gpu.size(), cpu.size()) << what;
    float worst = 0;
    for (size_t i = 0; i < gpu.size(); ++i) worst = std::max(worst, std::abs(gpu[i] - cpu[i]) / (1.f + std::abs(cpu[i])));
    EXPECT_LE(worst, tol) << what << " (seed " << test::seed() << ")";
}

TEST(GpuEngine, CnnMatchesTheCpuEngine) {
    KILN_REQUIRE_GPU();
    Capture logger;
    test::Cnn cnn(test::rng());
    auto gpuPlan = cnn.build(logger, true, DeviceType::kGPU);
    ASSERT_TRUE(gpuPlan) << (logger.messages.empty() ? "" : logger.messages.back());
    auto cpuPlan = cnn.build(logger, true, DeviceType::kCPU);
    ASSERT_TRUE(cpuPlan);
    for (int64_t n : {1, 3, 6}) {
        Dims d = makeDims({n, test::Cnn::C, test::Cnn::H, test::Cnn::W});
        std::map<std::string, std::pair<Dims, std::vector<float>>> in{
            {"x", {d, randomValues(n * test::Cnn::C * test::Cnn::H * test::Cnn::W)}}};
        auto g = runEngine(logger, *gpuPlan, in, {"prob", "features"});
        auto c = runEngine(logger, *cpuPlan, in, {"prob", "features"});
        expectClose(g["prob"], c["prob"], 1e-5f, "prob");
        expectClose(g["features"], c["features"], 1e-5f, "features");
    }
}

TEST(GpuEngine, Fp16EnginesRunInHalfAndStayCloseToTheCpuEngine) {
    KILN_REQUIRE_GPU();
    Capture logger;
    test::Cnn cnn(test::rng());
    auto halfPlan = cnn.build(logger, true, DeviceType::kGPU, /*fp16=*/true);
    ASSERT_TRUE(halfPlan) << (logger.messages.empty() ? "" : logger.messages.back());
    auto cpuPlan = cnn.build(logger, true, DeviceType::kCPU);
    ASSERT_TRUE(cpuPlan);
    // The engine says which layers run in half (and the reformats between).
    auto runtime = createRuntime(logger);
    auto engine = runtime->deserializeEngine(halfPlan->data(), halfPlan->size());
    ASSERT_TRUE(engine);
    const std::string info = engine->getLayerInformationJson();
    EXPECT_NE(info.find("float16"), std::string::npos) << info;
    EXPECT_NE(info.find("reformat to float16"), std::string::npos) << info;
    for (int64_t n : {1, 5}) {
        Dims d = makeDims({n, test::Cnn::C, test::Cnn::H, test::Cnn::W});
        std::map<std::string, std::pair<Dims, std::vector<float>>> in{
            {"x", {d, randomValues(n * test::Cnn::C * test::Cnn::H * test::Cnn::W)}}};
        auto g = runEngine(logger, *halfPlan, in, {"prob", "features"});
        auto c = runEngine(logger, *cpuPlan, in, {"prob", "features"});
        expectClose(g["prob"], c["prob"], 2e-2f, "prob (fp16)");
        expectClose(g["features"], c["features"], 2e-2f, "features (fp16)");
    }
}

TEST(GpuEngine, TransformerBlockMatchesTheCpuEngineInBothProfiles) {
    KILN_REQUIRE_GPU();
    Capture logger;
    test::TransformerBlock block(test::rng());
    auto gpuPlan = block.build(logger, DeviceType::kGPU);
    ASSERT_TRUE(gpuPlan) << (logger.messages.empty() ? "" : logger.messages.back());
    auto cpuPlan = block.build(logger, DeviceType::kCPU);
    ASSERT_TRUE(cpuPlan);
    const int64_t D = test::TransformerBlock::D;
    for (auto [profile, b, s] : {std::tuple{0, 1, 1}, {0, 3, 7}, {1, 2, 29}}) {
        std::map<std::string, std::pair<Dims, std::vector<float>>> in{{"x", {makeDims({b, s, D}), randomValues(b * s * D)}}};
        auto g = runEngine(logger, *gpuPlan, in, {"y"}, profile);
        auto c = runEngine(logger, *cpuPlan, in, {"y"}, profile);
        expectClose(g["y"], c["y"], 1e-4f, "y");
    }
}

//! Hands out memory until `cap` bytes are in use, then refuses.
struct CappedAllocator : GpuAllocator {
    explicit CappedAllocator(size_t cap) : cap(cap) {}
    void* allocate(uint64_t size, uint64_t, uint32_t) noexcept override {
        if (used + size > cap) return nullptr;
        void* p = nullptr;
        if (cudaMalloc(&p, size) != cudaSuccess) return nullptr;
        used += size;
        sizes[p] = size;
        return p;
    }
    bool deallocate(void* p) noexcept override {
        auto it = sizes.find(p);
        if (it == sizes.end()) return false;
        used -= it->second;
        sizes.erase(it);
        return cudaFree(p) == cudaSuccess;
    }
    size_t cap, used{0};
    std::map<void*, size_t> sizes;
};

TEST(GpuEngine, AllocationFailuresGiveTheSpecMessages) {
    KILN_REQUIRE_GPU();
    Capture logger;
    test::Cnn cnn(test::rng());
    auto plan = cnn.build(logger, false, DeviceType::kGPU);
    ASSERT_TRUE(plan);
    auto runtime = createRuntime(logger);
    CappedAllocator none(0);
    runtime->setGpuAllocator(&none);
    EXPECT_EQ(runtime->deserializeEngine(plan->data(), plan->size()), nullptr);
    EXPECT_TRUE(logger.saw("Allocation failed during deserialization of weights.")) << logger.messages.back();
    // Weights fit; the activation memory does not.
    CappedAllocator weightsOnly(64 << 10);
    runtime->setGpuAllocator(&weightsOnly);
    auto engine = runtime->deserializeEngine(plan->data(), plan->size());
    ASSERT_TRUE(engine) << logger.messages.back();
    ASSERT_GT(engine->getDeviceMemorySize(), 0u);
    weightsOnly.cap = weightsOnly.used;
    EXPECT_EQ(engine->createExecutionContext(), nullptr);
    EXPECT_TRUE(logger.saw("GPU memory allocation failed during initialization of tensor: activation memory"))
        << logger.messages.back();
    // Memory handed in by the application works instead.
    auto context = engine->createExecutionContextWithoutDeviceMemory();
    ASSERT_TRUE(context);
    context.reset();
    engine.reset();
    EXPECT_EQ(weightsOnly.used, 0u);  // the weights went back to the allocator they came from
}

TEST(GpuEngine, TheContextAllocatesTheReportedDeviceMemorySize) {
    KILN_REQUIRE_GPU();
    Capture logger;
    test::Cnn cnn(test::rng());
    auto plan = cnn.build(logger, false, DeviceType::kGPU);
    ASSERT_TRUE(plan);
    auto runtime = createRuntime(logger);
    CappedAllocator counting(size_t(1) << 40);
    runtime->setGpuAllocator(&counting);
    auto engine = runtime->deserializeEngine(plan->data(), plan->size());
    ASSERT_TRUE(engine);
    const size_t weights = counting.used;
    auto context = engine->createExecutionContext();
    ASSERT_TRUE(context);
    EXPECT_EQ(counting.used - weights, engine->getDeviceMemorySize());
    context.reset();
    EXPECT_EQ(counting.used, weights);
}

TEST(GpuEngine, SeveralContextsOnSeveralThreadsAndStreamsMatchOneContextAlone) {
    KILN_REQUIRE_GPU();
    Capture logger;
    test::Cnn cnn(test::rng());
    auto plan = cnn.build(logger, false, DeviceType::kGPU);
    ASSERT_TRUE(plan);
    auto runtime = createRuntime(logger);
    auto engine = runtime->deserializeEngine(plan->data(), plan->size());
    ASSERT_TRUE(engine);
    constexpr int kThreads = 4, kRuns = 10;
    const int64_t chw = int64_t(test::Cnn::C) * test::Cnn::H * test::Cnn::W;
    struct Work {
        int64_t batch;
        std::vector<float> x, expected, got;
    };
    std::vector<std::vector<Work>> work(kThreads);
    auto runOne = [&](ExecutionContext& c, cudaStream_t stream, Work& w, std::vector<float>& out) {
        void *dx = nullptr, *dy = nullptr;
        bool ok = cudaMalloc(&dx, w.x.size() * 4) == cudaSuccess &&
                  cudaMalloc(&dy, w.batch * test::Cnn::F * 4) == cudaSuccess &&
                  cudaMemcpyAsync(dx, w.x.data(), w.x.size() * 4, cudaMemcpyHostToDevice, stream) == cudaSuccess &&
                  c.setInputShape("x", makeDims({w.batch, test::Cnn::C, test::Cnn::H, test::Cnn::W})) &&
                  c.setTensorAddress("x", dx) && c.setTensorAddress("prob", dy) && c.enqueueV3(stream);
        out.assign(static_cast<size_t>(w.batch) * test::Cnn::F, 0.f);
        ok = ok && cudaMemcpyAsync(out.data(), dy, out.size() * 4, cudaMemcpyDeviceToHost, stream) == cudaSuccess &&
             cudaStreamSynchronize(stream) == cudaSuccess;
        cudaFree(dx);
        cudaFree(dy);
        return ok;
    };
    {
        auto alone = engine->createExecutionContext();
        cudaStream_t stream = nullptr;
        ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
        for (auto& list : work)
            for (int r = 0; r < kRuns; ++r) {
                Work w;
                w.batch = 1 + static_cast<int64_t>(test::rng()() % 6);
                w.x = randomValues(static_cast<size_t>(w.batch * chw));
                ASSERT_TRUE(runOne(*alone, stream, w, w.expected)) << logger.messages.back();
                list.push_back(std::move(w));
            }
        cudaStreamDestroy(stream);
    }
    std::vector<std::unique_ptr<ExecutionContext>> contexts;
    for (int t = 0; t < kThreads; ++t) contexts.push_back(engine->createExecutionContext());
    std::vector<int> ok(kThreads, 1);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            cudaStream_t stream = nullptr;
            if (cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking) != cudaSuccess) {
                ok[t] = 0;
                return;
            }
            for (auto& w : work[t]) ok[t] = ok[t] && runOne(*contexts[t], stream, w, w.got);
            cudaStreamDestroy(stream);
        });
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) {
        ASSERT_TRUE(ok[t]) << "thread " << t << ": " << (logger.messages.empty() ? "" : logger.messages.back());
        for (auto& w : work[t]) expectClose(w.got, w.expected, 1e-6f, "prob, concurrent against alone");
    }
}

TEST(GpuEngine, ExecuteRestoresTheCallersDeviceAndEnqueueUsesTheCallersStream) {
    KILN_REQUIRE_GPU();
    Capture logger;
    test::Cnn cnn(test::rng());
    auto plan = cnn.build(logger, false, DeviceType::kGPU);
    ASSERT_TRUE(plan);
    auto runtime = createRuntime(logger);
    auto engine = runtime->deserializeEngine(plan->data(), plan->size());
    ASSERT_TRUE(engine);
    EXPECT_EQ(engine->getDeviceType(), DeviceType::kGPU);
    auto context = engine->createExecutionContext();
    ASSERT_TRUE(context->setInputShape("x", makeDims({2, test::Cnn::C, test::Cnn::H, test::Cnn::W})));
    std::vector<float> x = randomValues(2 * test::Cnn::C * test::Cnn::H * test::Cnn::W);
    void *dx = nullptr, *dy = nullptr;
    ASSERT_EQ(cudaMalloc(&dx, x.size() * 4), cudaSuccess);
    ASSERT_EQ(cudaMalloc(&dy, 2 * test::Cnn::F * 4), cudaSuccess);
    cudaMemcpy(dx, x.data(), x.size() * 4, cudaMemcpyHostToDevice);
    context->setTensorAddress("x", dx);
    context->setTensorAddress("prob", dy);
    cudaStream_t stream = nullptr;
    ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
    ASSERT_TRUE(context->enqueueV3(stream));
    ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
    std::vector<float> y(2 * test::Cnn::F);
    cudaMemcpy(y.data(), dy, y.size() * 4, cudaMemcpyDeviceToHost);
    for (int b = 0; b < 2; ++b) {
        float sum = 0;
        for (int f = 0; f < test::Cnn::F; ++f) sum += y[b * test::Cnn::F + f];
        EXPECT_NEAR(sum, 1.f, 1e-5f);  // softmax rows
    }
    int device = -1;
    cudaGetDevice(&device);
    EXPECT_EQ(device, 0);
    cudaStreamDestroy(stream);
    cudaFree(dx);
    cudaFree(dy);
}
#endif

}  // namespace
}  // namespace kiln
