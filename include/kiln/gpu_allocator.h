// GpuAllocator: the device memory Kiln takes for weights, activations and I/O buffers, which an
// application may replace (TensorRT's IGpuAllocator). Set it on the Builder (tactic timing)
// and on the Runtime (engines and their contexts); without one, Kiln uses cudaMalloc/cudaFree.
#pragma once

#include <cstdint>

#include "kiln/types.h"

namespace kiln {

class KILN_API GpuAllocator {
public:
    virtual ~GpuAllocator() = default;
    //! `size` bytes aligned to `alignment` (a power of two, at most 256), or nullptr when the
    //! memory is not available. `flags` is 0 (reserved).
    virtual void* allocate(uint64_t size, uint64_t alignment, uint32_t flags) noexcept = 0;
    //! Frees memory this allocator returned; false if it was not its memory.
    virtual bool deallocate(void* memory) noexcept = 0;
};

}  // namespace kiln
