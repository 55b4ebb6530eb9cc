// The checksum of the weights blobs in an engine plan file.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kiln::engine {

//! XXH64 (seed 0) of `size` bytes: fast enough to check gigabytes of weights on every load.
uint64_t checksum64(const void* data, size_t size) noexcept;

}  // namespace kiln::engine
