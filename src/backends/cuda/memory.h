// Device memory, streams, events and the device guard: the CUDA runtime as the rest of Kiln
// sees it (no CUDA header needed by the callers). Allocation goes through a GpuAllocator
// (the application's, or cudaMalloc), and failure throws the SPEC §3 message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kiln/gpu_allocator.h"

namespace kiln::cuda {

//! cudaMalloc/cudaFree (the default when the application sets no allocator).
GpuAllocator& defaultAllocator();

//! Owned device bytes. `what` is the failure message's subject, e.g. "tensor: input".
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    //! Throws KilnError(kFAILED_ALLOCATION): "GPU memory allocation failed during initialization of <what>".
    DeviceBuffer(size_t bytes, GpuAllocator* allocator, const std::string& what);
    //! Throws with `failureMessage` as it is (the weights' message differs).
    static DeviceBuffer withMessage(size_t bytes, GpuAllocator* allocator, const std::string& failureMessage);
    ~DeviceBuffer();
    DeviceBuffer(DeviceBuffer&& o) noexcept;
    DeviceBuffer& operator=(DeviceBuffer&& o) noexcept;
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    void* data() const { return mData; }
    size_t size() const { return mSize; }

private:
    void* mData{nullptr};
    size_t mSize{0};
    GpuAllocator* mAllocator{nullptr};
};

void copyToDevice(void* dst, const void* src, size_t bytes, void* stream);
void copyToHost(void* dst, const void* src, size_t bytes, void* stream);
void copyDeviceToDevice(void* dst, const void* src, size_t bytes, void* stream);
void synchronize(void* stream);

//! A stream, destroyed with the object. A blocking one waits for work on the legacy default
//! stream (an application's plain cudaMemcpy) before its own; a non-blocking one does not.
class Stream {
public:
    explicit Stream(bool blocking = false);
    ~Stream();
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    void* get() const { return mStream; }

private:
    void* mStream{nullptr};
};

int currentDevice();

//! Makes `device` current for the guard's scope and restores the caller's device after it
//! (SPEC §2.4: execute/enqueue run on the engine's device whatever the caller's current one).
class DeviceGuard {
public:
    explicit DeviceGuard(int device);
    ~DeviceGuard();
    DeviceGuard(const DeviceGuard&) = delete;
    DeviceGuard& operator=(const DeviceGuard&) = delete;

private:
    int mPrevious{0};
    bool mChanged{false};
};

//! Times work on a stream with CUDA events (ms between start() and stop()).
class EventTimer {
public:
    EventTimer();
    ~EventTimer();
    EventTimer(const EventTimer&) = delete;
    EventTimer& operator=(const EventTimer&) = delete;
    void start(void* stream);
    //! Waits for the stop event; returns the elapsed milliseconds.
    float stop(void* stream);

private:
    void* mStart{nullptr};
    void* mStop{nullptr};
};

}  // namespace kiln::cuda
