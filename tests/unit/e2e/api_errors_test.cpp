// The SPEC §3 messages that apply on the CPU, through the public API, with the ErrorRecorder.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/cpu/kernel.h"
#include "builder/plan_builder.h"
#include "ir/op.h"
#include "kiln/kiln.h"

namespace kiln {
namespace {

class Recorder : public ErrorRecorder {
public:
    int32_t getNbErrors() const noexcept override { return static_cast<int32_t>(errors.size()); }
    ErrorCode getErrorCode(int32_t i) const noexcept override { return errors[i].first; }
    const char* getErrorDesc(int32_t i) const noexcept override { return errors[i].second.c_str(); }
    bool hasOverflowed() const noexcept override { return false; }
    void clear() noexcept override { errors.clear(); }
    bool reportError(ErrorCode code, const char* desc) noexcept override {
        errors.emplace_back(code, desc);
        return true;
    }
    std::vector<std::pair<ErrorCode, std::string>> errors;
    std::string last() const { return errors.empty() ? "" : errors.back().second; }
};

class QuietLogger : public Logger {
public:
    void log(Severity, const char*) noexcept override {}
};

TEST(ApiErrors, KernelWeightsCountVersusValues) {
    QuietLogger logger;
    Recorder rec;
    auto builder = createBuilder(logger);
    auto net = builder->createNetwork();
    net->setErrorRecorder(&rec);
    auto* x = net->addInput("x", DataType::kFLOAT, makeDims({1, 2, 4, 4}));
    float w[8] = {};
    EXPECT_EQ(net->addConvolutionNd(*x, 1, makeDims({2, 2}), {DataType::kFLOAT, nullptr, 8}, {}), nullptr);
    EXPECT_EQ(rec.last(), "(Unnamed Layer* 0) [Convolution]: kernel weights has non-zero count but null values");
    EXPECT_EQ(rec.errors.back().first, ErrorCode::kINVALID_ARGUMENT);
    EXPECT_EQ(net->addConvolutionNd(*x, 1, makeDims({2, 2}), {DataType::kFLOAT, w, 0}, {}), nullptr);
    EXPECT_EQ(rec.last(), "(Unnamed Layer* 0) [Convolution]: kernel weights has zero count but non-null values");
    EXPECT_EQ(net->addConvolutionNd(*x, 1, makeDims({2, 2}), {DataType::kFLOAT, w, 8}, {DataType::kFLOAT, nullptr, 1}),
              nullptr);
    EXPECT_EQ(rec.last(), "(Unnamed Layer* 0) [Convolution]: bias weights has non-zero count but null values");
    EXPECT_EQ(net->addConvolutionNd(*x, 1, makeDims({2, 2}), {DataType::kFLOAT, w, 8}, {DataType::kFLOAT, w, 0}), nullptr);
    EXPECT_EQ(rec.last(), "(Unnamed Layer* 0) [Convolution]: bias weights has zero count but non-null values");
    EXPECT_EQ(net->getNbLayers(), 0);
}

TEST(ApiErrors, WrongKernelCountIsAShapeErrorAtBuild) {
    QuietLogger logger;
    Recorder rec;
    auto builder = createBuilder(logger);
    builder->setErrorRecorder(&rec);
    auto net = builder->createNetwork();
    auto* x = net->addInput("x", DataType::kFLOAT, makeDims({1, 2, 4, 4}));
    float w[7] = {1, 2, 3, 4, 5, 6, 7};
    auto* conv = net->addConvolutionNd(*x, 1, makeDims({2, 2}), {DataType::kFLOAT, w, 7}, {});
    ASSERT_NE(conv, nullptr);
    net->markOutput(*conv->getOutput(0));
    auto config = builder->createBuilderConfig();
    EXPECT_EQ(builder->buildSerializedNetwork(*net, *config), nullptr);
    EXPECT_NE(rec.last().find("kernel weights has count 7 but expected 8 for shape [1,2,2,2]"), std::string::npos)
        << rec.last();
}

TEST(ApiErrors, DynamicInputWithoutProfileIsABuildError) {
    QuietLogger logger;
    Recorder rec;
    auto builder = createBuilder(logger);
    builder->setErrorRecorder(&rec);
    auto net = builder->createNetwork();
    auto* x = net->addInput("x", DataType::kFLOAT, makeDims({-1, 3}));
    net->markOutput(*net->addActivation(*x, ActivationType::kRELU)->getOutput(0));
    auto config = builder->createBuilderConfig();
    EXPECT_EQ(builder->buildSerializedNetwork(*net, *config), nullptr);
    EXPECT_EQ(rec.last(), "Network has dynamic or shape inputs, but no optimization profile has been defined.");
    EXPECT_EQ(rec.errors.back().first, ErrorCode::kINVALID_CONFIG);
}

TEST(ApiErrors, ProfileMustSatisfyMinOptMax) {
    QuietLogger logger;
    auto builder = createBuilder(logger);
    auto config = builder->createBuilderConfig();
    auto* p = builder->createOptimizationProfile();
    p->setDimensions("x", OptProfileSelector::kMIN, makeDims({4, 3}));
    p->setDimensions("x", OptProfileSelector::kOPT, makeDims({2, 3}));
    p->setDimensions("x", OptProfileSelector::kMAX, makeDims({8, 3}));
    EXPECT_FALSE(p->isValid());
    EXPECT_EQ(config->addOptimizationProfile(p), -1);
}

TEST(ApiErrors, Int4AndInt16InputsAreRefused) {
    QuietLogger logger;
    Recorder rec;
    auto builder = createBuilder(logger);
    auto net = builder->createNetwork();
    net->setErrorRecorder(&rec);
    EXPECT_EQ(net->addInput("a", DataType::kINT4, makeDims({2})), nullptr);
    EXPECT_NE(rec.last().find("int4, which Kiln does not support"), std::string::npos) << rec.last();
    EXPECT_EQ(net->addInput("b", DataType::kINT16, makeDims({2})), nullptr);
    EXPECT_NE(rec.last().find("int16, which Kiln does not support"), std::string::npos) << rec.last();
}

TEST(ApiErrors, HostileEnginesAreRefusedWithoutCrashing) {
    QuietLogger logger;
    Recorder rec;
    auto builder = createBuilder(logger);
    auto net = builder->createNetwork();
    auto* x = net->addInput("x", DataType::kFLOAT, makeDims({2, 3}));
    net->markOutput(*net->addActivation(*x, ActivationType::kSIGMOID)->getOutput(0));
    auto config = builder->createBuilderConfig();
    auto plan = builder->buildSerializedNetwork(*net, *config);
    ASSERT_TRUE(plan);
    std::vector<uint8_t> bytes(static_cast<const uint8_t*>(plan->data()),
                               static_cast<const uint8_t*>(plan->data()) + plan->size());
    auto runtime = createRuntime(logger);
    runtime->setErrorRecorder(&rec);
    ASSERT_TRUE(runtime->deserializeEngine(bytes.data(), bytes.size()));
    for (size_t len = 0; len < bytes.size(); len += 7)
        EXPECT_EQ(runtime->deserializeEngine(bytes.data(), len), nullptr) << "truncated at " << len;
    auto wrongMagic = bytes;
    for (size_t i = 0; i + 4 <= wrongMagic.size(); ++i)
        if (std::equal(wrongMagic.begin() + i, wrongMagic.begin() + i + 4, "KILN")) wrongMagic[i] = 'X';
    EXPECT_EQ(runtime->deserializeEngine(wrongMagic.data(), wrongMagic.size()), nullptr);
    EXPECT_GT(rec.getNbErrors(), 0);
}

// A test-only op whose one implementation needs 1 MiB of workspace: with a smaller limit the
// builder must give the SPEC message.
struct NeedsWorkspaceOp : ir::OpBase<NeedsWorkspaceOp> {
    static constexpr const char* kName = "TestNeedsWorkspace";
    template <class V>
    void fields(V&) {}
    void inferShapes(ir::InferContext& ctx) const override {
        ctx.setOutput(0, ctx.input(0).type, ctx.input(0).shape);
    }
};
KILN_REGISTER_OP(NeedsWorkspaceOp)

cpu::Tactic bigWorkspaceTactic() {
    cpu::Tactic t;
    t.name = "reference";
    t.workspaceSize = [](const cpu::KernelArgs&) { return size_t(1) << 20; };
    t.run = [](cpu::KernelArgs&) {};
    return t;
}
KILN_REGISTER_CPU_TACTIC("TestNeedsWorkspace", bigWorkspaceTactic());

TEST(ApiErrors, NoImplementationWithinTheWorkspaceLimit) {
    QuietLogger logger;
    LogSink sink(&logger);
    engine::Plan plan;
    plan.tensors.resize(2);
    plan.tensors[0].name = "x";
    plan.tensors[0].dims = {4};
    plan.tensors[0].isInput = true;
    plan.tensors[1].name = "y";
    plan.tensors[1].dims = {4};
    plan.tensors[1].isOutput = true;
    engine::Step step;
    step.layerName = "needs_workspace";
    step.opName = "TestNeedsWorkspace";
    step.tacticName = "reference";
    step.inputs = {0};
    step.outputs = {1};
    plan.steps.push_back(step);
    plan.profiles.push_back({{{"x", {4}, {4}, {4}}}});
    BuilderConfigImpl config(sink);
    config.setMemoryPoolLimit(MemoryPoolType::kWORKSPACE, 1024);
    try {
        builder::selectTactics(plan, config, sink);
        FAIL() << "expected an error";
    } catch (const KilnError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "Internal error: could not find any implementation for node needs_workspace. Try increasing the "
                  "workspace size with setMemoryPoolLimit().");
    }
    config.setMemoryPoolLimit(MemoryPoolType::kWORKSPACE, 1 << 20);
    EXPECT_NO_THROW(builder::selectTactics(plan, config, sink));
    EXPECT_EQ(plan.steps[0].workspaceSize, size_t(1) << 20);
}

TEST(ApiErrors, VersionIsConsistent) {
    EXPECT_EQ(getKilnVersion(), KILN_VERSION);
    EXPECT_STREQ(getKilnVersionString(), "0.1.0.0");
}

}  // namespace
}  // namespace kiln
