// The activation memory a context owns: host bytes for CPU engines, device bytes for GPU
// engines (through the runtime's GpuAllocator). It grows when shapes need more than the
// build-time estimate, and never shrinks.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "kiln/gpu_allocator.h"
#include "kiln/types.h"

namespace kiln::runtime {

class Arena {
public:
    Arena(DeviceType backend, GpuAllocator* allocator) : mBackend(backend), mAllocator(allocator) {}
    //! At least `bytes`; growing a device arena first waits for `stream`, whose work may still use the old one.
    void* reserve(size_t bytes, void* stream);
    size_t size() const { return mSize; }

private:
    DeviceType mBackend;
    GpuAllocator* mAllocator;
    std::vector<uint8_t> mHost;
    std::shared_ptr<void> mDevice;
    size_t mSize{0};
};

}  // namespace kiln::runtime
