// Several execution contexts of one engine, run at the same time from several threads (SPEC
// §1: "several contexts may run one engine concurrently"): each thread's results equal those of
// the same inputs run alone, and the context's memory is what the engine reports.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "common/test_util.h"
#include "kiln/kiln.h"
#include "verify/api_networks.h"

namespace kiln {
namespace {

struct QuietLogger : Logger {
    void log(Severity s, const char* m) noexcept override {
        if (s <= Severity::kERROR) errors.fetch_add(1), last = m;
    }
    std::atomic<int> errors{0};
    std::string last;
};

struct Job {
    int64_t batch;
    std::vector<float> x, prob;
};

//! Runs every job of `jobs` through `context`, in order, writing each job's prob.
bool runJobs(ExecutionContext& context, std::vector<Job>& jobs) {
    for (Job& j : jobs) {
        j.prob.assign(static_cast<size_t>(j.batch) * test::Cnn::F, 0.f);
        if (!context.setInputShape("x", makeDims({j.batch, test::Cnn::C, test::Cnn::H, test::Cnn::W})) ||
            !context.setTensorAddress("x", j.x.data()) || !context.setTensorAddress("prob", j.prob.data()) ||
            !context.executeV2())
            return false;
    }
    return true;
}

//! The shared CNN's engine (random weights), deserialized by `runtime`; nullptr on failure.
std::unique_ptr<Engine> cnnEngine(Logger& logger, Runtime& runtime) {
    test::Cnn cnn(test::rng());
    auto plan = cnn.build(logger, false);
    return plan ? runtime.deserializeEngine(plan->data(), plan->size()) : nullptr;
}

TEST(Concurrency, SeveralContextsRunOneEngineFromSeveralThreads) {
    QuietLogger logger;
    auto runtime = createRuntime(logger);
    auto engine = cnnEngine(logger, *runtime);
    ASSERT_TRUE(engine) << logger.last;

    constexpr int kThreads = 4, kJobs = 12;
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    std::vector<std::vector<Job>> perThread(kThreads);
    for (auto& jobs : perThread)
        for (int j = 0; j < kJobs; ++j) {
            Job job;
            job.batch = 1 + static_cast<int64_t>(test::rng()() % 6);
            job.x.resize(static_cast<size_t>(job.batch) * test::Cnn::C * test::Cnn::H * test::Cnn::W);
            for (auto& v : job.x) v = dist(test::rng());
            jobs.push_back(std::move(job));
        }
    // The expected results: every job alone, one context, one thread.
    std::vector<std::vector<Job>> alone = perThread;
    {
        auto context = engine->createExecutionContext();
        ASSERT_TRUE(context);
        for (auto& jobs : alone) ASSERT_TRUE(runJobs(*context, jobs)) << logger.last;
    }
    std::vector<std::unique_ptr<ExecutionContext>> contexts;
    for (int t = 0; t < kThreads; ++t) contexts.push_back(engine->createExecutionContext());
    std::atomic<int> failures{0};
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            ready.fetch_add(1);
            while (ready.load() < kThreads) std::this_thread::yield();  // start together
            if (!runJobs(*contexts[t], perThread[t])) failures.fetch_add(1);
        });
    for (auto& th : threads) th.join();
    ASSERT_EQ(failures.load(), 0) << logger.last;
    EXPECT_EQ(logger.errors.load(), 0) << logger.last;
    for (int t = 0; t < kThreads; ++t)
        for (int j = 0; j < kJobs; ++j)
            EXPECT_EQ(perThread[t][j].prob, alone[t][j].prob) << "thread " << t << ", job " << j << " (seed "
                                                               << test::seed() << ")";
}

TEST(Concurrency, ContextMemoryForTheLargestShapesIsTheReportedSize) {
    QuietLogger logger;
    auto runtime = createRuntime(logger);
    auto engine = cnnEngine(logger, *runtime);
    ASSERT_TRUE(engine) << logger.last;
    auto context = engine->createExecutionContextWithoutDeviceMemory();
    ASSERT_TRUE(context);
    const Dims maxDims = engine->getProfileShape("x", 0, OptProfileSelector::kMAX);
    ASSERT_TRUE(context->setInputShape("x", maxDims));
    EXPECT_EQ(context->updateDeviceMemorySizeForShapes(), engine->getDeviceMemorySize());
    // Memory of exactly the reported size is enough to run.
    std::vector<uint8_t> memory(engine->getDeviceMemorySize());
    context->setDeviceMemory(memory.data());
    int64_t n = 1;
    for (int32_t i = 0; i < maxDims.nbDims; ++i) n *= maxDims.d[i];
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    std::vector<float> x(static_cast<size_t>(n)), prob(static_cast<size_t>(maxDims.d[0]) * test::Cnn::F);
    for (auto& v : x) v = dist(test::rng());
    ASSERT_TRUE(context->setTensorAddress("x", x.data()));
    ASSERT_TRUE(context->setTensorAddress("prob", prob.data()));
    EXPECT_TRUE(context->executeV2()) << logger.last;
}

}  // namespace
}  // namespace kiln
