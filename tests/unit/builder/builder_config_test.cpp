// BuilderConfig settings that change how a build runs: optimization level, progress monitor.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kiln/kiln.h"

namespace kiln {
namespace {

class LastError : public Logger {
public:
    void log(Severity s, const char* msg) noexcept override {
        if (s <= Severity::kERROR) last = msg;
    }
    std::string last;
};

std::unique_ptr<NetworkDefinition> reluNetwork(Builder& builder) {
    auto net = builder.createNetwork();
    auto* x = net->addInput("x", DataType::kFLOAT, makeDims({2, 3}));
    net->markOutput(*net->addActivation(*x, ActivationType::kRELU)->getOutput(0));
    return net;
}

TEST(BuilderConfig, OptimizationLevelIsZeroToFiveAndTf32IsOnByDefault) {
    LastError logger;
    auto builder = createBuilder(logger);
    auto config = builder->createBuilderConfig();
    EXPECT_EQ(config->getBuilderOptimizationLevel(), 3);
    EXPECT_TRUE(config->getFlag(BuilderFlag::kTF32));
    config->setBuilderOptimizationLevel(0);
    EXPECT_EQ(config->getBuilderOptimizationLevel(), 0);
    config->setBuilderOptimizationLevel(6);
    EXPECT_EQ(config->getBuilderOptimizationLevel(), 0);
    EXPECT_NE(logger.last.find("level 6 is outside [0, 5]"), std::string::npos) << logger.last;
    auto net = reluNetwork(*builder);
    EXPECT_TRUE(builder->buildSerializedNetwork(*net, *config));  // level 0 builds without timing
}

class Monitor : public ProgressMonitor {
public:
    explicit Monitor(int32_t cancelAt) : mCancelAt(cancelAt) {}
    void phaseStart(const char* phase, const char*, int32_t nbSteps) noexcept override {
        events.push_back(std::string("start ") + phase + " " + std::to_string(nbSteps));
    }
    bool stepComplete(const char*, int32_t step) noexcept override {
        events.push_back("step " + std::to_string(step));
        return step != mCancelAt;
    }
    void phaseFinish(const char* phase) noexcept override { events.push_back(std::string("finish ") + phase); }
    std::vector<std::string> events;

private:
    int32_t mCancelAt;
};

TEST(BuilderConfig, ProgressMonitorSeesEveryPhaseAndCanCancel) {
    LastError logger;
    auto builder = createBuilder(logger);
    auto net = reluNetwork(*builder);
    auto config = builder->createBuilderConfig();
    Monitor all(-1);
    config->setProgressMonitor(&all);
    EXPECT_TRUE(builder->buildSerializedNetwork(*net, *config));
    EXPECT_EQ(all.events, (std::vector<std::string>{"start Building engine 4", "step 0", "step 1", "step 2", "step 3",
                                                    "finish Building engine"}));
    Monitor cancel(1);
    config->setProgressMonitor(&cancel);
    EXPECT_FALSE(builder->buildSerializedNetwork(*net, *config));
    EXPECT_NE(logger.last.find("cancelled by the progress monitor"), std::string::npos) << logger.last;
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

//! Records phase events of several builds into one shared, ordered log.
class SharedLogMonitor : public ProgressMonitor {
public:
    SharedLogMonitor(std::string name, std::vector<std::string>& log, std::mutex& m)
        : mName(std::move(name)), mLog(log), mMutex(m) {}
    void phaseStart(const char*, const char*, int32_t) noexcept override { add("start"); }
    bool stepComplete(const char*, int32_t) noexcept override {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // widen the window for overlap
        return true;
    }
    void phaseFinish(const char*) noexcept override { add("finish"); }

private:
    void add(const char* what) {
        std::lock_guard<std::mutex> lock(mMutex);
        mLog.push_back(mName + " " + what);
    }
    std::string mName;
    std::vector<std::string>& mLog;
    std::mutex& mMutex;
};

TEST(BuilderConfig, BuildsOnOneDeviceAreSerialized) {
    std::vector<std::string> log;
    std::mutex m;
    auto build = [&](const std::string& name) {
        LastError logger;
        auto builder = createBuilder(logger);
        auto net = reluNetwork(*builder);
        auto config = builder->createBuilderConfig();
        SharedLogMonitor monitor(name, log, m);
        config->setProgressMonitor(&monitor);
        EXPECT_TRUE(builder->buildSerializedNetwork(*net, *config)) << logger.last;
    };
    std::thread a(build, "a"), b(build, "b");
    a.join();
    b.join();
    ASSERT_EQ(log.size(), 4u);
    // Each build's start is followed by its own finish: the two never overlap.
    EXPECT_EQ(log[0].substr(0, 1), log[1].substr(0, 1));
    EXPECT_EQ(log[2].substr(0, 1), log[3].substr(0, 1));
}

}  // namespace
}  // namespace kiln
