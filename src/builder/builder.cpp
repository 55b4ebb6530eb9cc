// The Builder: network → IR → passes → tactics → memory plan → serialized plan.
#include <chrono>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>

#include "builder/builder_config_impl.h"
#include "builder/plan_builder.h"
#ifdef KILN_HAVE_CUDA
#include "backends/cuda/device.h"
#include "backends/cuda/memory.h"
#endif
#include "core/api_guard.h"
#include "engine/compatibility.h"
#include "engine/plan_writer.h"
#include "kiln/version.h"
#include "network/network_impl.h"
#include "passes/pass.h"
#include "passes/precision/reduced_precision.h"

namespace kiln {
namespace {

//! Builds on one device are serialized (SPEC §2.10): tactic timing assumes the device is ours.
std::mutex& deviceBuildLock() {
    static std::mutex m;
    return m;
}

std::vector<int64_t> dimsOf(const Dims& d) { return std::vector<int64_t>(d.d, d.d + d.nbDims); }

//! Each profile's MIN/OPT/MAX for every input, checked against the network's input shapes.
std::vector<engine::Profile> resolveProfiles(const NetworkImpl& net, const BuilderConfigImpl& config) {
    bool dynamic = false;
    for (const TensorImpl* in : net.inputs())
        for (int32_t i = 0; i < in->mInputDims.nbDims; ++i) dynamic = dynamic || in->mInputDims.d[i] < 0;
    KILN_CHECK_CODE(!dynamic || !config.mProfiles.empty(), ErrorCode::kINVALID_CONFIG)
        << "Network has dynamic or shape inputs, but no optimization profile has been defined.";
    std::vector<engine::Profile> profiles;
    size_t count = std::max<size_t>(config.mProfiles.size(), 1);
    for (size_t p = 0; p < count; ++p) {
        engine::Profile profile;
        for (const TensorImpl* in : net.inputs()) {
            engine::ProfileInput pi;
            pi.name = in->mName;
            std::vector<int64_t> declared = dimsOf(in->mInputDims);
            const OptimizationProfileImpl::Entry* e = nullptr;
            if (p < config.mProfiles.size()) {
                auto it = config.mProfiles[p].mEntries.find(in->mName);
                if (it != config.mProfiles[p].mEntries.end() && it->second.set[0]) e = &it->second;
            }
            bool inputDynamic = false;
            for (int64_t d : declared) inputDynamic = inputDynamic || d < 0;
            if (!e) {
                KILN_CHECK_CODE(!inputDynamic, ErrorCode::kINVALID_CONFIG)
                    << "optimization profile " << p << " has no dimensions for dynamic input '" << in->mName << "'";
                pi.min = pi.opt = pi.max = declared;
            } else {
                pi.min = dimsOf(e->dims[0]);
                pi.opt = dimsOf(e->dims[1]);
                pi.max = dimsOf(e->dims[2]);
                KILN_CHECK_CODE(pi.min.size() == declared.size(), ErrorCode::kINVALID_CONFIG)
                    << "optimization profile " << p << ": input '" << in->mName << "' has rank " << declared.size()
                    << " but the profile gives rank " << pi.min.size();
                for (size_t i = 0; i < declared.size(); ++i)
                    KILN_CHECK_CODE(declared[i] < 0 || (pi.min[i] == declared[i] && pi.max[i] == declared[i]),
                                    ErrorCode::kINVALID_CONFIG)
                        << "optimization profile " << p << ": input '" << in->mName << "' dimension " << i
                        << " is static (" << declared[i] << ") but the profile allows [" << pi.min[i] << ", "
                        << pi.max[i] << "]";
            }
            profile.inputs.push_back(std::move(pi));
        }
        profiles.push_back(std::move(profile));
    }
    return profiles;
}

std::string describeConfig(const BuilderConfigImpl& c) {
    std::ostringstream os;
    os << "level=" << c.mLevel << " workspace=" << c.mWorkspace << " tf32=" << c.getFlag(BuilderFlag::kTF32)
       << " fp16=" << c.getFlag(BuilderFlag::kFP16) << " bf16=" << c.getFlag(BuilderFlag::kBF16)
       << " int8=" << c.getFlag(BuilderFlag::kINT8);
    return os.str();
}

class BuilderImpl : public Builder {
public:
    BuilderImpl(Logger& logger, DeviceType device, int cudaDevice)
        : mSink(&logger), mDevice(device), mCudaDevice(cudaDevice) {}

    std::unique_ptr<NetworkDefinition> createNetwork() noexcept override { return createNetworkV2(0); }
    std::unique_ptr<NetworkDefinition> createNetworkV2(NetworkDefinitionCreationFlags flags) noexcept override {
        return apiGuard(mSink, std::unique_ptr<NetworkDefinition>(), [&] {
            constexpr NetworkDefinitionCreationFlags known =
                1U << static_cast<int32_t>(NetworkDefinitionCreationFlag::kEXPLICIT_BATCH) |
                1U << static_cast<int32_t>(NetworkDefinitionCreationFlag::kSTRONGLY_TYPED);
            KILN_CHECK((flags & ~known) == 0) << "createNetworkV2: unknown NetworkDefinitionCreationFlag bits 0x"
                                             << std::hex << (flags & ~known);
            return std::unique_ptr<NetworkDefinition>(std::make_unique<NetworkImpl>(mSink.logger(), flags));
        });
    }
    std::unique_ptr<BuilderConfig> createBuilderConfig() noexcept override {
        return apiGuard(mSink, std::unique_ptr<BuilderConfig>(), [&] {
            return std::unique_ptr<BuilderConfig>(std::make_unique<BuilderConfigImpl>(mSink));
        });
    }
    OptimizationProfile* createOptimizationProfile() noexcept override {
        return apiGuard(mSink, static_cast<OptimizationProfile*>(nullptr), [&] {
            mProfiles.push_back(std::make_unique<OptimizationProfileImpl>(mSink));
            return static_cast<OptimizationProfile*>(mProfiles.back().get());
        });
    }
    std::unique_ptr<HostMemory> buildSerializedNetwork(NetworkDefinition& network,
                                                       BuilderConfig& config) noexcept override {
        return apiGuard(mSink, std::unique_ptr<HostMemory>(), [&] { return build(network, config); });
    }
    DeviceType getDeviceType() const noexcept override { return mDevice; }
    void setGpuAllocator(GpuAllocator* allocator) noexcept override { mAllocator = allocator; }
    void setErrorRecorder(ErrorRecorder* recorder) noexcept override { mSink.setRecorder(recorder); }
    ErrorRecorder* getErrorRecorder() const noexcept override { return mSink.recorder(); }

private:
    std::unique_ptr<HostMemory> build(NetworkDefinition& network, BuilderConfig& config) {
        auto* net = dynamic_cast<NetworkImpl*>(&network);
        auto* cfg = dynamic_cast<BuilderConfigImpl*>(&config);
        KILN_CHECK(net && cfg) << "buildSerializedNetwork: the network or config was not created by this builder";
        KILN_CHECK(net->getNbOutputs() > 0) << "buildSerializedNetwork: the network has no outputs (markOutput)";
        if (net->stronglyTyped())
            for (auto [flag, name] : {std::pair{BuilderFlag::kFP16, "kFP16"}, {BuilderFlag::kBF16, "kBF16"},
                                      {BuilderFlag::kINT8, "kINT8"}})
                KILN_CHECK_CODE(!cfg->getFlag(flag), ErrorCode::kINVALID_CONFIG)
                    << "BuilderFlag::" << name
                    << " is not allowed with a strongly typed network: its types come from the network";
        std::lock_guard<std::mutex> lock(deviceBuildLock());
        auto start = std::chrono::steady_clock::now();
        ProgressMonitor* progress = cfg->mProgress;
        if (progress) progress->phaseStart("Building engine", nullptr, 4);
        auto step = [&](int32_t i) {
            KILN_CHECK_CODE(!progress || progress->stepComplete("Building engine", i), ErrorCode::kUNSPECIFIED_ERROR)
                << "the build was cancelled by the progress monitor";
        };
        auto profiles = resolveProfiles(*net, *cfg);
        std::unique_ptr<ir::Graph> graph = net->lower();
        KILN_LOG(mSink, kVERBOSE) << "network '" << net->getName() << "' lowered: " << graph->nodes().size()
                                  << " nodes, " << graph->symbols().size() << " symbolic dims";
        step(0);
        passes::PassManager manager(mSink);
        passes::addCpuPipeline(manager);
        // FP16/BF16 on the GPU: each layer a kernel runs in the reduced type does (FP16 when
        // both); under obey/prefer, layers constrained to a reduced type run in it (either backend).
        const bool gpu = mDevice == DeviceType::kGPU;
        const DataType flagType = gpu && cfg->getFlag(BuilderFlag::kFP16)   ? DataType::kHALF
                                  : gpu && cfg->getFlag(BuilderFlag::kBF16) ? DataType::kBF16
                                                                            : DataType::kFLOAT;
        const passes::PrecisionConstraints constraints =
            cfg->getFlag(BuilderFlag::kOBEY_PRECISION_CONSTRAINTS)     ? passes::PrecisionConstraints::kOBEY
            : cfg->getFlag(BuilderFlag::kPREFER_PRECISION_CONSTRAINTS) ? passes::PrecisionConstraints::kPREFER
                                                                       : passes::PrecisionConstraints::kNONE;
        if (flagType != DataType::kFLOAT || constraints != passes::PrecisionConstraints::kNONE)
            manager.add(passes::createReducedPrecisionPass(mDevice, flagType, constraints));
        manager.run(*graph);
        step(1);
        engine::Plan plan = builder::planFromGraph(*graph, std::move(profiles));
        plan.header.libraryVersion = KILN_VERSION;
        plan.header.backend = mDevice;
        plan.header.deviceName = "cpu";
        plan.header.buildOptions = describeConfig(*cfg);
#ifdef KILN_HAVE_CUDA
        if (mDevice == DeviceType::kGPU) {
            engine::checkBuilderDevice(mCudaDevice, cuda::currentDevice());
            engine::GpuProperties gpu = cuda::propertiesOf(mCudaDevice);
            if (cfg->getFlag(BuilderFlag::kFP16)) engine::checkNativeFp16(gpu);
            plan.header.deviceName = gpu.name;
            plan.header.computeCapability = gpu.computeCapability;
            KILN_LOG(mSink, kINFO) << "Building for " << gpu.name << " (compute " << gpu.computeCapability / 10 << "."
                                   << gpu.computeCapability % 10 << ", device " << mCudaDevice << ")";
        }
#endif
        builder::selectTactics(plan, *cfg, mSink, mAllocator);
        step(2);
        builder::planMemory(plan, mSink);
        plan.layerInfoJson = builder::layerInfoJson(plan);
        for (const auto& s : plan.steps)
            KILN_LOG(mSink, kVERBOSE) << "layer '" << s.layerName << "' (" << s.opName << "): " << s.tacticName << ", "
                                      << dataTypeName(s.precision);
        auto bytes = engine::writePlan(plan);
        step(3);
        if (progress) progress->phaseFinish("Building engine");
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        KILN_LOG(mSink, kINFO) << "Engine built in " << seconds << " seconds: " << plan.steps.size() << " layers, "
                               << bytes.size() << " bytes.";
        return std::make_unique<HostMemoryImpl>(std::move(bytes));
    }

    LogSink mSink;
    DeviceType mDevice;
    int mCudaDevice;  //!< current when the builder was created (GPU builders)
    GpuAllocator* mAllocator{nullptr};
    std::vector<std::unique_ptr<OptimizationProfileImpl>> mProfiles;
};

}  // namespace

std::unique_ptr<Builder> createBuilder(Logger& logger, DeviceType device) noexcept {
    LogSink sink(&logger);
    return apiGuard(sink, std::unique_ptr<Builder>(), [&]() -> std::unique_ptr<Builder> {
        if (device == DeviceType::kGPU) {
#ifdef KILN_HAVE_CUDA
            cuda::queryDevices();  // the SPEC message when CUDA cannot initialise or has no device
            return std::make_unique<BuilderImpl>(logger, device, cuda::currentDevice());
#else
            KILN_THROW(ErrorCode::kUNSUPPORTED_STATE)
                << "createBuilder: this build of Kiln has no GPU backend (no CUDA toolkit was found when it was "
                   "built); use DeviceType::kCPU";
#endif
        }
        return std::make_unique<BuilderImpl>(logger, device, 0);
    });
}

}  // namespace kiln
