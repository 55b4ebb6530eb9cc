// Kiln's version. The shared library also exports the symbol
// kiln_version_<MAJOR>_<MINOR>_<PATCH>_<BUILD> so that `nm -D libkiln.so` shows it.
#pragma once

#include <cstdint>

#include "kiln/types.h"

#define KILN_VERSION_MAJOR 0
#define KILN_VERSION_MINOR 1
#define KILN_VERSION_PATCH 0
#define KILN_VERSION_BUILD 0
//! MAJOR * 1000000 + MINOR * 10000 + PATCH * 100 + BUILD, as TensorRT's NV_TENSORRT_VERSION.
#define KILN_VERSION \
    (KILN_VERSION_MAJOR * 1000000 + KILN_VERSION_MINOR * 10000 + KILN_VERSION_PATCH * 100 + KILN_VERSION_BUILD)

namespace kiln {
//! The library's version as KILN_VERSION computes it (the library's, not the headers').
KILN_API int32_t getKilnVersion() noexcept;
//! "MAJOR.MINOR.PATCH.BUILD".
KILN_API const char* getKilnVersionString() noexcept;
//! Every KILN_* environment variable with its meaning, one per line (`kiln --list-env`).
KILN_API const char* listEnvironmentKnobs() noexcept;
}  // namespace kiln
