#include "backends/cuda/memory.h"

#include <cuda_runtime_api.h>

#include <utility>

#include "backends/cuda/device.h"
#include "core/status.h"

namespace kiln::cuda {

namespace {
class CudaMallocAllocator : public GpuAllocator {
public:
    void* allocate(uint64_t size, uint64_t /*alignment: cudaMalloc gives 256*/, uint32_t) noexcept override {
        void* p = nullptr;
        if (cudaMalloc(&p, size) != cudaSuccess) {
            (void)cudaGetLastError();  // clear the sticky-free error so later calls are not blamed
            return nullptr;
        }
        return p;
    }
    bool deallocate(void* memory) noexcept override { return cudaFree(memory) == cudaSuccess; }
};
}  // namespace

GpuAllocator& defaultAllocator() {
    static CudaMallocAllocator allocator;
    return allocator;
}

DeviceBuffer DeviceBuffer::withMessage(size_t bytes, GpuAllocator* allocator, const std::string& failureMessage) {
    DeviceBuffer b;
    b.mAllocator = allocator ? allocator : &defaultAllocator();
    b.mSize = bytes;
    if (bytes == 0) return b;
    b.mData = b.mAllocator->allocate(bytes, 256, 0);
    KILN_CHECK_CODE(b.mData != nullptr, ErrorCode::kFAILED_ALLOCATION)
        << failureMessage << " (" << bytes << " bytes requested)";
    return b;
}

DeviceBuffer::DeviceBuffer(size_t bytes, GpuAllocator* allocator, const std::string& what)
    : DeviceBuffer(withMessage(bytes, allocator, "GPU memory allocation failed during initialization of " + what)) {}

DeviceBuffer::~DeviceBuffer() {
    if (mData) mAllocator->deallocate(mData);
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& o) noexcept
    : mData(std::exchange(o.mData, nullptr)), mSize(std::exchange(o.mSize, 0)), mAllocator(o.mAllocator) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
        if (mData) mAllocator->deallocate(mData);
        mData = std::exchange(o.mData, nullptr);
        mSize = std::exchange(o.mSize, 0);
        mAllocator = o.mAllocator;
    }
    return *this;
}

void copyToDevice(void* dst, const void* src, size_t bytes, void* stream) {
    if (bytes == 0) return;
    check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, static_cast<cudaStream_t>(stream)),
          "cudaMemcpyAsync (host to device)");
}

void copyToHost(void* dst, const void* src, size_t bytes, void* stream) {
    if (bytes == 0) return;
    check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, static_cast<cudaStream_t>(stream)),
          "cudaMemcpyAsync (device to host)");
}

void copyDeviceToDevice(void* dst, const void* src, size_t bytes, void* stream) {
    if (bytes == 0 || dst == src) return;
    check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, static_cast<cudaStream_t>(stream)),
          "cudaMemcpyAsync (device to device)");
}

void synchronize(void* stream) { check(cudaStreamSynchronize(static_cast<cudaStream_t>(stream)), "cudaStreamSynchronize"); }

Stream::Stream(bool blocking) {
    cudaStream_t s = nullptr;
    check(cudaStreamCreateWithFlags(&s, blocking ? cudaStreamDefault : cudaStreamNonBlocking), "cudaStreamCreate");
    mStream = s;
}

Stream::~Stream() {
    if (mStream) cudaStreamDestroy(static_cast<cudaStream_t>(mStream));
}

int currentDevice() {
    int d = 0;
    check(cudaGetDevice(&d), "cudaGetDevice");
    return d;
}

DeviceGuard::DeviceGuard(int device) {
    mPrevious = currentDevice();
    if (mPrevious != device) {
        check(cudaSetDevice(device), "cudaSetDevice");
        mChanged = true;
    }
}

DeviceGuard::~DeviceGuard() {
    if (mChanged) cudaSetDevice(mPrevious);
}

EventTimer::EventTimer() {
    cudaEvent_t a = nullptr, b = nullptr;
    check(cudaEventCreate(&a), "cudaEventCreate");
    check(cudaEventCreate(&b), "cudaEventCreate");
    mStart = a;
    mStop = b;
}

EventTimer::~EventTimer() {
    cudaEventDestroy(static_cast<cudaEvent_t>(mStart));
    cudaEventDestroy(static_cast<cudaEvent_t>(mStop));
}

void EventTimer::start(void* stream) {
    check(cudaEventRecord(static_cast<cudaEvent_t>(mStart), static_cast<cudaStream_t>(stream)), "cudaEventRecord");
}

float EventTimer::stop(void* stream) {
    check(cudaEventRecord(static_cast<cudaEvent_t>(mStop), static_cast<cudaStream_t>(stream)), "cudaEventRecord");
    check(cudaEventSynchronize(static_cast<cudaEvent_t>(mStop)), "cudaEventSynchronize");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(mStart), static_cast<cudaEvent_t>(mStop)),
          "cudaEventElapsedTime");
    return ms;
}

}  // namespace kiln::cuda
