#include "core/api_guard.h"
#include "engine/plan_reader.h"
#include "kiln/runtime.h"
#include "runtime/engine_impl.h"

namespace kiln {
namespace {

class RuntimeImpl : public Runtime {
public:
    explicit RuntimeImpl(Logger& logger) : mSink(&logger) {}
    std::unique_ptr<Engine> deserializeEngine(const void* blob, size_t size) noexcept override {
        return apiGuard(mSink, std::unique_ptr<Engine>(), [&]() -> std::unique_ptr<Engine> {
            KILN_CHECK(blob && size) << "deserializeEngine: the plan is empty";
            engine::Plan plan = engine::readPlan(blob, size);
            KILN_LOG(mSink, kINFO) << "Loaded engine: " << plan.steps.size() << " layers, device memory "
                                   << plan.deviceMemorySize << " bytes";
            return std::make_unique<runtime::EngineImpl>(mSink.logger(), std::move(plan), mAllocator);
        });
    }
    void setGpuAllocator(GpuAllocator* allocator) noexcept override { mAllocator = allocator; }
    void setErrorRecorder(ErrorRecorder* recorder) noexcept override { mSink.setRecorder(recorder); }
    ErrorRecorder* getErrorRecorder() const noexcept override { return mSink.recorder(); }

private:
    LogSink mSink;
    GpuAllocator* mAllocator{nullptr};
};

}  // namespace

std::unique_ptr<Runtime> createRuntime(Logger& logger) noexcept {
    LogSink sink(&logger);
    return apiGuard(sink, std::unique_ptr<Runtime>(), [&] { return std::unique_ptr<Runtime>(std::make_unique<RuntimeImpl>(logger)); });
}

}  // namespace kiln
