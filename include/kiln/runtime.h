// Runtime: deserializes an engine (plan) after verifying it.
#pragma once

#include <cstddef>
#include <memory>

#include "kiln/engine.h"
#include "kiln/gpu_allocator.h"
#include "kiln/logger.h"

namespace kiln {

class KILN_API Runtime {
public:
    virtual ~Runtime() = default;
    //! Verifies the plan (format, versions, checksums, semantics) before trusting any of it.
    virtual std::unique_ptr<Engine> deserializeEngine(const void* blob, size_t size) noexcept = 0;
    //! GPU engines deserialized after this call, and their contexts, take device memory from
    //! `allocator` (which must outlive them); nullptr restores cudaMalloc.
    virtual void setGpuAllocator(GpuAllocator* allocator) noexcept = 0;
    virtual void setErrorRecorder(ErrorRecorder* recorder) noexcept = 0;
    virtual ErrorRecorder* getErrorRecorder() const noexcept = 0;
};

KILN_API std::unique_ptr<Runtime> createRuntime(Logger& logger) noexcept;

}  // namespace kiln
