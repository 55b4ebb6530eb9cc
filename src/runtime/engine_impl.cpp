#include "runtime/engine_impl.h"


#ifdef KILN_HAVE_CUDA
#include "backends/cuda/device.h"
#include "backends/cuda/memory.h"
#endif
#include "builder/builder_config_impl.h"
#include "core/api_guard.h"
#include "engine/compatibility.h"
#include "engine/plan_writer.h"

namespace kiln::runtime {

std::unique_ptr<ExecutionContext> makeContext(EngineImpl& engine, bool ownMemory);

EngineImpl::EngineImpl(Logger* logger, engine::Plan plan, GpuAllocator* allocator)
    : mSink(logger), mPlan(std::move(plan)), mAllocator(allocator) {
    if (mPlan.header.backend == DeviceType::kGPU) {
#ifdef KILN_HAVE_CUDA
        cuda::queryDevices();  // the SPEC message when CUDA cannot initialise
        mDevice = cuda::currentDevice();
        engine::GpuProperties device = cuda::propertiesOf(mDevice);
        std::string warning = engine::checkGpuCompatibility(mPlan.header.deviceName, mPlan.header.computeCapability, device);
        if (!warning.empty()) KILN_LOG(mSink, kWARNING) << warning;
        size_t weightBytes = 0;
        for (const auto& w : mPlan.weights) weightBytes += w.bytes.size();
        engine::checkGpuMemory(weightBytes, mPlan.deviceMemorySize, device);
#else
        KILN_THROW(ErrorCode::kUNSUPPORTED_STATE)
            << "deserializeEngine: the plan was built for the GPU, and this build of Kiln has no GPU backend";
#endif
    }
    mPrepared = std::make_unique<PreparedPlan>(mPlan, allocator);
    for (size_t i = 0; i < mPlan.tensors.size(); ++i)
        if (mPlan.tensors[i].isInput) mIO.push_back(static_cast<int32_t>(i));
    for (size_t i = 0; i < mPlan.tensors.size(); ++i)
        if (mPlan.tensors[i].isOutput && !mPlan.tensors[i].isInput) mIO.push_back(static_cast<int32_t>(i));
}

int32_t EngineImpl::ioSlot(const char* name) const {
    if (!name) return -1;
    for (int32_t s : mIO)
        if (mPlan.tensors[s].name == name) return s;
    return -1;
}

const char* EngineImpl::getIOTensorName(int32_t index) const noexcept {
    return index >= 0 && index < getNbIOTensors() ? mPlan.tensors[mIO[index]].name.c_str() : nullptr;
}

TensorIOMode EngineImpl::getTensorIOMode(const char* name) const noexcept {
    int32_t s = ioSlot(name);
    if (s < 0) return TensorIOMode::kNONE;
    return mPlan.tensors[s].isInput ? TensorIOMode::kINPUT : TensorIOMode::kOUTPUT;
}

DataType EngineImpl::getTensorDataType(const char* name) const noexcept {
    int32_t s = ioSlot(name);
    return s < 0 ? DataType::kFLOAT : mPlan.tensors[s].type;
}

Dims EngineImpl::getTensorShape(const char* name) const noexcept {
    Dims d;
    d.nbDims = -1;
    int32_t s = ioSlot(name);
    if (s < 0) return d;
    const auto& dims = mPlan.tensors[s].dims;
    d.nbDims = static_cast<int32_t>(dims.size());
    for (int32_t i = 0; i < d.nbDims; ++i) d.d[i] = dims[i];
    return d;
}

Dims EngineImpl::getProfileShape(const char* name, int32_t profile, OptProfileSelector select) const noexcept {
    Dims d;
    d.nbDims = -1;
    if (!name || profile < 0 || profile >= getNbOptimizationProfiles()) return d;
    for (const auto& in : mPlan.profiles[profile].inputs) {
        if (in.name != name) continue;
        const auto& v = select == OptProfileSelector::kMIN ? in.min : select == OptProfileSelector::kOPT ? in.opt : in.max;
        d.nbDims = static_cast<int32_t>(v.size());
        for (int32_t i = 0; i < d.nbDims; ++i) d.d[i] = v[i];
    }
    return d;
}

std::unique_ptr<HostMemory> EngineImpl::serialize() const noexcept {
    return apiGuard(mSink, std::unique_ptr<HostMemory>(), [&] {
        return std::unique_ptr<HostMemory>(std::make_unique<HostMemoryImpl>(engine::writePlan(mPlan)));
    });
}

std::unique_ptr<ExecutionContext> EngineImpl::createExecutionContext() noexcept {
    return apiGuard(mSink, std::unique_ptr<ExecutionContext>(), [&] { return makeContext(*this, true); });
}

std::unique_ptr<ExecutionContext> EngineImpl::createExecutionContextWithoutDeviceMemory() noexcept {
    return apiGuard(mSink, std::unique_ptr<ExecutionContext>(), [&] { return makeContext(*this, false); });
}

}  // namespace kiln::runtime
